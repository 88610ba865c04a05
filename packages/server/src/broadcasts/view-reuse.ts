/** When a computed view may be reused, and for how long. */
export interface ViewReuseRule {
  /** Views of fewer recipients are always computed afresh: they are cheap, and read right after a change. */
  minRecipients: number;
  /** A view read again within this many times what computing it took is the same view. */
  costFactor: number;
}

/**
 * A large broadcast's funnel and lift read each of its recipients: about 12 µs each on SQLite, 1.2 s at
 * 100,000, and the console's progress view asks every 2 s (each open tab). Reused for `costFactor`
 * times its own cost, computing it takes at most 1 / (1 + costFactor) of a core however many read
 * it; at 100,000 recipients the view is then at most about 11 s old. Reads that come while it is
 * being computed share that computation.
 */
export const BROADCAST_VIEW_REUSE: ViewReuseRule = { minRecipients: 5_000, costFactor: 9 };

interface Entry<T> {
  /** The computation under way, or the last one. */
  value: Promise<T>;
  /** When it finished, and what it took (ms); null while it runs. */
  done: { at: number; costMs: number } | null;
  /** Its recipients, once known: below the rule's minimum, the next read computes again. */
  recipients: number;
}

/** Per key (a broadcast and its status), the last computed view, reused by the rule. One per node. */
export class ViewReuse<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly rule: ViewReuseRule,
    /** How many recipients a view counts (its funnel's `targeted`). */
    private readonly recipientsOf: (view: T) => number,
    private readonly now: () => number = Date.now,
    /** The most keys kept; the oldest goes first. */
    private readonly maxKeys = 200,
  ) {}

  /** The view of `key`: the last one when the rule allows, else `compute()`'s. */
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const e = this.entries.get(key);
    if (e && e.recipients >= this.rule.minRecipients) {
      if (e.done === null) return e.value;
      if (this.now() - e.done.at <= e.done.costMs * this.rule.costFactor) return e.value;
    }
    return this.compute(key, compute);
  }

  private compute(key: string, compute: () => Promise<T>): Promise<T> {
    const started = this.now();
    const previous = this.entries.get(key);
    const entry: Entry<T> = {
      value: compute(),
      done: null,
      // Shared while it runs only when the last one was large too.
      recipients: previous?.recipients ?? 0,
    };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
    entry.value.then(
      (view) => {
        const at = this.now();
        entry.done = { at, costMs: at - started };
        entry.recipients = this.recipientsOf(view);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }
}
