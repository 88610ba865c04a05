import type {
  Classification,
  ClassificationSource,
  ClassificationState,
  Sentiment,
} from '@beckon/protocol/intent-api';
import type { Kysely, Selectable } from 'kysely';
import type { ConversationClassificationsTable } from './classification-schema.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';

/** What one classification found (values are null when the model gave none). */
export interface ClassificationInput {
  intent: string | null;
  sentiment: Sentiment | null;
  source: ClassificationSource;
  state: ClassificationState;
  customerLines: number;
}

const toClassification = (r: Selectable<ConversationClassificationsTable>): Classification => ({
  intent: r.intent,
  sentiment: r.sentiment as Sentiment | null,
  source: r.source as ClassificationSource,
  state: r.state as ClassificationState,
  customerLines: Number(r.customer_lines),
  updatedAt: iso(Number(r.updated_at))!,
});

/** Each conversation's intent and sentiment, as assist last classified it. */
export class ClassificationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** A conversation's classification, or undefined before the first. */
  async get(accountId: string, conversationId: string): Promise<Classification | undefined> {
    const r = await this.db
      .selectFrom('conversation_classifications')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return r ? toClassification(r) : undefined;
  }

  /**
   * Stores a classification. A model that failed keeps the values known before (a failure never
   * erases them); `changed` says whether the intent or the sentiment now differs from before.
   */
  async put(
    accountId: string,
    conversationId: string,
    c: ClassificationInput,
    now = Date.now(),
  ): Promise<{ classification: Classification; changed: boolean }> {
    const had = await this.get(accountId, conversationId);
    const failed = c.state !== 'done';
    const intent = failed ? (had?.intent ?? null) : c.intent;
    const sentiment = failed ? (had?.sentiment ?? null) : c.sentiment;
    const values = {
      intent,
      sentiment,
      source: c.source,
      state: c.state,
      customer_lines: c.customerLines,
      updated_at: now,
    };
    await this.db
      .insertInto('conversation_classifications')
      .values({ conversation_id: conversationId, account_id: accountId, ...values })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
      .execute();
    const changed = (had?.intent ?? null) !== intent || (had?.sentiment ?? null) !== sentiment;
    return {
      classification: toClassification({ conversation_id: conversationId, account_id: accountId, ...values }),
      changed,
    };
  }

  /** How many lines the customer wrote in a conversation (the classifier's debounce counts them). */
  async customerLines(accountId: string, conversationId: string): Promise<number> {
    const r = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .where('sender_kind', '=', 'visitor')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
