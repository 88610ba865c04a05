import type { ConversationSummary, SummarySource } from '@beckon/protocol/assist-api';
import type { Kysely } from 'kysely';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';

/**
 * How long past the model's deadline a resolved conversation's webhook waits for its summary
 * (ms); the summary written at the close releases it sooner.
 */
export const SUMMARY_GRACE_MS = 5000;

/** Conversation summaries, written on transfer and close, edited by agents. */
export class SummariesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** A conversation's summary, or undefined when none was written. */
  async get(
    accountId: string,
    conversationId: string,
    db: Kysely<Database> = this.db,
  ): Promise<ConversationSummary | undefined> {
    const r = await db
      .selectFrom('conversation_summaries')
      .select(['text', 'source', 'edited_by', 'updated_at'])
      .where('account_id', '=', accountId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      text: r.text,
      source: r.source as SummarySource,
      editedBy: r.edited_by,
      updatedAt: iso(Number(r.updated_at))!,
    };
  }

  /**
   * At a close, in its transaction: the summary stored so far, and how long the
   * `conversation.resolved` webhook waits for the one the close writes (0 when assist is off).
   */
  async atClose(
    db: Kysely<Database>,
    accountId: string,
    conversationId: string,
  ): Promise<{ summary: ConversationSummary | null; holdMs: number }> {
    const settings = await db
      .selectFrom('assist_settings')
      .select(['enabled', 'base_url', 'timeout_seconds'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!settings || Number(settings.enabled) !== 1) return { summary: null, holdMs: 0 };
    const summary = (await this.get(accountId, conversationId, db)) ?? null;
    const model = settings.base_url ? Number(settings.timeout_seconds) * 1000 : 0;
    return { summary, holdMs: model + SUMMARY_GRACE_MS };
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
    return { text, source, editedBy, updatedAt: iso(now)! };
  }
}
