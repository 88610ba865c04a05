/**
 * When a trunk whose registration failed is tried again: after the first delay, doubling with
 * each failure in a row up to the longest, so a carrier's outage heals without an edit and a
 * trunk refused for good is not hammered. A success, an edit or a delete starts over.
 */
export class RegistrationRetry {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly firstMs: number,
    private readonly longestMs: number,
  ) {}

  /** Plans the next try of a trunk that just failed; returns when it runs (ms since the epoch). */
  schedule(trunkId: string, retry: () => void, now = Date.now()): number {
    this.cancel(trunkId);
    const n = this.failures.get(trunkId) ?? 0;
    this.failures.set(trunkId, n + 1);
    const delay = Math.min(this.longestMs, this.firstMs * 2 ** Math.min(n, 30));
    const timer = setTimeout(() => {
      this.timers.delete(trunkId);
      retry();
    }, delay);
    timer.unref();
    this.timers.set(trunkId, timer);
    return now + delay;
  }

  /** The trunk registered, or was edited or deleted: no try is pending and the backoff starts over. */
  reset(trunkId: string): void {
    this.cancel(trunkId);
    this.failures.delete(trunkId);
  }

  /** Drops a pending try (the registration is being replaced) but keeps the count of failures. */
  cancel(trunkId: string): void {
    clearTimeout(this.timers.get(trunkId));
    this.timers.delete(trunkId);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
