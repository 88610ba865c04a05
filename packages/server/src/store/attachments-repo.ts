import type { Attachment } from '@beckon/protocol/chat-api';
import { agentAttachmentPath } from '@beckon/protocol/chat-attachments';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../errors.ts';
import type { AttachmentsTable, Database } from './schema.ts';

export type AttachmentRow = Selectable<AttachmentsTable>;
export type AttachmentSide = AttachmentsTable['side'];

/** What a message keeps of each of its files (the URL is made when the message is read). */
export type StoredAttachment = Omit<Attachment, 'url'>;

/** A stored file descriptor with its agent-side URL (the API view). */
export const withAgentUrl = (conversationId: string, a: StoredAttachment): Attachment => ({
  id: a.id,
  name: a.name,
  contentType: a.contentType,
  size: a.size,
  url: agentAttachmentPath(conversationId, a.id),
});

const descriptor = (r: AttachmentRow): StoredAttachment => ({
  id: r.id,
  name: r.name,
  contentType: r.content_type,
  size: Number(r.size),
});

const invalid = (id: string) =>
  new AppError(
    400,
    'invalid_attachment',
    `attachment ${id} was not uploaded to this conversation from your side, or was sent already`,
  );

/**
 * Uploads waiting to be sent, read inside a message batch's transaction (after its conversations
 * are locked, so two sends cannot both claim one upload). `claim` checks one send's ids and marks
 * them taken; `bind` records which message sent them.
 */
export class AttachmentClaims {
  private readonly taken = new Set<string>();
  private readonly claimed: Array<{ ids: string[]; conversationId: string; seq: number }> = [];

  private constructor(private readonly rows: Map<string, AttachmentRow>) {}

  /** Reads the uploads a batch names, locking them where the store can (a sweep must not delete one being sent). */
  static async load(
    trx: Transaction<Database>,
    ids: readonly string[],
    rowLocks: boolean,
  ): Promise<AttachmentClaims> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new AttachmentClaims(new Map());
    let q = trx.selectFrom('attachments').selectAll().where('id', 'in', unique);
    if (rowLocks) q = q.forUpdate();
    const rows = await q.execute();
    return new AttachmentClaims(new Map(rows.map((r) => [r.id, r])));
  }

  /** The files of one send, in order, or why they may not be sent. */
  claim(
    accountId: string,
    conversationId: string,
    side: AttachmentSide,
    ids: readonly string[],
  ): StoredAttachment[] | AppError {
    if (new Set(ids).size !== ids.length)
      return new AppError(400, 'invalid_attachment', 'an attachment is named twice');
    const out: StoredAttachment[] = [];
    for (const id of ids) {
      const r = this.rows.get(id);
      if (
        !r ||
        r.account_id !== accountId ||
        r.conversation_id !== conversationId ||
        r.side !== side ||
        r.message_seq !== null ||
        this.taken.has(id)
      ) {
        return invalid(id);
      }
      out.push(descriptor(r));
    }
    for (const id of ids) this.taken.add(id);
    return out;
  }

  /** Remembers that the files of a claim went out with message `seq`. */
  sent(conversationId: string, ids: readonly string[], seq: number): void {
    this.claimed.push({ ids: [...ids], conversationId, seq });
  }

  /** Writes the message each claimed file went out with (same transaction as the messages). */
  async bind(trx: Transaction<Database>): Promise<void> {
    for (const c of this.claimed) {
      await trx
        .updateTable('attachments')
        .set({ message_seq: c.seq })
        .where('id', 'in', c.ids)
        .where('conversation_id', '=', c.conversationId)
        .where('message_seq', 'is', null)
        .execute();
    }
  }
}

/** Attachment metadata; the bytes live in the attachment storage under `storage_key`. */
export class AttachmentsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: AttachmentRow): Promise<StoredAttachment> {
    await this.db.insertInto('attachments').values(row).execute();
    return descriptor(row);
  }

  /** One attachment of a conversation (the caller has proved access to that conversation). */
  async find(conversationId: string, id: string): Promise<AttachmentRow | undefined> {
    return this.db
      .selectFrom('attachments')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** An attachment by its id alone (the visitor's signed URL names only the attachment). */
  async byId(id: string): Promise<AttachmentRow | undefined> {
    return this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Forgets an upload whose bytes could not be stored. */
  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('attachments').where('id', '=', id).execute();
  }

  /** The kind of sender of the message an attachment went out with (to keep notes' files from visitors). */
  async sentBy(row: AttachmentRow): Promise<string | undefined> {
    if (row.message_seq === null) return undefined;
    const m = await this.db
      .selectFrom('messages')
      .select('sender_kind')
      .where('conversation_id', '=', row.conversation_id)
      .where('seq', '=', row.message_seq)
      .executeTakeFirst();
    return m?.sender_kind;
  }

  /** Forgets uploads never sent and older than `before`; returns where their bytes are, to remove them. */
  async deleteUnsent(before: number, limit = 500): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('attachments')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('attachments')
          .select('id')
          .where('message_seq', 'is', null)
          .where('created_at', '<', before)
          .limit(limit),
      )
      .where('message_seq', 'is', null)
      .returning('storage_key')
      .execute();
    return rows.map((r) => r.storage_key);
  }

  /** How many files a side uploaded to a conversation (a cap against filling the disk). */
  async countFor(conversationId: string, side: AttachmentSide): Promise<number> {
    const row = await this.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversation_id', '=', conversationId)
      .where('side', '=', side)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
