/**
 * Pareto/NBD against brute-force numerical integration of the individual-level model over
 * λ ~ Gamma(r = 2, α) and μ ~ Gamma(s = 2, β) (midpoint rule), and a fit against the parameters
 * the simulator was given.
 */
import { describe, expect, it } from 'vitest';
import { group } from '../../src/core/model/purchase.js';
import { fitPareto, paretoExpectedPurchases, paretoLogLikelihood, paretoPAlive, paretoPNoPurchase } from '../../src/core/model/paretonbd.js';
import { simulateParetoSummaries } from '../../bench/synth/generate.js';

/**
 * Given λ and μ, a customer with x purchases, the last at t_x, and none after up to T either
 * lived past T or left in (t_x, T]: L(λ, μ) = λ^x μ/(λ+μ) e^(−(λ+μ)t_x) + λ^(x+1)/(λ+μ) e^(−(λ+μ)T)
 * (FHL note, eq. 3), of which alive at T is λ^x e^(−(λ+μ)T). Alive at T, purchases in the next t
 * number λ/μ (1 − e^(−μt)) on average, and none happen with probability
 * μ/(λ+μ) + λ/(λ+μ) e^(−(λ+μ)t) (the first of the two clocks is leaving, or neither rings).
 */
function brute(alpha: number, beta: number, x: number, tx: number, T: number, t: number) {
  const N = 1500;
  const lamMax = 60 / (alpha + tx);
  const muMax = 60 / (beta + tx);
  let L = 0;
  let alive = 0;
  let expect = 0;
  let none = 0;
  for (let i = 0; i < N; i++) {
    const lam = ((i + 0.5) / N) * lamMax;
    const gl = alpha * alpha * lam * Math.exp(-alpha * lam) * (lamMax / N);
    for (let j = 0; j < N; j++) {
      const mu = ((j + 0.5) / N) * muMax;
      const gm = beta * beta * mu * Math.exp(-beta * mu) * (muMax / N);
      const w = gl * gm;
      const lx = Math.pow(lam, x);
      const aliveTerm = lx * Math.exp(-(lam + mu) * T);
      const lik = ((lx * mu) / (lam + mu)) * Math.exp(-(lam + mu) * tx) + ((lx * lam) / (lam + mu)) * Math.exp(-(lam + mu) * T);
      L += w * lik;
      alive += w * aliveTerm;
      expect += w * aliveTerm * (lam / mu) * -Math.expm1(-mu * t);
      none += w * (lik - aliveTerm + aliveTerm * (mu / (lam + mu) + (lam / (lam + mu)) * Math.exp(-(lam + mu) * t)));
    }
  }
  return { ll: Math.log(L), pAlive: alive / L, expected: expect / L, pNone: none / L };
}

describe('Pareto/NBD agrees with brute-force integration', () => {
  const cases = [
    { alpha: 10, beta: 30, x: 0, tx: 0, T: 30 },
    { alpha: 10, beta: 30, x: 2, tx: 30, T: 40 },
    { alpha: 40, beta: 15, x: 5, tx: 12, T: 60 },
    { alpha: 40, beta: 15, x: 1, tx: 5, T: 50 },
  ];
  for (const c of cases) {
    it(`α=${c.alpha}, β=${c.beta} at x=${c.x}, t_x=${c.tx}, T=${c.T}`, () => {
      const params = { r: 2, alpha: c.alpha, s: 2, beta: c.beta };
      const h = { x: c.x, tx: c.tx, T: c.T };
      const b = brute(c.alpha, c.beta, c.x, c.tx, c.T, 20);
      expect(paretoLogLikelihood(group([h]))(params)).toBeCloseTo(b.ll, 3);
      expect(paretoPAlive(params, h)).toBeCloseTo(b.pAlive, 3);
      expect(paretoExpectedPurchases(params, h, 20)).toBeCloseTo(b.expected, 3);
      expect(paretoPNoPurchase(params, h, 20)).toBeCloseTo(b.pNone, 3);
    });
  }

  it('s = 1 takes the limit of expected purchases, not 0/0', () => {
    const h = { x: 3, tx: 20, T: 40 };
    const at = (s: number): number => paretoExpectedPurchases({ r: 1, alpha: 10, s, beta: 20 }, h, 30);
    expect(at(1)).toBeCloseTo((at(1 - 1e-6) + at(1 + 1e-6)) / 2, 6);
    expect(at(1)).toBeGreaterThan(0);
  });
});

describe('Pareto/NBD fit', () => {
  it('recovers the parameters it was simulated with', () => {
    // 8,000 customers over 730 days arriving in the first 365; 20% per parameter.
    const truth = { r: 0.8, alpha: 20, s: 0.9, beta: 200 };
    const data = simulateParetoSummaries({ seed: 5, customers: 8000, ...truth, length: 730, spread: 365 });
    const fit = fitPareto(group(data));
    expect(fit.converged).toBe(true);
    for (const k of ['r', 'alpha', 's', 'beta'] as const) expect(Math.abs(fit.params[k] / truth[k] - 1), k).toBeLessThan(0.25);
  });
});
