import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logger.ts';
import { LeaseWorker } from '../src/ops/lease-worker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = createLogger('silent', false);

/**
 * A queue worked by a `LeaseWorker`: rows due at a time, claimed up to the room given, each
 * worked for `workMs`. Counts the claims and those that found nothing.
 */
function queue(opts: { concurrency: number; settleWakeMs?: number; workMs: number }) {
  const due: { id: string; at: number }[] = [];
  const sent: string[] = [];
  const claims = { all: 0, empty: 0 };
  const worker = new LeaseWorker<{ id: string }>(
    'test',
    async (room) => {
      claims.all++;
      const now = Date.now();
      const taken = due.filter((r) => r.at <= now).slice(0, room);
      for (const r of taken) due.splice(due.indexOf(r), 1);
      if (taken.length === 0) claims.empty++;
      return taken;
    },
    async (row) => {
      await sleep(opts.workMs);
      sent.push(row.id);
    },
    log,
    {
      pollMs: 60_000,
      concurrency: opts.concurrency,
      ...(opts.settleWakeMs === undefined ? {} : { settleWakeMs: opts.settleWakeMs }),
    },
  );
  return { due, sent, claims, worker };
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('lease worker', () => {
  it('claims once for rows settled together when every due row was in hand', async () => {
    // Rows settling one by one used to claim one by one: at a broadcast's pace, one empty write
    // transaction a message on the thread that serves sockets.
    const q = queue({ concurrency: 64, settleWakeMs: 100, workMs: 5 });
    for (let i = 0; i < 40; i++) q.due.push({ id: `r${i}`, at: 0 });
    q.worker.start();
    await until('40 rows sent', () => q.sent.length === 40);
    await sleep(150);
    await q.worker.stop();
    assert.ok(q.claims.all <= 3, `${q.claims.all} claims for 40 rows`);

    // Without the wait, each settled row claims again.
    const eager = queue({ concurrency: 64, workMs: 5 });
    for (let i = 0; i < 40; i++) eager.due.push({ id: `r${i}`, at: 0 });
    eager.worker.start();
    await until('40 rows sent', () => eager.sent.length === 40);
    await eager.worker.stop();
    assert.ok(eager.claims.empty >= 30, `${eager.claims.empty} empty claims of ${eager.claims.all}`);
  });

  it('a row that came due while others were in hand goes after the wait, not at the next poll', async () => {
    const q = queue({ concurrency: 8, settleWakeMs: 50, workMs: 20 });
    q.due.push({ id: 'first', at: 0 });
    q.worker.start();
    await until('the first row claimed', () => q.claims.all >= 1 && q.due.length === 0);
    // Due once the first is on its way (a later line of its conversation); nothing wakes the worker.
    q.due.push({ id: 'second', at: Date.now() });
    const start = Date.now();
    await until('the second row sent', () => q.sent.includes('second'), 2000);
    await q.worker.stop();
    assert.ok(Date.now() - start < 1000, `sent after ${Date.now() - start} ms (the poll is a minute)`);
  });

  it('claims again at once when the last claim filled its room', async () => {
    // A backlog: every settle frees room for rows still due.
    const q = queue({ concurrency: 4, settleWakeMs: 10_000, workMs: 5 });
    for (let i = 0; i < 20; i++) q.due.push({ id: `r${i}`, at: 0 });
    q.worker.start();
    const start = Date.now();
    await until('20 rows sent', () => q.sent.length === 20);
    await q.worker.stop();
    assert.ok(Date.now() - start < 5000, `took ${Date.now() - start} ms`);
    assert.deepEqual(new Set(q.sent).size, 20);
  });

  it('stops with a wait pending and claims nothing after', async () => {
    const q = queue({ concurrency: 8, settleWakeMs: 200, workMs: 1 });
    q.due.push({ id: 'only', at: 0 });
    q.worker.start();
    await until('the row sent', () => q.sent.length === 1);
    await q.worker.stop();
    const claims = q.claims.all;
    q.due.push({ id: 'late', at: 0 });
    await sleep(300);
    assert.equal(q.claims.all, claims);
    assert.deepEqual(q.sent, ['only']);
  });
});
