import type { Schedule } from '@beckon/protocol';

const MINUTE = 60_000;
const SLOT = 15 * MINUTE;
const DAY_MINUTES = 1440;

interface OffsetCache {
  slot: number;
  offset: number;
}
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, OffsetCache>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The zone's UTC offset in minutes at `now`. Offsets only change on 15-minute UTC boundaries in
 * every real zone, so one Intl call per zone per 15 minutes serves every visitor.
 */
export function zoneOffsetMinutes(timeZone: string, now: number): number {
  const slot = Math.floor(now / SLOT);
  const hit = offsets.get(timeZone);
  if (hit && hit.slot === slot) return hit.offset;
  const at = slot * SLOT;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  const offset = Math.round((local - at) / MINUTE);
  offsets.set(timeZone, { slot, offset });
  return offset;
}

/** Local weekday (0 = Sunday) and minute of day in a time zone. */
export function localTime(timeZone: string, now: number): { day: number; minute: number } {
  const local = now + zoneOffsetMinutes(timeZone, now) * MINUTE;
  const minutes = Math.floor(local / MINUTE);
  const dayIndex = Math.floor(minutes / DAY_MINUTES);
  return { day: (((dayIndex + 4) % 7) + 7) % 7, minute: minutes - dayIndex * DAY_MINUTES };
}

/** True when `now` falls in the schedule; an overnight window (end < start) belongs to the day it starts. */
export function isInSchedule(schedule: Schedule, now: number): boolean {
  const { day, minute } = localTime(schedule.timeZone, now);
  const { startMinute: start, endMinute: end, days } = schedule;
  if (start < end) return minute >= start && minute < end && days.includes(day);
  if (minute >= start && days.includes(day)) return true;
  return minute < end && days.includes((day + 6) % 7);
}

/** When the schedule next opens (now if open), for the server's timer; Infinity if it never does. */
export function nextScheduleOpen(schedule: Schedule, now: number): number {
  if (isInSchedule(schedule, now)) return now;
  const { day, minute } = localTime(schedule.timeZone, now);
  const localMidnight = now + zoneOffsetMinutes(schedule.timeZone, now) * MINUTE - minute * MINUTE;
  for (let k = 0; k <= 7; k++) {
    if (!schedule.days.includes((day + k) % 7)) continue;
    const localStart =
      localMidnight - (localMidnight % MINUTE) + (k * DAY_MINUTES + schedule.startMinute) * MINUTE;
    // Convert local wall time to UTC with the offset in force then (two passes settle DST changes).
    let utc = localStart - zoneOffsetMinutes(schedule.timeZone, localStart) * MINUTE;
    utc = localStart - zoneOffsetMinutes(schedule.timeZone, utc) * MINUTE;
    if (utc > now) return utc;
  }
  return Number.POSITIVE_INFINITY;
}
