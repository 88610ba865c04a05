import type { MessageTranslation, SeqTranslation, TranslationState } from '@beckon/protocol/assist-api';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Assist's live translation: the customer's language per conversation, and lines in the agent's language. */
export class TranslationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The customer's language as last detected; null before one was. */
  async customerLanguage(accountId: string, conversationId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('conversations')
      .select('customer_language')
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return r?.customer_language ?? null;
  }

  /** Records the customer's language (a line was recognised in it). */
  async setCustomerLanguage(accountId: string, conversationId: string, language: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ customer_language: language })
      .where('account_id', '=', accountId)
      .where('id', '=', conversationId)
      .execute();
  }

  /** Keeps a line's translation (a later one for the same line replaces it). */
  async put(
    accountId: string,
    conversationId: string,
    seq: number,
    t: MessageTranslation,
    now = Date.now(),
  ): Promise<void> {
    const values = {
      language: t.language,
      agent_language: t.agentLanguage,
      text: t.text,
      state: t.state,
      created_at: now,
    };
    await this.db
      .insertInto('message_translations')
      .values({ account_id: accountId, conversation_id: conversationId, seq, ...values })
      .onConflict((oc) => oc.columns(['conversation_id', 'seq']).doUpdateSet(values))
      .execute();
  }

  /** A conversation's translations in `[fromSeq, toSeq]`, by sequence number. */
  async list(
    accountId: string,
    conversationId: string,
    fromSeq = 0,
    toSeq = 2 ** 31 - 1,
  ): Promise<SeqTranslation[]> {
    const rows = await this.db
      .selectFrom('message_translations')
      .select(['seq', 'language', 'agent_language', 'text', 'state'])
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      language: r.language,
      agentLanguage: r.agent_language,
      text: r.text,
      state: r.state as TranslationState,
    }));
  }

  /** Puts each message's translation on it (the conversation API's view). */
  async decorate<M extends { seq: number; translation?: MessageTranslation }>(
    accountId: string,
    conversationId: string,
    messages: M[],
  ): Promise<M[]> {
    if (messages.length === 0) return messages;
    const found = await this.list(accountId, conversationId, messages[0]!.seq, messages.at(-1)!.seq);
    if (found.length === 0) return messages;
    const bySeq = new Map(found.map(({ seq, ...t }) => [seq, t]));
    for (const m of messages) {
      const t = bySeq.get(m.seq);
      if (t) m.translation = t;
    }
    return messages;
  }
}
