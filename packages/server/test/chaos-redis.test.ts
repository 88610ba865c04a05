import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { salesAvailability } from './helpers/chaos-agents.ts';
import { assertNoCrash } from './helpers/chaos-cluster.ts';
import { chaosTest } from './helpers/chaos-suite.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { assertChatWorksAndNothingLost, crossNodeChat } from './helpers/cross-node-chat.ts';

const OUTAGE_MS = 10_000;
/** The target: presence is right again this soon after Redis is back. */
const PRESENCE_WITHIN_MS = 3000;

/**
 * Redis stopped for 10 s under two nodes with a chat in progress across them (issue 35): the
 * nodes stay up and keep serving their sockets, nothing acknowledged is lost, delivery across
 * nodes catches up when Redis is back, and presence is right again within 3 s.
 */
chaosTest(
  'chaos: Redis stopped for 10 s, then started',
  'nodes stay up, acked messages are stored once and reach the other node, presence returns',
  async (cluster, t) => {
    const chat = await crossNodeChat(cluster, 'redis');
    t.after(() => chat.close());
    const { a, b, agent, traffic, toAgent, toVisitor } = chat;
    const { account } = cluster;

    const down = Date.now();
    await cluster.redis.stop();
    await sleep(OUTAGE_MS);
    await cluster.redis.start();
    const up = Date.now();
    assertNoCrash(cluster);
    // The nodes kept serving the sockets they hold: sends were acknowledged during the outage.
    assert.ok(traffic.ackedBetween(down, up).length > 0, 'no send was acknowledged while Redis was down');

    // Presence: within 3 s of the restart the widget on either node sees an agent online, and
    // a chat started then is offered to them rather than sent to the offline flow.
    for (const n of [a, b]) {
      const seen = await eventually(
        async () => {
          const av = await salesAvailability(n.url, account);
          if (!av || av.agentsOnline < 1) throw new Error(`answered ${JSON.stringify(av)}`);
          return Date.now();
        },
        Math.max(1, up + PRESENCE_WITHIN_MS - Date.now()),
        `an online agent in ${n.name}'s availability within 3 s of the Redis restart`,
      );
      assert.ok(seen - up <= PRESENCE_WITHIN_MS);
    }
    const late = await VisitorChatClient.start(a.url, account.siteKey, {
      skillId: account.salesSkillId,
      visitorId: 'after-restart',
    });
    t.after(() => late.close());
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

    // A line each way crosses between the nodes after the restart, on the same sockets; every
    // acknowledged line is stored once.
    await assertChatWorksAndNothingLost(cluster, chat);
    // Every line acknowledged, during the outage too, reached the other side's socket once, in order.
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
    assertNoCrash(cluster);
  },
);
