import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import { chatTopics } from './chat-events.ts';
import { PresenceSet } from './presence-set.ts';

const TTL_MS = 30_000;

/**
 * Which agents hold a live console connection, across nodes (refreshed every 10 s, with a TTL so a
 * dead node's agents fade out; a closed console counts as gone at once). Routing offers chats only
 * to agents who are present.
 */
export class AgentPresence {
  private readonly set: PresenceSet;

  constructor(bus: Bus, log: Logger) {
    this.set = new PresenceSet(bus, log, {
      setOf: chatTopics.presence,
      ttlMs: TTL_MS,
      onLastRelease: 'remove',
    });
  }

  /** One more console socket of this agent on this node. */
  add(accountId: string, userId: string): Promise<void> {
    return this.set.hold(accountId, userId);
  }

  /** One console socket fewer; the agent stops being present here with their last one. */
  remove(accountId: string, userId: string): Promise<void> {
    return this.set.release(accountId, userId);
  }

  /** Agents of the account connected on any node. */
  connected(accountId: string): Promise<Set<string>> {
    return this.set.members(accountId);
  }

  stop(): void {
    this.set.stop();
  }
}
