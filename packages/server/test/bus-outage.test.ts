import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { BusUnavailableError } from '../src/bus/bus.ts';
import { RedisBus } from '../src/bus/redis-bus.ts';
import { PresenceSet } from '../src/conversations/presence-set.ts';
import { PrivateRedis } from './helpers/private-redis.ts';

const quiet = pino({ level: 'silent' });

/** Waits until `predicate` holds; returns how long it took (ms). */
async function eventually(
  predicate: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<number> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - start;
}

/** Runs `op` and returns how long it took to settle (ms) and what it rejected with. */
async function timed(op: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = Date.now();
  try {
    await op;
    return { ms: Date.now() - start, error: undefined };
  } catch (error) {
    return { ms: Date.now() - start, error };
  }
}

describe('Redis bus while Redis stops and starts again', { timeout: 60_000 }, () => {
  const skip = PrivateRedis.skipReason();
  let redis: PrivateRedis;
  const faults: unknown[] = [];
  const onFault = (err: unknown) => faults.push(err);
  before(async () => {
    if (skip) return;
    // A lost connection must never surface as an unhandled rejection or exception: the node would exit.
    process.on('unhandledRejection', onFault);
    process.on('uncaughtException', onFault);
    redis = await PrivateRedis.start();
  });
  after(async () => {
    process.off('unhandledRejection', onFault);
    process.off('uncaughtException', onFault);
    await redis?.stop();
  });

  it('fails fast and says why while Redis is down, then recovers by itself: subscriptions, presence, listeners', {
    skip: skip ?? false,
  }, async () => {
    const prefix = `outage-${Date.now()}:`;
    const bus = new RedisBus(redis.url, prefix, quiet);
    const other = new RedisBus(redis.url, prefix, quiet);
    const set = (accountId: string) => `agents.${accountId}`;
    const here = new PresenceSet(bus, quiet, { setOf: set, ttlMs: 30_000, lingerMs: 2000 });
    const there = new PresenceSet(other, quiet, { setOf: set, ttlMs: 30_000, lingerMs: 2000 });
    try {
      const got: unknown[] = [];
      await bus.subscribe('events', (m) => got.push(m));
      let reconnects = 0;
      bus.onReconnect(() => reconnects++);
      await here.hold('acct', 'agent-here');
      await there.hold('acct', 'agent-there');
      assert.deepEqual(bus.health(), { ok: true });
      assert.deepEqual([...(await here.members('acct'))].sort(), ['agent-here', 'agent-there']);
      await other.publish('events', 'before');
      await eventually(() => got.length === 1, 2000, 'delivered before the outage');

      await redis.stop();
      await eventually(() => !bus.health().ok, 2000, 'health turns down');
      assert.match(bus.health().reason ?? '', /Redis .*connection/);

      // Every command fails at once with a clear error instead of queueing or hanging.
      for (const op of [
        bus.publish('events', 'lost'),
        bus.tryLock('route', 5000),
        bus.setPresence('s', 'm', 1000),
        bus.members('s'),
      ]) {
        const { ms, error } = await timed(op);
        assert.ok(error instanceof BusUnavailableError, `rejected with BusUnavailableError, got ${error}`);
        assert.ok(ms < 1000, `settled in ${ms} ms`);
      }
      // Routing still sees who was there: the last members read, and this node's own.
      const during = await timed(here.members('acct'));
      assert.equal(during.error, undefined);
      assert.ok(during.ms < 1000);
      assert.deepEqual([...(await here.members('acct'))].sort(), ['agent-here', 'agent-there']);
      // A subscription made while down is taken up when the bus is back.
      const late: unknown[] = [];
      const subscribed = await timed(bus.subscribe('late', (m) => late.push(m)));
      assert.equal(subscribed.error, undefined);
      assert.ok(subscribed.ms < 1000);

      await sleep(1500); // a few reconnect attempts
      assert.equal(reconnects, 0);
      await redis.start(); // empty: no persistence

      const back = await eventually(() => bus.health().ok && other.health().ok, 3000, 'health back');
      assert.ok(back < 3000);
      await eventually(() => reconnects === 1, 1000, 'onReconnect ran once');
      // Delivery works again with no new subscribe call, and for the topic subscribed while down.
      await other.publish('events', 'after');
      await other.publish('late', 'late too');
      await eventually(() => got.includes('after') && late.length === 1, 2000, 'delivered after the restart');
      assert.deepEqual(got, ['before', 'after']);
      // The restarted Redis knew nobody; both nodes marked theirs again at once.
      await eventually(
        async () => (await other.members(set('acct'))).length === 2,
        3000,
        'presence marked again after the restart',
      );
      assert.deepEqual([...(await there.members('acct'))].sort(), ['agent-here', 'agent-there']);
      assert.ok(await bus.tryLock('route', 5000), 'locks work again');
      assert.deepEqual(faults, [], 'no unhandled rejection or exception');
    } finally {
      if (!redis.running) await redis.start(); // for the cases after this one
      here.stop();
      there.stop();
      await bus.close();
      await other.close();
    }
  });

  it('keeps each node its own mark: a late release on one node never removes what another holds', {
    skip: skip ?? false,
  }, async () => {
    const prefix = `marks-${Date.now()}:`;
    const a = new RedisBus(redis.url, prefix, quiet);
    const b = new RedisBus(redis.url, prefix, quiet);
    const setOf = () => 'agents';
    const onA = new PresenceSet(a, quiet, { setOf, ttlMs: 30_000, lingerMs: 300 });
    const onB = new PresenceSet(b, quiet, { setOf, ttlMs: 30_000, lingerMs: 300 });
    try {
      // The console moved from A to B; A's release comes after B's hold.
      await onA.hold('acct', 'agent');
      await onB.hold('acct', 'agent');
      await onA.release('acct', 'agent', true);
      assert.ok((await onA.members('acct')).has('agent'), 'still present: B holds them');
      await onB.release('acct', 'agent');
      assert.ok((await onA.members('acct')).has('agent'), 'present through the grace period');
      await eventually(async () => !(await onA.members('acct')).has('agent'), 2000, 'gone after the grace');
      assert.deepEqual(faults, []);
    } finally {
      onA.stop();
      onB.stop();
      await a.close();
      await b.close();
    }
  });
  it('fails commands within a second while Redis hangs, and tells the listeners when it answers again', {
    skip: skip ?? false,
  }, async () => {
    const prefix = `hang-${Date.now()}:`;
    const bus = new RedisBus(redis.url, prefix, quiet);
    const other = new RedisBus(redis.url, prefix, quiet);
    try {
      let reconnects = 0;
      bus.onReconnect(() => reconnects++);
      assert.ok(await bus.tryLock('warm-up', 1000));
      redis.pause();
      try {
        const { ms, error } = await timed(bus.publish('events', 'stuck'));
        assert.ok(error instanceof BusUnavailableError, `rejected with BusUnavailableError, got ${error}`);
        assert.ok(ms < 1500, `settled in ${ms} ms`);
        assert.equal(bus.health().ok, false);
        assert.match(bus.health().reason ?? '', /timed out/);
      } finally {
        redis.resume();
      }
      await eventually(
        async () => (await timed(bus.publish('events', 'x'))).error === undefined,
        3000,
        'answers',
      );
      assert.deepEqual(bus.health(), { ok: true });
      assert.equal(reconnects, 1, 'listeners told, so sockets catch up');
      assert.deepEqual(faults, []);
    } finally {
      await bus.close();
      await other.close();
    }
  });
});
