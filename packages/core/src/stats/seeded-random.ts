// Deterministic pseudo-random numbers (xoshiro128**, seeded through splitmix32) so that a
// bootstrap run with the same seed gives the same interval on every machine.

/** A seeded source of random numbers. */
export interface RandomSource {
  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform integer in [0, k) without modulo bias, for 1 ≤ k ≤ 2^21 (one draw most of the time). */
  nextIndex(k: number): number;
}

const TWO_32 = 4294967296;

/** Creates a seeded generator (deterministic: the same seed gives the same sequence everywhere). */
export function createSeededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const next32 = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32();
  let b = next32();
  let c = next32();
  let d = next32();
  if ((a | b | c | d) === 0) a = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    next: () => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / 9007199254740992,
    nextIndex: (k: number): number => {
      // Lemire's multiply-and-reject: the product is exact in a double while k ≤ 2^21.
      for (;;) {
        const m = nextUint32() * k;
        const index = Math.floor(m / TWO_32);
        const low = m - index * TWO_32;
        if (low >= k || low >= (TWO_32 - k) % k) return index;
      }
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Draws from Binomial(n, p) by geometric waiting times: O(n·min(p, 1 − p)) work, exact. */
export function sampleBinomial(random: RandomSource, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(random, n, 1 - p);
  const logQ = Math.log1p(-p);
  let count = 0;
  let position = 0;
  for (;;) {
    // Trials up to and including the next success ~ Geometric(p); 1 − U lies in (0, 1].
    position += Math.floor(Math.log(1 - random.next()) / logQ) + 1;
    if (position > n) return count;
    count++;
  }
}
