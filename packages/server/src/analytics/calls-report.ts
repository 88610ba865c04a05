import type {
  CallAgentFigures,
  CallbackFigures,
  CallFigures,
  CallSkillFigures,
  CallsReport,
} from '@beckon/protocol/call-reports-api';
import { type Kysely, sql } from 'kysely';
import { zoneOffsetMs } from '../engagement/session-clock.ts';
import type { Database } from '../store/schema.ts';
import { DAY_MS } from './attribution-rules.ts';
import { campaignScope, HOUR_MS, hourStarts, periodOf, type ReportFilters } from './report-filters.ts';

/** The calls report's filters: the other reports', and the channel of the calls' conversations. */
export type CallReportFilters = ReportFilters & { channel?: string };

/**
 * End reasons of an unanswered call that the visitor chose, or a dialled phone that was busy or
 * not answered: neither abandoned nor missed.
 */
const REFUSED = new Set(['declined', 'microphone_denied', 'busy', 'no_answer']);
const num = (v: unknown) => (v == null ? null : Number(v));

interface Call {
  id: string;
  skillId: string | null;
  day: number;
  requestedAt: number;
  answeredAt: number | null;
  ended: boolean;
  endReason: string | null;
  talkMs: number | null;
  heldMs: number;
  transfers: number;
}

interface Leg {
  callId: string;
  agentId: string;
  rangAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  end: string | null;
}

/** Raw sums of a group, turned into figures by `figures`. */
interface Tally {
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  waits: number[];
  talkN: number;
  talkMs: number;
  holdMs: number;
  transfers: number;
  voicemails: number;
}

const tally = (): Tally => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  missed: 0,
  waits: [],
  talkN: 0,
  talkMs: 0,
  holdMs: 0,
  transfers: 0,
  voicemails: 0,
});

/** The 90th percentile by nearest rank: the wait nine calls in ten beat or equal. */
export function p90(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1]!;
}

function figures(t: Tally): CallFigures {
  const wait = p90(t.waits);
  return {
    offered: t.offered,
    answered: t.answered,
    abandoned: t.abandoned,
    missed: t.missed,
    answerRate: t.offered > 0 ? t.answered / t.offered : null,
    avgWaitSeconds: t.waits.length > 0 ? t.waits.reduce((s, w) => s + w, 0) / t.waits.length / 1000 : null,
    p90WaitSeconds: wait === null ? null : wait / 1000,
    avgTalkSeconds: t.talkN > 0 ? t.talkMs / t.talkN / 1000 : null,
    totalTalkSeconds: t.talkMs / 1000,
    holdSeconds: t.holdMs / 1000,
    transfers: t.transfers,
    voicemails: t.voicemails,
  };
}

/** Adds one call to a group's tally (`missed`: the rings of the call that passed on). */
function addCall(t: Tally, c: Call, missed: number): void {
  t.offered++;
  t.missed += missed;
  t.holdMs += c.heldMs;
  t.transfers += c.transfers;
  if (c.answeredAt !== null) {
    t.answered++;
    t.waits.push(c.answeredAt - c.requestedAt);
  } else if (c.ended && !REFUSED.has(c.endReason ?? '')) t.abandoned++;
  if (c.talkMs !== null && c.answeredAt !== null) {
    t.talkN++;
    t.talkMs += c.talkMs;
  }
}

/**
 * Adds one call's legs to their agents' tallies. A leg's wait runs from when the visitor began to
 * wait for that agent: the request, or the end of the leg that transferred the call. Its talk runs
 * from its answer to its end (hold included); the hold time of the call counts for the agent who
 * had it at the end.
 */
function addLegs(byAgent: Map<string, Tally>, c: Call, legs: readonly Leg[]): void {
  let waitingSince = c.requestedAt;
  for (const l of legs) {
    const t = byAgent.get(l.agentId) ?? tally();
    byAgent.set(l.agentId, t);
    t.offered++;
    if (l.end === 'missed') t.missed++;
    if (l.end === 'abandoned') t.abandoned++;
    if (l.answeredAt !== null) {
      t.answered++;
      t.waits.push(Math.max(0, l.answeredAt - waitingSince));
      if (l.endedAt !== null) {
        t.talkN++;
        t.talkMs += l.endedAt - l.answeredAt;
      }
    }
    if (l.end === 'transferred') {
      t.transfers++;
      waitingSince = l.endedAt ?? waitingSince;
    }
    if (l.end === 'ended') t.holdMs += c.heldMs;
  }
}

