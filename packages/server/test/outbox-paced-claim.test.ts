import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { OutboxRepo, type OutboxRow, outboxRowOf } from '../src/store/outbox-repo.ts';
import { SendSlotsRepo } from '../src/store/send-slots-repo.ts';
import { Deferral } from '../src/store/wal-sync.ts';
import { newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

/**
 * A paced message that holds its moment is claimed up to a poll before it, so its sender waits for
 * the moment instead of a poll finding it late (outbox-dispatcher.ts). Only while it waits: a row
 * another node is sending, its lease not yet out, is never taken early (it would be sent twice).
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`claiming paced outbox rows early (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
  }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    before(async () => {
      srv = await startTestServer({ store: kind });
      t = await newTenant(srv);
    });
    after(() => srv?.close());

    /** A conversation on SMS for the outbox rows of a test. */
    const smsConversation = () =>
      srv.node.ctx.store.conversations.create({
        accountId: t.accountId,
        siteId: t.site.id,
        visitorId: null,
        channel: 'sms',
        source: 'api',
        skillId: null,
        status: 'offline',
        contactId: null,
        tokenHash: `h-${Math.random()}`,
      });

    it('takes a waiting row a poll before its moment, never a row still being sent', async () => {
      const { store } = srv.node.ctx;
      const conv = await smsConversation();
      const now = Date.now() + 3_600_000; // an hour ahead: the node's own dispatcher finds nothing due
      const row = (seq: number, status: 'queued' | 'sending', due: number, pacedAt: number | null) => ({
        id: `ob_${kind}_${seq}_${Math.random().toString(36).slice(2, 8)}`,
        account_id: t.accountId,
        conversation_id: conv.id,
        seq,
        channel: 'sms' as const,
        idempotency_key: `${conv.id}:${seq}`,
        status,
        attempts: status === 'sending' ? 1 : 0,
        next_attempt_at: due,
        lease_until: status === 'sending' ? due : null,
        claim_token: status === 'sending' ? 'someone-else' : null,
        last_error: null,
        provider_id: null,
        payload: null,
        pace_per_minute: 240,
        paced_at: pacedAt,
        once: 0,
        launched_at: null,
        created_at: now - 60_000,
        updated_at: now - 60_000,
      });
      // Another node sends seq 1; its lease runs out in 500 ms. Seq 2 waits for a moment 500 ms away.
      const sending = row(1, 'sending', now + 500, now + 400);
      await store.db.insertInto('outbox').values(sending).execute();
      assert.deepEqual(
        await store.outbox.claim(now, 10, 30_000, 1_000),
        [],
        'a row being sent is not taken early',
      );
      await store.db.deleteFrom('outbox').where('id', '=', sending.id).execute();

      const waiting = row(2, 'queued', now + 500, now + 500);
      const later = row(3, 'queued', now + 5_000, now + 5_000);
      const unpaced = row(4, 'queued', now + 500, null);
      await store.db.insertInto('outbox').values([waiting, later, unpaced]).execute();
      assert.deepEqual(
        (await store.outbox.claim(now, 10, 30_000, 1_000)).map((r) => r.id),
        [waiting.id],
        'the waiting paced row within a poll, not one further off, not an unpaced one',
      );
      assert.deepEqual(
        await store.outbox.claim(now, 10, 30_000, 0),
        [],
        'nothing early without the allowance',
      );
    });

    // Taken in a transaction (insert, select for update, update), a channel's row stayed locked while
    // the node, busy writing a sender's pages, got round to the next statement: on PostgreSQL every
    // claim and late send of the channel queued behind it, and the outbox sent 20 to 30 a second.
    it('takes moments in one statement per channel; takers at once never share or crowd a moment', async () => {
      const { store } = srv.node.ctx;
      const statements: string[] = [];
      const capture: KyselyPlugin = {
        transformQuery(args) {
          statements.push(args.node.kind);
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const account = `acc_pace_${kind}_${Math.random().toString(36).slice(2, 8)}`;
      const counted = new SendSlotsRepo(store.db.withPlugin(capture), store.caps);
      const now = Date.now();
      const one = await counted.paceMany(
        [
          { accountId: account, channel: 'sms', step: 10, n: 5 },
          { accountId: account, channel: 'email', step: 12.5, n: 3 },
        ],
        now,
      );
      assert.deepEqual(statements, ['InsertQueryNode', 'InsertQueryNode'], 'one statement per channel');
      assert.deepEqual(one[0], [now, now + 10, now + 20, now + 30, now + 40]);
      assert.deepEqual(one[1], [now, now + 13, now + 25]);

      // Many takers at once (nodes, claims, late rows): each moment once, a step apart at least.
      const takers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.sendSlots.paceMany([{ accountId: account, channel: 'sms', step: 10, n: 1 + (i % 4) }], now),
        ),
      );
      const moments = [...one[0]!, ...takers.flatMap((t) => t[0]!)].sort((a, b) => a - b);
      assert.equal(moments.length, 5 + 10 * (1 + 2 + 3 + 4), 'every taker got its moments');
      for (let i = 1; i < moments.length; i++)
        assert.ok(moments[i]! - moments[i - 1]! >= 10, `moments ${moments[i - 1]} and ${moments[i]} crowd`);
    });

    // Sent rows settle together, one update for the batch. The fence holds per row: a row whose claim
    // lapsed and was taken again is not settled by the old claim, and its provider id not recorded.
    // On PostgreSQL a heartbeat and a batch of settles at once never deadlock (the loser's rows
    // would be left to their lease and sent again).
    it('settles a batch in one update, each row only while its claim holds it; beats beside it never deadlock', async () => {
      const { store } = srv.node.ctx;
      const conv = await smsConversation();
      const far = Date.now() + 3_600_000; // never due for the node's own dispatcher
      const rows = Array.from({ length: 40 }, (_, i) => ({
        id: `ob_${kind}_s${String(i).padStart(2, '0')}_${Math.random().toString(36).slice(2, 8)}`,
        account_id: t.accountId,
        conversation_id: conv.id,
        seq: 100 + i,
        channel: 'sms' as const,
        idempotency_key: `${conv.id}:${100 + i}`,
        status: 'sending' as const,
        attempts: 1,
        next_attempt_at: far,
        lease_until: far,
        claim_token: 'mine',
        last_error: null,
        provider_id: null,
        payload: null,
        pace_per_minute: null,
        paced_at: null,
        once: 0,
        launched_at: null,
        created_at: far,
        updated_at: far,
      }));
      // Stored last id first: an update that finds its rows by scanning meets them in reverse id order.
      await store.db
        .insertInto('outbox')
        .values([...rows].reverse())
        .execute();
      // Another claim took rows 3 and 7 after this one's lease ran out.
      const taken = new Set([rows[3]!.id, rows[7]!.id]);
      await store.db
        .updateTable('outbox')
        .set({ claim_token: 'theirs' })
        .where('id', 'in', [...taken])
        .execute();

      const mine = rows.slice(0, 20);
      const done = await store.outbox.sentMany(
        mine.map((row, i) => ({ row, status: i % 2 ? 'delivered' : 'sent', providerId: `SM${row.id}` })),
        Date.now(),
      );
      assert.deepEqual(
        [...done].sort(),
        mine.map((r) => r.id).filter((id) => !taken.has(id)),
        'each row the claim still held, no other',
      );
      const after = await store.db
        .selectFrom('outbox')
        .select(['id', 'status', 'provider_id', 'claim_token'])
        .where(
          'id',
          'in',
          mine.map((r) => r.id),
        )
        .orderBy('id')
        .execute();
      for (const [i, r] of after.entries()) {
        if (taken.has(r.id))
          assert.deepEqual([r.status, r.provider_id, r.claim_token], ['sending', null, 'theirs']);
        else
          assert.deepEqual(
            [r.status, r.provider_id, r.claim_token],
            [i % 2 ? 'delivered' : 'sent', `SM${r.id}`, null],
          );
      }
      const parts = await store.db
        .selectFrom('channel_messages')
        .select('external_id')
        .where('conversation_id', '=', conv.id)
        .execute();
      assert.equal(parts.length, 18, 'the provider ids of the settled rows only');

      // The other 20, settled in small batches while heartbeats extend them all, in another order.
      const rest = rows.slice(20);
      const beats = Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.outbox.extend(i % 2 ? [...rest].reverse() : rest, far + i),
        ),
      );
      const settles = Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.outbox.sentMany(
            rest
              .slice(i * 4, i * 4 + 4)
              .reverse()
              .map((row) => ({ row, status: 'sent', providerId: null })),
            Date.now(),
          ),
        ),
      );
      const [, settled] = await Promise.all([beats, settles]);
      assert.equal(
        settled.reduce((a, s) => a + s.size, 0),
        20,
        'every row settled, none lost to a deadlock',
      );
    });

    // While a sender writes pages, each sync of the WAL waits behind theirs. A claimed batch waited
    // for one at its claim and one at its moments before its first send: about 9 sends a second.
    it('on a SQLite file, claims and moments do not wait for the sync; other writes still do', {
      skip: kind === 'postgres',
    }, async () => {
      const { store } = srv.node.ctx;
      const wal = store.walSync;
      assert.ok(wal, 'the test store is a SQLite file at synchronous full');
      const slow = 1_500;
      const w = wal as unknown as {
        flush: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
      };
      const flush = w.flush;
      w.flush = (fd, done) => setTimeout(() => flush(fd, done), slow);
      try {
        const conv = await smsConversation();
        const at = Date.now() + 7_200_000;
        const mine = {
          ...outboxRowOf(t.accountId, conv.id, 1, 'sms', at),
          pace_per_minute: 600,
        };
        await store.db.insertInto('outbox').values(mine).execute();
        const timed = async (work: () => Promise<unknown>) => {
          const t0 = Date.now();
          const out = await work();
          return { ms: Date.now() - t0, out };
        };
        // Rows the other tests left are due by then too: the claim takes them all, this one among them.
        const claim = await timed(() => store.outbox.claim(at, 1_000, 30_000, 0, new Deferral()));
        const held = (claim.out as OutboxRow[]).find((r) => r.id === mine.id);
        assert.ok(held, 'the row was claimed');
        assert.ok(claim.ms < slow, `the claim waited ${claim.ms} ms for the sync`);
        const account = `acc_sync_${Math.random().toString(36).slice(2, 8)}`;
        const pace = await timed(() =>
          store.sendSlots.paceMany(
            [{ accountId: account, channel: 'sms', step: 100, n: 2 }],
            at,
            new Deferral(),
          ),
        );
        assert.ok(pace.ms < slow, `the moments waited ${pace.ms} ms for the sync`);
        // A settle, as every other write, is on disk before it returns.
        const settle = await timed(() =>
          store.outbox.sentMany(
            [{ row: (claim.out as OutboxRow[])[0]!, status: 'sent', providerId: null }],
            at,
          ),
        );
        assert.ok(settle.ms >= slow, `the settle returned after ${settle.ms} ms, before its sync`);
      } finally {
        w.flush = flush;
      }
    });

    // A broadcast queues 100,000 rows at once. A claim that sorted every due row before taking 16
    // scanned them all inside its write transaction, each time: the outbox sent 0.4 a second.
    it('reads due rows in index order, with no sort of the whole queue', async () => {
      const { store } = srv.node.ctx;
      const reads: CompiledQuery[] = [];
      const capture: KyselyPlugin = {
        transformQuery(args) {
          if (args.node.kind === 'SelectQueryNode')
            reads.push(store.db.getExecutor().compileQuery(args.node, args.queryId));
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      await new OutboxRepo(store.db.withPlugin(capture), store.caps).claim(Date.now(), 16, 30_000, 1_000);
      assert.ok(reads.length > 0, 'the claim read the due rows');
      for (const read of reads) {
        const plan =
          kind === 'sqlite'
            ? (
                await store.db.executeQuery<{ detail: string }>(
                  CompiledQuery.raw(`EXPLAIN QUERY PLAN ${read.sql}`, [...read.parameters]),
                )
              ).rows.map((r) => r.detail)
            : await store.db.transaction().execute(async (trx) => {
                // A sort the planner could avoid it now avoids: only one it cannot do without remains.
                await sql`SET LOCAL enable_sort = off`.execute(trx);
                const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(
                  CompiledQuery.raw(`EXPLAIN ${read.sql}`, [...read.parameters]),
                );
                return r.rows.map((x) => x['QUERY PLAN']);
              });
        assert.ok(
          !plan.some((line) => /TEMP B-TREE|^\s*(->\s*)?Sort\b/.test(line)),
          `the claim sorts the queue:\n${plan.join('\n')}`,
        );
      }
    });
  });
}
