// Reading a visitor's predicted uplift again looks up only the table groups an update moved
// (uplift-memo.ts); whatever the history, the uplift must be the full prediction's to the last bit,
// or a rule on it (or the positive-only mode) could decide differently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LIVE_FEATURE_COUNT } from '../src/features/live-features.ts';
import { parseUciCsv } from '../src/model/uci-csv.ts';
import { toUciLiveDataset } from '../src/model/uci-live.ts';
import {
  CONTROL,
  predictUplift,
  TREATED,
  trainUplift,
  type UpliftModel,
  withUpliftTables,
} from '../src/model/uplift.ts';
import { memoUplift, UpliftMemo } from '../src/model/uplift-memo.ts';
import { featureMove } from './helpers/feature-moves.ts';
import { sharedData } from './helpers/shared-data.ts';

const uci = toUciLiveDataset(parseUciCsv(readFileSync(sharedData('online_shoppers_intention.csv'), 'utf8')));
const live = uci.features.map((x) => {
  const v = new Float64Array(LIVE_FEATURE_COUNT);
  v.set(x);
  return v;
});

/** A campaign's model learned on the UCI sessions, a seeded half as control (as a node learns one). */
function campaignModel(seed: number, rounds: number): UpliftModel {
  const arm = live.map((_, i) => ((i * 7 + seed) % 3 === 0 ? CONTROL : TREATED));
  return withUpliftTables(trainUplift(live, arm, uci.labels, { seed, rounds }));
}

// Three campaigns, and a retrained second one (what a model swap hands the reader).
const models = [campaignModel(1, 40), campaignModel(2, 25), campaignModel(3, 60)];
const retrained = campaignModel(4, 30);
// The same trees without tables (forests too deep for them score whole, every read).
const untabled: UpliftModel = { treated: models[0].treated, control: models[0].control };

/** Every threshold either forest of any model splits on, per live feature: values right on a split are the edge cases. */
const splits: number[][] = Array.from({ length: LIVE_FEATURE_COUNT }, () => []);
for (const m of [...models, retrained])
  for (const f of [m.treated, m.control])
    for (let node = 0; node < f.thresholds.length; node++) splits[f.nodes[node * 4]].push(f.thresholds[node]);

/** One update: features moved (or a new session's vector first), then the campaigns a rule reads. */
interface Step {
  restart?: number;
  moves: readonly [number, number][];
  /** Campaigns read after the update (a rule may read none, some or all). */
  reads: number[];
  /** The second campaign's model is swapped for the retrained one (or back). */
  swap: boolean;
}

