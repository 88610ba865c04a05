import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { Store } from '../../store/store.ts';
import type { InboundMessage } from '../channel.ts';
import type { ChannelInbox, Received } from '../channel-inbox.ts';

/** An inbound message as a connector reads it; the connection supplies the rest. */
export type ConnectionMessage = Pick<InboundMessage, 'from' | 'externalId' | 'text' | 'receivedAt'>;

/**
 * The inbox as a connection uses it: a customer's message joins their latest conversation on the
 * same connection (reopening it when resolved), a new one joins the connection's default skill,
 * and the conversation remembers the connection so the agent's replies leave by it.
 */
export class ConnectionInbox {
  constructor(
    private readonly store: Store,
    private readonly inbox: ChannelInbox,
  ) {}

  async receive(conn: ChannelConnection, msg: ConnectionMessage): Promise<Received> {
    const { accountId } = conn;
    const contact = await this.store.contacts.resolve(accountId, msg.from, msg.receivedAt);
    const thread = await this.store.channelConnections.lastConversation(accountId, conn.id, contact.id);
    return this.inbox.receive(
      {
        ...msg,
        channel: conn.type,
        accountId,
        siteId: null,
        ...(thread ? { threadConversationId: thread } : {}),
        skillId: conn.defaultSkillId,
      },
      async (conversation) => {
        await this.store.channelConnections.bind(accountId, conversation.id, conn.id);
        return { attachmentIds: [] };
      },
    );
  }
}
