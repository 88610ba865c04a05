import type { AgentFigures, AgentsReport } from '@beckon/protocol/reports-api';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type ChatSpan, concurrencyOf } from './agent-concurrency.ts';
import { conversationsIn } from './conversations-report.ts';
import { periodOf, type ReportFilters } from './report-filters.ts';

const n = (v: unknown) => Number(v ?? 0);

/**
 * Per agent: conversations handled, first response (from assignment) and handle times, CSAT,
 * offers missed and chats transferred away, and concurrency: how many chats were open at once
 * while the agent had any (its average over capacity is the utilisation).
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

  const handled = conversationsIn(db, f).where('c.assigned_agent_id', 'is not', null);
  const totals = await handled
    .select((eb) => [
      'c.assigned_agent_id as agent',
      eb.fn.countAll().as('conversations'),
      eb.fn.count('c.closed_at').as('closed'),
      eb.fn.count('c.first_response_at').as('fr_n'),
      sql<number>`sum(c.first_response_at - c.assigned_at)`.as('fr_sum'),
      sql<number>`sum(c.closed_at - c.assigned_at)`.as('handle_sum'),
      eb.fn.count('c.csat_score').as('csat_n'),
      eb.fn.sum<number>('c.csat_score').as('csat_sum'),
    ])
    .groupBy('c.assigned_agent_id')
    .execute();
  const spans = await handled
    .select(['c.assigned_agent_id as agent', 'c.assigned_at', 'c.closed_at'])
    .where('c.assigned_at', 'is not', null)
    .execute();
  const passes = await conversationsIn(db, { ...f, agentId: undefined })
    .innerJoin('conversation_passes as p', 'p.conversation_id', 'c.id')
    .select((eb) => ['p.agent_id as agent', 'p.reason', eb.fn.countAll().as('n')])
    .groupBy(['p.agent_id', 'p.reason'])
    .execute();

  const end = Math.min(f.to, now);
  const spansOf = new Map<string, ChatSpan[]>();
  for (const s of spans) {
    const list = spansOf.get(s.agent!) ?? [];
    list.push({
      start: Math.max(f.from, n(s.assigned_at)),
      end: Math.min(end, s.closed_at == null ? end : n(s.closed_at)),
    });
    spansOf.set(s.agent!, list);
  }
  const known = new Set(people.map((p) => p.id));
  // Someone who handled chats and has since left the team still shows, by id.
  for (const t of totals)
    if (t.agent && !known.has(t.agent) && !f.agentId)
      people.push({ id: t.agent, name: t.agent, role: 'agent', capacity: 0 });

  const agents: AgentFigures[] = people
    .map((p) => {
      const t = totals.find((r) => r.agent === p.id);
      const c = concurrencyOf(spansOf.get(p.id) ?? []);
      const avgConcurrency = c.busyMs > 0 ? c.chatMs / c.busyMs : null;
      const passCount = (reasons: string[]) =>
        passes.filter((r) => r.agent === p.id && reasons.includes(r.reason)).reduce((s, r) => s + n(r.n), 0);
      const frN = n(t?.fr_n);
      const closed = n(t?.closed);
      const csatN = n(t?.csat_n);
      const capacity = n(p.capacity);
      return {
        agentId: p.id,
        name: p.name,
        capacity,
        conversations: n(t?.conversations),
        closed,
        transferredAway: passCount(['transferred']),
        missedOffers: passCount(['declined', 'timeout']),
        avgFirstResponseSeconds: frN > 0 ? n(t?.fr_sum) / frN / 1000 : null,
        avgHandleSeconds: closed > 0 ? n(t?.handle_sum) / closed / 1000 : null,
        busyHours: c.busyMs / 3_600_000,
        avgConcurrency,
        peakConcurrency: c.peak,
        utilisation: avgConcurrency !== null && capacity > 0 ? avgConcurrency / capacity : null,
        csatResponses: csatN,
        csatAverage: csatN > 0 ? n(t?.csat_sum) / csatN : null,
      };
    })
    .filter(
      (a) => a.conversations > 0 || people.find((p) => p.id === a.agentId)?.role === 'agent' || f.agentId,
    );
  agents.sort((a, b) => b.conversations - a.conversations || a.name.localeCompare(b.name));
  return { period: periodOf(f), agents };
}
