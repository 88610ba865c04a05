import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import pino from 'pino';
import type { Logger } from '../logger.ts';
import { type Bus, type BusHandler, type BusHealth, BusUnavailableError, handlerCount } from './bus.ts';

const RELEASE_LUA =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Delay before reconnect attempt `attempt` (1-based): 100 ms doubling up to 2 s, for as long as Redis is away. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 2000);
}

/** A connection outage is logged at most this often (ms), with the count of failures left out. */
const LOG_EVERY_MS = 10_000;
/** After a failed renewal of the subscriptions, try again this soon (ms). */
const RESUBSCRIBE_RETRY_MS = 500;

const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: false,
  // Commands fail at once while disconnected: a publish on the hot path must not queue without bound.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  // A hung connection (a network cut without a reset) fails commands instead of holding their callers.
  commandTimeout: 1000,
  connectTimeout: 2000,
  // A command lost with its connection is not sent later: a lock taken after its caller gave up would be held by no one.
  autoResendUnfulfilledCommands: false,
  // Subscriptions are renewed here (see `recover`), so `onReconnect` listeners run once they are active.
  autoResubscribe: false,
  retryStrategy: reconnectDelay,
};

/** Resolves when a client connected, or failed to, for the first time. */
function firstOutcome(client: Redis): Promise<void> {
  return new Promise((resolve) => {
    client.once('ready', resolve);
    client.once('close', resolve);
    client.once('end', resolve);
  });
}

