import type { AgentFigures, AgentsReport } from '@beckon/protocol/reports-api';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type ChatSpan, concurrencyOf } from './agent-concurrency.ts';
import { holdsIn } from './agent-holds.ts';
import { stateTimesIn } from './agent-state-time.ts';
import { conversationsIn } from './conversations-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';

const n = (v: unknown) => Number(v ?? 0);

/** What one agent's holds add up to. */
interface Tally {
  conversations: Set<string>;
  closed: number;
  transferredAway: number;
  frN: number;
  frSum: number;
  ended: number;
  handleSum: number;
  csatN: number;
  csatSum: number;
  spans: ChatSpan[];
}

const emptyTally = (): Tally => ({
  conversations: new Set(),
  closed: 0,
  transferredAway: 0,
  frN: 0,
  frSum: 0,
  ended: 0,
  handleSum: 0,
  csatN: 0,
  csatSum: 0,
  spans: [],
});

/** Macro runs per agent in the range (each agent's own runs, on any conversation). */
async function macroRunsIn(db: Kysely<Database>, f: ReportFilters): Promise<Map<string, number>> {
  let q = db
    .selectFrom('macro_runs')
    .select((eb) => ['agent_id', eb.fn.countAll().as('n')])
    .where('account_id', '=', f.accountId)
    .where('created_at', '>=', f.from)
    .where('created_at', '<', f.to);
  if (f.agentId) q = q.where('agent_id', '=', f.agentId);
  const rows = await q.groupBy('agent_id').execute();
  return new Map(rows.map((r) => [r.agent_id, n(r.n)]));
}

/**
 * Per agent, from who held each conversation when: conversations handled (a transferred chat counts
 * for every agent who held it), closed, first response (from when that agent got it) and handle
 * time (how long they held it), CSAT (for the agent who closed it), offers missed and chats
 * transferred away, and concurrency: how many chats were open at once while the agent had any
 * (its average over capacity is the utilisation); and time in each state from the state log; and the macros each ran.
 */
export async function agentsReport(
  db: Kysely<Database>,
  f: ReportFilters,
  now = Date.now(),
): Promise<AgentsReport> {
  let users = db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'capacity'])
    .where('account_id', '=', f.accountId)
    .where('role', '!=', 'analyst');
  if (f.agentId) users = users.where('id', '=', f.agentId);
  const people = await users.orderBy('name').execute();

  const holds = await holdsIn(db, f);
  const passes = await conversationsIn(db, { ...f, agentId: undefined })
    .innerJoin('conversation_passes as p', 'p.conversation_id', 'c.id')
    .select((eb) => ['p.agent_id as agent', 'p.reason', eb.fn.countAll().as('n')])
    .groupBy(['p.agent_id', 'p.reason'])
    .execute();

  const macroRuns = await macroRunsIn(db, f);
  const end = Math.min(f.to, now);
  const states = await stateTimesIn(db, f.accountId, f.from, end);
  const tallies = new Map<string, Tally>();
  for (const h of holds) {
    const t = tallies.get(h.agentId) ?? emptyTally();
    tallies.set(h.agentId, t);
    t.conversations.add(h.conversationId);
    if (h.firstResponseAt !== null) {
      t.frN++;
      t.frSum += h.firstResponseAt - h.assignedAt;
    }
    if (h.endedAt !== null) {
      t.ended++;
      t.handleSum += h.endedAt - h.assignedAt;
    }
    if (h.endReason === 'closed') {
      t.closed++;
      if (h.csatScore !== null) {
        t.csatN++;
        t.csatSum += h.csatScore;
      }
    }
    if (h.endReason === 'transferred') t.transferredAway++;
    t.spans.push({
      start: Math.max(f.from, h.assignedAt),
      end: Math.min(end, h.endedAt ?? end),
    });
  }
  const known = new Set(people.map((p) => p.id));
  // Someone who handled chats and has since left the team still shows, by id.
  for (const id of tallies.keys())
    if (!known.has(id) && !f.agentId) people.push({ id, name: id, role: 'agent', capacity: 0 });

  const agents: AgentFigures[] = people
    .map((p) => {
      const t = tallies.get(p.id) ?? emptyTally();
      const c = concurrencyOf(t.spans);
      const avgConcurrency = c.busyMs > 0 ? c.chatMs / c.busyMs : null;
      const passCount = (reasons: string[]) =>
        passes.filter((r) => r.agent === p.id && reasons.includes(r.reason)).reduce((s, r) => s + n(r.n), 0);
      const capacity = n(p.capacity);
      return {
        agentId: p.id,
        name: p.name,
        capacity,
        conversations: t.conversations.size,
        closed: t.closed,
        transferredAway: t.transferredAway,
        missedOffers: passCount(['declined', 'timeout']),
        avgFirstResponseSeconds: t.frN > 0 ? t.frSum / t.frN / 1000 : null,
        avgHandleSeconds: t.ended > 0 ? t.handleSum / t.ended / 1000 : null,
        busyHours: c.busyMs / 3_600_000,
        avgConcurrency,
        peakConcurrency: c.peak,
        utilisation: avgConcurrency !== null && capacity > 0 ? avgConcurrency / capacity : null,
        csatResponses: t.csatN,
        csatAverage: t.csatN > 0 ? t.csatSum / t.csatN : null,
        macroRuns: macroRuns.get(p.id) ?? 0,
        states: states.get(p.id) ?? [],
      };
    })
    // Every agent; an owner or admin once they held a chat or ran a macro (a supervisor's macro runs count too).
    .filter(
      (a) =>
        a.conversations > 0 ||
        a.macroRuns > 0 ||
        people.find((p) => p.id === a.agentId)?.role === 'agent' ||
        f.agentId,
    );
  agents.sort((a, b) => b.conversations - a.conversations || a.name.localeCompare(b.name));
  return { period: periodOf(f), agents };
}
