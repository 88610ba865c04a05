import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { Egress } from '../src/egress/egress.ts';
import { EgressThread } from '../src/egress/egress-thread.ts';
import type { Store } from '../src/store/store.ts';
import { DEFAULT_HELPER_THREAD_NICE, helperThreadNice } from '../src/thread-priority.js';
import { openTestStore } from './analytics-fixtures.ts';

/** This process's threads and their nice values (Linux: field 19 of each task's stat). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

/**
 * The nice values of the threads started while `run` ran, with the default setting (the suite's
 * runner turns it off for every other test: scripts/test.mjs).
 */
async function niceOfNewThreads(run: () => Promise<void>): Promise<number[]> {
  const before = threadNices();
  const set = process.env.BECKON_HELPER_THREAD_NICE;
  delete process.env.BECKON_HELPER_THREAD_NICE;
  try {
    await run();
  } finally {
    if (set !== undefined) process.env.BECKON_HELPER_THREAD_NICE = set;
  }
  return [...threadNices()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
}

/**
 * On two cores, a broadcast's mail and provider threads took the core a chat's lines waited for.
 * Those helper threads run at a lower priority than the thread that serves sockets, so they get
 * the core when that thread does not want it. The store's threads keep the node's priority.
 */
describe('helper threads yield the core to the socket thread', { skip: process.platform !== 'linux' }, () => {
  const closers: (() => unknown)[] = [];
  after(async () => {
    for (const close of closers) await close();
  });

  it('reads BECKON_HELPER_THREAD_NICE, and refuses a value the system would not take', () => {
    assert.equal(helperThreadNice({}), DEFAULT_HELPER_THREAD_NICE);
    assert.equal(helperThreadNice({ BECKON_HELPER_THREAD_NICE: '' }), DEFAULT_HELPER_THREAD_NICE);
    assert.equal(helperThreadNice({ BECKON_HELPER_THREAD_NICE: '0' }), 0);
    assert.equal(helperThreadNice({ BECKON_HELPER_THREAD_NICE: '19' }), 19);
    for (const bad of ['20', '-1', '1.5', 'low'])
      assert.throws(
        () => helperThreadNice({ BECKON_HELPER_THREAD_NICE: bad }),
        /invalid BECKON_HELPER_THREAD_NICE/,
      );
    // The node's start stops on it, with its name.
    assert.throws(() => loadConfig({}, { BECKON_HELPER_THREAD_NICE: '25' }), /BECKON_HELPER_THREAD_NICE/);
  });

  it('starts the provider-request thread at the lower priority; the socket thread keeps its own', async () => {
    const mine = threadNices().get(process.pid);
    const nices = await niceOfNewThreads(async () => {
      const e = EgressThread.for(new Egress({ allowPrivate: true, maxRedirects: 5 })) as EgressThread;
      closers.push(() => e.close());
      await e.started();
    });
    assert.ok(nices.includes(DEFAULT_HELPER_THREAD_NICE), `new threads' nice values: ${nices}`);
    assert.equal(threadNices().get(process.pid), mine, 'the socket thread kept its priority');
  });

  it("starts a SQLite file's report readers at the node's priority", async () => {
    // A read they hold open keeps the WAL from starting over until it ends: a reader slowed by a
    // lower priority kept it longer.
    const mine = threadNices().get(process.pid);
    let store: Store | undefined;
    const nices = await niceOfNewThreads(async () => {
      const opened = await openTestStore('sqlite');
      store = opened.store;
      closers.push(opened.dispose);
      // The first report read starts a reader thread.
      await sql`select 1`.execute(store.reportsDb);
    });
    assert.ok(store);
    assert.ok(nices.length > 0, 'a reader thread started');
    assert.ok(!nices.includes(DEFAULT_HELPER_THREAD_NICE), `new threads' nice values: ${nices}`);
    assert.ok(nices.every((n) => n === mine));
  });

  it('leaves a helper at the socket thread’s priority when set to 0', async () => {
    const entry = new URL('../src/thread-priority.js', import.meta.url).href;
    // A worker that lowers its priority as each helper does, with the setting in its environment.
    const run = async (value: string) => {
      const worker = new Worker(
        `import(${JSON.stringify(entry)}).then((m) => {
           const set = m.lowerThreadPriority();
           require('node:worker_threads').parentPort.postMessage({ set, nice: require('node:os').getPriority() });
         });`,
        { eval: true, env: { ...process.env, BECKON_HELPER_THREAD_NICE: value } },
      );
      try {
        return await new Promise<{ set: boolean; nice: number }>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      } finally {
        await worker.terminate();
      }
    };
    const mine = threadNices().get(process.pid);
    assert.deepEqual(await run('0'), { set: false, nice: mine });
    assert.deepEqual(await run('15'), { set: true, nice: 15 });
  });
});
