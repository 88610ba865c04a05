import type { Conversation } from '@beckon/protocol/chat-api';
import type { Kysely, UpdateQueryBuilder, UpdateResult } from 'kysely';
import { messageTotals, toConversation } from './conversation-rows.ts';
import type { Database } from './schema.ts';

type Update = UpdateQueryBuilder<Database, 'conversations', 'conversations', UpdateResult>;

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
  join(accountId: string, id: string, agentId: string, now = Date.now()): Promise<Conversation | undefined> {
    return this.setJoined(accountId, id, agentId, now, (q) =>
      q
        .where('status', '=', 'active')
        .where('assigned_agent_id', '!=', agentId)
        .where('joined_agent_id', 'is', null),
    );
  }

  /** Takes `agentId` out of the chat; returns undefined when they were not in it. */
  leave(accountId: string, id: string, agentId: string, now = Date.now()): Promise<Conversation | undefined> {
    return this.setJoined(accountId, id, null, now, (q) => q.where('joined_agent_id', '=', agentId));
  }

  /** Sets the joined agent where `when` still holds: one conditional UPDATE. */
  private async setJoined(
    accountId: string,
    id: string,
    agentId: string | null,
    now: number,
    when: (q: Update) => Update,
  ): Promise<Conversation | undefined> {
    const update = this.db
      .updateTable('conversations')
      .set({ joined_agent_id: agentId, updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    const row = await when(update).returningAll().returning(messageTotals).executeTakeFirst();
    return row ? toConversation(row) : undefined;
  }
}
