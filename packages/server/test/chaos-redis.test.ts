import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { chatInProgress, onlineAgent, salesAvailability } from './helpers/chaos-agents.ts';
import {
  assertNoCrash,
  type ChaosCluster,
  chaosSkipReason,
  startChaosCluster,
} from './helpers/chaos-cluster.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import {
  ChatTraffic,
  compareWithStore,
  logAgentDelivery,
  logVisitorDelivery,
} from './helpers/chat-traffic.ts';
import { sleep } from './helpers/free-port.ts';

const OUTAGE_MS = 10_000;

/**
 * Redis stopped for 10 s under two nodes with a chat in progress across them (issue 35): the
 * nodes stay up and keep serving their sockets, nothing acknowledged is lost, delivery across
 * nodes catches up when Redis is back, and presence is right again within 3 s.
 */
describe('chaos: Redis stopped for 10 s, then started', () => {
  const skip = chaosSkipReason();
  let cluster: ChaosCluster;
  before(async () => {
    if (!skip) cluster = await startChaosCluster({ nodes: 2 });
  });
  after(async () => {
    await cluster?.close();
  });

  it(
    'nodes stay up, acked messages are stored once and reach the other node, presence returns',
    skip ? { skip } : { timeout: 150_000 },
    async () => {
      const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      const { account } = cluster;
      const agent = await onlineAgent(b.url, account.agentCookies[1]!);
      const { visitor, id } = await chatInProgress(a.url, account, agent);
      const toAgent = logAgentDelivery(agent, id);
      const toVisitor = logVisitorDelivery(visitor);
      const traffic = new ChatTraffic(id, visitor, agent, { intervalMs: 100, ackWaitMs: 2000, tag: 'redis' });
      await sleep(1000);

      const down = Date.now();
      await cluster.redis.stop();
      await sleep(OUTAGE_MS);
      await cluster.redis.start();
      const up = Date.now();
      assertNoCrash(cluster);

      // Presence: within 3 s of the restart the widget on either node sees an agent online, and
      // a chat started then is offered to them rather than sent to the offline flow.
      for (const n of [a, b]) {
        const seen = await eventually(
          async () => {
            const av = await salesAvailability(n.url, account);
            if (!av || av.agentsOnline < 1) throw new Error(`answered ${JSON.stringify(av)}`);
            return Date.now();
          },
          Math.max(1, up + 3000 - Date.now()),
          `an online agent in ${n.name}'s availability within 3 s of the Redis restart`,
        );
        assert.ok(seen - up <= 3000);
      }
      const late = await VisitorChatClient.start(a.url, account.siteKey, {
        skillId: account.salesSkillId,
        visitorId: 'after-restart',
      });
      assert.notEqual(
        late.conversation.status,
        'offline',
        'a new chat went to the offline flow with an agent online',
      );
      await eventually(
        () => agent.offers.has(late.conversation.id),
        5000,
        'the new chat offered to the online agent',
      );

      // A line sent after the restart crosses between the nodes, without the clients reconnecting.
      const after = await visitor.send('after the restart');
      await agent.waitForMessage(id, (m) => m.seq === after.seq, 5000);
      const reply = await agent.send(id, 'answer after the restart');
      await visitor.waitForMessage((m) => m.seq === reply.seq, 5000);
      await traffic.stop();

      // Every line acknowledged during the outage reaches the other side's socket once Redis is back.
      const during = traffic.ackedBetween(down, up);
      for (const line of traffic.acked) {
        const log = line.side === 'visitor' ? toAgent : toVisitor;
        await eventually(
          () => log.has(line.seq),
          5000,
          `${line.side} line ${line.seq} on the other node's socket`,
        );
      }
      assert.equal(toAgent.duplicates + toVisitor.duplicates, 0, 'a socket got a message twice');
      assert.equal(toAgent.outOfOrder + toVisitor.outOfOrder, 0, 'a socket got messages out of order');

      // The store holds every acknowledged line once, in the order of the acks' sequence numbers.
      const stored = await cluster.storedLines(id);
      const check = compareWithStore(traffic.acked, stored);
      assert.deepEqual(check.lost, [], 'acknowledged lines missing from the store');
      assert.equal(check.duplicated, 0);
      assert.equal(check.gaps, 0);
      assert.ok(
        during.length > 0,
        'no send was acknowledged during the outage: the node stopped serving its sockets',
      );

      assertNoCrash(cluster);
      await late.close();
      await visitor.close();
      await agent.disconnect();
    },
  );
});
