import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { chatInProgress, onlineAgent } from '../../../packages/server/test/helpers/chaos-agents.ts';
import type { ChaosCluster } from '../../../packages/server/test/helpers/chaos-cluster.ts';
import { ChatTraffic, compareWithStore } from '../../../packages/server/test/helpers/chat-traffic.ts';

/**
 * Chats in progress across two nodes, both sides sending in a loop: each visitor on one node and
 * its agent on the other (agent 0 on node a, agent 1 on node b), so every line crosses the bus.
 * The agents are set away once their chats are open, so new chats go to other agents.
 */
export class CrossingChats {
  /** When each line reached the socket of the side that did not send it (in arrival order). */
  private readonly arrivals: number[] = [];

  private constructor(
    readonly traffic: ChatTraffic[],
    private readonly visitors: VisitorChatClient[],
    private readonly agents: AgentChatClient[],
  ) {
    for (const v of visitors)
      v.frames.on((f) => {
        if (f.type === 'message' && f.message.senderKind === 'agent') this.arrivals.push(Date.now());
      });
    for (const a of agents)
      a.frames.on((f) => {
        if (f.type === 'message' && f.message.senderKind === 'visitor') this.arrivals.push(Date.now());
      });
  }

  /** The first time at or after `from` a line crossed to the other node's socket, if any did. */
  firstCrossingAfter(from: number): number | undefined {
    return this.arrivals.find((t) => t >= from);
  }

  static async start(cluster: ChaosCluster, pairs: number, intervalMs: number): Promise<CrossingChats> {
    const [a, b] = cluster.nodes;
    const { account } = cluster;
    const agents = [
      await onlineAgent(a!.url, account.agentCookies[0]!),
      await onlineAgent(b!.url, account.agentCookies[1]!),
    ];
    const visitors: VisitorChatClient[] = [];
    const traffic: ChatTraffic[] = [];
    // One agent online at a time, so each chat goes to the agent on the other node.
    for (const side of [0, 1]) {
      const agent = agents[1 - side]!;
      await agents[side]!.setStatus('away');
      await agent.setStatus('online');
      for (let i = side; i < pairs; i += 2) {
        const { visitor, id } = await chatInProgress(cluster.nodes[side]!.url, account, agent);
        visitors.push(visitor);
        traffic.push(new ChatTraffic(id, visitor, agent, { intervalMs, ackWaitMs: 2000, tag: `p${i}` }));
      }
    }
    await agents[0]!.setStatus('away');
    await agents[1]!.setStatus('away');
    return new CrossingChats(traffic, visitors, agents);
  }

  /** Lines acknowledged so far (both sides of every chat). */
  acked(): number {
    return this.traffic.reduce((s, t) => s + t.acked.length, 0);
  }

  /** Lines whose ack arrived within [from, to]. */
  ackedBetween(from: number, to: number): number {
    return this.traffic.reduce((s, t) => s + t.ackedBetween(from, to).length, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.traffic.map((t) => t.stop()));
  }

  /** Acknowledged lines not in the store, and lines stored twice, over every chat. */
  async audit(cluster: ChaosCluster): Promise<{ lost: number; duplicated: number }> {
    let lost = 0;
    let duplicated = 0;
    for (const t of this.traffic) {
      const c = compareWithStore(t.acked, await cluster.storedLines(t.conversationId));
      lost += c.lost.length;
      duplicated += c.duplicated;
    }
    return { lost, duplicated };
  }

  async close(): Promise<void> {
    await Promise.all(this.visitors.map((v) => v.close().catch(() => {})));
    await Promise.all(this.agents.map((a) => a.disconnect().catch(() => {})));
  }
}
