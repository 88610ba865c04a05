import type { RateLimit } from './engagement-config.ts';

/** A token bucket: `take` spends one token if there is one; refills continuously at `rate` per second. */
export class TokenBucket {
  /** Connections holding this bucket (a held bucket is never forgotten). */
  refs = 0;
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  take(now: number): boolean {
    const { rate, burst } = this.limit;
    if (rate === 0) return true;
    if (now > this.last) {
      this.tokens = Math.min(burst, this.tokens + ((now - this.last) * rate) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely (nothing to remember about this client). */
  full(now: number): boolean {
    return (
      this.limit.rate === 0 || this.tokens + ((now - this.last) * this.limit.rate) / 1000 >= this.limit.burst
    );
  }
}

/** Per-address buckets for frames and for new connections, forgotten once they refill. */
export class AddressLimiter {
  private readonly frames = new Map<string, TokenBucket>();
  private readonly connects = new Map<string, TokenBucket>();

  constructor(
    private readonly frameLimit: RateLimit,
    private readonly connectLimit: RateLimit,
  ) {}

  /** The shared frame bucket of an address (a connection keeps it, so frames cost no map lookup). */
  framesOf(address: string, now: number): TokenBucket {
    let b = this.frames.get(address);
    if (!b) {
      b = new TokenBucket(this.frameLimit, now);
      this.frames.set(address, b);
    }
    return b;
  }

  /** Spends a connection token for the address; false when it opens sockets or beacons too fast. */
  connect(address: string, now: number): boolean {
    let b = this.connects.get(address);
    if (!b) {
      b = new TokenBucket(this.connectLimit, now);
      this.connects.set(address, b);
    }
    return b.take(now);
  }

  /** Drops buckets that have refilled (called from the tracker's sweep). */
  sweep(now: number): void {
    for (const [k, b] of this.frames) if (b.refs === 0 && b.full(now)) this.frames.delete(k);
    for (const [k, b] of this.connects) if (b.full(now)) this.connects.delete(k);
  }
}