/** Calls asked for in the period, narrowed by site, channel, skill, campaign of origin and agent. */
async function callsIn(db: Kysely<Database>, f: CallReportFilters, offset: number): Promise<Call[]> {
  let q = db
    .selectFrom('calls as k')
    .innerJoin('conversations as c', (j) =>
      j.onRef('c.id', '=', 'k.conversation_id').onRef('c.account_id', '=', 'k.account_id'),
    )
    .select([
      'k.id',
      'k.skill_id',
      'k.requested_at',
      'k.answered_at',
      'k.state',
      'k.end_reason',
      'k.talk_ms',
      'k.held_ms',
      'k.transfers',
    ])
    .where('k.account_id', '=', f.accountId)
    .where('k.requested_at', '>=', f.from)
    .where('k.requested_at', '<', f.to);
  if (f.siteId) q = q.where('c.site_id', '=', f.siteId);
  if (f.channel) q = q.where('c.channel', '=', f.channel as Database['conversations']['channel']);
  if (f.skillId) q = q.where('k.skill_id', '=', f.skillId);
  if (f.agentId)
    q = q.where(
      sql<boolean>`exists (select 1 from call_legs l where l.call_id = k.id and l.agent_id = ${f.agentId})`,
    );
  const scope = f.campaignId ? campaignScope(f) : null;
  if (scope) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('exposures as e')
          .select(sql`1`.as('one'))
          .whereRef('e.id', '=', 'c.origin_exposure_id')
          .where('e.campaign_id', 'in', scope.length > 0 ? scope : ['-']),
      ),
    );
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    skillId: r.skill_id,
    day: Math.floor((Number(r.requested_at) + offset) / DAY_MS),
    requestedAt: Number(r.requested_at),
    answeredAt: num(r.answered_at),
    ended: r.state === 'ended',
    endReason: r.end_reason,
    talkMs: num(r.talk_ms),
    heldMs: Number(r.held_ms ?? 0),
    transfers: Number(r.transfers ?? 0),
  }));
}

/** The legs of these calls, by call, each call's in the order they rang. */
async function legsOf(db: Kysely<Database>, accountId: string, ids: string[]): Promise<Map<string, Leg[]>> {
  const out = new Map<string, Leg[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('call_legs')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('call_id', 'in', ids.slice(i, i + 500))
      .orderBy('rang_at')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = out.get(r.call_id) ?? [];
      out.set(r.call_id, list);
      list.push({
        callId: r.call_id,
        agentId: r.agent_id,
        rangAt: Number(r.rang_at),
        answeredAt: num(r.answered_at),
        endedAt: num(r.ended_at),
        end: r.end,
      });
    }
  }
  return out;
}

/** A message a caller left on a phone number (`phone_voicemails`). */
interface Voicemail {
  day: number;
  at: number;
  skillId: string | null;
  number: string;
}

/**
 * Voicemails left in the period. They have no site, agent or campaign, and are on the `voice`
 * channel: a filter by any of those but the channel leaves none.
 */
async function voicemailsIn(
  db: Kysely<Database>,
  f: CallReportFilters,
  offset: number,
): Promise<Voicemail[]> {
  if (f.siteId || f.agentId || f.campaignId || (f.channel && f.channel !== 'voice')) return [];
  let q = db
    .selectFrom('phone_voicemails')
    .select(['skill_id', 'number', 'created_at'])
    .where('account_id', '=', f.accountId)
    .where('created_at', '>=', f.from)
    .where('created_at', '<', f.to);
  if (f.skillId) q = q.where('skill_id', '=', f.skillId);
  return (await q.execute()).map((r) => ({
    day: Math.floor((Number(r.created_at) + offset) / DAY_MS),
    at: Number(r.created_at),
    skillId: r.skill_id,
    number: r.number,
  }));
}

/** Callbacks asked for in the period, by status and outcome. */
async function callbacksIn(db: Kysely<Database>, f: CallReportFilters): Promise<CallbackFigures> {
  let q = db
    .selectFrom('callbacks')
    .select(['status', 'outcome', 'attempts'])
    .where('account_id', '=', f.accountId)
    .where('site_id', 'in', f.siteIds)
    .where('created_at', '>=', f.from)
    .where('created_at', '<', f.to);
  if (f.skillId) q = q.where('skill_id', '=', f.skillId);
  // With a channel: callbacks asked for in a conversation on that channel.
  if (f.channel)
    q = q.where(
      sql<boolean>`exists (select 1 from conversations c where c.id = callbacks.conversation_id and c.channel = ${f.channel})`,
    );
  const out: CallbackFigures = {
    requested: 0,
    scheduled: 0,
    queued: 0,
    reached: 0,
    noAnswer: 0,
    wrongNumber: 0,
    rescheduled: 0,
  };
  for (const r of await q.execute()) {
    out.requested++;
    if (r.outcome === 'rescheduled' || Number(r.attempts) > 1) out.rescheduled++;
    if (r.status === 'scheduled') out.scheduled++;
    else if (r.status === 'queued') out.queued++;
    else if (r.outcome === 'reached') out.reached++;
    else if (r.outcome === 'no_answer') out.noAnswer++;
    else if (r.outcome === 'wrong_number') out.wrongNumber++;
  }
  return out;
}

