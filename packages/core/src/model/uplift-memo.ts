// Reading a visitor's predicted uplift again after an update. Each forest of an uplift model scores
// through lookup tables (table-forest.ts): a bin per feature, then one table cell per group of trees,
// whose index is the sum of what each of its features' bins adds. Between two updates only a few
// inputs move, and a cell can only change when the bin of one of its features does. So a session
// remembers, per campaign model, its inputs, each feature's bin and each group's cell in both forests;
// a read finds the bins of the inputs that moved, moves the cells of the groups reading them by the
// difference (integers: exact), and adds the groups' values in the tables' order, so the margin is
// bit for bit `tableMargin`'s. With no cell moved, the remembered prediction is returned.
import type { TableForest } from './table-forest.ts';
import { predictUplift, type UpliftModel } from './uplift.ts';

/** Per input of a table forest: its feature's place in the tables, and the groups reading it. */
interface InputIndex {
  /** Per input (model feature number), its slot in `features`, or -1 when no split reads it. */
  slotOf: Int32Array;
  /** Terms of slot s are `start[s]` to `start[s + 1]`: pairs of (group, offset into `binStride`). */
  start: Int32Array;
  terms: Int32Array;
}

const indexes = new WeakMap<TableForest, InputIndex>();

/** The input index of a table forest, built once per loaded model. */
function inputIndex(table: TableForest): InputIndex {
  let index = indexes.get(table);
  if (index !== undefined) return index;
  const { features, groupStart, terms } = table;
  const slots = features.length;
  const slotOf = new Int32Array(slots === 0 ? 0 : features[slots - 1] + 1).fill(-1);
  features.forEach((f, s) => {
    slotOf[f] = s;
  });
  const bySlot: number[][] = Array.from({ length: slots }, () => []);
  for (let g = 0; g + 1 < groupStart.length; g++)
    for (let k = groupStart[g]; k < groupStart[g + 1]; k += 2) bySlot[terms[k]].push(g, terms[k + 1]);
  const start = new Int32Array(slots + 1);
  bySlot.forEach((pairs, s) => {
    start[s + 1] = start[s] + pairs.length;
  });
  index = { slotOf, start, terms: Int32Array.from(bySlot.flat()) };
  indexes.set(table, index);
  return index;
}

/** Bin of `v` among the thresholds of slot `s`: `tableMargin`'s search. */
function binOf(table: TableForest, s: number, v: number): number {
  if (Number.isNaN(v)) return table.missingBin[s];
  const thresholds = table.thresholds;
  const lo = table.start[s];
  let below = 0;
  for (let step = table.width[s] >> 1; step > 0; step >>= 1)
    below += step * +(thresholds[lo + below + step - 1] < v);
  return below;
}

function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

/** One forest's part of a remembered prediction. */
class ArmMemo {
  readonly table: TableForest;
  readonly index: InputIndex;
  /** Per slot, its bin for the remembered inputs. */
  readonly bins: Int32Array;
  /** Per group, its cell in `values` for those bins. */
  readonly cells: Int32Array;
  /** Whether a cell moved since the probability was computed. */
  moved = false;
  probability = 0;

  constructor(table: TableForest, x: Float64Array) {
    this.table = table;
    this.index = inputIndex(table);
    const { features, groupStart, terms, binStride, tableStart } = table;
    this.bins = new Int32Array(features.length);
    this.cells = new Int32Array(tableStart.length);
    for (let s = 0; s < features.length; s++) this.bins[s] = binOf(table, s, x[features[s]]);
    for (let g = 0, k = 0; g < tableStart.length; g++) {
      let cell = tableStart[g];
      for (const end = groupStart[g + 1]; k < end; k += 2)
        cell += binStride[terms[k + 1] + this.bins[terms[k]]];
      this.cells[g] = cell;
    }
    this.probability = this.sum();
  }

  /** The probability of the remembered cells, their values added in `tableMargin`'s order. */
  sum(): number {
    const values = this.table.values;
    const cells = this.cells;
    let margin = this.table.baseScore;
    for (let g = 0; g < cells.length; g++) margin += values[cells[g]];
    return sigmoid(margin);
  }

  /** Input k moved to `v`: its bin, and the cells of the groups reading it. */
  move(k: number, v: number): void {
    const { slotOf, start, terms } = this.index;
    if (k >= slotOf.length) return;
    const s = slotOf[k];
    if (s < 0) return;
    const bin = binOf(this.table, s, v);
    const was = this.bins[s];
    if (bin === was) return;
    this.bins[s] = bin;
    const stride = this.table.binStride;
    const cells = this.cells;
    for (let t = start[s]; t < start[s + 1]; t += 2) {
      const d = stride[terms[t + 1] + bin] - stride[terms[t + 1] + was];
      if (d !== 0) {
        cells[terms[t]] += d;
        this.moved = true;
      }
    }
  }
}

/**
 * One session's memory of its last predicted uplift for one campaign model. About 1.4 KB: the inputs
 * (8 bytes each), and per forest 4 bytes per feature read and per table group (see docs).
 */
export class UpliftMemo {
  /** The model the memory belongs to; null when the next read computes afresh. */
  model: UpliftModel | null = null;
  input = new Float64Array(0);
  treated: ArmMemo | null = null;
  control: ArmMemo | null = null;
  /** The remembered prediction. */
  uplift = 0;

  /** Forgets the prediction (the next read computes it whole). */
  clear(): void {
    this.model = null;
    this.treated = null;
    this.control = null;
  }
}

/**
 * Predicted uplift of `x` remembering the tables' cells in `memo`: only the groups whose feature's bin
 * moved are looked up again. Equal to `predictUplift` bit for bit.
 */
export function memoUplift(model: UpliftModel, x: Float64Array, memo: UpliftMemo): number {
  const tables = model.tables;
  if (tables === undefined || tables.treated === null || tables.control === null) {
    memo.clear();
    return predictUplift(model, x);
  }
  const n = x.length;
  const treated = memo.treated;
  const control = memo.control;
  if (memo.model !== model || treated === null || control === null || memo.input.length !== n) {
    if (memo.input.length !== n) memo.input = new Float64Array(n);
    memo.input.set(x);
    const t = new ArmMemo(tables.treated, x);
    const c = new ArmMemo(tables.control, x);
    memo.treated = t;
    memo.control = c;
    memo.model = model;
    memo.uplift = t.probability - c.probability;
    return memo.uplift;
  }
  const input = memo.input;
  for (let k = 0; k < n; k++) {
    const now = x[k];
    if (now === input[k]) continue;
    input[k] = now;
    treated.move(k, now);
    control.move(k, now);
  }
  if (!treated.moved && !control.moved) return memo.uplift;
  if (treated.moved) {
    treated.probability = treated.sum();
    treated.moved = false;
  }
  if (control.moved) {
    control.probability = control.sum();
    control.moved = false;
  }
  memo.uplift = treated.probability - control.probability;
  return memo.uplift;
}
