// Standard normal distribution: CDF (series and continued fraction, see normalTail) and quantile
// (Acklam's rational approximation refined by one Halley step against the CDF).

const SQRT_2PI = 2.5066282746310002;

/** Upper-tail probability P(Z > x) of the standard normal, accurate in the far tail (for p-values). */
export function normalSurvival(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x >= 0 ? normalTail(x) : 1 - normalTail(-x);
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x <= 0 ? normalTail(-x) : 1 - normalTail(x);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

// P(Z > a) for a >= 0. Below 3: Φ(a) = 1/2 + φ(a)·(a + a³/3 + a⁵/(3·5) + …) (Marsaglia 2004,
// absolute error ~1e-16, so relative ~1e-13 since the tail is > 1e-3 there). From 3 on: Laplace's
// continued fraction φ(a) / (a + 1/(a + 2/(a + 3/(a + …)))), evaluated from a fixed depth, which
// keeps full relative precision far into the tail (p-values like 1e-100).
function normalTail(a: number): number {
  if (a < 3) {
    const a2 = a * a;
    let term = a;
    let sum = a;
    for (let i = 3; ; i += 2) {
      term *= a2 / i;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    return 0.5 - sum * normalPdf(a);
  }
  if (a > 40) return 0;
  const depth = Math.ceil(10 + 800 / (a * a));
  let f = a;
  for (let k = depth; k >= 1; k--) f = a + k / f;
  return normalPdf(a) / f;
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p), the standard normal quantile (e.g. 1.959964 for p = 0.975). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Work in the lower half so that tail probabilities keep their precision.
  if (p > 0.5) return -lowerQuantile(1 - p);
  return lowerQuantile(p);
}

function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // One Halley step on Φ(x) - p brings Acklam's 1e-9 relative error to machine precision.
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
