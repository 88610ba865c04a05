import type { Mention } from '@beckon/protocol/mentions-api';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { newId } from '../ids.ts';
import { iso } from './rows.ts';
import type { Database, MentionsTable } from './schema.ts';

/** The colleagues one stored note names, written in the note's transaction (messages-repo). */
export interface NoteMentions {
  accountId: string;
  conversationId: string;
  seq: number;
  authorId: string;
  userIds: readonly string[];
}

type Row = Selectable<MentionsTable> & { body: string; sender_name: string | null };

const toMention = (r: Row): Mention => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: Number(r.seq),
  authorId: r.author_id,
  authorName: r.sender_name ?? '',
  text: r.body,
  createdAt: iso(r.created_at)!,
  readAt: iso(r.read_at),
});

/** Records the mentions of stored notes inside their transaction (the note and its mentions commit together). */
export async function insertMentions(
  trx: Transaction<Database>,
  notes: readonly NoteMentions[],
  now: number,
): Promise<void> {
  const rows: MentionsTable[] = notes.flatMap((n) =>
    n.userIds.map((userId) => ({
      id: newId('mention'),
      account_id: n.accountId,
      user_id: userId,
      conversation_id: n.conversationId,
      seq: n.seq,
      author_id: n.authorId,
      created_at: now,
      read_at: null,
      emailed_at: null,
    })),
  );
  if (rows.length > 0) await trx.insertInto('mentions').values(rows).execute();
}

/** Who internal notes name, per colleague: listed unread first, marked read by them. */
export class MentionsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('mentions')
      .innerJoin('messages', (j) =>
        j
          .onRef('messages.conversation_id', '=', 'mentions.conversation_id')
          .onRef('messages.seq', '=', 'mentions.seq'),
      )
      .selectAll('mentions')
      .select(['messages.body as body', 'messages.sender_name as sender_name']);
  }

  /** A user's mentions: unread first, then newest first. */
  async list(
    accountId: string,
    userId: string,
    opts: { unreadOnly?: boolean; limit?: number } = {},
  ): Promise<Mention[]> {
    let q = this.select().where('mentions.account_id', '=', accountId).where('mentions.user_id', '=', userId);
    if (opts.unreadOnly) q = q.where('mentions.read_at', 'is', null);
    const rows = await q
      .orderBy(sql`CASE WHEN mentions.read_at IS NULL THEN 0 ELSE 1 END`)
      .orderBy('mentions.created_at', 'desc')
      .orderBy('mentions.id', 'desc')
      .limit(opts.limit ?? 50)
      .execute();
    return rows.map((r) => toMention(r as Row));
  }

  /** The mentions one stored note made (to notify after its commit). */
  async ofNote(
    accountId: string,
    conversationId: string,
    seq: number,
  ): Promise<(Mention & { userId: string })[]> {
    const rows = await this.select()
      .where('mentions.account_id', '=', accountId)
      .where('mentions.conversation_id', '=', conversationId)
      .where('mentions.seq', '=', seq)
      .execute();
    return rows.map((r) => ({ ...toMention(r as Row), userId: r.user_id }));
  }

  async unreadCount(accountId: string, userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('mentions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Marks the user's mentions read (the ones named, else all); returns how many changed. */
  async markRead(
    accountId: string,
    userId: string,
    ids?: readonly string[],
    now = Date.now(),
  ): Promise<number> {
    if (ids && ids.length === 0) return 0;
    let q = this.db
      .updateTable('mentions')
      .set({ read_at: now })
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null);
    if (ids) q = q.where('id', 'in', [...ids]);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Records that a mention went out by e-mail. */
  async markEmailed(accountId: string, id: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('mentions')
      .set({ emailed_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }
}
