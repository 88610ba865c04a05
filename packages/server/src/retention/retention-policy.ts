import type { RetentionKind, RetentionPolicy } from '@beckon/protocol/governance-api';

/**
 * How long each kind of data is kept when an account has not said, in days (0: forever).
 * - events 13 months: a year-on-year comparison of the same month still has both months.
 * - visits 13 months, for the same reason (the funnel report counts sessions).
 * - conversations 2 years: a customer's history with the business, for support and disputes.
 * - attachments 1 year: files are the bulk of the disk; the lines that carried them stay.
 * - recordings 90 days: call recordings are the most personal data held, and the largest.
 * - audit 2 years: a security review usually looks back one to two years.
 */
export const DEFAULT_RETENTION: RetentionPolicy = {
  events: 395,
  visits: 395,
  conversations: 730,
  attachments: 365,
  recordings: 90,
  audit: 730,
};

export const RETENTION_KINDS = Object.keys(DEFAULT_RETENTION) as RetentionKind[];

const DAY_MS = 86_400_000;

/** The time before which a kind's rows go, or null when the account keeps them forever. */
export function cutoffOf(days: number, now: number): number | null {
  return days > 0 ? now - days * DAY_MS : null;
}
