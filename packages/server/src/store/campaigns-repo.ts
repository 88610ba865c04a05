import type { Campaign, CampaignStatus, ScoreBandMode, ValidCampaignInput } from '@beckon/protocol';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { iso } from './rows.ts';
import type { CampaignsTable, Database } from './schema.ts';
import type { WebhooksRepo } from './webhooks-repo.ts';

/** A stored campaign: what targeting runs on, plus its bookkeeping. */
export interface CampaignRecord extends Campaign {
  scoreBands: ScoreBandMode;
  accountId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A cheap summary of an account's campaigns that changes whenever any of them does. */
export interface CampaignsFingerprint {
  count: number;
  versions: number;
  lastUpdatedAt: number;
}

const toRecord = (r: Selectable<CampaignsTable>): CampaignRecord => {
  const rec: CampaignRecord = {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    status: r.status,
    goal: JSON.parse(r.goal),
    targeting: JSON.parse(r.targeting),
    frequency: JSON.parse(r.frequency),
    priority: Number(r.priority),
    controlShare: Number(r.control_share),
    engagement: JSON.parse(r.engagement),
    attributionWindowDays: Number(r.attribution_window_days),
    scoreBands: r.score_bands === 'positive_lift' ? 'positive_lift' : 'all',
    version: Number(r.version),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
  if (r.schedule) rec.schedule = JSON.parse(r.schedule);
  if (r.minimal_effect != null) rec.minimalEffect = Number(r.minimal_effect);
  if (r.uplift) rec.uplift = JSON.parse(r.uplift);
  if (r.surfaces === 'app' || r.surfaces === 'both') rec.surfaces = r.surfaces;
  return rec;
};

const columnsOf = (c: ValidCampaignInput) => ({
  name: c.name,
  status: c.status,
  goal: JSON.stringify(c.goal),
  targeting: JSON.stringify(c.targeting),
  schedule: c.schedule ? JSON.stringify(c.schedule) : null,
  frequency: JSON.stringify(c.frequency),
  priority: c.priority,
  control_share: c.controlShare,
  engagement: JSON.stringify(c.engagement),
  attribution_window_days: c.attributionWindowDays,
  score_bands: c.scoreBands ?? 'all',
  minimal_effect: c.minimalEffect ?? null,
  uplift: c.uplift ? JSON.stringify(c.uplift) : null,
  surfaces: c.surfaces ?? null,
});

/** The custom event a stored goal (JSON text) names, or null for a purchase goal or an unreadable one. */
export function goalEventName(goal: string): string | null {
  try {
    const g = JSON.parse(goal) as { type?: string; name?: unknown };
    return g?.type === 'event' && typeof g.name === 'string' ? g.name : null;
  } catch {
    return null;
  }
}

/** Engagement campaigns of an account; inputs arrive validated (`validateCampaignInput`). */
export class CampaignsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly webhooks: WebhooksRepo,
  ) {}

  /** Runs a change and queues its `campaign.changed` in the same transaction. */
  private async changing(
    accountId: string,
    id: string,
    change: 'created' | 'updated' | 'deleted',
    now: number,
    write: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<void> {
    const queued = await this.db.transaction().execute(async (trx) => {
      await write(trx);
      if (!(await this.webhooks.wants(accountId, 'campaign.changed', now, trx))) return 0;
      const c = await trx
        .selectFrom('campaigns')
        .select(['id', 'name', 'status', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const campaign = { id: c.id, name: c.name, status: c.status, version: Number(c.version) };
      const data = { change, campaign };
      const event: WebhookEvent = { type: 'campaign.changed', timestamp: new Date(now).toISOString(), data };
      return this.webhooks.queueIn(trx, accountId, [event], now);
    });
    this.webhooks.committed(queued);
  }

  async list(accountId: string, status?: CampaignStatus): Promise<CampaignRecord[]> {
    let q = this.db
      .selectFrom('campaigns')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null);
    if (status) q = q.where('status', '=', status);
    const rows = await q.orderBy('priority', 'desc').orderBy('id').execute();
    return rows.map(toRecord);
  }

  async get(accountId: string, id: string): Promise<CampaignRecord> {
    const row = await this.db
      .selectFrom('campaigns')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw notFound('campaign');
    return toRecord(row);
  }

  /** Names of an account's campaigns, deleted ones included (reports still show them). */
  async names(accountId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('campaigns')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /**
   * Creates a campaign under an id the server chooses: a client-chosen id could collide with, and so
   * reveal, another account's. `seededId` is for the server's own seeding only (the demo's campaigns
   * get the same ids on every install, so their control groups hold the same visitors).
   */
  async create(accountId: string, input: ValidCampaignInput, seededId?: string): Promise<CampaignRecord> {
    const id = seededId ?? newId('cmp');
    const now = Date.now();
    await this.changing(accountId, id, 'created', now, async (trx) => {
      await trx
        .insertInto('campaigns')
        .values({
          id,
          account_id: accountId,
          ...columnsOf(input),
          version: 1,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .execute();
    });
    return this.get(accountId, id);
  }

  /** Replaces a campaign's definition (the caller merged and validated the patch) and bumps its version. */
  async replace(accountId: string, id: string, input: ValidCampaignInput): Promise<CampaignRecord> {
    const current = await this.get(accountId, id);
    const now = Date.now();
    await this.changing(accountId, id, 'updated', now, async (trx) => {
      await trx
        .updateTable('campaigns')
        .set({ ...columnsOf(input), version: current.version + 1, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .execute();
    });
    return this.get(accountId, id);
  }

  /** Retires a campaign: it stops running and disappears from lists; its exposures stay. */
  async delete(accountId: string, id: string): Promise<void> {
    const now = Date.now();
    await this.changing(accountId, id, 'deleted', now, async (trx) => {
      const res = await trx
        .updateTable('campaigns')
        .set({ deleted_at: now, updated_at: now })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound('campaign');
    });
  }

  /**
   * The custom events that are a goal of one of the account's campaigns, deleted ones included
   * (their exposures still count): the events attribution reads one by one.
   */
  async goalEvents(accountId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('campaigns')
      .select('goal')
      .where('account_id', '=', accountId)
      .execute();
    const names = new Set<string>();
    for (const r of rows) {
      const name = goalEventName(r.goal);
      if (name !== null) names.add(name);
    }
    return names;
  }

  /** Detects any change to an account's campaigns with one small query (nodes poll it as a safety net). */
  async fingerprint(accountId: string): Promise<CampaignsFingerprint> {
    const row = await this.db
      .selectFrom('campaigns')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>('version').as('versions'),
        eb.fn.max('updated_at').as('last'),
      ])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return {
      count: Number(row.n),
      versions: Number(row.versions ?? 0),
      lastUpdatedAt: Number(row.last ?? 0),
    };
  }
}
