import { type BusinessHours as Hours, minuteOf } from '@beckon/core/hours/business-hours';
import type { BusinessHours, Skill, SkillCreate, SkillUpdate } from '@beckon/protocol/api';
import type { SlaTargets } from '@beckon/protocol/sla-api';
import type { Kysely, Selectable } from 'kysely';
import { badRequest, conflict, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { isUniqueViolation } from './connect.ts';
import { iso, jsonArray } from './rows.ts';
import type { Database, SkillsTable } from './schema.ts';

const toSkill = (r: Selectable<SkillsTable>): Skill => ({
  id: r.id,
  name: r.name,
  maxWaitSeconds: r.max_wait_seconds,
  offerTimeoutSeconds: r.offer_timeout_seconds,
  transferSkillIds: jsonArray(r.transfer_skill_ids),
  hours: readHours(r.business_hours ?? null),
  botId: r.bot_id ?? null,
  sla: readTargets(r.sla_targets ?? null),
  createdAt: iso(r.created_at)!,
});

/** A skill's stored SLA targets, or null (none). */
export function readTargets(text: string | null): SlaTargets | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as SlaTargets;
  } catch {
    return null;
  }
}

/** The column value of SLA targets: null when no band has a target. */
function targetsColumn(t: SlaTargets | null): string | null {
  if (!t) return null;
  const kept = Object.entries(t).filter(
    ([, v]) => v && (v.firstResponseSeconds !== null || v.resolutionSeconds !== null),
  );
  return kept.length === 0 ? null : JSON.stringify(Object.fromEntries(kept));
}

/** A skill's stored hours as the API shows them, or null (always open). */
function readHours(text: string | null): BusinessHours | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as BusinessHours;
  } catch {
    return null;
  }
}

/** A skill's stored hours in the terms of the core's calendar (minutes), or null (always open). */
export const hoursOf = (text: string | null | undefined): Hours | null =>
  toCoreHours(readHours(text ?? null));

/** The API's hours (`HH:MM`) in the terms of the core's calendar (minutes). */
export function toCoreHours(h: BusinessHours | null): Hours | null {
  if (!h) return null;
  return {
    timeZone: h.timeZone,
    weekly: h.weekly.map((w) => ({ day: w.day, from: minuteOf(w.from) ?? 0, to: minuteOf(w.to) ?? 0 })),
    holidays: h.holidays,
  };
}

/** Checks what the schema cannot (a known time zone, real dates) and gives the column value. */
function hoursColumn(h: BusinessHours | null): string | null {
  if (h === null) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: h.timeZone });
  } catch {
    throw badRequest(`hours.timeZone: unknown time zone "${h.timeZone}"`);
  }
  for (const d of h.holidays) {
    if (new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d)
      throw badRequest(`hours.holidays: ${d} is not a date`);
  }
  return JSON.stringify({
    timeZone: h.timeZone,
    weekly: h.weekly,
    holidays: [...new Set(h.holidays)].sort(),
  });
}

/** Queues of work (Sales, Support…) with their wait limits and transfer targets. */
export class SkillsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: string): Promise<Skill[]> {
    const rows = await this.db
      .selectFrom('skills')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('name')
      .execute();
    return rows.map(toSkill);
  }

  async get(accountId: string, id: string): Promise<Skill> {
    const row = await this.db
      .selectFrom('skills')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('skill');
    return toSkill(row);
  }

  /** Throws 400 unless every id is a skill of this account. */
  async assertOwned(accountId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const unique = [...new Set(ids)];
    const rows = await this.db
      .selectFrom('skills')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', 'in', unique)
      .execute();
    if (rows.length !== unique.length) throw badRequest('unknown skill id', 'unknown_skill');
  }

  /** Refuses a bot id that is not one of the account's bots. */
  private async assertBot(accountId: string, botId: string | null | undefined): Promise<void> {
    if (!botId) return;
    const row = await this.db
      .selectFrom('bots')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', botId)
      .executeTakeFirst();
    if (!row) throw badRequest('unknown bot id', 'unknown_bot');
  }

  async create(accountId: string, input: SkillCreate): Promise<Skill> {
    await this.assertOwned(accountId, input.transferSkillIds ?? []);
    await this.assertBot(accountId, input.botId);
    const id = newId('skill');
    try {
      await this.db
        .insertInto('skills')
        .values({
          id,
          account_id: accountId,
          name: input.name,
          max_wait_seconds: input.maxWaitSeconds ?? 120,
          offer_timeout_seconds: input.offerTimeoutSeconds ?? 30,
          transfer_skill_ids: JSON.stringify(input.transferSkillIds ?? []),
          business_hours: hoursColumn(input.hours ?? null),
          bot_id: input.botId ?? null,
          sla_targets: targetsColumn(input.sla ?? null),
          created_at: Date.now(),
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a skill named "${input.name}" already exists`);
      throw err;
    }
    return this.get(accountId, id);
  }

  async update(accountId: string, id: string, patch: SkillUpdate): Promise<Skill> {
    await this.get(accountId, id);
    if (patch.transferSkillIds) {
      if (patch.transferSkillIds.includes(id)) throw badRequest('a skill cannot transfer to itself');
      await this.assertOwned(accountId, patch.transferSkillIds);
    }
    const values: Partial<SkillsTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.maxWaitSeconds !== undefined) values.max_wait_seconds = patch.maxWaitSeconds;
    if (patch.offerTimeoutSeconds !== undefined) values.offer_timeout_seconds = patch.offerTimeoutSeconds;
    if (patch.transferSkillIds !== undefined)
      values.transfer_skill_ids = JSON.stringify(patch.transferSkillIds);
    if (patch.hours !== undefined) values.business_hours = hoursColumn(patch.hours);
    if (patch.sla !== undefined) values.sla_targets = targetsColumn(patch.sla);
    if (patch.botId !== undefined) {
      await this.assertBot(accountId, patch.botId);
      values.bot_id = patch.botId;
    }
    if (Object.keys(values).length > 0) {
      try {
        await this.db
          .updateTable('skills')
          .set(values)
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`a skill named "${patch.name}" already exists`);
        throw err;
      }
    }
    return this.get(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('skills')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('skill');
  }
}
