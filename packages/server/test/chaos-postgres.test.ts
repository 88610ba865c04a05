import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chatInProgress, onlineAgent } from './helpers/chaos-agents.ts';
import {
  assertNoCrash,
  type ChaosCluster,
  chaosSkipReason,
  startChaosCluster,
} from './helpers/chaos-cluster.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { ChatTraffic, compareWithStore } from './helpers/chat-traffic.ts';
import { sleep } from './helpers/free-port.ts';

const OUTAGE_MS = 10_000;

/**
 * PostgreSQL stopped for 10 s (`pg_ctl -m fast`, as an operator's restart) under two nodes with a
 * chat in progress across them (issue 35): no node exits, `/readyz` says 503 naming the store
 * while it is gone and 200 again after, with no restart; nothing acknowledged is lost; chats work.
 */
describe('chaos: PostgreSQL stopped for 10 s, then started', () => {
  const skip = chaosSkipReason();
  let cluster: ChaosCluster;
  before(async () => {
    if (!skip) cluster = await startChaosCluster({ nodes: 2 });
  });
  after(async () => {
    await cluster?.close();
  });

  it(
    'nodes stay up, /readyz goes 503 then 200, nothing acked is lost, chats work after',
    skip ? { skip } : { timeout: 150_000 },
    async () => {
      const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      const { account } = cluster;
      const agent = await onlineAgent(b.url, account.agentCookies[1]!);
      const { visitor, id } = await chatInProgress(a.url, account, agent);
      const traffic = new ChatTraffic(id, visitor, agent, { intervalMs: 100, ackWaitMs: 2000, tag: 'pg' });
      await sleep(1000);

      const down = Date.now();
      await cluster.pg.stop('fast');
      // While the store is gone every node says so: 503, with a JSON body that names the store.
      for (const n of [a, b]) {
        const r = await eventually(
          async () => {
            assertNoCrash(cluster);
            const x = await n.readyz();
            if (x.status !== 503) throw new Error(`answered ${x.status} ${JSON.stringify(x.body)}`);
            return x;
          },
          OUTAGE_MS - 2000,
          `${n.name}'s /readyz to answer 503 while PostgreSQL is stopped`,
        );
        assert.match(JSON.stringify(r.body), /store|postgres/i, 'the 503 body names the store');
      }
      await sleep(Math.max(0, down + OUTAGE_MS - Date.now()));
      await cluster.pg.start();
      assertNoCrash(cluster);

      // Back without a restart of any node.
      for (const n of [a, b])
        await eventually(
          async () => {
            assertNoCrash(cluster);
            const x = await n.readyz();
            if (x.status !== 200) throw new Error(`answered ${x.status} ${JSON.stringify(x.body)}`);
            return true;
          },
          15_000,
          `${n.name}'s /readyz to return to 200`,
        );
      await traffic.stop();
      await sleep(2500); // sends still waiting for an ack get theirs (or never will)

      // A chat works after: a line each way across the nodes.
      const v = await visitor.send('after the store came back', undefined, undefined, visitor.lastSeq);
      await agent.waitForMessage(id, (m) => m.seq === v.seq, 10_000);
      const r = await agent.send(id, 'answer after the store came back');
      await visitor.waitForMessage((m) => m.seq === r.seq, 10_000);

      const stored = await cluster.storedLines(id);
      const check = compareWithStore(traffic.acked, stored);
      assert.deepEqual(check.lost, [], 'acknowledged lines missing from the store');
      assert.equal(check.duplicated, 0, 'a line stored twice');
      assert.equal(check.gaps, 0, 'a gap in the sequence numbers');
      assert.ok(traffic.acked.length > 0);

      assertNoCrash(cluster);
      await visitor.close();
      await agent.disconnect();
    },
  );
});