/**
 * Call service levels of a period: offered, answered, abandoned, answer rate, wait (average and
 * 90th percentile), talk, hold and transfers — in total, per day, per skill and per agent — and
 * the callbacks asked for, by outcome, and voicemails per day, skill and number. A call counts on the day and in the skill it was asked for
 * (the skill it ended in, after a transfer to a skill); per agent, each leg counts for its agent.
 */
export async function callsReport(db: Kysely<Database>, f: CallReportFilters): Promise<CallsReport> {
  const offset = zoneOffsetMs(f.tz, f.to);
  const calls = await callsIn(db, f, offset);
  const legs = await legsOf(
    db,
    f.accountId,
    calls.map((c) => c.id),
  );
  const total = tally();
  const byDay = new Map<number, Tally>();
  const byHour = new Map<number, Tally>();
  const bySkill = new Map<string | null, Tally>();
  const byAgent = new Map<string, Tally>();
  /** The tallies something at `at` on `day` in a skill counts in: its day, hour and skill. */
  const groups = (day: number, at: number, skillId: string | null): Tally[] =>
    (
      [
        [byDay, day],
        [byHour, Math.floor((at - f.from) / HOUR_MS)],
        [bySkill, skillId],
      ] as const
    ).map(([map, key]) => {
      const t = (map as Map<unknown, Tally>).get(key) ?? tally();
      (map as Map<unknown, Tally>).set(key, t);
      return t;
    });
  for (const c of calls) {
    const own = legs.get(c.id) ?? [];
    const missed = own.filter((l) => l.end === 'missed').length;
    for (const t of groups(c.day, c.requestedAt, c.skillId)) addCall(t, c, missed);
    addCall(total, c, missed);
    addLegs(byAgent, c, own);
  }
  const byNumber = new Map<string, number>();
  for (const v of await voicemailsIn(db, f, offset)) {
    for (const t of groups(v.day, v.at, v.skillId)) t.voicemails++;
    total.voicemails++;
    byNumber.set(v.number, (byNumber.get(v.number) ?? 0) + 1);
  }
  if (f.agentId) for (const id of [...byAgent.keys()]) if (id !== f.agentId) byAgent.delete(id);

  const [users, skills] = await Promise.all([
    db.selectFrom('users').select(['id', 'name']).where('account_id', '=', f.accountId).execute(),
    db.selectFrom('skills').select(['id', 'name']).where('account_id', '=', f.accountId).execute(),
  ]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const skillName = new Map(skills.map((s) => [s.id, s.name]));
  const busiest = (a: { offered: number; name: string }, b: { offered: number; name: string }) =>
    b.offered - a.offered || a.name.localeCompare(b.name);

  const first = Math.floor((f.from + offset) / DAY_MS);
  const last = Math.floor((f.to - 1 + offset) / DAY_MS);
  const days = [];
  for (let d = first; d <= last; d++)
    days.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), ...figures(byDay.get(d) ?? tally()) });
  const hours = hourStarts(f)?.map((start, i) => ({
    day: new Date(start).toISOString(),
    ...figures(byHour.get(i) ?? tally()),
  }));

  const skillRows: CallSkillFigures[] = [...bySkill].map(([id, t]) => ({
    skillId: id,
    name: id ? (skillName.get(id) ?? id) : 'No skill',
    ...figures(t),
  }));
  const agentRows: CallAgentFigures[] = [...byAgent].map(([id, t]) => ({
    agentId: id,
    name: userName.get(id) ?? id,
    ...figures(t),
  }));
  return {
    period: periodOf(f),
    channel: f.channel ?? null,
    total: figures(total),
    days,
    ...(hours ? { hours } : {}),
    skills: skillRows.sort(busiest),
    agents: agentRows.sort(busiest),
    callbacks: await callbacksIn(db, f),
    numbers: [...byNumber]
      .map(([number, voicemails]) => ({ number, voicemails }))
      .sort((a, b) => b.voicemails - a.voicemails || a.number.localeCompare(b.number)),
  };
}
