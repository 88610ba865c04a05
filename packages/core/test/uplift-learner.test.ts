// The two-model uplift learner on Kevin Hillstrom's randomised e-mail experiment (64,000 customers).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it, test } from 'node:test';
import { createRng } from '../src/model/rng.ts';
import { stratifiedFoldsByGroup } from '../src/model/stratified-folds.ts';
import { tableFeatures } from '../src/model/table-features.ts';
import { CONTROL, IGNORED, predictUplift, TREATED, trainUplift, upliftFolds } from '../src/model/uplift.ts';
import { evaluateUplift } from '../src/model/uplift-evaluation.ts';
import { type CsvTable, parseCsvTable } from '../src/stats/csv-table.ts';
import { sharedData } from './helpers/shared-data.ts';

const OUTCOMES = new Set(['segment', 'visit', 'conversion', 'spend']);

function arms(table: CsvTable, treatment: string): Int8Array {
  return Int8Array.from(table.rows, (r) =>
    r.segment === treatment ? TREATED : r.segment === 'No E-Mail' ? CONTROL : IGNORED,
  );
}

test('text columns become one 0/1 feature per value, numbers stay numbers, excluded columns vanish', () => {
  const table: CsvTable = {
    columns: ['age', 'channel', 'visit'],
    rows: [
      { age: '30', channel: 'Web', visit: '1' },
      { age: '', channel: 'Phone', visit: '0' },
      { age: '41.5', channel: '', visit: '0' },
    ],
  };
  const { names, rows } = tableFeatures(table, new Set(['visit']));
  assert.deepEqual(names, ['age', 'channel=Phone', 'channel=Web']);
  assert.deepEqual(Array.from(rows[0]), [30, 0, 1]);
  assert.ok(Number.isNaN(rows[1][0]), 'an empty number is missing');
  assert.deepEqual(Array.from(rows[2]), [41.5, 0, 0]);
});

test('folds by group spread every group evenly and leave negative groups out', () => {
  const groups = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? -1 : i % 4));
  const fold = stratifiedFoldsByGroup(groups, 5, 3);
  for (let g = 0; g < 4; g++) {
    const counts = [0, 0, 0, 0, 0];
    groups.forEach((x, i) => {
      if (x === g) counts[fold[i]]++;
    });
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `group ${g}: ${counts}`);
  }
  assert.ok(groups.every((x, i) => x < 0 === (fold[i] === -1)));
  assert.deepEqual(stratifiedFoldsByGroup(groups, 5, 3), fold, 'same seed, same folds');
});

test('on a small experiment the leaves shrink with the arm, so the model still learns where the effect is', () => {
  const rng = createRng(11);
  const features: Float64Array[] = [];
  const arm: number[] = [];
  const outcome: number[] = [];
  for (let i = 0; i < 1600; i++) {
    const x = rng();
    const t = i % 2 === 0 ? TREATED : CONTROL;
    features.push(Float64Array.of(x));
    arm.push(t);
    // 20 % respond without the treatment; with it, customers above x = 0.5 respond 40 points more.
    outcome.push(rng() < 0.2 + (t === TREATED && x > 0.5 ? 0.4 : 0) ? 1 : 0);
  }
  const model = trainUplift(features, arm, outcome, { seed: 2 });
  const high = predictUplift(model, Float64Array.of(0.8));
  const low = predictUplift(model, Float64Array.of(0.2));
  assert.ok(high > 0.25 && Math.abs(low) < 0.1, `uplift at 0.8: ${high}, at 0.2: ${low}`);
});

describe('uplift learner on Hillstrom', () => {
  let table: CsvTable;
  let features: Float64Array[];
  before(() => {
    table = parseCsvTable(readFileSync(sharedData('hillstrom.csv'), 'utf8'));
    features = tableFeatures(table, OUTCOMES).rows;
  });

  it('ranks held-out customers by the e-mail’s effect on visits better than random and than propensity', () => {
    const arm = arms(table, 'Womens E-Mail');
    const visit = Uint8Array.from(table.rows, (r) => Number(r.visit));
    const result = evaluateUplift(features, arm, visit, { folds: 2, seed: 1 });
    assert.ok(result.qini > 0.035, `qini ${result.qini}`);
    assert.ok(Math.abs(result.qiniRandom) < 0.01, `random ${result.qiniRandom}`);
    assert.ok(result.qini > result.qiniPropensity, `propensity ${result.qiniPropensity}`);
    assert.ok(result.auuc > result.auucRandom);
    assert.equal(result.uplift.length, table.rows.length);
    // The third arm (Mens E-Mail) still gets a prediction, inside the range of a rate difference.
    const mens = table.rows.findIndex((r) => r.segment === 'Mens E-Mail');
    assert.ok(Math.abs(result.uplift[mens]) < 1 && result.uplift[mens] !== 0);
  });

  it('predicts a larger visit uplift for customers the model ranks on top, on customers it never saw', () => {
    const arm = arms(table, 'Womens E-Mail');
    const visit = Uint8Array.from(table.rows, (r) => Number(r.visit));
    const fold = upliftFolds(arm, visit, 2, 5);
    const trainArm = Int8Array.from(arm, (a, i) => (fold[i] === 0 ? a : IGNORED));
    const model = trainUplift(features, trainArm, visit, { seed: 5 });
    const test = [...fold.keys()].filter((i) => fold[i] === 1);
    const scored = test.map((i) => ({ i, u: predictUplift(model, features[i]) })).sort((a, b) => b.u - a.u);
    const rateDiff = (rows: { i: number }[]) => {
      const rate = (a: number) => {
        const r = rows.filter(({ i }) => arm[i] === a);
        return r.reduce((s, { i }) => s + visit[i], 0) / r.length;
      };
      return rate(TREATED) - rate(CONTROL);
    };
    const half = Math.floor(scored.length / 2);
    const top = rateDiff(scored.slice(0, half));
    const bottom = rateDiff(scored.slice(half));
    assert.ok(top > bottom + 0.02, `observed uplift top half ${top}, bottom half ${bottom}`);
  });
});
