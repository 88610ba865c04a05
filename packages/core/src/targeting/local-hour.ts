import { isTimeZone } from '@beckon/protocol';
import type { VisitorState } from '../visitor-state.ts';
import { localTime } from './schedule.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The visitor's time zone: the one their address places them in, else their browser's; undefined when neither is known. */
export function visitorZone(s: VisitorState): string | undefined {
  const zone = s.geo?.timezone ?? s.tz;
  // A browser may report a zone the runtime does not know.
  return zone !== undefined && isTimeZone(zone) ? zone : undefined;
}

/** The hour of the day (0–23) where the visitor is, at `now`; undefined when their zone is unknown. */
export function localHour(s: VisitorState, now: number): number | undefined {
  const zone = visitorZone(s);
  return zone === undefined ? undefined : Math.floor(localTime(zone, now).minute / 60);
}

/** When the visitor's local hour next changes (the next full hour in their zone); Infinity when the zone is unknown. */
export function nextLocalHour(s: VisitorState, now: number): number {
  const zone = visitorZone(s);
  if (zone === undefined) return Number.POSITIVE_INFINITY;
  const intoHour = (localTime(zone, now).minute % 60) * MINUTE + (now % MINUTE);
  return now - intoHour + HOUR;
}
