import { MemoryBus } from '../src/bus/memory-bus.ts';
import { RedisBus } from '../src/bus/redis-bus.ts';
import { busContract } from './bus-contract.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';

busContract('in-process', async () => {
  const bus = new MemoryBus();
  return { a: bus, b: bus, dispose: () => bus.close() };
});

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
  redisSkipReasonNow,
);