const move = featureMove(splits, live);
const reads = fc.subarray([0, 1, 2, 3]);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      moves: fc.array(move, { minLength: 1, maxLength: 4 }),
      reads,
      swap: fc.nat(9).map((n) => n === 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ moves: fc.constant<[number, number][]>([]), reads, swap: fc.constant(false) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      restart: fc.integer({ min: 0, max: live.length - 1 }),
      moves: fc.constant<[number, number][]>([]),
      reads,
      swap: fc.boolean(),
    }),
  },
);
const histories = fc.array(
  fc.record({
    start: fc.integer({ min: 0, max: live.length - 1 }),
    steps: fc.array(step, { maxLength: 40 }),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('reading predicted uplift again from the last read', () => {
  it('gives every read exactly the full prediction, over generated visitor histories', () => {
    let checked = 0;
    fc.assert(
      fc.property(histories, (visitors) => {
        // Visitors take turns, as the tracker's batches interleave; each keeps one memory per campaign.
        const state = visitors.map((v) => ({
          x: live[v.start].slice(),
          memos: [0, 1, 2, 3].map(() => new UpliftMemo()),
          second: models[1],
        }));
        const longest = Math.max(...visitors.map((v) => v.steps.length));
        for (let turn = 0; turn < longest; turn++) {
          visitors.forEach((v, i) => {
            const s = state[i];
            const step = v.steps[turn];
            if (step === undefined) return;
            if (step.restart !== undefined) s.x = live[step.restart].slice();
            for (const [k, value] of step.moves) s.x[k] = value;
            if (step.swap) s.second = s.second === models[1] ? retrained : models[1];
            const campaigns = [models[0], s.second, models[2], untabled];
            for (const c of step.reads) {
              const expected = predictUplift(campaigns[c], s.x);
              const got = memoUplift(campaigns[c], s.x, s.memos[c]);
              assert.ok(
                Object.is(got, expected),
                `visitor ${i}, step ${turn}, campaign ${c}: ${got} ≠ ${expected}`,
              );
              // The decision the positive-only mode takes on it.
              assert.equal(got > 0, expected > 0);
              checked++;
            }
          });
        }
      }),
      { numRuns: 200 },
    );
    assert.ok(checked > 2000, `only ${checked} reads were checked`);
  });

  it('matches the prediction of every real UCI session read one after another by one visitor', () => {
    // Consecutive unrelated sessions move every feature at once: the hardest case for the memory.
    const memo = new UpliftMemo();
    for (const x of live) assert.ok(Object.is(memoUplift(models[2], x, memo), predictUplift(models[2], x)));
  });

  it("starts a visitor's first read from another visitor's memory of the model, exactly", () => {
    // Every fresh memory after a model's first starts from that one's copy and moves to its own vector.
    for (const model of models) {
      for (let i = 0; i < live.length; i += 7) {
        const x = live[i];
        assert.ok(Object.is(memoUplift(model, x, new UpliftMemo()), predictUplift(model, x)), `session ${i}`);
      }
    }
  });

  it('follows each input across every threshold, one at a time and in jumps over all of them', () => {
    // A value right on a threshold stays below it; the next number up is past it. A new visit drops
    // durations and counts back across every threshold at once.
    const bits = new Float64Array(1);
    const ulp = new BigInt64Array(bits.buffer);
    const nextUp = (h: number) => {
      if (h === 0) return Number.MIN_VALUE;
      bits[0] = h;
      ulp[0] += h > 0 ? 1n : -1n;
      return bits[0];
    };
    const start = live[42];
    for (const model of [...models, retrained]) {
      const memo = new UpliftMemo();
      const x = start.slice();
      const own = new Set([...model.treated.thresholds, ...model.control.thresholds]);
      for (let k = 0; k < LIVE_FEATURE_COUNT; k++) {
        const on = [...new Set(splits[k])].filter((h) => own.has(h)).sort((a, b) => a - b);
        if (on.length === 0) continue;
        const low = on[0] - 1;
        const high = on[on.length - 1] + 1;
        const path = [
          ...on.flatMap((h) => [h, nextUp(h)]),
          low,
          high,
          ...on.toReversed().flatMap((h) => [nextUp(h), h]),
          high,
          Number.NaN,
          low,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          start[k],
        ];
        for (const v of path) {
          x[k] = v;
          const expected = predictUplift(model, x);
          const got = memoUplift(model, x, memo);
          assert.ok(Object.is(got, expected), `feature ${k} at ${v}: ${got} ≠ ${expected}`);
        }
      }
    }
  });

  it('forgets the memory when handed another model, and keeps none for forests without tables', () => {
    const memo = new UpliftMemo();
    const x = live[11].slice();
    for (const [model, change] of [
      [models[0], () => {}],
      [retrained, () => {}],
      [retrained, () => (x[6] = Number.NaN)],
      [models[0], () => (x[6] = 0.01)],
      [untabled, () => (x[4] += 3)],
      [models[0], () => {}],
    ] as const) {
      change();
      assert.ok(Object.is(memoUplift(model, x, memo), predictUplift(model, x)));
      assert.equal(memo.model, model === untabled ? null : model, 'the memory is of the model read');
    }
  });
});
