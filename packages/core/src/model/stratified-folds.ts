import { createRng, shuffleInPlace } from './rng.ts';

/** Assign each row a fold 0..k-1 so every fold has nearly the same share of positives (seeded, reproducible). */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('folds must be an integer >= 2');
  const byClass = [1, 0].map((cls) => {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if ((labels[i] ? 1 : 0) === cls) members.push(i);
    if (members.length < k) throw new RangeError(`fewer than ${k} rows of class ${cls}: cannot stratify`);
    return members;
  });
  return dealFolds(byClass, new Int32Array(labels.length), k, seed);
}

/**
 * Shuffles each group's rows and deals them round-robin into `fold`, group after group; the deal
 * goes on across groups so fold sizes stay balanced overall. Seeded.
 */
function dealFolds(groups: number[][], fold: Int32Array, k: number, seed: number): Int32Array {
  const rng = createRng(seed);
  let offset = 0;
  for (const members of groups) {
    shuffleInPlace(members, rng);
    for (let j = 0; j < members.length; j++) fold[members[j]] = (offset + j) % k;
    offset = (offset + members.length) % k;
  }
  return fold;
}

/** Row indices of the training and held-out parts for one fold. */
export function splitByFold(fold: Int32Array, which: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === which ? test : train).push(i);
  return { train, test };
}

/**
 * Assign each row a fold 0..k-1 so every group (a small non-negative integer, e.g. arm × outcome)
 * is spread evenly over the folds; rows of a negative group get fold -1 (left out). Seeded.
 */
export function stratifiedFoldsByGroup(groups: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('folds must be an integer >= 2');
  const members = new Map<number, number[]>();
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] < 0) continue;
    const list = members.get(groups[i]) ?? [];
    list.push(i);
    members.set(groups[i], list);
  }
  const ordered = [...members.keys()].sort((a, b) => a - b).map((g) => members.get(g)!);
  return dealFolds(ordered, new Int32Array(groups.length).fill(-1), k, seed);
}
