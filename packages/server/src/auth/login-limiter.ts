import { isIPv6 } from 'node:net';
import { AppError } from '../errors.ts';

/** The sign-in limits (docs/security.md explains each number). */
export interface LoginLimits {
  /** How long a failure counts. */
  windowMs: number;
  /** Failures for one e-mail from one address before that pair is refused until the window passes. */
  maxPerPair: number;
  /** Failures from one address, over all e-mails, before that address is refused. */
  maxPerAddress: number;
  /** The first delay between tries for an e-mail that has failed, doubling with each failure. */
  emailDelayMs: number;
  /** The longest delay between tries for one e-mail. */
  emailDelayCapMs: number;
  /** How long an address that signed in to an e-mail skips that e-mail's delays. */
  trustMs: number;
}

export const LOGIN_LIMITS: LoginLimits = {
  windowMs: 10 * 60_000,
  maxPerPair: 5,
  maxPerAddress: 20,
  emailDelayMs: 1000,
  emailDelayCapMs: 30_000,
  trustMs: 30 * 24 * 3600_000,
};

/** The 429 of a refused sign-in try; its `Retry-After` header says the same `wait` in seconds. */
export const tooManyAttempts = (wait: number): AppError =>
  new AppError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${wait} s`);

/** Entries kept before expired ones are swept (and, past twice this, the oldest trusted pairs dropped). */
const MAX_ENTRIES = 100_000;

/**
 * The address a limit counts: an IPv4 address as is, an IPv6 address by its /64 prefix, since one
 * host usually holds a whole /64 and could otherwise try from a new address each time.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const groups = (s: string) => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const h = groups(head);
  const full =
    tail === undefined ? h : [...h, ...Array(8 - h.length - groups(tail).length).fill('0'), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Decides whether a sign-in may be tried now, so passwords cannot be guessed quickly while nobody
 * can lock a user out from elsewhere:
 * - one e-mail from one address: `maxPerPair` failures in the window, then 429 until the oldest ages out;
 * - one address over all e-mails: `maxPerAddress` failures, then 429 the same way;
 * - one e-mail from any address: after each failure the next try waits 1, 2, 4 … up to 30 s.
 *   An address that signed in to that e-mail within `trustMs` skips this wait, so an owner at their
 *   usual address is never slowed by someone guessing elsewhere.
 * Per node and in memory; with several nodes each counts on its own, and a restart forgets trust
 * (the owner then waits at most the cap).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  /** When an untrusted address last got to try an e-mail: the e-mail's next try waits from here. */
  private readonly lastTry = new Map<string, number>();
  /** When an (e-mail, address) pair last signed in. */
  private readonly trusted = new Map<string, number>();
  /** The clock; tests set a simulated one. */
  clock: () => number = Date.now;

  constructor(private readonly limits: LoginLimits = LOGIN_LIMITS) {}

  /**
   * Seconds to wait before this try is accepted, or 0 when it may go ahead now (and then counts
   * as the e-mail's latest try, so tries sent at once from many addresses wait their turn too).
   */
  retryAfter(ip: string, email: string): number {
    const now = this.clock();
    const address = addressKey(ip);
    const { windowMs, maxPerPair, maxPerAddress } = this.limits;
    let until = 0;
    const pair = this.recent(`pair:${email}\n${address}`, now);
    if (pair.length >= maxPerPair) until = pair[pair.length - maxPerPair]! + windowMs;
    const byAddress = this.recent(`ip:${address}`, now);
    if (byAddress.length >= maxPerAddress)
      until = Math.max(until, byAddress[byAddress.length - maxPerAddress]! + windowMs);
    const slowed = !this.isTrusted(email, address, now);
    if (slowed) {
      const delay = this.delayMs(this.recent(`email:${email}`, now).length);
      const last = this.lastTry.get(email);
      if (delay > 0 && last !== undefined) until = Math.max(until, last + delay);
    }
    if (until > now) return Math.ceil((until - now) / 1000);
    if (slowed) this.lastTry.set(email, now);
    return 0;
  }

  /** The wait between tries for an e-mail with `failures` recent failures: 0, then 1, 2, 4 … s up to the cap. */
  delayMs(failures: number): number {
    if (failures === 0) return 0;
    const { emailDelayMs, emailDelayCapMs } = this.limits;
    return Math.min(emailDelayMs * 2 ** Math.min(failures - 1, 30), emailDelayCapMs);
  }

  fail(ip: string, email: string): void {
    const now = this.clock();
    const address = addressKey(ip);
    for (const key of [`pair:${email}\n${address}`, `ip:${address}`, `email:${email}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > MAX_ENTRIES) this.sweep(now);
  }

  /**
   * A successful sign-in clears its pair's failures and trusts the address for that e-mail. The
   * e-mail's own failures stay: they slow whoever is guessing elsewhere, not this address.
   */
  succeed(ip: string, email: string): void {
    const now = this.clock();
    const address = addressKey(ip);
    const key = `${email}\n${address}`;
    this.failures.delete(`pair:${key}`);
    this.trusted.delete(key); // re-inserted last: the map stays ordered by last sign-in
    this.trusted.set(key, now);
    if (this.trusted.size > MAX_ENTRIES) this.sweep(now);
  }

  private isTrusted(email: string, address: string, now: number): boolean {
    const at = this.trusted.get(`${email}\n${address}`);
    return at !== undefined && at > now - this.limits.trustMs;
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > now - this.limits.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const [email, at] of this.lastTry)
      if (at <= now - this.limits.emailDelayCapMs) this.lastTry.delete(email);
    for (const [key, at] of this.trusted) {
      if (at > now - this.limits.trustMs && this.trusted.size <= 2 * MAX_ENTRIES) break;
      this.trusted.delete(key);
    }
  }
}
