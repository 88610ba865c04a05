import { logGamma } from './gamma-function.ts';
import { regularizedIncompleteBetaXY } from './incomplete-beta.ts';
import { normalCdf, normalQuantile, normalSurvival } from './normal-distribution.ts';

// Beyond this many degrees of freedom Student's t is the normal distribution to double precision
// for the probabilities we report.
const NORMAL_DF = 1e7;

/** P(T > t) for Student's t with df degrees of freedom (df may be fractional, as in Welch's test). */
export function studentTSurvival(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df >= NORMAL_DF) return normalSurvival(t);
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²); 1 − x is formed directly to keep precision.
  const t2 = t * t;
  const half = 0.5 * regularizedIncompleteBetaXY(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
  return t >= 0 ? half : 1 - half;
}

/** Student's t cumulative distribution function P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  if (df >= NORMAL_DF) return normalCdf(t);
  // By symmetry, so that the lower tail keeps its precision.
  return studentTSurvival(-t, df);
}

/** Student's t density, used to refine quantiles. */
export function studentTPdf(t: number, df: number): number {
  const logNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student's t quantile: the t with P(T ≤ t) = p (e.g. 2.228 for p = 0.975, df = 10). */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df >= NORMAL_DF) return normalQuantile(p);
  const tail = p < 0.5 ? p : 1 - p;
  const t = upperTailQuantile(tail, df);
  return p < 0.5 ? -t : t;
}

// Solves P(T > t) = q for t > 0 (q < 0.5): closed forms for df 1 and 2, otherwise Newton's
// method on log P(T > t), kept inside a bracket that bisection falls back on.
function upperTailQuantile(q: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * q);
  if (df === 2) return Math.sqrt(2 / (4 * q * (1 - q)) - 2);
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let t = cornishFisherStart(q, df);
  const target = Math.log(q);
  for (let i = 0; i < 200; i++) {
    const s = studentTSurvival(t, df);
    if (s > q) lo = t;
    else hi = t;
    const f = Math.log(s) - target;
    // d/dt log S(t) = -pdf(t) / S(t)
    let next = t + (f * s) / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * t + 1;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, t)) return next;
    t = next;
  }
  return t;
}

// Cornish–Fisher expansion of the t quantile around the normal quantile: a good starting point.
function cornishFisherStart(q: number, df: number): number {
  const z = -normalQuantile(q);
  const z2 = z * z;
  const g1 = (z2 + 1) * z * 0.25;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z * (1 / 96);
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z * (1 / 384);
  const t = z + g1 / df + g2 / (df * df) + g3 / (df * df * df);
  return t > 0 && Number.isFinite(t) ? t : z;
}
