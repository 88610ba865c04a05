import type { TrendPoint } from '@beckon/protocol/reports-api';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';

export const MINUTE_MS = 60_000;
export const TREND_MINUTES = 60;

type Series = Omit<TrendPoint, 'at'>;
const empty = (): Series => ({
  events: 0,
  sessions: 0,
  exposures: 0,
  conversations: 0,
  conversions: 0,
  revenue: 0,
});

/** Per-minute activity of an account's sites over [from, to): events, sessions, exposures, conversations, conversions, revenue. */
export async function minuteSeries(
  db: Kysely<Database>,
  accountId: string,
  siteIds: string[],
  from: number,
  to: number,
): Promise<Map<number, Series>> {
  const out = new Map<number, Series>();
  const add = (rows: Array<{ m: unknown; n: unknown; r?: unknown }>, key: keyof Series) => {
    for (const row of rows) {
      const minute = from + Number(row.m) * MINUTE_MS;
      let s = out.get(minute);
      if (!s) {
        s = empty();
        out.set(minute, s);
      }
      s[key] += Number(row.n ?? 0);
      if (key === 'conversions') s.revenue += Number(row.r ?? 0);
    }
  };
  // Literal bounds: PostgreSQL must see the selected and the grouped expression as the same.
  const bucket = (column: string) =>
    sql<number>`(${sql.ref(column)} - ${sql.lit(from)}) / ${sql.lit(MINUTE_MS)}`;

  const events = await db
    .selectFrom('event_frames')
    .select((eb) => [bucket('ts').as('m'), eb.fn.sum('event_count').as('n')])
    .where('account_id', '=', accountId)
    .where('site_id', 'in', siteIds)
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .groupBy(bucket('ts'))
    .execute();
  add(events, 'events');
  const sessions = await db
    .selectFrom('visitor_sessions')
    .select((eb) => [bucket('started_at').as('m'), eb.fn.countAll().as('n')])
    .where('account_id', '=', accountId)
    .where('site_id', 'in', siteIds)
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .groupBy(bucket('started_at'))
    .execute();
  add(sessions, 'sessions');
  const exposures = await db
    .selectFrom('exposures')
    .select((eb) => [bucket('created_at').as('m'), eb.fn.countAll().as('n')])
    .where('account_id', '=', accountId)
    .where('site_id', 'in', siteIds)
    .where('control', '=', 0)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy(bucket('created_at'))
    .execute();
  add(exposures, 'exposures');
  const conversations = await db
    .selectFrom('conversations')
    .select((eb) => [bucket('created_at').as('m'), eb.fn.countAll().as('n')])
    .where('account_id', '=', accountId)
    .where('site_id', 'in', siteIds)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy(bucket('created_at'))
    .execute();
  add(conversations, 'conversations');
  const conversions = await db
    .selectFrom('conversions')
    .select((eb) => [bucket('ts').as('m'), eb.fn.countAll().as('n'), eb.fn.sum<number>('revenue').as('r')])
    .where('account_id', '=', accountId)
    .where('site_id', 'in', siteIds)
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .groupBy(bucket('ts'))
    .execute();
  add(conversions, 'conversions');
  return out;
}

/**
 * The last hour, minute by minute. Older minutes are cached per key and computed once a minute;
 * only the current and the previous minute (late writes still land there) are read on every call,
 * so polling dashboards stay cheap.
 */
export class TrendCache {
  private readonly done = new Map<string, { upTo: number; series: Map<number, Series> }>();

  async trend(
    db: Kysely<Database>,
    key: string,
    accountId: string,
    siteIds: string[],
    now: number,
  ): Promise<TrendPoint[]> {
    const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const first = current - (TREND_MINUTES - 1) * MINUTE_MS;
    let cached = this.done.get(key);
    if (!cached || cached.upTo !== current) {
      cached = {
        upTo: current,
        series: await minuteSeries(db, accountId, siteIds, first, current - MINUTE_MS),
      };
      this.done.set(key, cached);
      if (this.done.size > 1000) this.done.delete(this.done.keys().next().value!);
    }
    const recent = current - MINUTE_MS;
    const live = await minuteSeries(db, accountId, siteIds, recent, current + MINUTE_MS);
    const points: TrendPoint[] = [];
    for (let m = first; m <= current; m += MINUTE_MS) {
      const s = (m >= recent ? live.get(m) : cached.series.get(m)) ?? empty();
      points.push({ at: new Date(m).toISOString(), ...s });
    }
    return points;
  }
}
