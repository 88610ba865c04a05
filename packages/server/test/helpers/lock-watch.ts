import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { NodeLinks } from './chaos-cluster.ts';

/**
 * Watches Redis (MONITOR) for the lock and lease commands the nodes send, and tells which node
 * sent them by the port of its proxy's connection: which node last took routing work, and
 * whether it still holds it. MONITOR is read from a plain socket: ioredis's monitor mode can
 * lose track of its replies when a reply and the first monitored commands arrive together.
 */
export class LockWatch {
  private lastSlot: number | undefined;
  private lastKey: string | undefined;
  private lastToken: string | undefined;
  private buffered = '';

  private constructor(
    private readonly client: Redis,
    private readonly monitor: Socket,
    private readonly links: NodeLinks[],
  ) {
    monitor.setEncoding('utf8');
    monitor.on('data', (chunk: string) => this.onData(chunk));
    monitor.on('error', () => {});
  }

  static async start(redisUrl: string, links: NodeLinks[]): Promise<LockWatch> {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    const { hostname, port } = new URL(redisUrl);
    const monitor = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      monitor.once('connect', resolve);
      monitor.once('error', reject);
    });
    monitor.write('MONITOR\r\n');
    return new LockWatch(client, monitor, links);
  }

  /** Lines look like `+1700000000.123456 [0 127.0.0.1:54321] "set" "key" "value" …`. */
  private onData(chunk: string): void {
    this.buffered += chunk;
    const lines = this.buffered.split('\r\n');
    this.buffered = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^\+\S+ \[\d+ [^\]]*:(\d+)\] (.*)$/.exec(line);
      if (!m) continue;
      const args = [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!);
      const [cmd, key, value] = args;
      if (!cmd || !key || !/^set$/i.test(cmd) || !/lock|lease/i.test(key)) continue;
      const slot = this.links.findIndex((l) => l.redis.upstreamPorts().has(Number(m[1])));
      if (slot < 0) continue;
      this.lastSlot = slot;
      this.lastKey = key;
      this.lastToken = value;
    }
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
      await sleep(5);
    }
    return this.lastSlot ?? 0;
  }

  close(): void {
    this.monitor.destroy();
    this.client.disconnect();
  }
}
