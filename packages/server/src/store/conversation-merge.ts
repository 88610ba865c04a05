import { type ConversationMerge, MERGE_UNDO_MS } from '@beckon/protocol/conversation-merges';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError, badRequest, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { beginHold, endHold } from './assignment-history.ts';
import type { ConversationMergesTable } from './collab-schema.ts';
import { iso } from './rows.ts';
import type { ConversationsTable, Database } from './schema.ts';

/** The merged conversation's columns a merge changes; undo writes them back as they were. */
const CHANGED = [
  'status',
  'closed_at',
  'closed_by',
  'disposition',
  'offered_to',
  'offered_at',
  'joined_agent_id',
  'waiting_on',
  'snoozed_until',
] as const;
type Changed = Pick<Selectable<ConversationsTable>, (typeof CHANGED)[number]>;

export const toConversationMerge = (r: Selectable<ConversationMergesTable>): ConversationMerge => ({
  id: r.id,
  keptId: r.kept_id,
  mergedId: r.merged_id,
  mergedBy: r.merged_by,
  createdAt: iso(r.created_at)!,
  undoUntil: iso(Number(r.created_at) + MERGE_UNDO_MS)!,
  undoneAt: iso(r.undone_at),
});

const refused = (code: string, message: string) => new AppError(409, code, message);

async function conversationRow(trx: Transaction<Database>, accountId: string, id: string) {
  const row = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('conversation');
  return row;
}

/**
 * Merges `mergedId` into `keptId`: both must be conversations of the same contact in the account
 * (any channels). The merged one is closed and points at the kept one; its messages stay where they
 * were written, so the thread shows both in time order and an undo moves no message. One
 * transaction: a refusal leaves both as they were.
 */
export async function mergeConversations(
  db: Kysely<Database>,
  accountId: string,
  keptId: string,
  mergedId: string,
  byUserId: string | null,
  now: number,
): Promise<ConversationMerge> {
  if (keptId === mergedId)
    throw badRequest('a conversation cannot be merged into itself', 'same_conversation');
  return db.transaction().execute(async (trx) => {
    const kept = await conversationRow(trx, accountId, keptId);
    const merged = await conversationRow(trx, accountId, mergedId);
    if (kept.contact_id === null || merged.contact_id === null)
      throw refused('no_contact', 'only conversations with a known contact can be merged');
    if (kept.contact_id !== merged.contact_id)
      throw refused(
        'different_contacts',
        'these conversations are with different contacts; merge the contacts first',
      );
    if (kept.merged_into !== null)
      throw refused('already_merged', `conversation ${keptId} was merged into another`);
    if (merged.merged_into !== null)
      throw refused('already_merged', `conversation ${mergedId} was already merged into another`);
    const into = await trx
      .selectFrom('conversation_merges')
      .select('id')
      .where('account_id', '=', accountId)
      .where('kept_id', '=', mergedId)
      .where('undone_at', 'is', null)
      .executeTakeFirst();
    if (into) throw refused('has_merges', `conversations were merged into ${mergedId}; undo those first`);
    const before: Changed = Object.fromEntries(CHANGED.map((k) => [k, merged[k]])) as Changed;
    const r = await trx
      .updateTable('conversations')
      .set({
        status: 'closed',
        closed_at: merged.status === 'closed' ? merged.closed_at : now,
        closed_by: merged.status === 'closed' ? merged.closed_by : (byUserId ?? 'api'),
        disposition: merged.status === 'closed' ? merged.disposition : 'merged',
        offered_to: null,
        offered_at: null,
        joined_agent_id: null,
        waiting_on: null,
        snoozed_until: null,
        merged_into: keptId,
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', mergedId)
      .where('status', '=', merged.status)
      .where('merged_into', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0)
      throw refused('conflict', 'the conversation changed meanwhile; try again');
    if (merged.status !== 'closed') await endHold(trx, mergedId, 'closed', now);
    const row: Selectable<ConversationMergesTable> = {
      id: newId('cmerge'),
      account_id: accountId,
      kept_id: keptId,
      merged_id: mergedId,
      undo: JSON.stringify(before),
      merged_by: byUserId,
      created_at: now,
      undone_at: null,
    };
    await trx.insertInto('conversation_merges').values(row).execute();
    return toConversationMerge(row);
  });
}

/**
 * Undoes a merge within 24 hours: the merged conversation stands alone again, in the state it had
 * before (open with its agent, queued, or closed). `id` is either side; with several conversations
 * merged into it, `otherId` picks one (default: the latest).
 */
export async function unmergeConversation(
  db: Kysely<Database>,
  accountId: string,
  id: string,
  otherId: string | undefined,
  now: number,
): Promise<ConversationMerge> {
  return db.transaction().execute(async (trx) => {
    await conversationRow(trx, accountId, id);
    let q = trx
      .selectFrom('conversation_merges')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('undone_at', 'is', null)
      .where((eb) =>
        otherId === undefined
          ? eb.or([eb('kept_id', '=', id), eb('merged_id', '=', id)])
          : eb.or([
              eb.and([eb('kept_id', '=', id), eb('merged_id', '=', otherId)]),
              eb.and([eb('kept_id', '=', otherId), eb('merged_id', '=', id)]),
            ]),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
    q = q.limit(1);
    const m = await q.executeTakeFirst();
    if (!m) throw notFound('merge');
    if (now > Number(m.created_at) + MERGE_UNDO_MS)
      throw refused('undo_expired', 'a merge can be undone within 24 hours; this one is older');
    const before = JSON.parse(m.undo) as Changed;
    const restored = await trx
      .updateTable('conversations')
      .set({ ...before, merged_into: null, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', m.merged_id)
      .returning(['status', 'assigned_agent_id'])
      .executeTakeFirstOrThrow();
    // Open with its agent again: their hold starts anew (the merge ended the one before), so the
    // agents report counts the time they hold it from now on.
    if (restored.status === 'active' && restored.assigned_agent_id)
      await beginHold(trx, accountId, m.merged_id, restored.assigned_agent_id, now);
    const undone = { ...m, undone_at: now };
    await trx.updateTable('conversation_merges').set({ undone_at: now }).where('id', '=', m.id).execute();
    return toConversationMerge(undone);
  });
}

/** The merges into a conversation still in force, oldest first. */
export async function mergesInto(
  db: Kysely<Database>,
  accountId: string,
  keptId: string,
): Promise<ConversationMerge[]> {
  const rows = await db
    .selectFrom('conversation_merges')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kept_id', '=', keptId)
    .where('undone_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map(toConversationMerge);
}
