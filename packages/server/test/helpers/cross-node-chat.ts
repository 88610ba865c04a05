import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { chatInProgress, onlineAgent } from './chaos-agents.ts';
import type { ChaosCluster } from './chaos-cluster.ts';
import {
  ChatTraffic,
  compareWithStore,
  type DeliveryLog,
  logAgentDelivery,
  logVisitorDelivery,
} from './chat-traffic.ts';
import type { NodeProcess } from './node-process.ts';

/** A chat in progress with its visitor on node a and its agent on node b, both sides sending. */
export interface CrossNodeChat {
  a: NodeProcess;
  b: NodeProcess;
  agent: AgentChatClient;
  visitor: VisitorChatClient;
  id: string;
  traffic: ChatTraffic;
  /** Every line that reached the agent's socket, from before the first send. */
  toAgent: DeliveryLog;
  /** Every line that reached the visitor's socket, from before the first send. */
  toVisitor: DeliveryLog;
  close(): Promise<void>;
}

/** Opens the chat and lets it run a second, so the fault finds lines flowing both ways. */
export async function crossNodeChat(cluster: ChaosCluster, tag: string): Promise<CrossNodeChat> {
  const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
  const agent = await onlineAgent(b.url, cluster.account.agentCookies[1]!);
  const { visitor, id } = await chatInProgress(a.url, cluster.account, agent);
  const toAgent = logAgentDelivery(agent, id);
  const toVisitor = logVisitorDelivery(visitor);
  const traffic = new ChatTraffic(id, visitor, agent, { intervalMs: 100, ackWaitMs: 2000, tag });
  await sleep(1000);
  return {
    a,
    b,
    agent,
    visitor,
    id,
    traffic,
    toAgent,
    toVisitor,
    async close() {
      await traffic.stop();
      await visitor.close();
      await agent.disconnect();
    },
  };
}

/**
 * After the fault: the chat still works (a line each way across the nodes, on the same sockets),
 * and the store holds every acknowledged line once, with no gap in the sequence numbers.
 */
export async function assertChatWorksAndNothingLost(
  cluster: ChaosCluster,
  chat: CrossNodeChat,
): Promise<void> {
  const { visitor, agent, id, traffic } = chat;
  await traffic.stop();
  await sleep(2500); // sends still waiting for an ack get theirs (or never will)
  const v = await visitor.send('after the fault', undefined, undefined, visitor.lastSeq);
  await agent.waitForMessage(id, (m) => m.seq === v.seq, 10_000);
  const r = await agent.send(id, 'answer after the fault');
  await visitor.waitForMessage((m) => m.seq === r.seq, 10_000);

  const check = compareWithStore(traffic.acked, await cluster.storedLines(id));
  assert.deepEqual(check.lost, [], 'acknowledged lines missing from the store');
  assert.equal(check.duplicated, 0, 'a line stored twice');
  assert.equal(check.gaps, 0, 'a gap in the sequence numbers');
  assert.ok(traffic.acked.length > 0, 'no line was acknowledged at all');
}
