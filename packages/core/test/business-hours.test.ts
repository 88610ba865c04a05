import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BusinessHours,
  businessTimeBetween,
  isOpen,
  minuteOf,
  nextOpening,
  openSpans,
} from '../src/hours/business-hours.ts';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const weekdays = (from: string, to: string) =>
  [1, 2, 3, 4, 5].map((day) => ({ day, from: minuteOf(from)!, to: minuteOf(to)! }));
const berlin = (over: Partial<BusinessHours> = {}): BusinessHours => ({
  timeZone: 'Europe/Berlin',
  weekly: weekdays('09:00', '17:00'),
  holidays: [],
  ...over,
});

describe('business hours in the skill’s time zone', () => {
  it('opens at 09:00 local on both sides of the spring change (last Sunday of March)', () => {
    const h = berlin();
    // Friday 27 March 2026 is CET (UTC+1); Monday 30 March is CEST (UTC+2).
    assert.equal(isOpen(h, at('2026-03-27T08:00:00Z')), true, '09:00 CET');
    assert.equal(isOpen(h, at('2026-03-27T07:59:00Z')), false);
    assert.equal(nextOpening(h, at('2026-03-27T17:00:00Z')), at('2026-03-30T07:00:00Z'), 'Monday 09:00 CEST');
    assert.equal(isOpen(h, at('2026-03-30T06:30:00Z')), false, '08:30 CEST is still closed');
    // Friday 16:00–17:00 CET and Monday 09:00–10:00 CEST: two hours, not a weekend.
    assert.equal(businessTimeBetween(h, at('2026-03-27T15:00:00Z'), at('2026-03-30T08:00:00Z')), 2 * H);
  });

  it('counts the short and the long day of the changes as 23 and 25 hours', () => {
    const h = berlin({ weekly: [{ day: 0, from: 0, to: 0 }] });
    const sunday = (d: string, offsetBefore: number) => {
      const start = at(`${d}T00:00:00Z`) - offsetBefore * H;
      return businessTimeBetween(h, start - H, start + 30 * H);
    };
    assert.equal(sunday('2026-03-29', 1), 23 * H);
    assert.equal(sunday('2026-10-25', 2), 25 * H);
    assert.equal(nextOpening(h, at('2026-10-24T12:00:00Z')), at('2026-10-24T22:00:00Z'), 'Sunday 00:00 CEST');
  });

  it('runs an overnight interval into the next day, and not beyond', () => {
    const h = berlin({ weekly: [{ day: 6, from: minuteOf('22:00')!, to: minuteOf('06:00')! }] });
    // Saturday 31 October 2026, 22:00 CET = 21:00Z; Sunday 06:00 CET = 05:00Z.
    assert.deepEqual(openSpans(h, at('2026-10-31T00:00:00Z'), at('2026-11-02T00:00:00Z')), [
      [at('2026-10-31T21:00:00Z'), at('2026-11-01T05:00:00Z')],
    ]);
    assert.equal(isOpen(h, at('2026-11-01T02:00:00Z')), true, 'Sunday 03:00');
    assert.equal(isOpen(h, at('2026-11-01T06:00:00Z')), false, 'Sunday 07:00');
    assert.equal(isOpen(h, at('2026-11-02T02:00:00Z')), false, 'Monday 03:00: no Sunday night shift');
  });

  it('stays closed on holidays, overnight spill-over included', () => {
    const h = berlin({ holidays: ['2026-12-25'] });
    // Thursday 24 December after closing → Monday 28 December 09:00 CET (Friday is a holiday).
    assert.equal(nextOpening(h, at('2026-12-24T17:00:00Z')), at('2026-12-28T08:00:00Z'));
    assert.equal(isOpen(h, at('2026-12-25T10:00:00Z')), false);
    const night = berlin({
      weekly: [{ day: 4, from: minuteOf('20:00')!, to: minuteOf('02:00')! }],
      holidays: ['2026-12-25'],
    });
    assert.equal(isOpen(night, at('2026-12-24T20:00:00Z')), true, 'Thursday 21:00');
    assert.equal(isOpen(night, at('2026-12-25T00:30:00Z')), false, 'Friday 01:30 is the holiday');
  });

  it('says when hours never open, and reads HH:MM strictly', () => {
    assert.equal(nextOpening(berlin({ weekly: [] }), at('2026-01-01T00:00:00Z')), null);
    assert.equal(minuteOf('24:00'), 1440);
    assert.equal(minuteOf('24:30'), null);
    assert.equal(minuteOf('9:00'), null);
  });
});
