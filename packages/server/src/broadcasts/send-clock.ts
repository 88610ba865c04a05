import { zoneOffsetMs } from '../engagement/session-clock.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * When a broadcast's message to one contact may leave: local-time sends and quiet hours, as pure
 * functions of instants and IANA zones (no I/O), so the sender and its tests share them.
 */

/** The instant a zone's clock shows `wall` (a local time written as if it were UTC). */
export function instantOf(wall: number, zone: string): number {
  const guess = wall - zoneOffsetMs(zone, wall);
  // Near a DST change the offset at the answer differs from the offset at the guess.
  return wall - zoneOffsetMs(zone, guess);
}

/** The instant `zone` shows the wall-clock date and time `sendAt` shows in `accountZone`. */
export function sameLocalTime(sendAt: number, accountZone: string, zone: string): number {
  return instantOf(sendAt + zoneOffsetMs(accountZone, sendAt), zone);
}

/** The earliest instant any zone shows `sendAt`'s wall clock: UTC+14 is the first to see it. */
export function earliestLocalTime(sendAt: number, accountZone: string): number {
  return sendAt + zoneOffsetMs(accountZone, sendAt) - 14 * 3_600_000;
}

/**
 * `t`, or the end of the quiet hours it falls in (`from`, `to` in minutes of the day in `zone`;
 * `to` at or before `from` runs overnight).
 */
export function afterQuietHours(t: number, zone: string, quiet: { from: number; to: number }): number {
  const local = t + zoneOffsetMs(zone, t);
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = (local - dayStart) / MINUTE_MS;
  const { from, to } = quiet;
  let end: number | undefined;
  if (from < to) {
    if (minute >= from && minute < to) end = dayStart + to * MINUTE_MS;
  } else if (minute >= from) end = dayStart + DAY_MS + to * MINUTE_MS;
  else if (minute < to) end = dayStart + to * MINUTE_MS;
  return end === undefined ? t : Math.max(t, instantOf(end, zone));
}
