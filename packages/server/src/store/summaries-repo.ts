import type { ConversationSummary, SummarySource } from '@beckon/protocol/assist-api';
import type { Kysely } from 'kysely';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';

/** Conversation summaries, written on transfer and close, edited by agents. */
export class SummariesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** A conversation's summary, or undefined when none was written. */
  async get(accountId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    const r = await this.db
      .selectFrom('conversation_summaries')
      .select(['text', 'source', 'updated_at'])
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!r) return undefined;
    return { text: r.text, source: r.source as SummarySource, updatedAt: iso(Number(r.updated_at))! };
  }

  /** Writes (or replaces) a summary; `editedBy` names the agent who wrote it by hand. */
  async put(
    accountId: string,
    conversationId: string,
    text: string,
    source: SummarySource,
    editedBy: string | null = null,
    now = Date.now(),
  ): Promise<ConversationSummary> {
    const values = { text, source, edited_by: editedBy, updated_at: now };
    await this.db
      .insertInto('conversation_summaries')
      .values({ conversation_id: conversationId, account_id: accountId, ...values })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
      .execute();
    return { text, source, updatedAt: iso(now)! };
  }
}
