import { Redis } from 'ioredis';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import { RedisBus } from '../src/bus/redis-bus.ts';
import { busContract } from './bus-contract.ts';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

busContract('in-process', async () => {
  const bus = new MemoryBus();
  return { a: bus, b: bus, dispose: () => bus.close() };
});

let probe: Promise<string | null> | undefined;
/** Redis is required under CI; elsewhere its absence is a stated skip. */
function redisSkipReason(): Promise<string | null> {
  probe ??= (async () => {
    const r = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: () => null,
    });
    try {
      await r.connect();
      await r.ping();
      return null;
    } catch (err) {
      const reason = `Redis at ${REDIS_URL} is unreachable (${(err as Error).message}); Redis bus tests skipped`;
      if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
      console.warn(reason);
      return reason;
    } finally {
      r.disconnect();
    }
  })();
  return probe;
}

busContract(
  'Redis',
  async () => {
    const prefix = `beckon-test-${Date.now()}-${Math.random().toString(36).slice(2)}:`;
    const a = new RedisBus(REDIS_URL, prefix);
    const b = new RedisBus(REDIS_URL, prefix);
    return {
      a,
      b,
      async dispose() {
        await a.close();
        await b.close();
      },
    };
  },
  redisSkipReason,
);
