/** Where one visitor's latest score sits in a ScoreHistogram (so a new score moves it, not adds to it). */
export interface HistogramEntry {
  /** Bin of the visitor's counted score, or -1 when not counted. */
  bin: number;
  /** Generation the count is in. */
  gen: number;
}

/**
 * The scores of a site's recent visitors, one count per visitor (their latest score), for "in the top
 * N %" targeting. Two generations of `windowMs` each (a visitor counts for one to two windows after
 * their last score); each is a Fenwick tree over `bins` equal bins of [0, 1], so placing a score and
 * ranking it cost O(log bins) and allocate nothing.
 */
export class ScoreHistogram {
  private cur: Float64Array;
  private prev: Float64Array;
  private curTotal = 0;
  private prevTotal = 0;
  private gen = 1;
  private genStart: number;

  constructor(
    readonly bins = 1000,
    readonly windowMs = 30 * 60_000,
    now = 0,
  ) {
    this.cur = new Float64Array(bins + 1);
    this.prev = new Float64Array(bins + 1);
    this.genStart = now;
  }

  /** Visitors counted now. */
  get size(): number {
    return this.curTotal + this.prevTotal;
  }

  /** Records a visitor's new score and returns the share (%) of counted visitors scoring at least as high. */
  place(entry: HistogramEntry, score: number, now: number): number {
    this.rotate(now);
    if (entry.bin >= 0) {
      if (entry.gen === this.gen) {
        add(this.cur, entry.bin, -1);
        this.curTotal--;
      } else if (entry.gen === this.gen - 1) {
        add(this.prev, entry.bin, -1);
        this.prevTotal--;
      }
    }
    const bin = Math.min(this.bins - 1, Math.max(0, Math.floor(score * this.bins)));
    add(this.cur, bin, 1);
    this.curTotal++;
    entry.bin = bin;
    entry.gen = this.gen;
    const below = prefix(this.cur, bin - 1) + prefix(this.prev, bin - 1);
    const total = this.curTotal + this.prevTotal;
    return (100 * (total - below)) / total;
  }

  /** Drops a visitor's count (e.g. when it is evicted for good). */
  remove(entry: HistogramEntry): void {
    if (entry.bin < 0) return;
    if (entry.gen === this.gen) {
      add(this.cur, entry.bin, -1);
      this.curTotal--;
    } else if (entry.gen === this.gen - 1) {
      add(this.prev, entry.bin, -1);
      this.prevTotal--;
    }
    entry.bin = -1;
  }

  private rotate(now: number): void {
    const elapsed = now - this.genStart;
    if (elapsed < this.windowMs) return;
    if (elapsed >= 2 * this.windowMs) {
      this.prev.fill(0);
      this.prevTotal = 0;
      this.cur.fill(0);
      this.curTotal = 0;
      this.gen += 2;
    } else {
      const old = this.prev;
      this.prev = this.cur;
      this.prevTotal = this.curTotal;
      this.cur = old;
      this.cur.fill(0);
      this.curTotal = 0;
      this.gen += 1;
    }
    this.genStart = now;
  }
}

/** Fenwick tree: adds `delta` at bin `i` (0-based). */
function add(tree: Float64Array, i: number, delta: number): void {
  for (let k = i + 1; k < tree.length; k += k & -k) tree[k]! += delta;
}

/** Fenwick tree: sum of bins 0..i (0 when i < 0). */
function prefix(tree: Float64Array, i: number): number {
  let sum = 0;
  for (let k = i + 1; k > 0; k -= k & -k) sum += tree[k]!;
  return sum;
}
