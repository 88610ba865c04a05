// Reading a visitor's predicted uplift again after an update. Each forest of an uplift model scores
// through lookup tables (table-forest.ts): a bin per feature, then one table cell per group of trees,
// whose index is the sum of what each of its features' bins adds. Between two updates only a few
// inputs move, fewer leave their bin, and a cell can only change when the bin of one of its features
// does. So a session remembers, per campaign model: for each input either forest reads, the interval
// of values that keep every bin as it is (where the two forests' bins overlap); each feature's bin
// and each group's cell and cell value in both forests. A read checks each input against its interval
// (two comparisons, on the memory's own numbers); only an input outside it is searched among the
// thresholds, and only the groups reading it move, by the bins' difference (integers: exact), and
// look up their new value. A forest with a moved cell adds its groups' values again in the tables'
// order, so the margin is bit for bit `tableMargin`'s. With no cell moved, the remembered prediction
// is returned.
import type { TableForest } from './table-forest.ts';
import { predictUplift, type UpliftModel } from './uplift.ts';

/** One forest's part of a model's layout: its tables, which groups read each feature, and where its
 * numbers sit in a memory's two arrays. */
interface ArmPlan {
  table: TableForest;
  /** Terms of slot s are `start[s]` to `start[s + 1]`: pairs of (group, offset into `binStride`). */
  start: Int32Array;
  terms: Int32Array;
  /** In the memory's integers: each slot's bin from `binsAt`, each group's cell from `cellsAt`. */
  binsAt: number;
  cellsAt: number;
  /** In the memory's numbers: each group's value (its cell's) from `valuesAt`. */
  valuesAt: number;
}

/** How a memory of one model is laid out, built once per loaded model. */
interface Plan {
  /** Model inputs a split of either forest reads, ascending. */
  inputs: Int32Array;
  /** Per read input, its slot in each forest's tables, or -1 when that forest never reads it. */
  treatedSlot: Int32Array;
  controlSlot: Int32Array;
  treated: ArmPlan;
  control: ArmPlan;
  /**
   * A memory's two arrays, copied for each new one: integers (bins and cells), numbers (intervals and
   * values). Plain arrays: a copy of one is a small allocation, where a typed array of this size
   * allocates its storage outside the heap, several times slower, on every visitor's first read.
   */
  ints: readonly number[];
  floats: readonly number[];
}

const plans = new WeakMap<TableForest, WeakMap<TableForest, Plan>>();

function armPlan(table: TableForest, binsAt: number, valuesAt: number): ArmPlan {
  const { features, groupStart, terms } = table;
  const slots = features.length;
  const bySlot: number[][] = Array.from({ length: slots }, () => []);
  for (let g = 0; g + 1 < groupStart.length; g++)
    for (let k = groupStart[g]; k < groupStart[g + 1]; k += 2) bySlot[terms[k]].push(g, terms[k + 1]);
  const start = new Int32Array(slots + 1);
  bySlot.forEach((pairs, s) => {
    start[s + 1] = start[s] + pairs.length;
  });
  return {
    table,
    start,
    terms: Int32Array.from(bySlot.flat()),
    binsAt,
    cellsAt: binsAt + slots,
    valuesAt,
  };
}

