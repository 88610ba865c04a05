import type { Logger } from '../logger.ts';
import type { AgentChatService } from './agent-chat-service.ts';
import type { AgentPresence } from './agent-presence.ts';

/**
 * An agent's console closed: it stops counting in their presence, and when it was their last
 * console on any node, their pending offers go back to the queue. Each departure is tracked, so
 * a node that shuts down finishes them before it closes the bus and the store.
 */
export class AgentDepartures {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly presence: AgentPresence,
    private readonly agents: AgentChatService,
    private readonly log: Logger,
  ) {}

  /**
   * One console socket of this agent closed on this node (`gone`: it stopped answering pings).
   * Decided after the presence grace period (a reload or a move to another node is no
   * departure), or not at all when this node stops first: the agent is moving to another one.
   */
  left(accountId: string, userId: string, gone = false): void {
    const done: Promise<void> = this.presence
      .remove(accountId, userId, gone)
      .then((still) => (still === undefined ? undefined : this.agents.disconnected(accountId, userId, still)))
      .catch((err) => this.log.warn({ err, accountId, userId }, 'agent disconnect handling failed'))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Waits until every departure so far is handled (shutdown). */
  async drained(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
