import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { ChatEvents } from './chat-events.ts';
import { PresenceSet } from './presence-set.ts';

/** An agent looking at a conversation in their console. */
export interface Viewer {
  id: string;
  name: string;
}

/** A viewer's mark lasts this long unless its node refreshes it: a dead node's viewers fade out. */
const VIEWER_TTL_MS = 30_000;

/**
 * Who is looking at which conversation, across nodes: each console says which conversation it
 * shows (`viewing`), its node marks that on the bus (a `PresenceSet`, one set per conversation),
 * and every change is published to the conversation, whose followers read the set again and tell
 * their consoles. A closed socket lets go of its marks at once.
 */
export class ConversationViewers {
  private readonly set: PresenceSet;

  constructor(
    bus: Bus,
    log: Logger,
    private readonly events: ChatEvents,
  ) {
    // The set's "account" is the conversation: one bus set per conversation.
    this.set = new PresenceSet(bus, log, {
      setOf: (conversationId) => `chat.viewers.${conversationId}`,
      ttlMs: VIEWER_TTL_MS,
      lingerMs: 0,
    });
  }

  /** Marks are per conversation: one agent may look at several chats in several tabs. */
  private member(conversationId: string, v: Viewer): string {
    return `${conversationId}~${v.id}~${encodeURIComponent(v.name)}`;
  }

  async view(conversationId: string, v: Viewer): Promise<void> {
    await this.set.hold(conversationId, this.member(conversationId, v));
    this.events.toConversation(conversationId, { t: 'viewers.changed' });
  }

  async leave(conversationId: string, v: Viewer): Promise<void> {
    await this.set.release(conversationId, this.member(conversationId, v), true);
    this.events.toConversation(conversationId, { t: 'viewers.changed' });
  }

  /** Everyone looking at the conversation now, on any node, each once, by name. */
  async list(conversationId: string): Promise<Viewer[]> {
    const seen = new Map<string, Viewer>();
    for (const m of await this.set.members(conversationId)) {
      const [, id, name] = m.split('~');
      if (id && name !== undefined && !seen.has(id)) seen.set(id, { id, name: decodeURIComponent(name) });
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  stop(): void {
    this.set.stop();
  }
}
