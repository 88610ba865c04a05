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
import type { NodeProcess } from './helpers/node-process.ts';
import type { CutMode } from './helpers/tcp-proxy.ts';

const CUT_MS = 10_000;

/**
 * The network between one node and both its services (PostgreSQL and Redis) cut for 10 s, then
 * healed (issue 35): first connections reset, then a silent network that drops everything. The
 * node stays up, says 503 while it cannot reach its store and 200 after, and nothing acknowledged
 * is lost; the other node is not affected.
 */
describe('chaos: network cut between a node and its services', () => {
  const skip = chaosSkipReason();
  let cluster: ChaosCluster;
  before(async () => {
    if (!skip) cluster = await startChaosCluster({ nodes: 2 });
  });
  after(async () => {
    await cluster?.close();
  });

  const readyzIs = (n: NodeProcess, status: number, within: number, what: string) =>
    eventually(
      async () => {
        assertNoCrash(cluster);
        const x = await n.readyz();
        if (x.status !== status) throw new Error(`answered ${x.status} ${JSON.stringify(x.body)}`);
        return true;
      },
      within,
      `${n.name}'s /readyz to answer ${status} ${what}`,
    );

  it(
    'the cut node stays up, /readyz 503 while cut and 200 after heal, nothing acked lost',
    skip ? { skip } : { timeout: 150_000 },
    async () => {
      const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
      const { account } = cluster;
      const agent = await onlineAgent(b.url, account.agentCookies[1]!);
      const { visitor, id } = await chatInProgress(a.url, account, agent);
      const traffic = new ChatTraffic(id, visitor, agent, { intervalMs: 100, ackWaitMs: 2000, tag: 'cut' });
      await sleep(1000);

      for (const mode of ['reset', 'hang'] as CutMode[]) {
        const cutAt = Date.now();
        cluster.links[0]!.pg.cut(mode);
        cluster.links[0]!.redis.cut(mode);
        await readyzIs(a, 503, CUT_MS - 2000, `while its network is cut (${mode})`);
        assert.equal((await b.readyz()).status, 200, `${b.name} is not affected by ${a.name}'s cut`);
        await sleep(Math.max(0, cutAt + CUT_MS - Date.now()));
        cluster.links[0]!.pg.heal();
        cluster.links[0]!.redis.heal();
        await readyzIs(a, 200, 15_000, `after the network healed (${mode})`);
      }
      await traffic.stop();
      await sleep(2500); // sends still waiting for an ack get theirs (or never will)

      const v = await visitor.send('after the heal', undefined, undefined, visitor.lastSeq);
      await agent.waitForMessage(id, (m) => m.seq === v.seq, 10_000);
      const r = await agent.send(id, 'answer after the heal');
      await visitor.waitForMessage((m) => m.seq === r.seq, 10_000);

      const check = compareWithStore(traffic.acked, await cluster.storedLines(id));
      assert.deepEqual(check.lost, [], 'acknowledged lines missing from the store');
      assert.equal(check.duplicated, 0, 'a line stored twice');
      assert.equal(check.gaps, 0, 'a gap in the sequence numbers');
      assertNoCrash(cluster);
      await visitor.close();
      await agent.disconnect();
    },
  );
});
