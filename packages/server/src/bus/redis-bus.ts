import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Bus, BusHandler } from './bus.ts';

const RELEASE_LUA =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The scale-out bus: Redis pub/sub, SET NX PX locks and sorted-set presence, under a key prefix. */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(
    url: string,
    private readonly prefix = 'beckon:',
  ) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.sub.on('message', (channel: string, payload: string) => {
      const set = this.handlers.get(channel.slice(this.prefix.length));
      if (!set) return;
      let msg: unknown;
      try {
        msg = JSON.parse(payload);
      } catch {
        return;
      }
      for (const h of set) h(msg);
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    await this.pub.publish(this.prefix + topic, JSON.stringify(message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      await this.sub.subscribe(this.prefix + topic);
    }
    const wrapped: BusHandler = (m) => handler(m);
    set.add(wrapped);
    return async () => {
      set.delete(wrapped);
      if (set.size === 0 && this.handlers.get(topic) === set) {
        this.handlers.delete(topic);
        await this.sub.unsubscribe(this.prefix + topic);
      }
    };
  }

  async tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const token = randomUUID();
    const k = `${this.prefix}lock:${key}`;
    const ok = await this.pub.set(k, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return async () => {
      await this.pub.eval(RELEASE_LUA, 1, k, token);
    };
  }

  async setPresence(set: string, member: string, ttlMs: number): Promise<void> {
    const k = `${this.prefix}presence:${set}`;
    await this.pub.zadd(k, Date.now() + ttlMs, member);
  }

  async removePresence(set: string, member: string): Promise<void> {
    await this.pub.zrem(`${this.prefix}presence:${set}`, member);
  }

  async members(set: string): Promise<string[]> {
    const k = `${this.prefix}presence:${set}`;
    const now = Date.now();
    await this.pub.zremrangebyscore(k, '-inf', now);
    const members = await this.pub.zrangebyscore(k, now, '+inf');
    return members.sort();
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.pub.quit();
  }
}
