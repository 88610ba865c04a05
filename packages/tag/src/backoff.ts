import { CLOSE_FORBIDDEN, CLOSE_RATE_LIMITED } from './limits.ts';

/** First reconnect delay, and the longest. */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
/** Consecutive failed connects after which the tag waits for the tab to come back or the network to return. */
export const MAX_FAILED_CONNECTS = 12;

/**
 * Reconnect delay for the `attempt`-th consecutive failure (0-based): exponential, capped, with
 * "equal jitter" (half fixed, half random) so a server restart does not bring every tab back at once.
 */
export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return (ceiling / 2) * (1 + random);
}

/**
 * The next attempt number after a close with `code`, or -1 to stop for good (the site key or the
 * page's origin is refused). Rate limiting skips ahead to a delay of 30–60 s.
 */
export function nextAttempt(code: number, failures: number): number {
  if (code === CLOSE_FORBIDDEN) return -1;
  return code === CLOSE_RATE_LIMITED ? Math.max(failures + 1, 7) : failures + 1;
}
