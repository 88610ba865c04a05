import { createRng, shuffleInPlace } from './rng.ts';

/** Assign each row a fold 0..k-1 so every fold has nearly the same share of positives (seeded, reproducible). */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('folds must be an integer >= 2');
  const rng = createRng(seed);
  const fold = new Int32Array(labels.length);
  let offset = 0;
  for (const cls of [1, 0]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if ((labels[i] ? 1 : 0) === cls) members.push(i);
    if (members.length < k) throw new RangeError(`fewer than ${k} rows of class ${cls}: cannot stratify`);
    shuffleInPlace(members, rng);
    // Continue the round-robin across classes so fold sizes stay balanced overall.
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
