/** When the console's agent socket tries again after a close, and what it says while it waits. */
import { t } from '../i18n/i18n.ts';

/** The server's close code for a client that kept sending after `rate_limited` errors. */
export const CLOSE_RATE_LIMITED = 4429;
const MAX_BACKOFF_MS = 15_000;
/**
 * After a 4429 the console waits between these two, at random: coming straight back would only be
 * refused again, and an agent's several tabs should not all return at the same moment.
 */
export const RATE_LIMITED_RETRY_MS = { min: 10_000, max: 30_000 } as const;

/**
 * How long to wait before reconnecting after a close with `code`: a long random pause after 4429;
 * half a second after a connection that had opened (a server restart, a network change); else a
 * backoff doubling with each failed attempt up to 15 s, ±25 %. `random` is Math.random's range.
 */
export function reconnectDelay(
  code: number,
  opened: boolean,
  failures: number,
  random: () => number = Math.random,
): number {
  if (code === CLOSE_RATE_LIMITED) {
    const { min, max } = RATE_LIMITED_RETRY_MS;
    return Math.round(min + random() * (max - min));
  }
  if (opened) return 500;
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 4));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** What the console shows while a rate-limited socket waits to reconnect at `retryAt` (ms). */
export function rateLimitedText(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return t('Too many requests — reconnecting in {seconds} s', { seconds });
}
