import type { Skill, SkillCreate, SkillUpdate } from '@beckon/protocol/api';
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
  createdAt: iso(r.created_at)!,
});

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

  async create(accountId: string, input: SkillCreate): Promise<Skill> {
    await this.assertOwned(accountId, input.transferSkillIds ?? []);
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
