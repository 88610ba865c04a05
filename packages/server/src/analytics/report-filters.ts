import type { ReportPeriod, ReportQuery } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import { zoneOffsetMs } from '../engagement/session-clock.ts';
import { badRequest } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { DAY_MS } from './attribution-rules.ts';

/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/** Longest period a report covers. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 30;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A report's scope, resolved: account, half-open period [from, to), and optional narrowing filters. */
export interface ReportFilters {
  accountId: string;
  from: number;
  to: number;
  tz: string;
  /** Sites the report covers: the one asked for, or all of the account's (index-friendly `IN`). */
  siteIds: string[];
  siteId?: string;
  campaignId?: string;
  skillId?: string;
  agentId?: string;
  /** With a skill filter: the campaigns whose engagement routes to that skill. */
  skillCampaignIds?: string[];
}

/** True when `tz` names an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The hours of a period of one day (24, or 23 or 25 across a clock change), as epoch-ms starts;
 * null for a longer period. A one-day chart drawn per day is a single dot: per hour it has a shape.
 */
export function hourStarts(f: { from: number; to: number }): number[] | null {
  if (f.to - f.from > 25 * HOUR_MS) return null;
  const starts: number[] = [];
  for (let t = f.from; t < f.to; t += HOUR_MS) starts.push(t);
  return starts;
}

/** Local midnight (epoch ms) of the day containing `t` in `tz`. */
export function startOfDay(tz: string, t: number): number {
  const offset = zoneOffsetMs(tz, t);
  const guess = Math.floor((t + offset) / DAY_MS) * DAY_MS - offset;
  const offsetThen = zoneOffsetMs(tz, guess);
  return offsetThen === offset ? guess : guess + offset - offsetThen;
}

/** Parses `YYYY-MM-DD` (local midnight in `tz`; the next midnight when it is an end) or an ISO date-time. */
export function parseBound(text: string, tz: string, end: boolean, name: string): number {
  const m = DATE_ONLY.exec(text.trim());
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // Date.UTC rolls 2026-02-31 over into March: a day the calendar lacks is refused instead.
    const day0 = new Date(Date.UTC(year, month - 1, day));
    if (Number.isNaN(day0.getTime()) || day0.getUTCMonth() !== month - 1 || day0.getUTCDate() !== day)
      throw badRequest(`${name}: not a date`);
    const utc = Date.UTC(year, month - 1, day + (end ? 1 : 0));
    return utc - zoneOffsetMs(tz, utc - zoneOffsetMs(tz, utc));
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw badRequest(`${name}: use YYYY-MM-DD or an ISO date-time`);
  return t;
}

/** Validates the query and resolves it for one account (sites, and a skill's campaigns). */
export async function resolveFilters(
  db: Kysely<Database>,
  accountId: string,
  q: Omit<ReportQuery, 'format'>,
  now = Date.now(),
): Promise<ReportFilters> {
  const tz = q.tz ?? 'UTC';
  if (!isTimeZone(tz)) throw badRequest(`tz: unknown time zone "${tz}"`);
  const to = q.to ? parseBound(q.to, tz, true, 'to') : now;
  const from = q.from ? parseBound(q.from, tz, false, 'from') : to - DEFAULT_RANGE_DAYS * DAY_MS;
  if (!(from < to)) throw badRequest('from must be before to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw badRequest(`a report covers at most ${MAX_RANGE_DAYS} days`);
  const sites = await db.selectFrom('sites').select('id').where('account_id', '=', accountId).execute();
  const siteIds = q.siteId ? sites.filter((s) => s.id === q.siteId).map((s) => s.id) : sites.map((s) => s.id);
  const f: ReportFilters = { accountId, from, to, tz, siteIds: siteIds.length > 0 ? siteIds : ['-'] };
  if (q.siteId) f.siteId = q.siteId;
  if (q.campaignId) f.campaignId = q.campaignId;
  if (q.agentId) f.agentId = q.agentId;
  if (q.skillId) {
    f.skillId = q.skillId;
    const campaigns = await db
      .selectFrom('campaigns')
      .select(['id', 'engagement'])
      .where('account_id', '=', accountId)
      .execute();
    f.skillCampaignIds = campaigns.filter((c) => skillOf(c.engagement) === q.skillId).map((c) => c.id);
  }
  return f;
}

function skillOf(engagement: string): string | null {
  try {
    const e = JSON.parse(engagement) as { skillId?: unknown };
    return typeof e.skillId === 'string' ? e.skillId : null;
  } catch {
    return null;
  }
}

/** The period block every report echoes back. */
export function periodOf(f: ReportFilters): ReportPeriod {
  return {
    from: new Date(f.from).toISOString(),
    to: new Date(f.to).toISOString(),
    tz: f.tz,
    siteId: f.siteId ?? null,
    campaignId: f.campaignId ?? null,
    skillId: f.skillId ?? null,
    agentId: f.agentId ?? null,
  };
}

/** Campaign ids the filters allow, or null for "any campaign"; an empty list matches none. */
export function campaignScope(f: ReportFilters): string[] | null {
  if (f.campaignId && f.skillCampaignIds)
    return f.skillCampaignIds.includes(f.campaignId) ? [f.campaignId] : [];
  if (f.campaignId) return [f.campaignId];
  return f.skillCampaignIds ?? null;
}
