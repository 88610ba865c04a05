import { type SessionPages, sessionPageCounts } from '@beckon/core/features/index';
import type { Insertable, Kysely } from 'kysely';
import { refreshVisitorsFacts } from './contact-facts.ts';
import type { ModelSessionsTable, PageStatsTable } from './model-schema.ts';
import type { Database } from './schema.ts';

const DAY_MS = 86_400_000;
/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound values (12 columns each). */
const ROWS_PER_STATEMENT = 250;
/** The counts a session adds to each of its pages' statistics. */
const PAGE_COUNTS = ['pageviews', 'uniques', 'entrances', 'bounces', 'exits', 'revenue'] as const;

/** A finished session as the scoring module hands it over: its training row and its pages. */
export interface FinishedSession {
  row: Insertable<ModelSessionsTable>;
  pages: SessionPages;
}

/** One labelled session for training. */
export interface TrainingRow {
  features: number[];
  purchased: boolean;
  endedAt: number;
}

/** Finished sessions (features and purchase label) and the per-page statistics they feed. */
export class ModelSessionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records finished sessions in one transaction. A session recorded before (by another node, or
   * before a restart) is skipped whole, so its pages are never counted twice in the statistics.
   */
  async record(sessions: readonly FinishedSession[]): Promise<number> {
    if (sessions.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const inserted = new Set<string>();
      for (let i = 0; i < sessions.length; i += ROWS_PER_STATEMENT) {
        const rows = await trx
          .insertInto('model_sessions')
          .values(sessions.slice(i, i + ROWS_PER_STATEMENT).map((s) => s.row))
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute();
        for (const r of rows) inserted.add(r.id);
      }
      // A scored visit may be its contact's latest (the contact's facts).
      const scored = sessions.filter((s) => inserted.has(s.row.id) && s.row.score != null);
      if (scored.length > 0)
        await refreshVisitorsFacts(
          trx,
          scored.map((s) => [s.row.site_id, s.row.visitor_id] as const),
        );
      // The pages of the sessions inserted now, summed per site, day and page: one upsert per key.
      const stats = new Map<string, Insertable<PageStatsTable>>();
      for (const s of sessions) {
        if (!inserted.has(s.row.id)) continue;
        const day = Math.floor(Number(s.row.ended_at) / DAY_MS);
        for (const [page, c] of sessionPageCounts(s.pages)) {
          const key = `${s.row.site_id}\u0000${day}\u0000${page}`;
          const sum = stats.get(key);
          if (!sum) stats.set(key, { site_id: s.row.site_id, day, page, account_id: s.row.account_id, ...c });
          else for (const k of PAGE_COUNTS) (sum[k] as number) += c[k];
        }
      }
      const all = [...stats.values()];
      for (let i = 0; i < all.length; i += ROWS_PER_STATEMENT)
        await trx
          .insertInto('page_stats')
          .values(all.slice(i, i + ROWS_PER_STATEMENT))
          .onConflict((oc) =>
            oc.columns(['site_id', 'day', 'page']).doUpdateSet((eb) => ({
              pageviews: eb('page_stats.pageviews', '+', eb.ref('excluded.pageviews')),
              uniques: eb('page_stats.uniques', '+', eb.ref('excluded.uniques')),
              entrances: eb('page_stats.entrances', '+', eb.ref('excluded.entrances')),
              bounces: eb('page_stats.bounces', '+', eb.ref('excluded.bounces')),
              exits: eb('page_stats.exits', '+', eb.ref('excluded.exits')),
              revenue: eb('page_stats.revenue', '+', eb.ref('excluded.revenue')),
            })),
          )
          .execute();
      return inserted.size;
    });
  }

  /** How many finished sessions and purchases the account has (what decides whether it can train). */
  async counts(accountId: string): Promise<{ sessions: number; purchases: number }> {
    const r = await this.db
      .selectFrom('model_sessions')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum<number>('purchased').as('p')])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return { sessions: Number(r?.n ?? 0), purchases: Number(r?.p ?? 0) };
  }

  /** Accounts that have finished sessions (candidates for scheduled training). */
  async accounts(): Promise<string[]> {
    const rows = await this.db.selectFrom('model_sessions').select('account_id').distinct().execute();
    return rows.map((r) => r.account_id);
  }

  /** The account's most recent finished sessions (at most `limit`), oldest first. */
  async trainingRows(accountId: string, limit: number): Promise<TrainingRow[]> {
    const rows = await this.db
      .selectFrom('model_sessions')
      .select(['features', 'purchased', 'ended_at'])
      .where('account_id', '=', accountId)
      .orderBy('ended_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    const out: TrainingRow[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i]!;
      const features = (JSON.parse(r.features) as (number | null)[]).map((v) =>
        v === null ? Number.NaN : v,
      );
      out.push({ features, purchased: Number(r.purchased) === 1, endedAt: Number(r.ended_at) });
    }
    return out;
  }

  /** Per-page sums of a site's statistics since `sinceDay` (days since 1970-01-01). */
  async pageStats(siteId: string, sinceDay: number) {
    const rows = await this.db
      .selectFrom('page_stats')
      .select((eb) => [
        'page',
        eb.fn.sum<number>('pageviews').as('pageviews'),
        eb.fn.sum<number>('uniques').as('uniques'),
        eb.fn.sum<number>('entrances').as('entrances'),
        eb.fn.sum<number>('bounces').as('bounces'),
        eb.fn.sum<number>('exits').as('exits'),
        eb.fn.sum<number>('revenue').as('revenue'),
      ])
      .where('site_id', '=', siteId)
      .where('day', '>=', sinceDay)
      .groupBy('page')
      .execute();
    return rows.map((r) => ({
      page: r.page,
      pageviews: Number(r.pageviews),
      uniques: Number(r.uniques),
      entrances: Number(r.entrances),
      bounces: Number(r.bounces),
      exits: Number(r.exits),
      revenue: Number(r.revenue),
    }));
  }
}
