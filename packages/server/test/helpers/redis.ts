import { Redis } from 'ioredis';
import { probeServiceSync } from './service-probe.ts';

/** The Redis server tests use: REDIS_URL, else the machine's local server. */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

let probe: Promise<string | null> | undefined;
let known: string | null | undefined;

/** redisSkipReason's answer without awaiting, for a suite deciding as it is declared (see postgresSkipReasonNow). */
export function redisSkipReasonNow(): string | null {
  if (known === undefined) {
    const why = probeServiceSync('redis', TEST_REDIS_URL);
    known = why === null ? null : `Redis at ${TEST_REDIS_URL} is unreachable (${why}); Redis tests skipped`;
    if (known !== null) {
      if (process.env.CI === 'true') throw new Error(`${known} — but CI requires them`);
      console.warn(known);
    }
    probe ??= Promise.resolve(known);
  }
  return known;
}

/**
 * Resolves to null when Redis answers, else the reason to skip.
 * Under CI (CI=true) an unreachable server is a failure, never a skip. A missing server refuses at
 * once; the long timeout is for a busy process (see postgresSkipReason).
 */
export function redisSkipReason(): Promise<string | null> {
  probe ??= (async () => {
    const r = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 20_000,
      retryStrategy: () => null,
    });
    try {
      await r.connect();
      await r.ping();
      return null;
    } catch (err) {
      const reason = `Redis at ${TEST_REDIS_URL} is unreachable (${(err as Error).message}); Redis tests skipped`;
      if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
      console.warn(reason);
      return reason;
    } finally {
      r.disconnect();
    }
  })();
  return probe;
}
