import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conversionMoments } from '../src/stats/always-valid-difference.ts';
import {
  confidenceSequence,
  type SequenceLook,
  type SequenceOptions,
} from '../src/stats/confidence-sequence.ts';
import { createSeededRandom, type RandomSource, sampleBinomial } from '../src/stats/seeded-random.ts';

// The promise of the always-valid statistics, checked by simulation: read every day for 30 days,
// an experiment whose arms do not differ is called a winner or loser at most α of the time; one
// with a real difference is found most of the time. All runs are seeded.

const DAYS = 30;
const ALPHA = 0.05;

interface Experiment {
  /** Daily visitors entering the two arms together. */
  daily: number;
  /** Share of them in arm a (the rest in b). */
  shareA: number;
  rateA: number;
  rateB: number;
}

/** The daily cumulative looks of one simulated experiment. */
function simulate(random: RandomSource, e: Experiment): SequenceLook[] {
  const looks: SequenceLook[] = [];
  let [na, nb, xa, xb] = [0, 0, 0, 0];
  for (let day = 0; day < DAYS; day++) {
    const a = Math.round(e.daily * e.shareA);
    const b = e.daily - a;
    na += a;
    nb += b;
    xa += sampleBinomial(random, a, e.rateA);
    xb += sampleBinomial(random, b, e.rateB);
    looks.push({ a: conversionMoments(na, xa), b: conversionMoments(nb, xb) });
  }
  return looks;
}

/** Whether any daily look of the experiment called a winner or a loser, and the last verdict. */
function run(random: RandomSource, e: Experiment, options: SequenceOptions = {}) {
  const s = confidenceSequence(simulate(random, e), { alpha: ALPHA, ...options });
  const everCalled = s.steps.some((step) => step.enoughData && step.pValue <= ALPHA);
  return { everCalled, verdict: s.verdict };
}

describe('always-valid statistics by simulation', () => {
  it('keeps the false-positive rate at or under α over 3,000 A/A experiments peeked at daily', () => {
    const random = createSeededRandom(46);
    // Rates from 1 % to 20 %, traffic from 200 to 3,000 a day, even and uneven splits.
    const settings: Experiment[] = [];
    for (const rate of [0.01, 0.03, 0.05, 0.1, 0.2])
      for (const daily of [200, 1000, 3000])
        for (const shareA of [0.5, 0.25]) settings.push({ daily, shareA, rateA: rate, rateB: rate });
    let calls = 0;
    let runs = 0;
    for (let i = 0; i < 3000; i++) {
      const e = settings[i % settings.length]!;
      if (run(random, e).everCalled) calls++;
      runs++;
    }
    const rate = calls / runs;
    assert.ok(rate <= ALPHA, `false-positive rate ${rate} (${calls} of ${runs}) exceeds ${ALPHA}`);
  });

  it('a fixed-sample test read daily would not keep it (the simulation can tell)', () => {
    // The same A/A experiments judged by a plain 95 % z test at every look: peeking inflates errors.
    const random = createSeededRandom(7);
    let calls = 0;
    const runs = 400;
    for (let i = 0; i < runs; i++) {
      const looks = simulate(random, { daily: 1000, shareA: 0.5, rateA: 0.05, rateB: 0.05 });
      const called = looks.some(({ a, b }) => {
        if (a.n < 100 || b.n < 100) return false;
        const pa = a.sum / a.n;
        const pb = b.sum / b.n;
        const p = (a.sum + b.sum) / (a.n + b.n);
        const se = Math.sqrt(p * (1 - p) * (1 / a.n + 1 / b.n));
        return se > 0 && Math.abs(pa - pb) / se > 1.959963984540054;
      });
      if (called) calls++;
    }
    assert.ok(calls / runs > 0.1, `naive daily peeking called ${calls / runs}`);
  });

  it('finds a real lift (5 % → 6 %, 2,000 visitors a day) in most experiments, and calls it the right way', () => {
    const random = createSeededRandom(2026);
    let wins = 0;
    let losses = 0;
    const runs = 300;
    for (let i = 0; i < runs; i++) {
      const { verdict } = run(random, { daily: 2000, shareA: 0.5, rateA: 0.06, rateB: 0.05 });
      if (verdict === 'wins') wins++;
      if (verdict === 'loses') losses++;
    }
    assert.ok(wins / runs >= 0.8, `power ${wins / runs}`);
    assert.equal(losses, 0);
  });

  it('says "no difference likely" for equal arms once the interval fits the band', () => {
    const random = createSeededRandom(11);
    let equivalent = 0;
    const runs = 200;
    for (let i = 0; i < runs; i++) {
      const { verdict } = run(
        random,
        { daily: 3000, shareA: 0.5, rateA: 0.05, rateB: 0.05 },
        { minimalEffect: 0.01 },
      );
      if (verdict === 'no_difference_likely') equivalent++;
    }
    assert.ok(equivalent / runs >= 0.9, `equivalence found in ${equivalent / runs}`);
  });
});
