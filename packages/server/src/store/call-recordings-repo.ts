import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { CallRecordingsTable } from './voice-schema.ts';

export type RecordingRow = Selectable<CallRecordingsTable>;

/** What a chunk's claim found: taken (append it), seen before (a retry), or out of order. */
export type ChunkClaim = 'taken' | 'duplicate' | 'out_of_order';

/**
 * Call recordings. A chunk is claimed by a compare-and-set on the count of chunks, so two nodes
 * never append the same chunk twice, and a retry of a stored chunk is recognised.
 */
export class CallRecordingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Starts the recording of a call's leg; a second start of the same leg returns the first one. */
  async start(row: RecordingRow): Promise<{ recording: RecordingRow; created: boolean }> {
    const inserted = await this.db
      .insertInto('call_recordings')
      .values(row)
      .onConflict((oc) => oc.columns(['call_id', 'leg']).doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    return { recording: (await this.forCall(row.account_id, row.call_id))!, created };
  }

  /** The call's latest recording (the leg of its current agent, after a transfer). */
  async forCall(accountId: string, callId: string): Promise<RecordingRow | undefined> {
    return this.db
      .selectFrom('call_recordings')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('call_id', '=', callId)
      .orderBy('leg', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Takes chunk `seq` of `bytes` bytes if it is the next one and the total stays within `maxBytes`. */
  async claimChunk(
    r: RecordingRow,
    seq: number,
    bytes: number,
    maxBytes: number,
    now = Date.now(),
  ): Promise<ChunkClaim | 'too_large'> {
    if (seq < Number(r.chunks)) return 'duplicate';
    if (seq > Number(r.chunks)) return 'out_of_order';
    if (Number(r.size) + bytes > maxBytes) return 'too_large';
    const done = await this.db
      .updateTable('call_recordings')
      .set((eb) => ({ chunks: seq + 1, size: eb('size', '+', bytes), updated_at: now }))
      .where('id', '=', r.id)
      .where('status', '=', 'recording')
      .where('chunks', '=', seq)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 1) return 'taken';
    const fresh = await this.db
      .selectFrom('call_recordings')
      .select('chunks')
      .where('id', '=', r.id)
      .executeTakeFirst();
    return fresh && seq < Number(fresh.chunks) ? 'duplicate' : 'out_of_order';
  }

  /** Gives a claimed chunk back when its bytes could not be stored. */
  async unclaimChunk(r: RecordingRow, seq: number, bytes: number): Promise<void> {
    await this.db
      .updateTable('call_recordings')
      .set((eb) => ({ chunks: seq, size: eb('size', '-', bytes) }))
      .where('id', '=', r.id)
      .where('chunks', '=', seq + 1)
      .execute();
  }

  /** Marks a recording complete once; false when another pass finished it first. */
  async complete(r: RecordingRow, attachmentId: string | null, now = Date.now()): Promise<boolean> {
    const done = await this.db
      .updateTable('call_recordings')
      .set({ status: 'complete', attachment_id: attachmentId, finished_at: now, updated_at: now })
      .where('id', '=', r.id)
      .where('status', '=', 'recording')
      .executeTakeFirst();
    return Number(done.numUpdatedRows) === 1;
  }

  /** Keeps a recording's attachment that no note carries (message 0), so the sweep of unsent uploads spares it. */
  async keepAttachment(attachmentId: string): Promise<void> {
    await this.db
      .updateTable('attachments')
      .set({ message_seq: 0 })
      .where('id', '=', attachmentId)
      .where('message_seq', 'is', null)
      .execute();
  }

  /** Recordings still open whose last chunk came before `before` (their console went away). */
  async stale(before: number, limit = 100): Promise<RecordingRow[]> {
    return this.db
      .selectFrom('call_recordings')
      .selectAll()
      .where('status', '=', 'recording')
      .where('updated_at', '<', before)
      .limit(limit)
      .execute();
  }

  /** The recordings of a conversation, oldest first. */
  async ofConversation(accountId: string, conversationId: string): Promise<RecordingRow[]> {
    return this.db
      .selectFrom('call_recordings')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
  }

  /** An account's recordings started before `before` (retention reads them), oldest first. */
  async olderThan(accountId: string, before: number, limit = 500): Promise<RecordingRow[]> {
    return this.db
      .selectFrom('call_recordings')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('started_at', '<', before)
      .orderBy('started_at')
      .limit(limit)
      .execute();
  }

  /** Forgets recordings and their attachment rows; returns where their bytes are, to remove them. */
  async delete(rows: readonly RecordingRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const attachments = rows.map((r) => r.attachment_id).filter((a): a is string => a !== null);
    await this.db.transaction().execute(async (trx) => {
      if (attachments.length) await trx.deleteFrom('attachments').where('id', 'in', attachments).execute();
      await trx.deleteFrom('call_recordings').where('id', 'in', ids).execute();
    });
    return rows.map((r) => r.storage_key);
  }
}
