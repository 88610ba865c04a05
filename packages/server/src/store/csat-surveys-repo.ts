import type { Kysely } from 'kysely';
import type { ConversationsTable, Database } from './schema.ts';

/** A survey a resolved conversation was sent, as the answer's check needs it. */
export interface CsatSurvey {
  conversationId: string;
  channel: ConversationsTable['channel'];
  sentAt: number;
  expiresAt: number;
  /** The provider id of the answer that rated it, once answered. */
  answerId: string | null;
}

/**
 * Satisfaction surveys sent on the customer's own channel: one per conversation (a conversation
 * resolved again gets a new one), open for an answer until it expires.
 */
export class CsatSurveysRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a survey about to be sent; a conversation resolved again starts a fresh one. */
  async open(
    accountId: string,
    conversationId: string,
    channel: ConversationsTable['channel'],
    now: number,
    expiresAt: number,
  ): Promise<void> {
    const values = { sent_at: now, expires_at: expiresAt, answer_id: null, answered_at: null };
    await this.db
      .insertInto('csat_surveys')
      .values({ account_id: accountId, conversation_id: conversationId, channel, ...values })
      .onConflict((oc) => oc.columns(['account_id', 'conversation_id']).doUpdateSet({ channel, ...values }))
      .execute();
  }

  /** The conversation's survey, answered or not, or undefined when none was sent. */
  async find(accountId: string, conversationId: string): Promise<CsatSurvey | undefined> {
    const r = await this.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      conversationId: r.conversation_id,
      channel: r.channel,
      sentAt: Number(r.sent_at),
      expiresAt: Number(r.expires_at),
      answerId: r.answer_id,
    };
  }

  /**
   * Marks the survey answered by the provider's message `answerId`, once: false when another
   * answer (or another node with the same one) got there first.
   */
  async answer(accountId: string, conversationId: string, answerId: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('csat_surveys')
      .set({ answer_id: answerId, answered_at: now })
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('answer_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
