import { type Kysely, sql } from 'kysely';
import type { ConversationAssignmentsTable, Database } from '../store/schema.ts';
import { conversationsIn } from './conversations-report.ts';
import type { ReportFilters } from './report-filters.ts';

/** One agent's hold of a report's conversation, with that agent's own first reply in it. */
export interface Hold {
  conversationId: string;
  agentId: string;
  assignedAt: number;
  endedAt: number | null;
  endReason: ConversationAssignmentsTable['end_reason'];
  /** Their first reply while they held it (never before they got it); null when they sent none. */
  firstResponseAt: number | null;
  csatScore: number | null;
}

/**
 * The agent's first reply in the hold among one table's messages. The two tables are read one
 * after the other (a correlated aggregate over the `messages` view makes SQLite scan it): a
 * conversation's rows in `messages_stored` all come before its rows in `messages_recent`.
 */
const replyIn = (
  table: 'messages_stored' | 'messages_recent',
) => sql`(SELECT MIN(m.created_at) FROM ${sql.table(table)} m
    WHERE m.conversation_id = h.conversation_id AND m.sender_kind = 'agent' AND m.sender_id = h.agent_id
      AND m.created_at >= h.assigned_at AND (h.ended_at IS NULL OR m.created_at <= h.ended_at))`;
/**
 * The agent's first reply within the hold. The conversation's first reply is in the hold that was
 * open when it was sent (only the holder can reply), which is every hold of a chat never
 * transferred; for a later hold the agent's replies are looked up in its time range (one seek of
 * the conversation's messages). A conversation nobody answered has no reply in any hold.
 */
const firstResponse = sql<number | null>`CASE
  WHEN c.first_response_at IS NULL THEN NULL
  WHEN c.first_response_at >= h.assigned_at AND (h.ended_at IS NULL OR c.first_response_at <= h.ended_at)
    THEN c.first_response_at
  ELSE COALESCE(${replyIn('messages_stored')}, ${replyIn('messages_recent')})
END`;

const num = (v: unknown) => (v == null ? null : Number(v));

/** Every hold of the report's conversations (only the filtered agent's, with an agent filter). */
export async function holdsIn(db: Kysely<Database>, f: ReportFilters): Promise<Hold[]> {
  let q = conversationsIn(db, f)
    .innerJoin('conversation_assignments as h', 'h.conversation_id', 'c.id')
    .select([
      'h.conversation_id',
      'h.agent_id',
      'h.assigned_at',
      'h.ended_at',
      'h.end_reason',
      'c.csat_score',
      firstResponse.as('first_response_at'),
    ]);
  if (f.agentId) q = q.where('h.agent_id', '=', f.agentId);
  const rows = await q.execute();
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    agentId: r.agent_id,
    assignedAt: Number(r.assigned_at),
    endedAt: num(r.ended_at),
    endReason: r.end_reason,
    firstResponseAt: num(r.first_response_at),
    csatScore: num(r.csat_score),
  }));
}
