import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggestedWindow } from '../src/widget/voice/callback-window.ts';

const at = (h: number, m: number, day = 26) => new Date(2026, 10, day, h, m).getTime();
const hm = (d: Date) => `${d.getDate()} ${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
const window = (now: number, from?: Date) => {
  const w = suggestedWindow(now, from);
  return `${hm(w.start)}–${hm(w.end)}`;
};

describe('the callback form’s suggested window', () => {
  it('starts at the quarter hour after the next hour and runs two hours', () => {
    assert.equal(window(at(10, 5)), '26 11:15–26 13:00');
    assert.equal(window(at(14, 0)), '26 15:00–26 17:00');
  });

  it('ends within the day late in the evening, always after it starts', () => {
    assert.equal(window(at(20, 50)), '26 22:00–26 23:59');
    assert.equal(window(at(21, 40)), '26 22:45–26 23:59');
    assert.equal(window(at(22, 0)), '26 23:00–26 23:59');
  });

  it('suggests the next morning once the evening is over, not a time in the night', () => {
    assert.equal(window(at(22, 10)), '27 9:00–27 11:00');
    assert.equal(window(at(23, 50)), '27 9:00–27 11:00');
    assert.equal(window(at(3, 0)), '26 9:00–26 11:00');
    assert.equal(window(at(6, 50)), '26 8:00–26 10:00');
  });

  it('opens at a closed skill’s next opening', () => {
    assert.equal(window(at(3, 0), new Date(at(7, 30))), '26 7:30–26 9:00');
  });

  it('never suggests an end at or before the start, at any minute of the day', () => {
    for (let m = 0; m < 24 * 60; m++) {
      const w = suggestedWindow(at(0, m));
      assert.ok(w.end > w.start, hm(w.start));
      assert.ok(w.start.getTime() > at(0, m), 'in the future');
    }
  });
});
