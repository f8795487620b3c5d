/**
 * The Gamma-Gamma spend model: P. S. Fader, B. G. S. Hardie and K. L. Lee, "RFM and CLV: using
 * iso-value curves for customer base analysis", Journal of Marketing Research 42(4), 2005.
 * A customer's spend per purchase is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers (the
 * usual names p, q, v with v = γ). For a customer with x purchases of mean value m̄ (the
 * likelihood of the mean):
 *   ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + m̄x)
 * and the expected spend per purchase given that history (the conditional expectation), needing q > 1:
 *   E[M | m̄, x] = (p(γ + x m̄)) / (px + q − 1)
 * Here x counts purchase days with a positive net spend, the first included (the paper uses
 * repeat purchases only; a one-time buyer's spend is evidence too), and m̄ is their mean, in
 * minor units; customers without any are left out. Pure.
 */
import { nelderMead } from './optimize.js';
import { lgamma } from './special.js';

export interface SpendParams {
  p: number;
  q: number;
  v: number;
}

export interface SpendSummary {
  /** Purchase days with positive net spend. */
  x: number;
  /** Their mean net spend, minor units. */
  mean: number;
}

export interface SpendFit {
  params: SpendParams;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

export function spendLogLikelihood(data: readonly SpendSummary[]): (p: SpendParams) => number {
  const n = data.length;
  const x = Float64Array.from(data, (d) => d.x);
  const lnM = Float64Array.from(data, (d) => Math.log(d.mean));
  const lnX = Float64Array.from(x, (v) => Math.log(v));
  const mx = Float64Array.from(data, (d) => d.mean * d.x);
  // ln Γ(px+q) − ln Γ(px) depends on x alone: once per distinct x.
  const xs = [...new Set(x)];
  const slot = new Map(xs.map((v, i) => [v, i]));
  const at = Int32Array.from(x, (v) => slot.get(v)!);
  const byX = new Float64Array(xs.length);
  return ({ p, q, v }) => {
    for (let k = 0; k < xs.length; k++) byX[k] = lgamma(p * xs[k]! + q) - lgamma(p * xs[k]!);
    const constant = -lgamma(q) + q * Math.log(v);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const px = p * x[i]!;
      total += byX[at[i]!]! + constant + (px - 1) * lnM[i]! + px * lnX[i]! - (px + q) * Math.log(v + mx[i]!);
    }
    return total;
  };
}

export function fitSpend(data: readonly SpendSummary[]): SpendFit {
  const ll = spendLogLikelihood(data);
  const toParams = (z: number[]): SpendParams => ({ p: Math.exp(z[0]!), q: Math.exp(z[1]!), v: Math.exp(z[2]!) });
  let mean = 0;
  for (const d of data) mean += d.mean;
  mean = Math.max(1, mean / Math.max(1, data.length));
  const objective = (z: number[]): number => (z.every((w) => Math.abs(w) < 40) ? -ll(toParams(z)) : Infinity);
  // p or q past 1e6: a customer's spend that never varies, or customers whose spend does not
  // differ (every customer paying the same two amounts, issue 24). The likelihood then climbs
  // for ever along a ridge and each restart "improves" it: 6,000 iterations a restart, 30 s on
  // 20,000 customers, to end not converged. The fit stops there (not converged) at once.
  const stop = (z: readonly number[]): boolean => z[0]! > Math.log(1e6) || z[1]! > Math.log(1e6);
  let best = nelderMead(objective, [0, Math.log(2), Math.log(mean)], { step: 1, stop });
  let iterations = best.iterations;
  for (let restart = 0; restart < 5 && !stop(best.x); restart++) {
    const again = nelderMead(objective, best.x, { step: 0.1, stop });
    iterations += again.iterations;
    const improved = again.value < best.value - 1e-9 * (1 + Math.abs(best.value));
    if (again.value <= best.value) best = again;
    if (!improved) break;
  }
  return { params: toParams(best.x), logLikelihood: -best.value, customers: data.length, iterations, converged: best.converged && Number.isFinite(best.value) };
}

/** Expected spend per purchase for a customer with this history; the population mean pγ/(q−1) without one. */
export function expectedSpend(params: SpendParams, s: SpendSummary | null): number {
  const { p, q, v } = params;
  if (q <= 1) return NaN;
  if (s === null || s.x === 0) return (p * v) / (q - 1);
  return (p * (v + s.x * s.mean)) / (p * s.x + q - 1);
}
