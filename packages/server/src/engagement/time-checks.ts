import type { LiveVisitor } from './live-visitor.ts';

/**
 * Timers for time-based conditions, as a timing wheel: one interval for all visitors, each visitor
 * in at most one slot (`resolution` ms wide). Moving a visitor costs two set operations and leaves
 * nothing stale behind, however often its next check changes.
 */
export class TimeChecks {
  private readonly slots = new Map<number, Set<LiveVisitor>>();
  private count = 0;
  private cursor = 0;
  private interval: NodeJS.Timeout | null = null;

  constructor(
    private readonly resolution: number,
    private readonly fire: (live: LiveVisitor, now: number) => void,
  ) {}

  /** Schedules the visitor's next check at `at` (epoch ms); Infinity (or NaN) cancels it. */
  set(live: LiveVisitor, at: number): void {
    if (!this.interval) this.cursor = Math.floor(Date.now() / this.resolution);
    // Never behind the cursor: a check that is already due runs on the next tick.
    const slot = Number.isFinite(at) ? Math.max(this.cursor + 1, Math.ceil(at / this.resolution)) : 0;
    if (slot === live.timerSlot) return;
    this.remove(live);
    if (slot === 0) return;
    let set = this.slots.get(slot);
    if (!set) {
      set = new Set();
      this.slots.set(slot, set);
    }
    set.add(live);
    live.timerSlot = slot;
    this.count++;
    if (!this.interval) {
      this.interval = setInterval(() => this.tick(), this.resolution);
      this.interval.unref();
    }
  }

  remove(live: LiveVisitor): void {
    if (live.timerSlot === 0) return;
    const set = this.slots.get(live.timerSlot);
    if (set?.delete(live)) {
      this.count--;
      if (set.size === 0) this.slots.delete(live.timerSlot);
    }
    live.timerSlot = 0;
  }

  get size(): number {
    return this.count;
  }

  /** Runs every slot that is due; also callable directly (tests, benchmarks). */
  tick(now = Date.now()): void {
    const due = Math.floor(now / this.resolution);
    if (due - this.cursor > 100_000) this.cursor = due - 1; // a long stall: skip empty history
    while (this.cursor < due) {
      this.cursor++;
      const set = this.slots.get(this.cursor);
      if (!set) continue;
      this.slots.delete(this.cursor);
      for (const live of set) {
        this.count--;
        live.timerSlot = 0;
        this.fire(live, now);
      }
    }
    if (this.count === 0) this.stop();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
  }
}
