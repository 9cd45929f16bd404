/**
 * The statistics of an experiment's results. Pure, with the numerical pieces written out (normal
 * CDF via erfc, the regularized incomplete gamma function for chi-square) as in Numerical Recipes,
 * unit-tested against published tables.
 */

/** Complementary error function, fractional error below 1.2e-7 (Numerical Recipes `erfcc`). */
export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    );
  return x >= 0 ? r : 2 - r;
};

/** P(Z <= z) for a standard normal Z. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

const logGamma = (x: number): number => {
  const coefficients = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let series = 1.000000000190015;
  for (const c of coefficients) series += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * series) / x);
};

/** Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function. */
export const gammaQ = (a: number, x: number): number => {
  if (x <= 0) return 1;
  if (x < a + 1) {
    // Series for P, then Q = 1 - P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-14) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  // Continued fraction for Q (Lentz).
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
};

/** P(X >= chi2) for a chi-square variable with `df` degrees of freedom. */
export const chiSquareSurvival = (chi2: number, df: number): number => gammaQ(df / 2, chi2 / 2);

/** Wilson score interval of a proportion (95 % by default): sound near 0 and 1, unlike the Wald interval. */
export const wilsonInterval = (successes: number, trials: number, z = 1.959964): [number, number] => {
  if (trials === 0) return [0, 0];
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const margin = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - margin), Math.min(1, centre + margin)];
};

/** Two-sided two-proportion z-test with a pooled proportion: treatment (1) against control (0). */
export const twoProportionZTest = (x1: number, n1: number, x0: number, n0: number): { z: number; pValue: number } | null => {
  if (n1 === 0 || n0 === 0) return null;
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  if (se === 0) return null;
  const z = (x1 / n1 - x0 / n0) / se;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
};

/**
 * Sample-ratio mismatch: chi-square goodness of fit of the visitors per arm against the split the
 * weights ask for. A tiny p-value means assignment (or exposure counting) is broken.
 */
export const sampleRatioTest = (observed: number[], weights: number[]): { chi2: number; df: number; pValue: number } | null => {
  const total = observed.reduce((sum, count) => sum + count, 0);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0 || weightSum <= 0 || observed.length < 2) return null;
  let chi2 = 0;
  observed.forEach((count, i) => {
    const expected = (total * weights[i]) / weightSum;
    if (expected > 0) chi2 += (count - expected) ** 2 / expected;
  });
  const df = observed.length - 1;
  return { chi2, df, pValue: chiSquareSurvival(chi2, df) };
};
