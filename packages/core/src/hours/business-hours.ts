import { zoneOffsetMinutes } from '../targeting/schedule.ts';

/**
 * Business hours of a skill, in its IANA time zone: weekly intervals and holidays. Decides whether
 * the skill is open at an instant, when it next opens, and how much open time lies between two
 * instants (for "first response in business hours"). Pure: no clock, no I/O.
 *
 * - An interval belongs to the weekday it starts on; one whose end is not after its start runs
 *   overnight into the next day (`22:00–06:00`), and `00:00–00:00` is the whole day.
 * - A holiday closes its local calendar day entirely, overnight spill-over included.
 * - Wall times are converted with the zone's offset at that moment, so a day of a daylight-saving
 *   change is 23 or 25 hours long and `09:00` stays 09:00 local on both sides of it.
 */
export interface WeeklyInterval {
  /** 0 = Sunday … 6 = Saturday. */
  day: number;
  /** Minutes after local midnight. */
  from: number;
  to: number;
}

export interface BusinessHours {
  timeZone: string;
  weekly: readonly WeeklyInterval[];
  /** Local dates (`YYYY-MM-DD`) closed all day. */
  holidays: readonly string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const DAY_MINUTES = 1440;
/** How far ahead `nextOpening` looks before it says the hours never open. */
const LOOKAHEAD_DAYS = 400;

const SLOT = 15 * MINUTE;
const offsets = new Map<string, number>();

/**
 * The zone's offset (minutes) at `t`, remembered per 15-minute slot (offsets change only on such
 * boundaries): a report asks for the same few days thousands of times.
 */
function offsetAt(tz: string, t: number): number {
  const key = `${tz}|${Math.floor(t / SLOT)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 100_000) offsets.clear();
    offset = zoneOffsetMinutes(tz, t);
    offsets.set(key, offset);
  }
  return offset;
}

/** Days since 1970-01-01 of the local date at `t`. */
const localDay = (tz: string, t: number) => Math.floor((t + offsetAt(tz, t) * MINUTE) / DAY);
const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;
const dateKey = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** The instant of a local wall time (`minute` after midnight of local `day`); two passes settle DST changes. */
function instantOf(tz: string, day: number, minute: number): number {
  const wall = day * DAY + minute * MINUTE;
  const guess = wall - offsetAt(tz, wall) * MINUTE;
  return wall - offsetAt(tz, guess) * MINUTE;
}

/** The open spans `[start, end)` within `[from, to)`, in order, touching spans merged. */
export function openSpans(h: BusinessHours, from: number, to: number): Array<[number, number]> {
  if (!(to > from)) return [];
  const holidays = new Set(h.holidays);
  const spans: Array<[number, number]> = [];
  const last = localDay(h.timeZone, to);
  for (let day = localDay(h.timeZone, from) - 1; day <= last; day++) {
    const wd = weekday(day);
    for (const iv of h.weekly) {
      if (iv.day !== wd) continue;
      const pieces: Array<[number, number, number]> =
        iv.to > iv.from
          ? [[day, iv.from, iv.to]]
          : [
              [day, iv.from, DAY_MINUTES],
              [day + 1, 0, iv.to],
            ];
      for (const [d, a, b] of pieces) {
        if (b <= a || holidays.has(dateKey(d))) continue;
        const start = Math.max(from, instantOf(h.timeZone, d, a));
        const end = Math.min(to, instantOf(h.timeZone, d, b));
        if (end > start) spans.push([start, end]);
      }
    }
  }
  spans.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const prev = merged.at(-1);
    if (prev && s[0] <= prev[1]) prev[1] = Math.max(prev[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** True when the hours are open at `t`. */
export function isOpen(h: BusinessHours, t: number): boolean {
  return openSpans(h, t, t + 1).length > 0;
}

/** When the hours next open at or after `t` (`t` itself when open), or null when they never do. */
export function nextOpening(h: BusinessHours, t: number): number | null {
  for (let from = t; from < t + LOOKAHEAD_DAYS * DAY; from += 7 * DAY) {
    const first = openSpans(h, from, from + 7 * DAY)[0];
    if (first) return first[0];
  }
  return null;
}

/** Open time (ms) between `t1` and `t2`: a first response at night after a request at 17:55 counts 5 minutes, not 15 hours. */
export function businessTimeBetween(h: BusinessHours, t1: number, t2: number): number {
  let total = 0;
  for (const [a, b] of openSpans(h, t1, t2)) total += b - a;
  return total;
}

/** Minutes after midnight of `HH:MM` (`24:00` allowed, as an end), or null. */
export function minuteOf(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return null;
  const minute = Number(m[1]) * 60 + Number(m[2]);
  return minute <= DAY_MINUTES ? minute : null;
}

/** `HH:MM` of minutes after midnight. */
export const timeOf = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
