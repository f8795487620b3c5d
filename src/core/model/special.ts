/**
 * Special functions for the purchase and spend models, in log space. Pure.
 */

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation with g = 7 and the nine coefficients published
 * by Godfrey (as in Press et al., Numerical Recipes, 3rd ed., 6.1); relative error about 1e-15.
 * Below 0.5 the reflection formula Γ(x)Γ(1 − x) = π / sin(πx) is used.
 */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 by its power series
 * Σ (a)_k (b)_k / ((c)_k k!) z^k, summed until a term no longer changes the sum. The models use
 * it with z = t / (α + T + t), which stays below 1.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 <= z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  return sum;
}

/**
 * ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1: the same series with every term positive,
 * summed relative to the largest term so far, so it neither overflows nor loses precision where
 * 2F1 itself exceeds the doubles (a customer with 700 purchase days, a ten-year horizon).
 */
export function logHyp2f1(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1 needs 0 <= z < 1, got ${z}`);
  const euler = eulerSeries(a, b, c, z, maxTerms);
  if (euler !== null) return euler;
  // Plain arithmetic with a running scale: when the sum grows past 1e200 both it and the current
  // term are divided down and the scale's log kept aside (a log per term would triple the cost).
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let k = 0; k < maxTerms; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (sum > 1e200) {
      sum *= 1e-200;
      term *= 1e-200;
      logScale += 200 * Math.LN10;
    }
    if (term <= 1e-16 * sum) return logScale + Math.log(sum);
  }
  // Not converged within maxTerms (z very near 1): NaN when a cap was asked for, else the sum so far.
  return maxTerms < 1_000_000 ? NaN : logScale + Math.log(sum);
}

/**
 * ln 2F1(a, b; c; z) by Euler's transformation, 2F1(a, b; c; z) = (1 − z)^(c−a−b) · 2F1(c − a,
 * c − b; c; z) (Abramowitz & Stegun 15.3.3), where the direct series would climb for more than
 * 20 terms; null elsewhere, so the models' usual sums are exactly what they were. The direct
 * series' terms grow until k ≈ (b·z − 1) / (1 − z) before they fall: with b in the thousands (a
 * Pareto/NBD fit whose heterogeneity runs away, r ≈ 1e4: the shop where every customer bought
 * exactly twice, issue 24) that is thousands of terms a customer. With 0 < c − a ≤ 1 and c > b
 * (the Pareto/NBD's c = a + 1, b ≤ a) every term of the transformed series is positive and at
 * most z times the one before, from the first: no climb. Past maxTerms it answers NaN when a cap
 * was asked for, as the direct series does.
 */
function eulerSeries(a: number, b: number, c: number, z: number, maxTerms: number): number | null {
  const ca = c - a;
  const cb = c - b;
  if (!((b * z - 1) / (1 - z) > 20 && ca > 0 && ca <= 1 && cb > 0)) return null;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= ((ca + k) * (cb + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (term <= 1e-16 * sum) return (c - a - b) * Math.log1p(-z) + Math.log(sum);
  }
  return maxTerms < 1_000_000 ? NaN : (c - a - b) * Math.log1p(-z) + Math.log(sum);
}

/** ln(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}
