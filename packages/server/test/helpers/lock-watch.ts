import { Redis } from 'ioredis';
import type { NodeLinks } from './chaos-cluster.ts';

/**
 * Watches Redis (MONITOR) for the lock and lease commands the nodes send, and tells which node
 * sent them by the port of its proxy's connection: which node last took routing work, and
 * whether it still holds it.
 */
export class LockWatch {
  private lastSlot: number | undefined;
  private lastKey: string | undefined;
  private lastToken: string | undefined;

  private constructor(
    private readonly client: Redis,
    private readonly monitor: Redis,
  ) {}

  static async start(redisUrl: string, links: NodeLinks[]): Promise<LockWatch> {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    const monitor = await client.duplicate().monitor();
    monitor.on('error', () => {});
    const w = new LockWatch(client, monitor);
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const [cmd, key, value] = args;
      if (!cmd || !key || !/^set$/i.test(cmd) || !/lock|lease/i.test(key)) return;
      const port = Number(source.split(':').at(-1));
      const slot = links.findIndex((l) => l.redis.upstreamPorts().has(port));
      if (slot < 0) return;
      w.lastSlot = slot;
      w.lastKey = key;
      w.lastToken = value;
    });
    return w;
  }

  /** The node (slot) that last took a lock or lease, if any did. */
  get lastTaker(): number | undefined {
    return this.lastSlot;
  }

  /** The slot of the node holding a lock right now (its token still in Redis), else undefined. */
  async holder(): Promise<number | undefined> {
    if (this.lastKey === undefined) return undefined;
    const slot = this.lastSlot;
    const v = await this.client.get(this.lastKey).catch(() => null);
    return v !== null && v === this.lastToken ? slot : undefined;
  }

  /**
   * Waits up to `withinMs` for a node to hold a lock, and returns its slot; else the slot of the
   * node that took one last; else 0 (a design without locks: any node does routing work).
   */
  async holderOrLast(withinMs: number): Promise<number> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      const slot = await this.holder();
      if (slot !== undefined) return slot;
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.lastSlot ?? 0;
  }

  close(): void {
    this.monitor.disconnect();
    this.client.disconnect();
  }
}
