import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { onlineAgent } from './chaos-agents.ts';

/**
 * An agent who takes every chat offered and ends it at once (so capacity never runs out), noting
 * when each offer reached their socket. Several bots share one record of offer times.
 */
export class AgentBot {
  client!: AgentChatClient;

  constructor(
    readonly cookie: string,
    private readonly offeredAt: Map<string, number>,
  ) {}

  /** Connects the console to a node (again, after a node was lost), online. */
  async connect(url: string): Promise<void> {
    const c = await onlineAgent(url, this.cookie);
    this.client = c;
    for (const id of c.offers.keys()) this.take(id);
    c.frames.on((f) => {
      if (f.type === 'offer') this.take(f.conversation.id);
    });
  }

  private take(id: string): void {
    if (!this.offeredAt.has(id)) this.offeredAt.set(id, Date.now());
    const c = this.client;
    c.accept(id)
      .then(() => c.close(id))
      .catch(() => {});
  }

  disconnect(): Promise<unknown> {
    return this.client.disconnect().catch(() => {});
  }
}
