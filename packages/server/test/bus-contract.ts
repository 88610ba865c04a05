import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../src/bus/bus.ts';

/** Waits until `predicate` holds (messages cross the bus asynchronously). */
async function eventually(predicate: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/**
 * The bus contract every implementation passes. `make` returns two handles on the same bus
 * (for Redis: two connections, like two nodes; in-process: the same object twice).
 */
export function busContract(
  name: string,
  make: () => Promise<{ a: Bus; b: Bus; dispose(): Promise<void> }>,
  skip?: () => string | null,
) {
  describe(`bus contract: ${name}`, () => {
    const reason = skip ? skip() : null;
    let a: Bus;
    let b: Bus;
    let dispose: () => Promise<void>;
    before(async () => {
      if (!reason) ({ a, b, dispose } = await make());
    });
    after(async () => {
      if (!reason) await dispose();
    });
    const test = (title: string, fn: () => Promise<void>) => it(title, reason ? { skip: reason } : {}, fn);
    const topic = (t: string) => `${t}-${Math.random().toString(36).slice(2)}`;

    test('a published message reaches every subscriber as JSON, in order', async () => {
      const t = topic('order');
      const got1: unknown[] = [];
      const got2: unknown[] = [];
      await b.subscribe(t, (m) => got1.push(m));
      await a.subscribe(t, (m) => got2.push(m));
      for (let i = 0; i < 20; i++) await a.publish(t, { i, at: new Date(0) });
      await eventually(() => got1.length === 20 && got2.length === 20);
      assert.deepEqual(
        got1.map((m) => (m as { i: number }).i),
        [...Array(20).keys()],
      );
      assert.deepEqual(got1[0], { i: 0, at: '1970-01-01T00:00:00.000Z' });
    });

    test('what subscribers got does not change when the publisher changes its object', async () => {
      const t = topic('isolation');
      const got: unknown[] = [];
      await b.subscribe(t, (m) => got.push(m));
      const message = { text: 'hello', tags: ['a'] };
      await a.publish(t, message);
      try {
        message.text = 'changed';
        message.tags.push('b');
      } catch {
        // the in-process bus shares the message, frozen, with its subscribers
      }
      await eventually(() => got.length === 1);
      assert.deepEqual(got, [{ text: 'hello', tags: ['a'] }]);
    });

    test('unsubscribe stops delivery; other topics are not delivered', async () => {
      const t = topic('unsub');
      const got: unknown[] = [];
      const other: unknown[] = [];
      const all = b.subscriptions();
      const off = await b.subscribe(t, (m) => got.push(m));
      await b.subscribe(topic('other'), (m) => other.push(m));
      assert.equal(b.subscriptions(t), 1, 'the topic counts its handler');
      assert.equal(b.subscriptions(), all + 2, 'every topic together');
      await a.publish(t, 1);
      await eventually(() => got.length === 1);
      await off();
      assert.equal(b.subscriptions(t), 0, 'the handler let go');
      assert.equal(b.subscriptions(), all + 1);
      await a.publish(t, 2);
      await sleep(50);
      assert.deepEqual(got, [1]);
      assert.deepEqual(other, []);
    });

    test('a lock is exclusive until released or expired', async () => {
      const key = topic('lock');
      const release = await a.tryLock(key, 5000);
      assert.ok(release);
      assert.equal(await b.tryLock(key, 5000), null);
      await release();
      const again = await b.tryLock(key, 80);
      assert.ok(again);
      await sleep(120);
      assert.ok(await a.tryLock(key, 1000), 'expired lock can be taken');
    });

    test('says it is healthy while it works, and calls no reconnect listener while it stays up', async () => {
      assert.deepEqual(a.health(), { ok: true });
      assert.deepEqual(b.health(), { ok: true });
      let calls = 0;
      const stop = a.onReconnect(() => calls++);
      const t = topic('steady');
      const got: unknown[] = [];
      await b.subscribe(t, (m) => got.push(m));
      await a.publish(t, 'x');
      await eventually(() => got.length === 1);
      await sleep(50);
      stop();
      assert.equal(calls, 0);
    });

    test('presence expires and can be removed', async () => {
      const set = topic('presence');
      await a.setPresence(set, 'agent-1', 5000);
      // Long enough to be seen on a loaded machine, short enough to wait out.
      await b.setPresence(set, 'agent-2', 1000);
      assert.deepEqual(await a.members(set), ['agent-1', 'agent-2']);
      let left: string[] = [];
      for (const until = Date.now() + 5000; Date.now() < until; await sleep(50)) {
        left = await b.members(set);
        if (left.length === 1) break;
      }
      assert.deepEqual(left, ['agent-1']);
      await a.removePresence(set, 'agent-1');
      assert.deepEqual(await a.members(set), []);
    });
  });
}
