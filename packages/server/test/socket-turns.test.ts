import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  bulkTurn,
  CoreWaitShare,
  heldFor,
  liveLine,
  loadBulkTurnOptions,
  schedstatWaits,
  threadBusyShare,
  turnSlicer,
} from '../src/ops/socket-turns.ts';

/** Keeps the thread busy for `ms`, as a statement of a SQLite file does. */
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets the thread wait for I/O for `ms`, then reads its busy share, so the next window starts quiet. */
async function quietWindow(ms: number): Promise<void> {
  await sleep(ms);
  threadBusyShare();
}

describe('socket turns', () => {
  it('heldFor counts the stretch a work holds the thread, not its wait for I/O', async () => {
    const start = performance.now();
    const { value, heldMs } = await heldFor(async () => {
      busy(30);
      await Promise.resolve();
      busy(10);
      await new Promise((r) => setTimeout(r, 300));
      busy(5);
      return 'done';
    });
    const total = performance.now() - start;
    assert.equal(value, 'done');
    assert.ok(heldMs >= 40, `held ${heldMs} ms`);
    // The 300 ms wait for I/O is not counted. The margin leaves 150 ms for a busy machine that
    // runs other work (or another process) before the thread's next turn.
    assert.ok(heldMs < total - 150, `held ${heldMs} of ${total} ms`);
  });

  it('heldFor of a work that never waits is all of it', async () => {
    const { heldMs } = await heldFor(async () => busy(20));
    assert.ok(heldMs >= 20, `held ${heldMs} ms`);
  });

  it('a sliced loop lets the sockets in between its slices', async () => {
    let turns = 0;
    let stop = false;
    const tick = () => {
      turns++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    const slice = turnSlicer(5);
    for (let i = 0; i < 40; i++) {
      busy(1);
      await slice();
    }
    stop = true;
    // About 40 ms of steps in slices of 5 ms: several turns between them, none without slices.
    assert.ok(turns >= 4, `${turns} turns`);
    let unsliced = 0;
    setImmediate(() => unsliced++);
    for (let i = 0; i < 10; i++) {
      busy(1);
      await Promise.resolve();
    }
    assert.equal(unsliced, 0);
  });

  it('a burst of work shows in the busy share at once, before its window closes', async () => {
    await quietWindow(120);
    await sleep(55);
    assert.ok(threadBusyShare() < 0.2, `quiet share ${threadBusyShare()}`);
    // 40 ms of work less than 100 ms after a quiet window was read: bulk steps must see it now.
    busy(40);
    const share = threadBusyShare();
    assert.ok(share > 0.2, `share just after a burst ${share}`);
  });

  it('bulk steps wait while live work keeps the thread busy, and pass at once when it is quiet', async () => {
    // Quiet: the thread waited for I/O over the last window; ten steps pass without a pause.
    await quietWindow(250);
    await sleep(120);
    assert.ok(threadBusyShare() < 0.5, `quiet share ${threadBusyShare()}`);
    let start = performance.now();
    for (let i = 0; i < 10; i++) await bulkTurn({ bulkBusyPercent: 80, bulkPauseMs: 100 });
    const quietMs = performance.now() - start;
    assert.ok(quietMs < 900, `ten steps on a quiet thread took ${quietMs} ms`);
    // Busy: live work holds the thread turn after turn; ten steps take a pause of 100 ms each.
    let live = true;
    const work = () => {
      busy(15);
      if (live) setImmediate(work);
    };
    work();
    await sleep(250);
    assert.ok(threadBusyShare() > 0.8, `busy share ${threadBusyShare()}`);
    start = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => bulkTurn({ bulkBusyPercent: 80, bulkPauseMs: 100 })));
    const busyMs = performance.now() - start;
    live = false;
    assert.ok(busyMs >= 800, `ten steps beside busy live work took ${busyMs} ms`);
    // At 1 (100 %), only a turn is yielded.
    start = performance.now();
    for (let i = 0; i < 10; i++) await bulkTurn({ bulkBusyPercent: 100, bulkPauseMs: 100 });
    assert.ok(performance.now() - start < 900);
  });

  it('the core wait share is the waited time over the last full window and the current one', () => {
    let waited = 100;
    let now = 1_000;
    const share = new CoreWaitShare(
      () => waited,
      () => now,
    );
    assert.equal(share.share(), 0, 'nothing to compare the first read with');
    now += 600;
    waited += 300;
    assert.equal(share.share(), 0.5, '300 of 600 ms waited');
    now += 400;
    assert.equal(share.share(), 0.3, '300 of the 1,000 ms since the last window began');
    now += 100; // a new window: the last one began 500 ms ago
    assert.equal(share.share(), 0, 'nothing waited since');
    assert.equal(new CoreWaitShare(() => null).share(), 0, 'a system that does not tell: never slowed');
  });

  it('bulk steps slow down while the thread waits for a core, however idle its loop', async () => {
    // A thread that waits for a core half the time it is ready to run, then not at all.
    let rate = 0.5;
    let waited = 0;
    let at = performance.now();
    const waits = new CoreWaitShare(() => {
      const now = performance.now();
      waited += (now - at) * rate;
      at = now;
      return waited;
    });
    waits.share();
    await sleep(600);
    const o = { bulkBusyPercent: 100, bulkPauseMs: 100, bulkCoreWaitPercent: 10 };
    let start = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => bulkTurn(o, waits)));
    const slowMs = performance.now() - start;
    assert.ok(slowMs >= 400, `six steps while the thread waited for a core took ${slowMs} ms`);
    // The waits over: two windows of 500 ms without any, and steps pass at once.
    rate = 0;
    await sleep(550);
    waits.share();
    await sleep(550);
    start = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => bulkTurn(o, waits)));
    const quickMs = performance.now() - start;
    assert.ok(quickMs < 400, `six steps with no wait for a core took ${quickMs} ms`);
  });

  it("bulk steps slow down while chats are live and the loop's turns come late, not when no chat is", async () => {
    // Live work that holds the thread 30 ms a turn: every turn comes about 30 ms late.
    let live = true;
    let lines = true;
    const work = () => {
      if (lines) liveLine();
      busy(30);
      if (live) setImmediate(work);
    };
    work();
    await sleep(300);
    const o = { bulkBusyPercent: 100, bulkPauseMs: 600, bulkLagMs: 20 };
    // One step by one, as a send takes them: the lag is sampled from the first on.
    let start = performance.now();
    for (let i = 0; i < 5; i++) {
      await bulkTurn(o);
      busy(5);
    }
    const slowMs = performance.now() - start;
    assert.ok(slowMs >= 1100, `five steps beside late turns with chats live took ${slowMs} ms`);
    // The same late turns, but no chat line for over a second: the lag is the bulk work's own affair.
    lines = false;
    await sleep(1100);
    start = performance.now();
    for (let i = 0; i < 5; i++) {
      await bulkTurn(o);
      busy(5);
    }
    const quickMs = performance.now() - start;
    live = false;
    assert.ok(quickMs < 1000, `five steps with no chat live took ${quickMs} ms`);
  });

  it('the lag option is read from the environment, and a bad value names it', () => {
    assert.equal(loadBulkTurnOptions({}).bulkLagMs, 10);
    assert.equal(loadBulkTurnOptions({ BECKON_BULK_LAG_MS: '0' }).bulkLagMs, 0, '0: never looked at');
    assert.throws(() => loadBulkTurnOptions({ BECKON_BULK_LAG_MS: '-1' }), /BECKON_BULK_LAG_MS/);
  });

  it('the core wait option is read from the environment, and a bad value names it', () => {
    assert.equal(loadBulkTurnOptions({}).bulkCoreWaitPercent, 100, 'off unless set');
    assert.equal(loadBulkTurnOptions({ BECKON_BULK_CORE_WAIT_PERCENT: '5' }).bulkCoreWaitPercent, 5);
    assert.throws(
      () => loadBulkTurnOptions({ BECKON_BULK_CORE_WAIT_PERCENT: '0' }),
      /BECKON_BULK_CORE_WAIT_PERCENT/,
    );
  });

  it("Linux's schedstat shows the thread's wait for a core when other processes take every core", {
    skip: !existsSync('/proc/thread-self/schedstat'),
  }, async () => {
    const read = schedstatWaits();
    const before = read();
    assert.ok(before !== null && before >= 0, `waited ${before} ms`);
    // Three spinning processes per core and this thread spinning too: it cannot have a core to itself.
    const cores = (await import('node:os')).availableParallelism();
    const spinners = Array.from({ length: cores * 3 }, () =>
      spawn(process.execPath, ['-e', 'const end = Date.now() + 3000; while (Date.now() < end) {}'], {
        stdio: 'ignore',
      }),
    );
    try {
      await sleep(300);
      const from = read()!;
      const start = performance.now();
      busy(1000);
      const waited = read()! - from;
      const spanMs = performance.now() - start;
      assert.ok(waited > spanMs * 0.2, `waited ${waited} of ${spanMs} ms beside ${spinners.length} spinners`);
    } finally {
      for (const p of spinners) p.kill('SIGKILL');
    }
  });
});
