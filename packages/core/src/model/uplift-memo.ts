// Reading a visitor's predicted uplift again after an update. Each forest of an uplift model scores
// through lookup tables (table-forest.ts): a bin per feature, then one table cell per group of trees,
// whose index is the sum of what each of its features' bins adds. Between two updates only a few
// inputs move, fewer leave their bin, and a cell can only change when one of its thresholds lies
// between an input's old and new value. So a model's layout merges, per input either forest reads,
// both forests' thresholds into one sorted list, and lists for each threshold the groups (of either
// forest) that split on it with the step their cell takes when a value crosses it. A session
// remembers, per campaign model: each input's place among its thresholds and the interval of values
// that keeps it there, and each group's cell and cell value. A read checks each input against its
// interval (two comparisons on the memory's own numbers); an input outside it steps to its new
// place, and only the groups listed under the thresholds it crossed shift their cell (integers:
// exact) and look up their new value. A forest with a moved cell adds its groups' values again in
// the tables' order, so the margin is bit for bit `tableMargin`'s. With no cell moved, the
// remembered prediction is returned.
import type { TableForest } from './table-forest.ts';
import { predictUplift, type UpliftModel } from './uplift.ts';

/**
 * How a memory of one model is laid out, built once per loaded model. The groups of both forests
 * are numbered together (the treated forest's first), and so are their tables' cells. A read
 * touches two flat arrays of the layout (fewer cache lines than one array per part):
 * - `index`, integers: the model inputs a split of either forest reads, ascending (J of them, from
 *   0); per read input j, where its edges start (`at`, J + 1 of them, from `atAt`); per edge q,
 *   where its crossings start (from `crossStartAt`); the crossings, pairs (group, step) (from
 *   `crossAt`): the groups whose cell moves by `step` when a value crosses edge q upward (back when
 *   downward).
 * - `numbers`: the edges, per read input j both forests' thresholds on it (sorted, distinct) between
 *   a −∞ at `at[j]` and a +∞ at `at[j + 1] - 1`, so a value at place p lies in
 *   (edges[at[j] + p], edges[at[j] + p + 1]]; then (from `valuesAt`) both forests' table values,
 *   the control forest's after the treated forest's.
 */
interface Plan {
  treated: TableForest;
  control: TableForest;
  index: Int32Array;
  numbers: Float64Array;
  /** Read inputs (J). */
  inputCount: number;
  atAt: number;
  crossStartAt: number;
  crossAt: number;
  valuesAt: number;
  treatedGroups: number;
  groups: number;
  treatedBase: number;
  controlBase: number;
  /**
   * A memory's numbers, copied for each new one: each input's interval, each group's value, then
   * (from `intsAt`) each input's place and each group's cell. One plain array: a read touches one
   * object's lines, and a copy is a small allocation, where a typed array of this size allocates
   * its storage outside the heap, several times slower, on every visitor's first read.
   */
  intsAt: number;
  floats: readonly number[];
  /**
   * The first memory computed whole without a missing value (a visitor's first read, mostly a
   * session's first page): a new memory starts from a copy of it and moves to its own vector like
   * any read, which touches far fewer table cells than computing all of them (see `startFrom`).
   */
  seed: UpliftMemo | null;
}

const plans = new WeakMap<TableForest, WeakMap<TableForest, Plan>>();

/** A table's real thresholds of slot `s` (its padding left out). */
function slotThresholds(table: TableForest, s: number): Float64Array {
  return table.thresholds.subarray(table.start[s], table.start[s] + table.missingBin[s] - 1);
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
  // Each input's merged thresholds between the two infinities, and where each threshold sits.
  const at = new Int32Array(inputs.length + 1);
  const edges: number[] = [];
  const edgeOf = new Map<number, Map<number, number>>();
  inputs.forEach((k, j) => {
    const merged = new Set<number>();
    for (const table of [treated, control]) {
      const s = table.features.indexOf(k);
      if (s >= 0) for (const h of slotThresholds(table, s)) merged.add(h);
    }
    const sorted = [...merged].sort((a, b) => a - b);
    at[j] = edges.length;
    const where = new Map<number, number>();
    edges.push(Number.NEGATIVE_INFINITY);
    for (const h of sorted) {
      where.set(h, edges.length);
      edges.push(h);
    }
    edges.push(Number.POSITIVE_INFINITY);
    edgeOf.set(k, where);
  });
  at[inputs.length] = edges.length;
  // Crossing a table's shared threshold moves a group's own bin by one exactly when the group splits
  // on it: the step is what its binStride adds from that bin to the next.
  const crossing: number[][] = Array.from({ length: edges.length }, () => []);
  const groupsOf = (table: TableForest, group0: number) => {
    const { features, groupStart, terms, binStride } = table;
    for (let g = 0; g + 1 < groupStart.length; g++) {
      for (let k = groupStart[g]; k < groupStart[g + 1]; k += 2) {
        const s = terms[k];
        const off = terms[k + 1];
        const where = edgeOf.get(features[s])!;
        slotThresholds(table, s).forEach((h, t) => {
          const step = binStride[off + t + 1] - binStride[off + t];
          if (step !== 0) crossing[where.get(h)!].push(group0 + g, step);
        });
      }
    }
  };
  const treatedGroups = treated.tableStart.length;
  const groups = treatedGroups + control.tableStart.length;
  groupsOf(treated, 0);
  groupsOf(control, treatedGroups);
  const J = inputs.length;
  const crossStartAt = 2 * J + 1;
  const crossAt = crossStartAt + edges.length + 1;
  const cross = crossing.flat();
  const index = new Int32Array(crossAt + cross.length);
  index.set(inputs);
  index.set(at, J);
  crossing.forEach((pairs, q) => {
    index[crossStartAt + q + 1] = index[crossStartAt + q] + pairs.length;
  });
  for (let q = 0; q <= edges.length; q++) index[crossStartAt + q] += crossAt;
  index.set(cross, crossAt);
  // The control forest's cells are numbered after the treated forest's values.
  const valuesAt = edges.length;
  const numbers = new Float64Array(valuesAt + treated.values.length + control.values.length);
  numbers.set(edges);
  numbers.set(treated.values, valuesAt);
  numbers.set(control.values, valuesAt + treated.values.length);
  plan = {
    treated,
    control,
    index,
    numbers,
    inputCount: J,
    atAt: J,
    crossStartAt,
    crossAt,
    valuesAt,
    treatedGroups,
    groups,
    treatedBase: treated.baseScore,
    controlBase: control.baseScore,
    intsAt: 2 * J + groups,
    floats: Array.from({ length: 3 * J + 2 * groups }, () => 0.5),
    seed: null,
  };
  byControl.set(control, plan);
  return plan;
}

