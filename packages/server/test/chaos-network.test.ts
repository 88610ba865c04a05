import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertNoCrash, untilReadyz } from './helpers/chaos-cluster.ts';
import { chaosTest } from './helpers/chaos-suite.ts';
import { assertChatWorksAndNothingLost, crossNodeChat } from './helpers/cross-node-chat.ts';
import type { CutMode } from './helpers/tcp-proxy.ts';

const CUT_MS = 10_000;

/**
 * The network between one node and both its services (PostgreSQL and Redis) cut for 10 s, then
 * healed (issue 35): first connections reset, then a silent network that drops everything. The
 * node stays up, says 503 while it cannot reach its store and 200 after, and nothing acknowledged
 * is lost; the other node is not affected.
 */
chaosTest(
  'chaos: network cut between a node and its services',
  'the cut node stays up, /readyz 503 while cut and 200 after heal, nothing acked lost',
  async (cluster, t) => {
    const chat = await crossNodeChat(cluster, 'cut');
    t.after(() => chat.close());
    const link = cluster.links[0]!;
    for (const mode of ['reset', 'hang'] as CutMode[]) {
      const cutAt = Date.now();
      link.pg.cut(mode);
      link.redis.cut(mode);
      await untilReadyz(cluster, chat.a, 503, CUT_MS - 2000, `while its network is cut (${mode})`);
      assert.equal(
        (await chat.b.readyz()).status,
        200,
        `${chat.b.name} is not affected by ${chat.a.name}'s cut`,
      );
      await sleep(Math.max(0, cutAt + CUT_MS - Date.now()));
      link.pg.heal();
      link.redis.heal();
      await untilReadyz(cluster, chat.a, 200, 15_000, `after the network healed (${mode})`);
    }
    await assertChatWorksAndNothingLost(cluster, chat);
    assertNoCrash(cluster);
  },
);
