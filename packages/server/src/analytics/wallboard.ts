import { slaClocks } from '@beckon/core/sla/sla-clock';
import type { Wallboard, WallboardAgent, WallboardSkill } from '@beckon/protocol/wallboard-api';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import type { AgentStateRow } from '../store/agent-states-repo.ts';
import { inStateSince } from './agent-state-time.ts';

const DAY_MS = 86_400_000;

import { analyticsOf } from './analytics-runtime.ts';
import { conversationAggregates, conversationsIn } from './conversations-report.ts';
import { startOfDay } from './report-filters.ts';

const n = (v: unknown) => Number(v ?? 0);

/** A first-response clock's verdict: true met, false missed, null still running or no target. */
function firstResponseMet(clocks: ReturnType<typeof slaClocks>): boolean | null {
  const k = clocks.find((x) => x.target === 'first_response');
  if (!k) return null;
  if (k.breached) return false;
  return k.stoppedAt === null ? null : true;
}

/**
 * The wallboard of an account at `now`: the live report's queues, today's first-response service
 * level per skill (the SLA report's clocks), abandoned chats today (the conversations report's
 * aggregates), and each agent's state, chats, calls and load.
 */
export async function wallboard(
  ctx: AppContext,
  accountId: string,
  tz: string,
  now = Date.now(),
): Promise<Wallboard> {
  const { store } = ctx;
  const db = store.db;
  const live = await analyticsOf(ctx).live.get(accountId, undefined, tz, now);
  const today = startOfDay(tz, now);
  const terms = await store.sla.terms(accountId);

  const asked = await store.sla.asked(accountId, [...terms.keys()], today, now + 1);
  const met = new Map<string, { met: number; decided: number }>();
  for (const c of asked) {
    const t = terms.get(c.skillId)!;
    const verdict = firstResponseMet(slaClocks(t.targets, t.hours, c, now));
    if (verdict === null) continue;
    const m = met.get(c.skillId) ?? { met: 0, decided: 0 };
    m.decided++;
    if (verdict) m.met++;
    met.set(c.skillId, m);
  }

  const waiting = await db
    .selectFrom('conversations')
    .select(['skill_id', 'priority', 'enqueued_at'])
    .where('account_id', '=', accountId)
    .where('status', 'in', ['queued', 'offered'])
    .execute();
  const over = new Map<string, number>();
  for (const w of waiting) {
    const t = w.skill_id ? terms.get(w.skill_id) : undefined;
    if (!t) continue;
    const subject = {
      priority: n(w.priority),
      startedAt: n(w.enqueued_at),
      firstResponseAt: null,
      closedAt: null,
    };
    if (firstResponseMet(slaClocks(t.targets, t.hours, subject, now)) === false)
      over.set(w.skill_id!, (over.get(w.skill_id!) ?? 0) + 1);
  }

  const filters = { accountId, from: today, to: now + 1, tz, siteIds: [] };
  const aggregates = await conversationsIn(db, filters)
    .select((eb) => ['c.skill_id', ...conversationAggregates(eb)])
    .groupBy('c.skill_id')
    .execute();
  const abandoned = new Map(aggregates.map((r) => [r.skill_id ?? '', n(r.abandoned)]));

  const skills: WallboardSkill[] = live.queues.map((q) => {
    const hasTargets = terms.has(q.skillId);
    const m = met.get(q.skillId) ?? { met: 0, decided: 0 };
    return {
      skillId: q.skillId,
      name: q.name,
      waiting: q.waiting,
      longestWaitSeconds: q.longestWaitSeconds,
      hasTargets,
      waitingOverTarget: over.get(q.skillId) ?? 0,
      answeredWithinSla: hasTargets ? m.met : null,
      slaDecided: hasTargets ? m.decided : null,
      slaShare: hasTargets && m.decided > 0 ? m.met / m.decided : null,
      abandonedToday: abandoned.get(q.skillId) ?? 0,
    };
  });

  return { at: new Date(now).toISOString(), skills, agents: await agentsNow(ctx, accountId, now) };
}

/** Every agent's state (and since when), connection, chats, offers, calls and load now. */
async function agentsNow(ctx: AppContext, accountId: string, now: number): Promise<WallboardAgent[]> {
  const { store } = ctx;
  const db = store.db;
  const users = await db
    .selectFrom('users')
    .select(['id', 'name', 'status', 'away_reason', 'capacity'])
    .where('account_id', '=', accountId)
    .where('role', '!=', 'analyst')
    .orderBy('name')
    .execute();
  const present = (await chatOf(ctx)?.presence.connected(accountId)) ?? new Set<string>();
  // A day of the log is enough to see through the short gaps a reload or a new sign-in leaves.
  const logOf = new Map<string, AgentStateRow[]>();
  for (const r of await store.agentStates.spans(accountId, now - DAY_MS, now + 1))
    logOf.set(r.userId, [...(logOf.get(r.userId) ?? []), r]);
  const open = await db
    .selectFrom('conversations')
    .select(['assigned_agent_id', 'offered_to', 'status'])
    .where('account_id', '=', accountId)
    .where('status', 'in', ['offered', 'active'])
    .execute();
  const { onCall } = await store.calls.busyAgents(accountId);
  return users.map((u) => {
    const chats = open.filter((c) => c.status === 'active' && c.assigned_agent_id === u.id).length;
    const offered = open.filter((c) => c.status === 'offered' && c.offered_to === u.id).length;
    const since = inStateSince(logOf.get(u.id) ?? [], u.status);
    const capacity = n(u.capacity);
    return {
      id: u.id,
      name: u.name,
      state: u.status,
      awayReason: u.status === 'away' ? u.away_reason : null,
      secondsInState: since === null ? null : Math.max(0, (now - since) / 1000),
      connected: present.has(u.id),
      chats,
      offered,
      calls: onCall.has(u.id) ? 1 : 0,
      capacity,
      load: capacity > 0 ? (chats + offered) / capacity : chats + offered > 0 ? 1 : 0,
    };
  });
}
