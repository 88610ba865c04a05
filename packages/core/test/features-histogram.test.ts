import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HistogramEntry, ScoreHistogram } from '../src/features/score-histogram.ts';

const entry = (): HistogramEntry => ({ bin: -1, gen: 0 });

describe('score histogram', () => {
  it('ranks a visitor among the site’s recent visitors, each counted once', () => {
    const h = new ScoreHistogram(100, 60_000, 0);
    const visitors = Array.from({ length: 10 }, entry);
    // Scores 0.05, 0.15, …, 0.95: one per tenth.
    visitors.forEach((v, i) => {
      h.place(v, i / 10 + 0.05, 1);
    });
    assert.equal(h.size, 10);
    const me = entry();
    assert.equal(h.place(me, 0.9, 2), (100 * 2) / 11, '0.9 and 0.95 score at least as high');
    assert.equal(h.place(me, 0.99, 3), (100 * 1) / 11, 'a new score moves the visitor, it does not add one');
    assert.equal(h.size, 11);
    assert.equal(h.place(me, 0.01, 4), 100);
  });

  it('forgets visitors after two quiet windows', () => {
    const h = new ScoreHistogram(100, 1000, 0);
    const a = entry();
    h.place(a, 0.9, 0);
    const b = entry();
    assert.equal(h.place(b, 0.5, 1500), 100, 'a is still counted in the previous window');
    const c = entry();
    assert.equal(h.place(c, 0.5, 3600), 100);
    assert.equal(h.size, 1, 'a and b have aged out');
    h.place(a, 0.2, 3700);
    assert.equal(h.size, 2, 'a stale entry is not removed twice');
    h.remove(a);
    assert.equal(h.size, 1);
  });
});
