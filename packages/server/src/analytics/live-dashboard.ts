import type { LiveReport, SkillQueue } from '@beckon/protocol/reports-api';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { engagementOf } from '../engagement/engagement-runtime.ts';
import { accountCurrency } from './account-currency.ts';
import { TrendCache } from './live-trend.ts';
import { startOfDay } from './report-filters.ts';

/** A visitor seen this recently is "on the site now". */
export const ON_SITE_MS = 5 * 60_000;
/** Qualified and exposed count visitors of this recent span (about one session). */
export const RECENT_MS = 30 * 60_000;
const CACHE_MS = 500;

const n = (v: unknown) => Number(v ?? 0);

/**
 * The live dashboard of an account: who is on the sites, engagement in the last half hour, queues,
 * chats and agents now, today's service and sales, and the last hour's trend. Answers are cached
 * for under a second so many open dashboards polling every second cost one computation.
 */
export class LiveDashboard {
  private readonly cache = new Map<string, { at: number; value: Promise<LiveReport> }>();
  private readonly trend = new TrendCache();

  constructor(private readonly ctx: AppContext) {}

  /** Drops an account's cached answers, so a conversion just recorded shows on the next poll. */
  invalidate(accountId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${accountId}\u0000`)) this.cache.delete(key);
  }

  /** The dashboard now, for all of the account's sites or one. */
  get(accountId: string, siteId: string | undefined, tz: string, now = Date.now()): Promise<LiveReport> {
    const key = `${accountId}\u0000${siteId ?? ''}\u0000${tz}`;
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.value;
    const value = this.compute(accountId, siteId, tz, now);
    this.cache.set(key, { at: now, value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  private async compute(
    accountId: string,
    siteId: string | undefined,
    tz: string,
    now: number,
  ): Promise<LiveReport> {
    const db = this.ctx.store.db;
    const sites = await db.selectFrom('sites').select('id').where('account_id', '=', accountId).execute();
    const siteIds = sites.map((s) => s.id).filter((id) => !siteId || id === siteId);
    if (siteIds.length === 0) siteIds.push('-');

    const stored = await db
      .selectFrom('visitors')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', accountId)
      .where('site_id', 'in', siteIds)
      .where('last_seen_at', '>=', now - ON_SITE_MS)
      .executeTakeFirst();
    // Stored visitor rows lag by up to a snapshot interval; this node's tracker knows its visitors now.
    let local = 0;
    for (const v of engagementOf(this.ctx).tracker.visitorsOf(accountId)) {
      if (siteIds.includes(v.site.id) && (v.channels.size > 0 || now - v.state.lastEventAt < ON_SITE_MS))
        local++;
    }

    const recent = await db
      .selectFrom(
        db
          .selectFrom('exposures')
          .select(['site_id', 'visitor_id', sql<number>`min(control)`.as('ctl')])
          .where('account_id', '=', accountId)
          .where('site_id', 'in', siteIds)
          .where('campaign_id', 'is not', null)
          .where('created_at', '>=', now - RECENT_MS)
          .groupBy(['site_id', 'visitor_id'])
          .as('v'),
      )
      .select((eb) => [
        eb.fn.countAll().as('qualified'),
        sql<number>`sum(case when v.ctl = 0 then 1 else 0 end)`.as('exposed'),
      ])
      .executeTakeFirst();

    let openQuery = db
      .selectFrom('conversations')
      .select(['status', 'skill_id', 'assigned_agent_id', 'offered_to', 'enqueued_at'])
      .where('account_id', '=', accountId)
      .where('status', 'in', ['queued', 'offered', 'active']);
    if (siteId) openQuery = openQuery.where('site_id', '=', siteId);
    const open = await openQuery.execute();
    const skills = await db
      .selectFrom('skills')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .orderBy('name')
      .execute();
    const queues: SkillQueue[] = skills.map((s) => {
      const waiting = open.filter((c) => c.skill_id === s.id && c.status !== 'active');
      const oldest = Math.min(...waiting.map((c) => n(c.enqueued_at)));
      return {
        skillId: s.id,
        name: s.name,
        waiting: waiting.length,
        longestWaitSeconds: waiting.length ? (now - oldest) / 1000 : 0,
      };
    });
    const waiting = open.filter((c) => c.status !== 'active');
    const oldestWait = waiting.length ? Math.min(...waiting.map((c) => n(c.enqueued_at))) : now;

    const users = await db
      .selectFrom('users')
      .select(['id', 'status', 'capacity'])
      .where('account_id', '=', accountId)
      .where('role', '!=', 'analyst')
      .execute();
    // The presence set reads its per-node marks (`user@node`) back as user ids.
    const present = (await chatOf(this.ctx)?.presence.connected(accountId)) ?? new Set<string>();
    // Load counts every open chat on any site: capacity is the agent's, not a site's.
    const loads = await db
      .selectFrom('conversations')
      .select(['assigned_agent_id', 'offered_to', 'status'])
      .where('account_id', '=', accountId)
      .where('status', 'in', ['offered', 'active'])
      .execute();
    let online = 0;
    let available = 0;
    let atCapacity = 0;
    for (const u of users) {
      if (u.status !== 'online' || !present.has(u.id)) continue;
      online++;
      const load = loads.filter(
        (c) =>
          (c.status === 'active' && c.assigned_agent_id === u.id) ||
          (c.status === 'offered' && c.offered_to === u.id),
      ).length;
      if (load >= n(u.capacity)) atCapacity++;
      else available++;
    }

    const today = startOfDay(tz, now);
    let todayQuery = db
      .selectFrom('conversations')
      .select((eb) => [
        eb.fn.countAll().as('n'),
        eb.fn.count('first_response_at').as('fr_n'),
        sql<number>`sum(first_response_at - enqueued_at)`.as('fr_sum'),
      ])
      .where('account_id', '=', accountId)
      .where('created_at', '>=', today);
    if (siteId) todayQuery = todayQuery.where('site_id', '=', siteId);
    const conv = await todayQuery.executeTakeFirst();
    const sales = await db
      .selectFrom('conversions')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum<number>('revenue').as('revenue')])
      .where('account_id', '=', accountId)
      .where('site_id', 'in', siteIds)
      .where('ts', '>=', today)
      .executeTakeFirst();

    return {
      at: new Date(now).toISOString(),
      siteId: siteId ?? null,
      visitorsNow: Math.max(n(stored?.n), local),
      qualified: n(recent?.qualified),
      exposed: n(recent?.exposed),
      queues,
      inQueue: waiting.length,
      chatsActive: open.length - waiting.length,
      agentsOnline: online,
      agentsAvailable: available,
      agentsAtCapacity: atCapacity,
      longestWaitSeconds: (now - oldestWait) / 1000,
      avgFirstResponseTodaySeconds: n(conv?.fr_n) > 0 ? n(conv?.fr_sum) / n(conv?.fr_n) / 1000 : null,
      conversationsToday: n(conv?.n),
      conversionsToday: n(sales?.n),
      revenueToday: n(sales?.revenue),
      currency: await accountCurrency(db, accountId),
      trend: await this.trend.trend(db, `${accountId}\u0000${siteId ?? ''}`, accountId, siteIds, now),
    };
  }
}
