// Live uplift scoring reads both forests as lookup tables: the same predictions as walking the trees.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Forest, walkMargin } from '../src/model/forest.ts';
import { trainForest } from '../src/model/gbdt-trainer.ts';
import { tableFeatures } from '../src/model/table-features.ts';
import { buildTableForest, tableMargin } from '../src/model/table-forest.ts';
import { parseUciCsv } from '../src/model/uci-csv.ts';
import { toUciLiveDataset } from '../src/model/uci-live.ts';
import {
  CONTROL,
  IGNORED,
  predictUplift,
  TREATED,
  trainUplift,
  type UpliftModel,
  withUpliftTables,
} from '../src/model/uplift.ts';
import { parseCsvTable } from '../src/stats/csv-table.ts';
import { sharedData } from './helpers/shared-data.ts';

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/** The uplift as the trees give it, walked one by one (NaN to each split's learned side). */
function walkedUplift(model: UpliftModel, x: Float64Array): number {
  return sigmoid(walkMargin(model.treated, x)) - sigmoid(walkMargin(model.control, x));
}

/** Largest difference between the tables and the walk over the vectors. */
function largestDifference(model: UpliftModel, vectors: readonly Float64Array[]): number {
  let worst = 0;
  for (const x of vectors)
    worst = Math.max(worst, Math.abs(predictUplift(model, x) - walkedUplift(model, x)));
  return worst;
}

/** Every threshold a forest splits on, per feature. */
function thresholdsOf(forest: Forest): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let node = 0; node < forest.thresholds.length; node++) {
    const f = forest.nodes[node * 4];
    out.set(f, [...(out.get(f) ?? []), forest.thresholds[node]]);
  }
  return out;
}

describe('uplift lookup tables', () => {
  it('predict what the trees predict for every Hillstrom customer (64,000 real rows)', () => {
    const table = parseCsvTable(readFileSync(sharedData('hillstrom.csv'), 'utf8'));
    const features = tableFeatures(table, new Set(['segment', 'visit', 'conversion', 'spend'])).rows;
    const arm = Int8Array.from(table.rows, (r) =>
      r.segment === 'Womens E-Mail' ? TREATED : r.segment === 'No E-Mail' ? CONTROL : IGNORED,
    );
    const visit = Uint8Array.from(table.rows, (r) => Number(r.visit));
    const model = withUpliftTables(trainUplift(features, arm, visit, { seed: 3 }));
    assert.ok(model.tables?.treated && model.tables.control, 'both forests fit in tables');
    assert.ok(largestDifference(model, features) < 1e-12);
  });

  it('predict what the trees predict on live vectors with missing values, at thresholds and at infinities', () => {
    const uci = toUciLiveDataset(
      parseUciCsv(readFileSync(sharedData('online_shoppers_intention.csv'), 'utf8')),
    );
    const arm = uci.features.map((_, i) => (i % 2 === 0 ? TREATED : CONTROL));
    const model = withUpliftTables(trainUplift(uci.features, arm, uci.labels, { seed: 4 }));
    assert.ok(model.tables?.treated && model.tables.control);
    assert.ok(
      uci.features.some((x) => x.some(Number.isNaN)),
      'the data has sessions with a missing value',
    );
    assert.ok(largestDifference(model, uci.features) < 1e-12);
    // Each feature of some real sessions set to each threshold (and just above it), missing or infinite.
    const edges: Float64Array[] = [];
    const splits = thresholdsOf(model.treated);
    for (const [f, ts] of thresholdsOf(model.control)) splits.set(f, [...(splits.get(f) ?? []), ...ts]);
    for (const x of uci.features.slice(0, 40)) {
      for (const [f, ts] of splits) {
        for (const v of [...ts, ...ts.map((t) => t + 1e-9), Number.NaN, Infinity, -Infinity]) {
          const y = x.slice();
          y[f] = v;
          edges.push(y);
        }
      }
    }
    assert.ok(largestDifference(model, edges) < 1e-12);
  });

  it('are not built for trees too deep to tabulate, which still score through the trees', () => {
    const uci = toUciLiveDataset(
      parseUciCsv(readFileSync(sharedData('online_shoppers_intention.csv'), 'utf8')),
    );
    const deep = trainForest(uci.features.slice(0, 4000), uci.labels.slice(0, 4000), {
      rounds: 3,
      maxDepth: 8,
      maxLeaves: 200,
      minSamplesLeaf: 5,
    });
    assert.equal(buildTableForest(deep), null);
    const shallow = trainForest(uci.features.slice(0, 4000), uci.labels.slice(0, 4000), {
      rounds: 20,
      maxDepth: 3,
    });
    const tables = buildTableForest(shallow);
    assert.ok(tables);
    for (const x of uci.features.slice(4000, 6000)) {
      assert.ok(Math.abs(tableMargin(tables, x) - walkMargin(shallow, x)) < 1e-12);
    }
  });
});
