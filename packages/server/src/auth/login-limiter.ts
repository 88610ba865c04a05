/**
 * Counts failed sign-ins per address and per e-mail in a sliding window and refuses
 * further tries (429) once a limit is reached, so passwords cannot be guessed quickly.
 * Per node; with several nodes each refuses on its own count, which only tightens the limit per node.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs = 10 * 60_000,
    private readonly maxPerAddress = 20,
    private readonly maxPerEmail = 5,
  ) {}

  /** Seconds to wait before another try is accepted, or 0 when one may try now. */
  retryAfter(address: string, email: string, now = Date.now()): number {
    const a = this.recent(`ip:${address}`, now);
    const e = this.recent(`email:${email}`, now);
    let until = 0;
    if (a.length >= this.maxPerAddress)
      until = Math.max(until, a[a.length - this.maxPerAddress]! + this.windowMs);
    if (e.length >= this.maxPerEmail)
      until = Math.max(until, e[e.length - this.maxPerEmail]! + this.windowMs);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(address: string, email: string, now = Date.now()): void {
    for (const key of [`ip:${address}`, `email:${email}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 100_000) this.sweep(now);
  }

  /** A successful sign-in clears the e-mail's count (not the address's). */
  succeed(email: string): void {
    this.failures.delete(`email:${email}`);
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > now - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
