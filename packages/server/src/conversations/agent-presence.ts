import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import { chatTopics } from './chat-events.ts';
import { PresenceSet } from './presence-set.ts';

const TTL_MS = 30_000;

/**
 * Which agents hold a live console connection, across nodes (refreshed every 10 s, with a TTL so a
 * dead node's agents fade out). A console that closes leaves its agent present for a grace
 * period, so a reload or a move to another node never looks like an absence; one that stopped
 * answering counts as gone at once. Routing offers chats only to agents who are present.
 */
export class AgentPresence {
  private readonly set: PresenceSet;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private stopped = false;

  constructor(
    bus: Bus,
    log: Logger,
    /** How long an agent whose last console closed still counts as present (ms). */
    readonly graceMs: number,
  ) {
    this.set = new PresenceSet(bus, log, {
      setOf: chatTopics.presence,
      ttlMs: TTL_MS,
      lingerMs: graceMs,
    });
  }

  /** One more console socket of this agent on this node. */
  add(accountId: string, userId: string): Promise<void> {
    return this.set.hold(accountId, userId);
  }

  /**
   * One console socket fewer. Resolves, once it is known, whether the agent is still present on
   * any node: at once for a console that is `gone` (it stopped answering), else after the grace
   * period; `undefined` when this node stops first (the agent is reconnecting elsewhere).
   */
  async remove(accountId: string, userId: string, gone = false): Promise<boolean | undefined> {
    await this.set.release(accountId, userId, gone);
    if (!gone && this.graceMs > 0 && !(await this.graceOver())) return undefined;
    return (await this.connected(accountId)).has(userId);
  }

  /**
   * Waits one grace period; false when the node stopped meanwhile. A release still on the bus when
   * the node stopped asks only after the stop: it must not wait, or shutdown would outlast the grace
   * and the agent's lingering mark with it.
   */
  private graceOver(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wait = {
        timer: setTimeout(() => {
          this.waits.delete(wait);
          resolve(true);
        }, this.graceMs + 50),
        done: () => resolve(false),
      };
      wait.timer.unref();
      this.waits.add(wait);
    });
  }

  /** Agents of the account connected on any node. */
  connected(accountId: string): Promise<Set<string>> {
    return this.set.members(accountId);
  }

  stop(): void {
    this.stopped = true;
    this.set.stop();
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.done();
    }
    this.waits.clear();
  }
}