/** Bin of `v` (not NaN) among the thresholds of slot `s`: `tableMargin`'s search. */
function binOf(table: TableForest, s: number, v: number): number {
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

/** The arrays of a memory not yet used (never written: a first read replaces them). */
const NONE: number[] = [];

/**
 * One session's memory of its last predicted uplift for one campaign model. About 1 KB for forests
 * of about 24 groups and 13 inputs: per input read, its place and interval (24 bytes); per group,
 * its cell and value (16) (see docs).
 */
export class UpliftMemo {
  /** The model the memory belongs to; null when the next read computes afresh. */
  model: UpliftModel | null = null;
  plan: Plan | null = null;
  /**
   * Each read input's interval (low exclusive, high inclusive), each group's value, each read
   * input's place among its thresholds, each group's cell (see Plan).
   */
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

/** One forest's cells and values for `x`, computed whole, its groups from `group0` and cells from `cell0`. */
function fill(
  plan: Plan,
  table: TableForest,
  group0: number,
  cell0: number,
  x: Float64Array,
  floats: number[],
): void {
  const { features, missingBin, groupStart, terms, binStride, tableStart, values, bins } = table;
  for (let s = 0; s < features.length; s++) {
    const v = x[features[s]];
    bins[s] = Number.isNaN(v) ? missingBin[s] : binOf(table, s, v);
  }
  const cellsAt = plan.intsAt + plan.inputCount + group0;
  const valuesAt = 2 * plan.inputCount + group0;
  for (let g = 0, k = 0; g < tableStart.length; g++) {
    let cell = tableStart[g];
    for (const end = groupStart[g + 1]; k < end; k += 2) cell += binStride[terms[k + 1] + bins[terms[k]]];
    floats[cellsAt + g] = cell0 + cell;
    floats[valuesAt + g] = values[cell];
  }
}

/** Margin of the remembered values of groups `from` to `to`, added in `tableMargin`'s order. */
function margin(base: number, floats: readonly number[], from: number, to: number): number {
  let sum = base;
  for (let g = from; g < to; g++) sum += floats[g];
  return sum;
}

/** Both probabilities and the uplift from the remembered values of `moved` forests (1 treated, 2 control). */
function predict(memo: UpliftMemo, plan: Plan, floats: readonly number[], moved: number): number {
  const valuesAt = 2 * plan.inputCount;
  const split = valuesAt + plan.treatedGroups;
  if (moved & 1) memo.treatedProbability = sigmoid(margin(plan.treatedBase, floats, valuesAt, split));
  if (moved & 2)
    memo.controlProbability = sigmoid(margin(plan.controlBase, floats, split, valuesAt + plan.groups));
  memo.uplift = memo.treatedProbability - memo.controlProbability;
  return memo.uplift;
}

/** Computes `x`'s prediction whole into `memo`, laid out by `plan`. */
function remember(memo: UpliftMemo, model: UpliftModel, plan: Plan, x: Float64Array): number {
  if (memo.floats.length !== plan.floats.length) memo.floats = plan.floats.slice();
  const floats = memo.floats;
  // Cells are numbered where their values sit in `numbers`.
  fill(plan, plan.treated, 0, plan.valuesAt, x, floats);
  fill(plan, plan.control, plan.treatedGroups, plan.valuesAt + plan.treated.values.length, x, floats);
  // Each input's place among its merged thresholds (the count of them below it) and its interval; a
  // missing value has the interval NaN (no number stays missing).
  const { index, numbers: edges, atAt, inputCount } = plan;
  for (let j = 0; j < inputCount; j++) {
    const v = x[index[j]];
    if (Number.isNaN(v)) {
      floats[plan.intsAt + j] = 0;
      floats[2 * j] = Number.NaN;
      floats[2 * j + 1] = Number.NaN;
      continue;
    }
    const base = index[atAt + j];
    let a = base + 1;
    let b = index[atAt + j + 1] - 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (edges[mid] < v) a = mid + 1;
      else b = mid;
    }
    const place = a - base - 1;
    floats[plan.intsAt + j] = place;
    floats[2 * j] = edges[base + place];
    floats[2 * j + 1] = edges[base + place + 1];
  }
  memo.model = model;
  memo.plan = plan;
  return predict(memo, plan, floats, 3);
}

/**
 * A memory's first read when its model has no seed yet: computed whole, and kept as the seed when
 * no input is missing (a seed's missing input would be computed afresh by every memory leaving it).
 */
function seed(memo: UpliftMemo, model: UpliftModel, plan: Plan, x: Float64Array): number {
  const uplift = remember(memo, model, plan, x);
  const floats = memo.floats;
  for (let j = 0; j < plan.inputCount; j++) if (Number.isNaN(floats[2 * j])) return uplift;
  const kept = new UpliftMemo();
  startFrom(kept, memo);
  plan.seed = kept;
  return uplift;
}

/**
 * `memo` takes `from`'s state (of the same model): a prediction as exact as any other remembered
 * one, so the next read moves from it only the inputs outside its intervals.
 */
function startFrom(memo: UpliftMemo, from: UpliftMemo): void {
  memo.model = from.model;
  memo.plan = from.plan;
  if (memo.floats.length === from.floats.length) {
    for (let i = 0; i < from.floats.length; i++) memo.floats[i] = from.floats[i];
  } else memo.floats = from.floats.slice();
  memo.treatedProbability = from.treatedProbability;
  memo.controlProbability = from.controlProbability;
  memo.uplift = from.uplift;
}

/**
 * Read input `j` (not missing before or now) is `v`, outside its remembered interval: its new place
 * and interval, and the cells of the groups listed under the thresholds it crossed. Returns which
 * forests had a cell move (1 treated, 2 control).
 */
function step(plan: Plan, j: number, v: number, floats: number[]): number {
  const { index, numbers, intsAt } = plan;
  const base = index[plan.atAt + j];
  const was = floats[intsAt + j];
  let place = was;
  // Up while the threshold above is below v (the +∞ stops it), down while the one below is not.
  while (v > numbers[base + place + 1]) place++;
  while (place > 0 && !(v > numbers[base + place])) place--;
  floats[2 * j] = numbers[base + place];
  floats[2 * j + 1] = numbers[base + place + 1];
  if (place === was) return 0;
  floats[intsAt + j] = place;
  // The thresholds crossed lie between the two places; their crossings are contiguous.
  const up = place > was;
  const first = index[plan.crossStartAt + base + (up ? was : place) + 1];
  const last = index[plan.crossStartAt + base + (up ? place : was) + 1];
  const cellsAt = intsAt + plan.inputCount;
  const valuesAt = 2 * plan.inputCount;
  const sign = up ? 1 : -1;
  for (let t = first; t < last; t += 2) floats[cellsAt + index[t]] += sign * index[t + 1];
  const treatedGroups = plan.treatedGroups;
  let moved = 0;
  for (let t = first; t < last; t += 2) {
    const g = index[t];
    floats[valuesAt + g] = numbers[floats[cellsAt + g]];
    moved |= g < treatedGroups ? 1 : 2;
  }
  return moved;
}

/**
 * Predicted uplift of `x` remembering the tables' cells in `memo`: only inputs that left their
 * interval move, and only the groups splitting between their old and new value are looked up again.
 * Equal to `predictUplift` bit for bit.
 */
export function memoUplift(model: UpliftModel, x: Float64Array, memo: UpliftMemo): number {
  let plan = memo.plan;
  if (memo.model !== model || plan === null) {
    const tables = model.tables;
    if (tables === undefined || tables.treated === null || tables.control === null) {
      memo.clear();
      return predictUplift(model, x);
    }
    plan = planOf(tables.treated, tables.control);
    if (plan.seed === null) return seed(memo, model, plan, x);
    startFrom(memo, plan.seed);
    memo.model = model;
  }
  const floats = memo.floats;
  const { index, inputCount } = plan;
  let moved = 0;
  for (let j = 0; j < inputCount; j++) {
    const v = x[index[j]];
    const low = floats[2 * j];
    // Inside the interval: every bin stays.
    if (low < v && v <= floats[2 * j + 1]) continue;
    if (Number.isNaN(v) || Number.isNaN(low)) {
      // A missing value stays missing (its interval is NaN); into or out of missing is computed afresh.
      if (Number.isNaN(v) && Number.isNaN(low)) continue;
      return remember(memo, model, plan, x);
    }
    moved |= step(plan, j, v, floats);
  }
  if (moved === 0) return memo.uplift;
  return predict(memo, plan, floats, moved);
}
