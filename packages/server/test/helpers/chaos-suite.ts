import { after, before, describe, it, type TestContext } from 'node:test';
import { type ChaosCluster, chaosSkipReason, startChaosCluster } from './chaos-cluster.ts';

/**
 * One chaos test in a suite of its own, on a fresh two-node cluster made before it and removed
 * after it; skipped, with the reason, where private servers cannot be started (never under CI).
 */
export function chaosTest(
  suite: string,
  title: string,
  fn: (cluster: ChaosCluster, t: TestContext) => Promise<void>,
): void {
  describe(suite, () => {
    const skip = chaosSkipReason();
    let cluster: ChaosCluster | undefined;
    before(async () => {
      if (!skip) cluster = await startChaosCluster({ nodes: 2 });
    });
    after(async () => {
      await cluster?.close();
    });
    it(title, skip ? { skip } : { timeout: 150_000 }, (t) => fn(cluster!, t));
  });
}
