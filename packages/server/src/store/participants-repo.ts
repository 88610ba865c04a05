import type { Conversation } from '@beckon/protocol/chat-api';
import type { Kysely } from 'kysely';
import { messageTotals, toConversation } from './conversation-rows.ts';
import type { Database } from './schema.ts';

/**
 * The second agent of a live chat: a supervisor who barged in (`conversations.joined_agent_id`).
 * The assigned agent keeps the chat (routing load, transfer, close); the joined one may write to
 * the visitor until they leave, the chat closes, or they take it over. Each change is one
 * conditional UPDATE, so two supervisors never both join, whichever node they are on.
 */
export class ParticipantsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Joins `agentId` to an active chat held by someone else, when no one else joined it; undefined
   * when it was not so (closed, waiting, theirs, or another supervisor's).
   */
  async join(
    accountId: string,
    id: string,
    agentId: string,
    now = Date.now(),
  ): Promise<Conversation | undefined> {
    const row = await this.db
      .updateTable('conversations')
      .set({ joined_agent_id: agentId, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('assigned_agent_id', '!=', agentId)
      .where('joined_agent_id', 'is', null)
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    return row ? toConversation(row) : undefined;
  }

  /** Takes `agentId` out of the chat; returns undefined when they were not in it. */
  async leave(
    accountId: string,
    id: string,
    agentId: string,
    now = Date.now(),
  ): Promise<Conversation | undefined> {
    const row = await this.db
      .updateTable('conversations')
      .set({ joined_agent_id: null, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('joined_agent_id', '=', agentId)
      .returningAll()
      .returning(messageTotals)
      .executeTakeFirst();
    return row ? toConversation(row) : undefined;
  }
}