/** The layout of a memory for a model with these two forests' tables. */
function planOf(treated: TableForest, control: TableForest): Plan {
  let byControl = plans.get(treated);
  if (byControl === undefined) {
    byControl = new WeakMap();
    plans.set(treated, byControl);
  }
  let plan = byControl.get(control);
  if (plan !== undefined) return plan;
  const inputs = Int32Array.from(new Set([...treated.features, ...control.features])).sort();
  const slotIn = (table: TableForest) => Int32Array.from(inputs, (k) => table.features.indexOf(k));
  const t = treated.features.length;
  const tg = treated.tableStart.length;
  const c = control.features.length;
  const cg = control.tableStart.length;
  const intervals = 2 * inputs.length;
  plan = {
    inputs,
    treatedSlot: slotIn(treated),
    controlSlot: slotIn(control),
    treated: armPlan(treated, 0, intervals),
    control: armPlan(control, t + tg, intervals + tg),
    ints: Array.from({ length: t + tg + c + cg }, () => 0),
    floats: Array.from({ length: intervals + tg + cg }, () => 0.5),
  };
  byControl.set(control, plan);
  return plan;
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

/**
 * Bin of `v` in slot `s`, which had bin `was`: the same count of thresholds below `v` as `binOf`,
 * found by stepping from the old bin (a moved value mostly lands in or next to it, on the same
 * cache line), not by a search from the middle.
 */
function binNear(table: TableForest, s: number, was: number, v: number): number {
  const missing = table.missingBin[s];
  if (Number.isNaN(v)) return missing;
  if (was === missing) return binOf(table, s, v);
  const thresholds = table.thresholds;
  const lo = table.start[s];
  let bin = was;
  // Up while the threshold above is below v (the +∞ padding stops it), down while the one below is not.
  while (thresholds[lo + bin] < v) bin++;
  while (bin > 0 && !(thresholds[lo + bin - 1] < v)) bin--;
  return bin;
}

function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

/**
 * Slot `s` of one forest takes bin `bin`: the cells of the groups reading it move by the difference,
 * and take their new values. Returns whether a cell moved.
 */
function rebin(arm: ArmPlan, s: number, bin: number, ints: number[], floats: number[]): boolean {
  const at = arm.binsAt + s;
  const was = ints[at];
  if (bin === was) return false;
  ints[at] = bin;
  const { start, terms, cellsAt, valuesAt } = arm;
  const { binStride, values } = arm.table;
  let moved = false;
  for (let t = start[s]; t < start[s + 1]; t += 2) {
    const d = binStride[terms[t + 1] + bin] - binStride[terms[t + 1] + was];
    if (d !== 0) {
      const g = terms[t];
      const cell = ints[cellsAt + g] + d;
      ints[cellsAt + g] = cell;
      floats[valuesAt + g] = values[cell];
      moved = true;
    }
  }
  return moved;
}

/** The probability of one forest's remembered values, added in `tableMargin`'s order. */
function probability(arm: ArmPlan, floats: readonly number[]): number {
  let margin = arm.table.baseScore;
  for (let g = arm.valuesAt, end = g + arm.table.tableStart.length; g < end; g++) margin += floats[g];
  return sigmoid(margin);
}

/** Lowest value (exclusive) that stays in `bin` of slot `s`; -∞ below the first threshold. */
function lowEdge(table: TableForest, s: number, bin: number): number {
  return bin === 0 ? Number.NEGATIVE_INFINITY : table.thresholds[table.start[s] + bin - 1];
}

/** Highest value (inclusive) that stays in `bin` of slot `s`; +∞ (the padding) above the last. */
function highEdge(table: TableForest, s: number, bin: number): number {
  return table.thresholds[table.start[s] + bin];
}

/**
 * The read input `j` is `v`, outside its remembered interval: each forest's bin for it, the cells
 * that moves, and the new interval (NaN for a missing value: no number stays in its bin). Returns
 * which forests had a cell move (1 treated, 2 control).
 */
function moveInput(plan: Plan, j: number, v: number, ints: number[], floats: number[]): number {
  let moved = 0;
  const st = plan.treatedSlot[j];
  const sc = plan.controlSlot[j];
  const treatedBin = st >= 0 ? binNear(plan.treated.table, st, ints[plan.treated.binsAt + st], v) : 0;
  const controlBin = sc >= 0 ? binNear(plan.control.table, sc, ints[plan.control.binsAt + sc], v) : 0;
  if (st >= 0 && rebin(plan.treated, st, treatedBin, ints, floats)) moved |= 1;
  if (sc >= 0 && rebin(plan.control, sc, controlBin, ints, floats)) moved |= 2;
  let low = Number.NaN;
  let high = Number.NaN;
  if (!Number.isNaN(v)) {
    low = Number.NEGATIVE_INFINITY;
    high = Number.POSITIVE_INFINITY;
    if (st >= 0) {
      low = lowEdge(plan.treated.table, st, treatedBin);
      high = highEdge(plan.treated.table, st, treatedBin);
    }
    if (sc >= 0) {
      low = Math.max(low, lowEdge(plan.control.table, sc, controlBin));
      high = Math.min(high, highEdge(plan.control.table, sc, controlBin));
    }
  }
  floats[2 * j] = low;
  floats[2 * j + 1] = high;
  return moved;
}

/** The arrays of a memory not yet used (never written: a first read replaces them). */
const NONE: number[] = [];

/**
 * One session's memory of its last predicted uplift for one campaign model. About 1 KB for forests
 * of about 24 groups and 12 features each: per input read, its interval (16 bytes); per forest,
 * 4 bytes per feature, 12 per group (cell and value) (see docs).
 */
export class UpliftMemo {
  /** The model the memory belongs to; null when the next read computes afresh. */
  model: UpliftModel | null = null;
  plan: Plan | null = null;
  /** Bins and cells of both forests (see Plan). */
  ints: number[] = NONE;
  /** Each read input's interval (low exclusive, high inclusive), then both forests' group values. */
  floats: number[] = NONE;
  treatedProbability = 0;
  controlProbability = 0;
  /** The remembered prediction. */
  uplift = 0;

  /** Forgets the prediction (the next read computes it whole). */
  clear(): void {
    this.model = null;
    this.plan = null;
  }
}

/** One forest's bins, cells and values for `x`, computed whole. */
function fill(arm: ArmPlan, x: Float64Array, ints: number[], floats: number[]): void {
  const { table, binsAt, cellsAt, valuesAt } = arm;
  const { features, groupStart, terms, binStride, tableStart, values } = table;
  for (let s = 0; s < features.length; s++) ints[binsAt + s] = binOf(table, s, x[features[s]]);
  for (let g = 0, k = 0; g < tableStart.length; g++) {
    let cell = tableStart[g];
    for (const end = groupStart[g + 1]; k < end; k += 2)
      cell += binStride[terms[k + 1] + ints[binsAt + terms[k]]];
    ints[cellsAt + g] = cell;
    floats[valuesAt + g] = values[cell];
  }
}

/** Computes `x`'s prediction whole into `memo`, laid out by `plan`. */
function remember(memo: UpliftMemo, model: UpliftModel, plan: Plan, x: Float64Array): number {
  if (memo.ints.length !== plan.ints.length) memo.ints = plan.ints.slice();
  if (memo.floats.length !== plan.floats.length) memo.floats = plan.floats.slice();
  const { ints, floats } = memo;
  fill(plan.treated, x, ints, floats);
  fill(plan.control, x, ints, floats);
  // The intervals: the bins just set do not move again, only the edges are written.
  for (let j = 0; j < plan.inputs.length; j++) moveInput(plan, j, x[plan.inputs[j]], ints, floats);
  memo.model = model;
  memo.plan = plan;
  memo.treatedProbability = probability(plan.treated, floats);
  memo.controlProbability = probability(plan.control, floats);
  memo.uplift = memo.treatedProbability - memo.controlProbability;
  return memo.uplift;
}

/**
 * Predicted uplift of `x` remembering the tables' cells in `memo`: only inputs that left their bin
 * are searched, and only the groups reading them looked up again. Equal to `predictUplift` bit for bit.
 */
export function memoUplift(model: UpliftModel, x: Float64Array, memo: UpliftMemo): number {
  const plan = memo.plan;
  if (memo.model !== model || plan === null) {
    const tables = model.tables;
    if (tables === undefined || tables.treated === null || tables.control === null) {
      memo.clear();
      return predictUplift(model, x);
    }
    return remember(memo, model, planOf(tables.treated, tables.control), x);
  }
  const { ints, floats } = memo;
  const inputs = plan.inputs;
  let moved = 0;
  for (let j = 0; j < inputs.length; j++) {
    const v = x[inputs[j]];
    // Inside the interval: every bin stays. A missing value stays missing (its interval is NaN).
    if (floats[2 * j] < v && v <= floats[2 * j + 1]) continue;
    if (Number.isNaN(v) && Number.isNaN(floats[2 * j])) continue;
    moved |= moveInput(plan, j, v, ints, floats);
  }
  if (moved === 0) return memo.uplift;
  if (moved & 1) memo.treatedProbability = probability(plan.treated, floats);
  if (moved & 2) memo.controlProbability = probability(plan.control, floats);
  memo.uplift = memo.treatedProbability - memo.controlProbability;
  return memo.uplift;
}
