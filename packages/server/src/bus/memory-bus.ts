import { type Bus, type BusHandler, type BusHealth, handlerCount } from './bus.ts';

/** Deeper than any event: past this a message is copied through JSON rather than walked. */
const MAX_DEPTH = 16;

/** True when JSON would give `v` back unchanged (no dates, class instances, undefined, NaN…). */
function isPlainJson(v: unknown, depth: number): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k of Object.keys(v))
        if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** The single-process bus: same semantics as the Redis bus, nothing leaves the process. */
export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<BusHandler>>();
  private readonly locks = new Map<string, { token: symbol; expires: number }>();
  private readonly presence = new Map<string, Map<string, number>>();
  private closed = false;

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const handlers = this.topics.get(topic);
    if (!handlers || handlers.size === 0) return;
    // As on Redis, subscribers get what JSON makes of the message. When that is the message itself
    // (plain objects and arrays, strings, finite numbers, booleans, null: every chat event), they
    // share it, frozen, so neither they nor the publisher can change it; anything else goes
    // through JSON once. A round trip per event was a twentieth of a busy chat node's CPU.
    const copy = isPlainJson(message, 0) ? deepFreeze(message) : JSON.parse(JSON.stringify(message));
    for (const h of [...handlers]) queueMicrotask(() => h(copy));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
    }
    // Wrap so the same function can subscribe twice and unsubscribe each independently.
    const wrapped: BusHandler = (m) => handler(m);
    set.add(wrapped);
    return async () => {
      set.delete(wrapped);
      if (set.size === 0) this.topics.delete(topic);
    };
  }

  subscriptions(topic?: string): number {
    return handlerCount(this.topics, topic);
  }

  async tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const now = Date.now();
    const held = this.locks.get(key);
    if (held && held.expires > now) return null;
    const token = Symbol(key);
    this.locks.set(key, { token, expires: now + ttlMs });
    return async () => {
      if (this.locks.get(key)?.token === token) this.locks.delete(key);
    };
  }

  async setPresence(set: string, member: string, ttlMs: number): Promise<void> {
    let m = this.presence.get(set);
    if (!m) {
      m = new Map();
      this.presence.set(set, m);
    }
    m.set(member, Date.now() + ttlMs);
  }

  async removePresence(set: string, member: string): Promise<void> {
    this.presence.get(set)?.delete(member);
  }

  async members(set: string): Promise<string[]> {
    const m = this.presence.get(set);
    if (!m) return [];
    const now = Date.now();
    const out: string[] = [];
    for (const [member, expires] of m) {
      if (expires > now) out.push(member);
      else m.delete(member);
    }
    return out.sort();
  }

  /** Always up: it lives and dies with the process. */
  health(): BusHealth {
    return { ok: true };
  }

  /** Never called: an in-process bus is never down and back. */
  onReconnect(_fn: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
  }
}
