import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calendarOf,
  DEFAULT_SPECIAL_DAYS,
  specialDayNumber,
  specialDayProximity,
} from '../src/features/special-days.ts';

const DAY = 86_400_000;
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('special days', () => {
  it('finds fixed dates and nth-weekday rules', () => {
    const [valentine, mothers, blackFriday, christmas] = DEFAULT_SPECIAL_DAYS;
    assert.equal(specialDayNumber(valentine!, 2024) * DAY, day(2024, 2, 14));
    assert.equal(specialDayNumber(mothers!, 2024) * DAY, day(2024, 5, 12), 'second Sunday of May 2024');
    assert.equal(specialDayNumber(blackFriday!, 2024) * DAY, day(2024, 11, 29), 'day after the 4th Thursday');
    assert.equal(specialDayNumber(blackFriday!, 2025) * DAY, day(2025, 11, 28));
    assert.equal(specialDayNumber(christmas!, 2025) * DAY, day(2025, 12, 25));
    assert.equal(
      specialDayNumber({ name: 'last Monday of May', month: 5, weekday: 1, nth: -1 }, 2024) * DAY,
      day(2024, 5, 27),
    );
  });

  it('measures proximity as the UCI data does: 1.0 six days before, 0.2 less per day either side', () => {
    const p = (m: number, d: number) =>
      specialDayProximity(day(2024, m, d) + 10 * 3600_000, DEFAULT_SPECIAL_DAYS);
    assert.equal(p(2, 8), 1);
    assert.equal(p(2, 7), 0.8);
    assert.equal(p(2, 9), 0.8);
    assert.equal(p(2, 4), 0.2);
    assert.equal(p(2, 12), 0.2);
    assert.equal(p(2, 3), 0);
    assert.equal(p(2, 13), 0);
    assert.equal(p(2, 14), 0, 'on the day itself it is too late to ship');
    assert.equal(p(5, 6), 1, 'Mother’s Day 2024 is May 12');
    assert.equal(p(7, 1), 0);
  });

  it('looks into next year for a calendar that wraps around New Year', () => {
    const newYear = [{ name: 'New Year', month: 1, day: 1 }];
    assert.equal(specialDayProximity(day(2024, 12, 26), newYear), 1);
  });

  it('reads month and weekend from a local time', () => {
    assert.deepEqual(calendarOf(day(2024, 2, 10)), { month: 2, weekend: true });
    assert.deepEqual(calendarOf(day(2024, 2, 8)), { month: 2, weekend: false });
  });
});
