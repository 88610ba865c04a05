/** A message handler; messages arrive as plain JSON values, already deserialised, to be read only (a node's subscribers may share one copy). */
export type BusHandler = (message: unknown) => void;

/**
 * The bus port: pub/sub between nodes, short-lived presence, and locks.
 * In-process for one node; Redis when several nodes share work. Messages always
 * travel as JSON so both implementations behave alike.
 */
export interface Bus {
  /** Delivers `message` to every subscriber of `topic` on every node (at most once, no history). */
  publish(topic: string, message: unknown): Promise<void>;
  /** Starts receiving `topic`; resolves once the subscription is active; returns an unsubscribe. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Takes `key` exclusively for `ttlMs` unless another holder has it; returns a release or null. */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
  /** Marks `member` present in `set` for `ttlMs` (refresh before it expires). */
  setPresence(set: string, member: string, ttlMs: number): Promise<void>;
  removePresence(set: string, member: string): Promise<void>;
  /** Members of `set` whose presence has not expired. */
  members(set: string): Promise<string[]>;
  close(): Promise<void>;
}