/**
 * The scale-out bus: Redis pub/sub, SET NX PX locks and sorted-set presence, under a key prefix.
 * Two connections (commands, subscriptions) reconnect by themselves with backoff. While either is
 * down, commands reject at once with `BusUnavailableError` and `health()` says why; when both are
 * back, the subscriptions are renewed and then the `onReconnect` listeners run.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly log: Logger;
  /** Until both connections came up or failed once: early commands wait for it rather than fail. */
  private readonly started: Promise<void>;
  /** A connection was lost (or never made) since the bus last worked; cleared once both are back. */
  private down = false;
  private renewing = false;
  private closing = false;
  private lastError?: string;
  /** The last command that timed out on a connection that still looked up. */
  private stalled?: string;
  private lastWarn = 0;
  private unlogged = 0;

  constructor(
    url: string,
    private readonly prefix = 'beckon:',
    log?: Logger,
  ) {
    this.log = (log ?? pino({ level: 'silent' })).child({ component: 'bus' });
    this.pub = this.connect(url, 'commands');
    this.sub = this.connect(url, 'subscriptions');
    this.started = Promise.all([firstOutcome(this.pub), firstOutcome(this.sub)]).then(() => {});
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

  private connect(url: string, role: string): Redis {
    const client = new Redis(url, CLIENT_OPTIONS);
    // Without an 'error' listener a lost connection would be an unhandled 'error' event: the process would exit.
    client.on('error', (err: Error) => this.failed(role, err));
    client.on('close', () => {
      if (!this.closing) this.down = true;
    });
    client.on('ready', () => void this.recover());
    return client;
  }

  /** Logs a connection failure at warn, once per `LOG_EVERY_MS` however long the outage lasts. */
  private failed(role: string, err: Error): void {
    if (this.closing) return;
    this.lastError = err.message;
    const now = Date.now();
    if (now - this.lastWarn < LOG_EVERY_MS) {
      this.unlogged++;
      return;
    }
    this.log.warn(
      { err, connection: role, unlogged: this.unlogged },
      'Redis connection failed; retrying with backoff (events between nodes are held up)',
    );
    this.lastWarn = now;
    this.unlogged = 0;
  }

  /** Once both connections are ready: renews every subscription, then tells the listeners if the bus had been down. */
  private async recover(): Promise<void> {
    if (this.closing || this.renewing) return;
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    this.renewing = true;
    try {
      const channels = [...this.handlers.keys()].map((t) => this.prefix + t);
      if (channels.length > 0) await this.sub.subscribe(...channels);
    } catch (err) {
      this.failed('subscriptions', err as Error);
      setTimeout(() => void this.recover(), RESUBSCRIBE_RETRY_MS).unref();
      return;
    } finally {
      this.renewing = false;
    }
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    const wasDown = this.down;
    this.down = false;
    this.lastError = undefined;
    this.stalled = undefined;
    if (!wasDown) return;
    this.log.info({ subscriptions: this.handlers.size }, 'Redis connection back; subscriptions renewed');
    this.back();
  }

  /** Tells the reconnect listeners the bus works again. */
  private back(): void {
    for (const fn of [...this.reconnectListeners]) {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'a bus reconnect listener failed');
      }
    }
  }

  health(): BusHealth {
    if (this.closing) return { ok: false, reason: 'bus closed' };
    for (const [client, role] of [
      [this.pub, 'commands'],
      [this.sub, 'subscriptions'],
    ] as const) {
      if (client.status !== 'ready') {
        const cause = this.lastError ? ` (${this.lastError})` : '';
        return { ok: false, reason: `Redis ${role} connection ${client.status}${cause}` };
      }
    }
    if (this.down) return { ok: false, reason: 'Redis reconnected; renewing subscriptions' };
    if (this.stalled) return { ok: false, reason: `Redis commands failing: ${this.stalled}` };
    return { ok: true };
  }

  onReconnect(fn: () => void): () => void {
    this.reconnectListeners.add(fn);
    return () => {
      this.reconnectListeners.delete(fn);
    };
  }

  /** Runs a command on the command connection, failing at once while it is down. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    if (this.pub.status !== 'ready' && !this.closing) await this.started;
    if (this.pub.status !== 'ready') throw new BusUnavailableError(this.health().reason ?? 'not connected');
    try {
      const result = await run();
      if (this.stalled) {
        // Commands had been timing out on a connection that never closed (a network cut that
        // healed): what was published meanwhile may have reached no one.
        this.stalled = undefined;
        if (!this.down && this.sub.status === 'ready') {
          this.log.info('Redis answers again after commands timed out');
          this.back();
        }
      }
      return result;
    } catch (err) {
      // Redis answered with an error: the command's own fault, not the connection's.
      if (err instanceof ReplyError) throw err;
      // Anything else is the connection: closed under the command, not writable, or timed out.
      const message = (err as Error).message;
      if (message.includes('timed out')) this.stalled = message;
      throw new BusUnavailableError(this.health().ok ? message : (this.health().reason ?? message));
    }
  }

  async publish(topic: string, message: unknown): Promise<void> {
    const payload = JSON.stringify(message);
    await this.command(() => this.pub.publish(this.prefix + topic, payload));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      if (this.sub.status !== 'ready') await this.started;
      // While the connection is down, `recover` subscribes it when it is back.
      if (this.sub.status === 'ready')
        await this.sub
          .subscribe(this.prefix + topic)
          .catch((err: Error) => this.failed('subscriptions', err));
    }
    const wrapped: BusHandler = (m) => handler(m);
    set.add(wrapped);
    return async () => {
      set.delete(wrapped);
      if (set.size === 0 && this.handlers.get(topic) === set) {
        this.handlers.delete(topic);
        // A connection that is down has no subscriptions; it renews only the wanted ones.
        if (this.sub.status === 'ready') await this.sub.unsubscribe(this.prefix + topic).catch(() => {});
      }
    };
  }

  subscriptions(topic?: string): number {
    return handlerCount(this.handlers, topic);
  }

  async tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const token = randomUUID();
    const k = `${this.prefix}lock:${key}`;
    const ok = await this.command(() => this.pub.set(k, token, 'PX', ttlMs, 'NX'));
    if (ok !== 'OK') return null;
    // A release that cannot reach Redis leaves the lock to expire with its TTL.
    return async () => {
      await this.command(() => this.pub.eval(RELEASE_LUA, 1, k, token)).catch((err) =>
        this.log.debug({ err, key }, 'lock not released; it expires by itself'),
      );
    };
  }

  async setPresence(set: string, member: string, ttlMs: number): Promise<void> {
    const k = `${this.prefix}presence:${set}`;
    await this.command(() => this.pub.zadd(k, Date.now() + ttlMs, member));
  }

  async removePresence(set: string, member: string): Promise<void> {
    await this.command(() => this.pub.zrem(`${this.prefix}presence:${set}`, member));
  }

  async members(set: string): Promise<string[]> {
    const k = `${this.prefix}presence:${set}`;
    const now = Date.now();
    const members = await this.command(async () => {
      await this.pub.zremrangebyscore(k, '-inf', now);
      return this.pub.zrangebyscore(k, now, '+inf');
    });
    return members.sort();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.reconnectListeners.clear();
    this.sub.disconnect();
    if (this.pub.status === 'ready') await this.pub.quit().catch(() => this.pub.disconnect());
    else this.pub.disconnect();
  }
}
