import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logBeta, logGamma } from '../src/stats/gamma-function.ts';
import { regularizedIncompleteBeta } from '../src/stats/incomplete-beta.ts';
import { normalCdf, normalQuantile, normalSurvival } from '../src/stats/normal-distribution.ts';
import { studentTCdf, studentTQuantile, studentTSurvival } from '../src/stats/student-t-distribution.ts';

function near(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

function nearRelative(actual: number, expected: number, relative: number, what = ''): void {
  near(actual, expected, Math.abs(expected) * relative, what);
}

describe('normal distribution', () => {
  it('matches printed tables', () => {
    near(normalCdf(1.96), 0.975, 5e-5, 'Φ(1.96)');
    near(normalCdf(0), 0.5, 1e-16, 'Φ(0)');
    near(normalCdf(-1), 0.1587, 5e-5, 'Φ(-1)');
    near(normalCdf(1.645), 0.95, 5e-5, 'Φ(1.645)');
    near(normalQuantile(0.975), 1.96, 5e-5, 'z 0.975');
    near(normalQuantile(0.95), 1.6449, 5e-5, 'z 0.95');
    near(normalQuantile(0.5), 0, 1e-15, 'z 0.5');
  });

  it('is accurate to many digits, far into the tails', () => {
    // Reference values: Φ(1.96), Φ⁻¹(0.975), Q(8), Φ⁻¹(1e-10) to 16 significant digits.
    nearRelative(normalCdf(1.96), 0.9750021048517795, 1e-14);
    nearRelative(normalQuantile(0.975), 1.959963984540054, 1e-14);
    nearRelative(normalSurvival(8), 6.22096057427174e-16, 1e-12);
    nearRelative(normalQuantile(1e-10), -6.361340902404056, 1e-13);
    // Mills-ratio asymptotics: Q(x) ≈ φ(x)/x · (1 − 1/x² + 3/x⁴) for large x.
    const x = 30;
    const asymptotic =
      (Math.exp(-450) / Math.sqrt(2 * Math.PI) / x) * (1 - 1 / x ** 2 + 3 / x ** 4 - 15 / x ** 6);
    nearRelative(normalSurvival(x), asymptotic, 1e-9, 'Q(30)');
  });

  it('quantile inverts the CDF and is symmetric', () => {
    for (const p of [1e-300, 1e-50, 1e-8, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.8, 0.99]) {
      nearRelative(normalCdf(normalQuantile(p)), p, 1e-12, `Φ(Φ⁻¹(${p}))`);
      // 1 − p is exact only for p not far below machine epsilon.
      if (p > 1e-10) near(normalQuantile(1 - p) + normalQuantile(p), 0, 1e-9);
    }
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
  });
});

describe('gamma and beta functions', () => {
  it('gives factorials and Γ(1/2) = √π', () => {
    near(logGamma(1), 0, 1e-14);
    nearRelative(logGamma(5), Math.log(24), 1e-14);
    nearRelative(logGamma(11), Math.log(3628800), 1e-14);
    nearRelative(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    nearRelative(logGamma(101), 363.73937555556347, 1e-14); // ln 100!
  });

  it('ln B(a, b) agrees for small and large arguments', () => {
    // B(2, 3) = 1!·2!/4! = 1/12; B(a, 1) = 1/a.
    nearRelative(logBeta(2, 3), Math.log(1 / 12), 1e-13);
    nearRelative(logBeta(20000, 1), Math.log(1 / 20000), 1e-13);
    // Large symmetric case via the integer form: B(20, 20) = 19!·19!/39!.
    const lnFactorial = (n: number) => logGamma(n + 1);
    nearRelative(logBeta(20, 20), 2 * lnFactorial(19) - lnFactorial(39), 1e-12);
  });

  it('regularized incomplete beta matches closed forms', () => {
    // I_x(2, 3) = Σ_{j=2..4} C(4,j) x^j (1−x)^(4−j); at 1/2 that is 11/16.
    near(regularizedIncompleteBeta(0.5, 2, 3), 11 / 16, 1e-14);
    for (const x of [0.01, 0.2, 0.7, 0.99]) {
      near(regularizedIncompleteBeta(x, 1, 1), x, 1e-14, `I_${x}(1,1)`);
      nearRelative(regularizedIncompleteBeta(x, 3.5, 1), x ** 3.5, 1e-12, `I_${x}(3.5,1)`);
      // I_x(1/2, 1/2) = (2/π) asin √x (arcsine distribution).
      near(regularizedIncompleteBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)), 1e-13);
    }
    assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
    assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  });
});

describe("Student's t distribution", () => {
  it('matches printed t tables', () => {
    near(studentTQuantile(0.975, 10), 2.228, 5e-4, 't(0.975, 10)');
    near(studentTQuantile(0.975, 1), 12.706, 5e-4, 't(0.975, 1)');
    near(studentTQuantile(0.975, 30), 2.042, 5e-4, 't(0.975, 30)');
    near(studentTQuantile(0.995, 5), 4.032, 5e-4, 't(0.995, 5)');
    near(studentTQuantile(0.95, 20), 1.725, 5e-4, 't(0.95, 20)');
    near(studentTCdf(2, 5), 0.949, 5e-4, 'P(T5 ≤ 2)');
  });

  it('agrees with the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 100]) {
      near(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-14, `Cauchy CDF at ${t}`);
      near(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-14, `t2 CDF at ${t}`);
    }
    // Fractional df through the beta path vs. the df-2 formula approached from both sides.
    const below = studentTCdf(1.3, 1.999999);
    const above = studentTCdf(1.3, 2.000001);
    near(below, 0.5 + 1.3 / (2 * Math.sqrt(2 + 1.69)), 1e-6);
    near(above, 0.5 + 1.3 / (2 * Math.sqrt(2 + 1.69)), 1e-6);
  });

  it('is precise to many digits and tends to the normal', () => {
    nearRelative(studentTQuantile(0.975, 10), 2.228138851986274, 1e-13);
    nearRelative(studentTQuantile(0.995, 4.5), 4.272823993011293, 1e-13);
    nearRelative(studentTSurvival(3, 2.5), 0.036288047774515914, 1e-13);
    near(studentTQuantile(0.975, 1e8), 1.959963984540054, 1e-12);
    nearRelative(studentTQuantile(0.975, 36671), 1.9600286773000097, 1e-11);
  });

  it('quantile inverts the CDF across df and tails', () => {
    for (const df of [1, 2, 3, 4.5, 7, 29.3, 200, 40000]) {
      for (const p of [1e-12, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975]) {
        const t = studentTQuantile(p, df);
        nearRelative(studentTCdf(t, df), p, 1e-10, `F(F⁻¹(${p}), ${df})`);
      }
    }
  });
});
