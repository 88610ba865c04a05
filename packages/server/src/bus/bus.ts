/** A message handler; messages arrive as plain JSON values, already deserialised, to be read only (a node's subscribers may share one copy). */
export type BusHandler = (message: unknown) => void;

/** Whether the bus works right now, and why not when it does not. */
export interface BusHealth {
  ok: boolean;
  reason?: string;
}

/**
 * The bus port: pub/sub between nodes, short-lived presence, and locks.
 * In-process for one node; Redis when several nodes share work. Messages always
 * travel as JSON so both implementations behave alike.
 *
 * While the bus is down every method but `subscribe` rejects at once with a clear error: callers
 * degrade (events are caught up from the store later) rather than wait or pile work up.
 */
export interface Bus {
  /** Delivers `message` to every subscriber of `topic` on every node (at most once, no history). */
  publish(topic: string, message: unknown): Promise<void>;
  /**
   * Starts receiving `topic`; resolves once the subscription is active; returns an unsubscribe.
   * While the bus is down it resolves at once: the subscription becomes active when the bus is
   * back, before `onReconnect` listeners run.
   */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Takes `key` exclusively for `ttlMs` unless another holder has it; returns a release or null. */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
  /** Marks `member` present in `set` for `ttlMs` (refresh before it expires). */
  setPresence(set: string, member: string, ttlMs: number): Promise<void>;
  removePresence(set: string, member: string): Promise<void>;
  /** Members of `set` whose presence has not expired. */
  members(set: string): Promise<string[]>;
  /** How many handlers this node has subscribed now, to `topic` or over every topic (a number that only grows is a leak). */
  subscriptions(topic?: string): number;
  /** Whether the bus works now (cheap, no I/O: for `/readyz` and for choosing a fallback). */
  health(): BusHealth;
  /**
   * Runs `fn` each time the bus is back after being down, once its subscriptions are active
   * again: whatever was published meanwhile reached no one. Returns a function that stops it.
   */
  onReconnect(fn: () => void): () => void;
  close(): Promise<void>;
}

/** What a bus method rejects with while the bus is down. */
export class BusUnavailableError extends Error {
  constructor(reason: string) {
    super(`bus unavailable: ${reason}`);
    this.name = 'BusUnavailableError';
  }
}

/** Handlers subscribed to `topic`, or over every topic: what `Bus.subscriptions` answers from a bus's own map. */
export function handlerCount(topics: ReadonlyMap<string, ReadonlySet<BusHandler>>, topic?: string): number {
  if (topic !== undefined) return topics.get(topic)?.size ?? 0;
  let n = 0;
  for (const set of topics.values()) n += set.size;
  return n;
}
