import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertNoCrash, untilReadyz } from './helpers/chaos-cluster.ts';
import { chaosTest } from './helpers/chaos-suite.ts';
import { assertChatWorksAndNothingLost, crossNodeChat } from './helpers/cross-node-chat.ts';

const OUTAGE_MS = 10_000;

/**
 * PostgreSQL stopped for 10 s (`pg_ctl -m fast`, as an operator's restart) under two nodes with a
 * chat in progress across them (issue 35): no node exits, `/readyz` says 503 naming the store
 * while it is gone and 200 again after, with no restart; nothing acknowledged is lost; chats work.
 */
chaosTest(
  'chaos: PostgreSQL stopped for 10 s, then started',
  'nodes stay up, /readyz goes 503 then 200, nothing acked is lost, chats work after',
  async (cluster, t) => {
    const chat = await crossNodeChat(cluster, 'pg');
    t.after(() => chat.close());
    const down = Date.now();
    await cluster.pg.stop('fast');
    // While the store is gone every node says so: 503, with a JSON body that names the store.
    for (const n of [chat.a, chat.b]) {
      const body = await untilReadyz(cluster, n, 503, OUTAGE_MS - 2000, 'while PostgreSQL is stopped');
      assert.match(JSON.stringify(body), /store|postgres/i, 'the 503 body names the store');
    }
    await sleep(Math.max(0, down + OUTAGE_MS - Date.now()));
    await cluster.pg.start();
    assertNoCrash(cluster);

    // Back without a restart of any node.
    for (const n of [chat.a, chat.b])
      await untilReadyz(cluster, n, 200, 15_000, 'after PostgreSQL came back');
    await assertChatWorksAndNothingLost(cluster, chat);
    assertNoCrash(cluster);
  },
);
