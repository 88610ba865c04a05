import { type Kysely, type RawBuilder, sql } from 'kysely';

/** The smaller of two times; a null second one is ignored (portable: SQLite has no LEAST). */
const earlier = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
  sql`CASE WHEN ${b} IS NOT NULL AND ${b} < ${a} THEN ${b} ELSE ${a} END`;

/**
 * Who held a conversation, and when: one row per agent's hold, from taking it (accept, or a
 * transfer to them) until a transfer moved it on or it closed. A transfer used to overwrite the
 * conversation's `assigned_at` with the transfer time, which turned wait, duration and the new
 * agent's first response wrong and left the earlier agent with no share of the chat; from now on
 * `assigned_at` is the first assignment and each agent's share comes from these rows.
 *
 * The history is rebuilt for existing conversations as far as the stored data tells it: the agent
 * who transferred to a skill (their `transferred` pass), the agent whose reply came before the
 * current holder's assignment (a transfer between agents left no other trace), and the current
 * holder. Then `assigned_at` goes back to the earliest moment someone is known to have held it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversation_assignments')
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    // No foreign key: an agent who left the team keeps their share of past chats.
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addPrimaryKeyConstraint('conversation_assignments_pk', ['conversation_id', 'seq'])
    .execute();

  // A transfer to a skill replaced the conversation's passes with the transferring agent's own,
  // so there is at most one; the latest is taken all the same.
  await sql`INSERT INTO conversation_assignments
      (conversation_id, seq, account_id, agent_id, assigned_at, ended_at, end_reason)
    SELECT p.conversation_id, 1, p.account_id, p.agent_id,
      ${earlier(earlier(sql`p.created_at`, sql`c.assigned_at`), sql`c.first_response_at`)},
      p.created_at, 'transferred'
    FROM conversation_passes p JOIN conversations c ON c.id = p.conversation_id
    WHERE p.reason = 'transferred' AND NOT EXISTS (
      SELECT 1 FROM conversation_passes q
      WHERE q.conversation_id = p.conversation_id AND q.reason = 'transferred'
        AND (q.created_at > p.created_at OR (q.created_at = p.created_at AND q.agent_id > p.agent_id)))`.execute(
    db,
  );

  // A reply before the holder's assignment came from an agent who held it earlier.
  await sql`INSERT INTO conversation_assignments
      (conversation_id, seq, account_id, agent_id, assigned_at, ended_at, end_reason)
    SELECT x.id, 1, x.account_id, x.first_agent, x.first_response_at, x.assigned_at, 'transferred'
    FROM (
      SELECT c.id, c.account_id, c.first_response_at, c.assigned_at, c.assigned_agent_id,
        (SELECT m.sender_id FROM messages m
          WHERE m.conversation_id = c.id AND m.sender_kind = 'agent' ORDER BY m.seq LIMIT 1) AS first_agent
      FROM conversations c
      WHERE c.assigned_agent_id IS NOT NULL AND c.first_response_at < c.assigned_at
        AND NOT EXISTS (SELECT 1 FROM conversation_assignments s WHERE s.conversation_id = c.id)
    ) x
    WHERE x.first_agent IS NOT NULL AND x.first_agent <> x.assigned_agent_id`.execute(db);

  // The current (or closing) holder, from the time they got it: what `assigned_at` held.
  await sql`INSERT INTO conversation_assignments
      (conversation_id, seq, account_id, agent_id, assigned_at, ended_at, end_reason)
    SELECT c.id, 1 + (SELECT COUNT(*) FROM conversation_assignments s WHERE s.conversation_id = c.id),
      c.account_id, c.assigned_agent_id, c.assigned_at,
      CASE WHEN c.status = 'closed' THEN c.closed_at END,
      CASE WHEN c.status = 'closed' THEN 'closed' END
    FROM conversations c
    WHERE c.assigned_agent_id IS NOT NULL AND c.assigned_at IS NOT NULL
      AND c.status IN ('active', 'closed')`.execute(db);

  await sql`UPDATE conversations SET assigned_at =
      (SELECT MIN(s.assigned_at) FROM conversation_assignments s WHERE s.conversation_id = conversations.id)
    WHERE EXISTS (SELECT 1 FROM conversation_assignments s
      WHERE s.conversation_id = conversations.id AND s.assigned_at < conversations.assigned_at)`.execute(db);
  // A reply proves someone held it by then, whoever it was.
  await sql`UPDATE conversations SET assigned_at = first_response_at
    WHERE first_response_at < assigned_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('conversation_assignments').ifExists().execute();
}
