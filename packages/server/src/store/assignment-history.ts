import { type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely';
import type { ConversationAssignmentsTable, Database } from './schema.ts';

/**
 * The history of who held a conversation (table `conversation_assignments`), written in the
 * transaction that changes the holder. The conversation's row keeps only its first assignment;
 * each agent's share of a transferred chat — their chats, hold time, first response — is read
 * from these rows.
 */

/** The conversation's `assigned_at` on a (re)assignment: the first one stays. */
export const firstAssignedAt = (now: number) => sql<number>`COALESCE(assigned_at, ${now})`;

/**
 * Opens an agent's hold, after the conversation's row changed to them in the same transaction.
 * That change locks the row (or holds SQLite's write lock), so the next number is the conversation's own.
 */
export async function beginHold(
  trx: Transaction<Database>,
  accountId: string,
  conversationId: string,
  agentId: string,
  now: number,
): Promise<void> {
  await trx
    .insertInto('conversation_assignments')
    .values({
      conversation_id: conversationId,
      seq: sql<number>`(SELECT COALESCE(MAX(h.seq), 0) + 1 FROM conversation_assignments h WHERE h.conversation_id = ${conversationId})`,
      account_id: accountId,
      agent_id: agentId,
      assigned_at: now,
      ended_at: null,
      end_reason: null,
    })
    .execute();
}

/** Ends the open hold, if any (a waiting conversation has none). */
export async function endHold(
  trx: Transaction<Database>,
  conversationId: string,
  reason: NonNullable<ConversationAssignmentsTable['end_reason']>,
  now: number,
): Promise<void> {
  await trx
    .updateTable('conversation_assignments')
    // Never before it began, should another node's clock run behind.
    .set({
      ended_at: sql<number>`CASE WHEN assigned_at > ${now} THEN assigned_at ELSE ${now} END`,
      end_reason: reason,
    })
    .where('conversation_id', '=', conversationId)
    .where('ended_at', 'is', null)
    .execute();
}

/**
 * True where `agentId` held the conversation whose id is in column `conversation` at some time — at
 * or before the time in column `until`, when given. Filters by agent use it, so a transferred chat
 * is found for every agent who held it, not only the last one.
 */
export function heldBy(agentId: string, conversation: string, until?: string): RawBuilder<SqlBool> {
  const before = until === undefined ? sql`` : sql` AND h.assigned_at <= ${sql.ref(until)}`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM conversation_assignments h
    WHERE h.conversation_id = ${sql.ref(conversation)} AND h.agent_id = ${agentId}${before})`;
}
