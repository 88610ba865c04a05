import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import { chatTopics } from './chat-events.ts';

const TTL_MS = 30_000;
const REFRESH_MS = 10_000;

/**
 * Which agents hold a live console connection, across nodes: each node marks the agents whose
 * sockets it holds present on the bus (refreshed, with a TTL so a dead node's agents fade out).
 * Routing offers chats only to agents who are present.
 */
export class AgentPresence {
  private readonly local = new Map<string, { accountId: string; sockets: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    for (const [userId, { accountId }] of this.local) {
      await this.bus
        .setPresence(chatTopics.presence(accountId), userId, TTL_MS)
        .catch((err) => this.log.warn({ err }, 'presence refresh failed'));
    }
  }

  /** One more console socket of this agent on this node. */
  async add(accountId: string, userId: string): Promise<void> {
    const entry = this.local.get(userId) ?? { accountId, sockets: 0 };
    entry.sockets += 1;
    this.local.set(userId, entry);
    await this.bus.setPresence(chatTopics.presence(accountId), userId, TTL_MS);
  }

  /** One console socket fewer; the agent stops being present here with their last one. */
  async remove(accountId: string, userId: string): Promise<void> {
    const entry = this.local.get(userId);
    if (!entry) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    this.local.delete(userId);
    await this.bus.removePresence(chatTopics.presence(accountId), userId).catch(() => {});
  }

  /** Agents of the account connected on any node. */
  async connected(accountId: string): Promise<Set<string>> {
    return new Set(await this.bus.members(chatTopics.presence(accountId)));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
