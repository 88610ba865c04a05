// Scoring a visitor again walks only the trees an update can move (score-memo.ts); whatever the
// history, the score must be the one scoring the whole vector gives, to the last bit, or a rule on
// the score or its rank could decide differently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LIVE_FEATURE_COUNT, LIVE_FEATURE_NAMES } from '../src/features/live-features.ts';
import { forestMargin } from '../src/model/forest.ts';
import { trainForest } from '../src/model/gbdt-trainer.ts';
import { type BoundModel, bindModel, scoreBound } from '../src/model/live-binding.ts';
import { modelFromJson } from '../src/model/model-json.ts';
import type { PropensityModel } from '../src/model/propensity-model.ts';
import { memoMargin, ScoreMemo, scoreMemo } from '../src/model/score-memo.ts';
import { parseUciCsv } from '../src/model/uci-csv.ts';
import { toUciLiveDataset } from '../src/model/uci-live.ts';
import { featureMove } from './helpers/feature-moves.ts';
import { sharedData } from './helpers/shared-data.ts';

const shipped = modelFromJson(
  JSON.parse(readFileSync(new URL('../models/uci-default.json', import.meta.url), 'utf8')),
);
const uci = toUciLiveDataset(parseUciCsv(readFileSync(sharedData('online_shoppers_intention.csv'), 'utf8')));
const live = uci.features.map((x) => {
  const v = new Float64Array(LIVE_FEATURE_COUNT);
  v.set(x);
  return v;
});

/** A model of the given depth trained on the UCI sessions (depth 3 and 4 have their own kernels, 5 the generic one). */
function modelOfDepth(depth: number, rounds: number): PropensityModel {
  const rows = live.slice(0, 3000);
  const forest = trainForest(rows, uci.labels.slice(0, 3000), {
    maxDepth: depth,
    maxLeaves: 1 << depth,
    rounds,
    seed: depth,
  });
  assert.equal(forest.complete?.depth, depth);
  return { ...shipped, featureNames: LIVE_FEATURE_NAMES, forest };
}

const bounds: [string, BoundModel][] = [
  ['the shipped model (120 depth-4 trees)', bindModel(shipped, LIVE_FEATURE_NAMES)],
  ['a depth-3 model with an odd number of trees', bindModel(modelOfDepth(3, 41), LIVE_FEATURE_NAMES)],
  ['a depth-5 model', bindModel(modelOfDepth(5, 30), LIVE_FEATURE_NAMES)],
];

/** Every threshold the model splits on, per live feature: values right on a split are the edge cases. */
function splitValues(bound: BoundModel): number[][] {
  const out: number[][] = LIVE_FEATURE_NAMES.map(() => []);
  const f = bound.model.forest;
  for (let node = 0; node < f.thresholds.length; node++)
    out[bound.gather[f.nodes[node * 4]]].push(f.thresholds[node]);
  return out;
}

/** One update: features moved to new values, or a new session's vector (`restart`) first. */
interface Step {
  restart?: number;
  moves: [number, number][];
}

/**
 * One visitor's history as the scorer sees it: a starting vector (a real UCI session), then steps that
 * each move a few features — to a split's threshold, just past it, to another real session's value,
 * to a random or special value (NaN, ±∞, −0) — or move nothing, or start over from another session.
 */
function histories(bound: BoundModel) {
  const move = featureMove(splitValues(bound), live);
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 8, arbitrary: fc.array(move, { minLength: 1, maxLength: 4 }).map((moves) => ({ moves })) },
    { weight: 1, arbitrary: fc.constant<Step>({ moves: [] }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0, max: live.length - 1 }).map((restart) => ({ restart, moves: [] })),
    },
  );
  return fc.record({
    visitors: fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: live.length - 1 }),
        steps: fc.array(step, { maxLength: 40 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  });
}

describe('scoring a visitor again from the last score', () => {
  for (const [name, bound] of bounds) {
    it(`gives every update exactly the full score, over generated visitor histories (${name})`, () => {
      fc.assert(
        fc.property(histories(bound), ({ visitors }) => {
          // Visitors take turns, as the tracker's batches interleave; each keeps its own memory.
          const state = visitors.map((v) => ({ x: live[v.start].slice(), memo: new ScoreMemo(), at: 0 }));
          for (let turn = 0, left = true; left; turn++) {
            left = false;
            visitors.forEach((v, i) => {
              const s = state[i];
              const step = v.steps[turn];
              if (step === undefined) return;
              left = true;
              if (step.restart !== undefined) s.x = live[step.restart].slice();
              for (const [k, value] of step.moves) s.x[k] = value;
              const expected = scoreBound(bound, s.x);
              const got = scoreMemo(bound, s.x, s.memo);
              assert.ok(
                Object.is(got, expected),
                `visitor ${i}, step ${turn}: ${got} instead of ${expected}`,
              );
            });
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('starts over when the account switches models, and after a vector with a missing value', () => {
    const [a, b] = [bounds[0][1], bounds[1][1]];
    const memo = new ScoreMemo();
    const x = live[7].slice();
    for (const [bound, change] of [
      [a, () => {}],
      [b, () => {}],
      [b, () => (x[6] = Number.NaN)],
      [b, () => (x[6] = 0.01)],
      [a, () => (x[4] += 3)],
    ] as const) {
      change();
      assert.ok(Object.is(scoreMemo(bound, x, memo), scoreBound(bound, x)));
    }
  });

  it('matches the margin of every real UCI session scored one after another by one visitor', () => {
    // Consecutive unrelated sessions move every feature at once: the hardest case for the memory.
    const bound = bounds[0][1];
    const memo = new ScoreMemo();
    const input = new Float64Array(bound.gather.length);
    for (const x of live) {
      for (let i = 0; i < input.length; i++) input[i] = x[bound.gather[i]];
      assert.ok(Object.is(memoMargin(bound, input.slice(), memo), forestMargin(bound.model.forest, input)));
    }
  });
});
