const DAY_MS = 86_400_000;

/** A day shoppers buy for: a fixed date, or the nth weekday of a month (plus an offset, e.g. Black Friday). */
export type SpecialDay =
  | { name: string; month: number; day: number }
  | {
      name: string;
      month: number;
      /** 0 = Sunday … 6 = Saturday. */
      weekday: number;
      /** 1–5 = first … fifth; -1 = last. */
      nth: number;
      offsetDays?: number;
    };

/** A few common retail days, used when a site has no calendar of its own. */
export const DEFAULT_SPECIAL_DAYS: readonly SpecialDay[] = Object.freeze([
  { name: 'Valentine’s Day', month: 2, day: 14 },
  { name: 'Mother’s Day', month: 5, weekday: 0, nth: 2 },
  { name: 'Black Friday', month: 11, weekday: 4, nth: 4, offsetDays: 1 },
  { name: 'Christmas', month: 12, day: 25 },
]);

/** Days before the special day at which proximity peaks (1.0), as in the UCI data (Feb 8 for Valentine's Day). */
export const PEAK_DAYS_BEFORE = 6;

/** The day number (days since 1970-01-01) of a special day in `year`, or NaN when the rule has no such day. */
export function specialDayNumber(rule: SpecialDay, year: number): number {
  if ('day' in rule) return Date.UTC(year, rule.month - 1, rule.day) / DAY_MS;
  const first = Date.UTC(year, rule.month - 1, 1) / DAY_MS;
  const daysInMonth = Date.UTC(year, rule.month, 0) / DAY_MS - first + 1;
  const firstWeekday = (first + 4) % 7; // 1970-01-01 was a Thursday
  let offset: number;
  if (rule.nth === -1) {
    const lastWeekday = (firstWeekday + daysInMonth - 1) % 7;
    offset = daysInMonth - 1 - ((lastWeekday - rule.weekday + 7) % 7);
  } else {
    offset = ((rule.weekday - firstWeekday + 7) % 7) + 7 * (rule.nth - 1);
    if (offset >= daysInMonth) return Number.NaN;
  }
  return first + offset + (rule.offsetDays ?? 0);
}

/**
 * How close a local date is to a special day, the way the UCI data measures it: 1.0 six days
 * before, falling by 0.2 per day on either side, so 0 outside 2–10 days before (the shipping window).
 * `localMs` is a time whose UTC fields read as the site's local date. The largest over the calendar wins.
 */
export function specialDayProximity(localMs: number, days: readonly SpecialDay[]): number {
  const today = Math.floor(localMs / DAY_MS);
  const year = new Date(localMs).getUTCFullYear();
  let best = 0;
  for (const rule of days) {
    for (let y = year; y <= year + 1; y++) {
      const d = specialDayNumber(rule, y) - today;
      if (!(d >= 1 && d <= 2 * PEAK_DAYS_BEFORE - 1)) continue;
      const value = Math.round((1 - 0.2 * Math.abs(d - PEAK_DAYS_BEFORE)) * 10) / 10;
      if (value > best) best = value;
    }
  }
  return best;
}

/** Month (1–12) and weekend flag of a local time (UTC fields read as local). */
export function calendarOf(localMs: number): { month: number; weekend: boolean } {
  const date = new Date(localMs);
  const weekday = date.getUTCDay();
  return { month: date.getUTCMonth() + 1, weekend: weekday === 0 || weekday === 6 };
}
