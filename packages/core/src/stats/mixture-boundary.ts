// The normal-mixture boundary behind the always-valid comparisons.
//
// For an estimate d̂ of a difference θ with variance V, standardized by its own noise, the
// mixture over a normal prior on the standardized effect (variance ρ² per observation) gives the
// likelihood ratio
//
//   Λ_t(θ) = (1 + r)^(−1/2) · exp( r / (1 + r) · z² / 2 ),   z = (d̂ − θ) / √V,   r = ρ² · t,
//
// where t is the number of observations so far. Λ_t(θ_true) is (asymptotically) a nonnegative
// martingale, so by Ville's inequality it exceeds 1/α at *any* time with probability at most α: a
// test that stops when Λ_t(0) ≥ 1/α keeps its error rate however often it is read (the mixture
// sequential probability ratio test of Robbins 1970; Johari, Pekelis & Walsh 2017, "Always valid
// inference", used in Optimizely's stats engine). The θ with Λ_t(θ) < 1/α form the interval
//
//   d̂ ± √( V · (1 + 1/r) · (2 ln(1/α) + ln(1 + r)) ),
//
// which is the Gaussian-mixture asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha,
// Kennedy & Ramdas (2021) when V is the plug-in variance: valid over time as the sample grows.

/** The default number of observations (both arms together) at which the boundary is tightest. */
export const DEFAULT_TUNE_AT = 10_000;

/**
 * The prior variance ρ² that makes the boundary tightest after `tuneAt` observations at level α
 * (Howard, Ramdas, McAuliffe & Sekhon 2021, eq. for the normal mixture: ρ² = (−2 ln α + ln(1 − 2 ln α)) / m).
 */
export function mixturePrior(alpha: number, tuneAt = DEFAULT_TUNE_AT): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(1 + l)) / tuneAt;
}

/** Half the width of the always-valid interval for an estimate of variance `variance` after `t` observations. */
export function mixtureHalfWidth(variance: number, t: number, alpha: number, rho2: number): number {
  if (!(t > 0) || !(variance > 0)) return Number.POSITIVE_INFINITY;
  const r = rho2 * t;
  return Math.sqrt(variance * (1 + 1 / r) * (2 * Math.log(1 / alpha) + Math.log1p(r)));
}

/**
 * The always-valid p-value of "no difference" at one look: min(1, 1 / Λ_t(0)). Read over time, the
 * smallest so far is the p-value (it can only go down).
 */
export function mixturePValue(z: number, t: number, rho2: number): number {
  if (!(t > 0) || !Number.isFinite(z)) return 1;
  const r = rho2 * t;
  const logLambda = -0.5 * Math.log1p(r) + ((r / (1 + r)) * z * z) / 2;
  return logLambda <= 0 ? 1 : Math.exp(-logLambda);
}
