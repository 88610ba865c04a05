import type { SlaPriority, SlaTargetName, SlaTargets } from '@beckon/protocol/sla-api';
import { type BusinessHours, openSpans } from '../hours/business-hours.ts';

/**
 * Service-level clocks: which priority band a conversation is in, and when each of its targets
 * falls due. A target counts business time where the skill has hours (a request at 17:55 with a
 * 15-minute target on a 09:00–18:00 skill is due at 09:10 the next open day), wall time otherwise.
 * Pure: the server's breach job, its report and the console's timers all call it.
 */

/** The priority bands, lowest first (the protocol's `SLA_PRIORITIES`, without its schema library). */
export const SLA_BANDS: readonly SlaPriority[] = ['low', 'normal', 'high', 'urgent'];

const DAY = 86_400_000;
/** How far ahead a due time is looked for before the hours are taken as never open. */
const HORIZON_DAYS = 400;

/**
 * The band of a numeric priority: below 0 low, 0 normal, 1–9 high, 10 and up urgent. Automation
 * rules set 0–10; campaigns may set any integer.
 */
export function slaPriorityOf(priority: number): SlaPriority {
  if (priority < 0) return 'low';
  if (priority === 0) return 'normal';
  if (priority < 10) return 'high';
  return 'urgent';
}

/** The instant `ms` of open time after `start` (`start + ms` without hours), or null when the hours never open. */
export function businessDeadline(hours: BusinessHours | null, start: number, ms: number): number | null {
  if (!hours) return start + ms;
  let left = ms;
  for (let from = start; from < start + HORIZON_DAYS * DAY; from += 7 * DAY) {
    for (const [a, b] of openSpans(hours, from, from + 7 * DAY)) {
      if (b - a >= left) return a + left;
      left -= b - a;
    }
  }
  return null;
}

/** What a conversation's clocks need to know of it. */
export interface SlaSubject {
  priority: number;
  /** When the customer asked: both clocks start here. */
  startedAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
}

/** One target's state for a conversation. */
export interface SlaClock {
  target: SlaTargetName;
  /** The target's length (seconds of business time). */
  seconds: number;
  /** When it falls due; null when the skill's hours never open. */
  dueAt: number | null;
  /** When it was met or missed for good (the response or the close), null while it runs. */
  stoppedAt: number | null;
  /** True when it was, or is now, past due without being met. */
  breached: boolean;
}

/** The clocks that apply to a conversation under its skill's targets and hours, at `now`. */
export function slaClocks(
  targets: SlaTargets | null | undefined,
  hours: BusinessHours | null,
  c: SlaSubject,
  now: number,
): SlaClock[] {
  const t = targets?.[slaPriorityOf(c.priority)];
  if (!t) return [];
  const out: SlaClock[] = [];
  const add = (target: SlaTargetName, seconds: number | null, stoppedAt: number | null) => {
    if (seconds === null) return;
    const dueAt = businessDeadline(hours, c.startedAt, seconds * 1000);
    const breached = dueAt !== null && (stoppedAt ?? now) > dueAt;
    out.push({ target, seconds, dueAt, stoppedAt, breached });
  };
  // a conversation closed unanswered has its first-response clock stopped at the close
  add('first_response', t.firstResponseSeconds, c.firstResponseAt ?? c.closedAt);
  add('resolution', t.resolutionSeconds, c.closedAt);
  return out;
}
