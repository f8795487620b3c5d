/**
 * The churn model's mathematics. Values are checked against independent computations:
 * special functions against closed forms; likelihoods, P(alive), expected purchases and the
 * probability of no purchase against brute-force numerical integration of the individual-level
 * model over λ and p (midpoint rule, 8,000 points for λ by 400 for p); fits against parameters the
 * simulator was given.
 */
import { describe, expect, it } from 'vitest';
import { calibration, deciles, precisionRecall, rocAuc, topK } from '../../src/core/model/backtest.js';
import { group, type BgParams, type PurchaseModelName } from '../../src/core/model/purchase.js';
import { expectedPurchases, fitPurchases, logLikelihood, pAlive, pNoPurchase } from '../../src/core/model/registry.js';
import { lifetimeValue } from '../../src/core/model/churn.js';
import { expectedSpend, fitSpend } from '../../src/core/model/gammagamma.js';
import { nelderMead } from '../../src/core/model/optimize.js';
import { hyp2f1, lbeta, lgamma, logAddExp } from '../../src/core/model/special.js';
import { gamma, rng, simulateSummaries } from '../../bench/synth/generate.js';

describe('special functions', () => {
  it('ln Γ matches closed forms', () => {
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(2)).toBeCloseTo(0, 13);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362_880), 11);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12); // ln Γ(0.1), Γ(0.1) = 9.51350769866873
    // ln Γ(171) = ln(170!) = Σ ln k
    let s = 0;
    for (let k = 2; k <= 170; k++) s += Math.log(k);
    expect(lgamma(171)).toBeCloseTo(s, 8);
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });

  it('2F1 matches closed forms', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 10);
      expect(hyp2f1(0.7, 2.5, 2.5, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 10);
    }
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it('logAddExp does not overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });
});

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2, [-1.2, 1], { tolerance: 1e-14 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });
});

/**
 * Brute force: integrate the individual-level model over λ ~ Gamma(r = 2, α) and
 * p ~ Beta(a = 2, b = 3), whose densities have closed forms (α² λ e^(−αλ) and 12 p (1−p)²), on
 * a midpoint grid. Returns the likelihood and the posterior expectations the model formulas give.
 */
function brute(model: PurchaseModelName, alpha: number, x: number, tx: number, T: number, t: number) {
  const NL = 8000;
  const NP = 400;
  // The integrand decays like e^(−λ(α + t_x)) at the slowest: beyond 45 / (α + t_x) it is below 1e-19.
  const lamMax = 45 / (alpha + tx);
  let L = 0;
  let alive = 0;
  let expect = 0;
  let none = 0;
  for (let i = 0; i < NL; i++) {
    const lam = ((i + 0.5) / NL) * lamMax;
    const g = alpha * alpha * lam * Math.exp(-alpha * lam) * (lamMax / NL);
    for (let j = 0; j < NP; j++) {
      const p = (j + 0.5) / NP;
      const f = 12 * p * (1 - p) * (1 - p) * (1 / NP);
      const keep = model === 'mbgnbd' ? Math.pow(1 - p, x + 1) : Math.pow(1 - p, x);
      const aliveTerm = keep * Math.pow(lam, x) * Math.exp(-lam * T);
      const goneTerm =
        model === 'mbgnbd'
          ? p * Math.pow(1 - p, x) * Math.pow(lam, x) * Math.exp(-lam * tx)
          : x > 0
            ? p * Math.pow(1 - p, x - 1) * Math.pow(lam, x) * Math.exp(-lam * tx)
            : 0;
      const w = g * f;
      L += w * (aliveTerm + goneTerm);
      alive += w * aliveTerm;
      // Alive at T, the rest is a fresh BG process: E[X(t) | λ, p] = (1 − e^(−λpt)) / p (FHL 2005 eq. 7)
      expect += w * aliveTerm * ((1 - Math.exp(-lam * p * t)) / p);
      none += w * (aliveTerm * Math.exp(-lam * t) + goneTerm);
    }
  }
  return { ll: Math.log(L), pAlive: alive / L, expected: expect / L, pNone: none / L };
}

describe('purchase models agree with brute-force integration', () => {
  const params = { r: 2, alpha: 10, a: 2, b: 3 };
  const cases = [
    { x: 0, tx: 0, T: 30 },
    { x: 2, tx: 30, T: 40 },
    { x: 5, tx: 12, T: 60 },
  ];
  for (const model of ['bgnbd', 'mbgnbd'] as const) {
    for (const s of cases) {
      it(`${model} at x=${s.x}, t_x=${s.tx}, T=${s.T}`, () => {
        const b = brute(model, params.alpha, s.x, s.tx, s.T, 20);
        const ll = logLikelihood(model, group([s]))(params);
        expect(ll).toBeCloseTo(b.ll, 4);
        expect(pAlive(model, params, s)).toBeCloseTo(b.pAlive, 4);
        expect(expectedPurchases(model, params, s, 20)).toBeCloseTo(b.expected, 4);
        expect(pNoPurchase(model, params, s, 20)).toBeCloseTo(b.pNone, 4);
      });
    }
  }

  it('BG/NBD keeps every one-time buyer alive; MBG/NBD does not', () => {
    const old = { x: 0, tx: 0, T: 500 };
    expect(pAlive('bgnbd', params, old)).toBe(1);
    expect(pAlive('mbgnbd', params, old)).toBeLessThan(0.5);
  });

  it('groups identical histories: the same likelihood as one by one', () => {
    const rows = [
      { x: 1, tx: 3, T: 10 },
      { x: 1, tx: 3, T: 10 },
      { x: 0, tx: 0, T: 10 },
    ];
    const g = group(rows);
    expect(g.x.length).toBe(2);
    const one = (s: (typeof rows)[number]) => logLikelihood('bgnbd', group([s]))(params);
    expect(logLikelihood('bgnbd', g)(params)).toBeCloseTo(
      rows.reduce((sum, s) => sum + one(s), 0),
      10,
    );
  });
});

describe('fits recover the parameters they were simulated with', () => {
  // 20,000 customers over 1,095 days arriving in the first 1,000; tolerance 15% per parameter,
  // about three standard errors at this size (checked over several seeds).
  const truth = { r: 0.9, alpha: 25, a: 0.9, b: 7 };
  for (const model of ['bgnbd', 'mbgnbd'] as const) {
    it(model, () => {
      const data = simulateSummaries({ seed: 3, customers: 20_000, ...truth, length: 1095, spread: 1000, model });
      const fit = fitPurchases(model, group(data));
      expect(fit.converged).toBe(true);
      for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs((fit.params as BgParams)[k] / truth[k] - 1), k).toBeLessThan(0.15);
    });
  }

  it('Gamma-Gamma', () => {
    const u = rng(5);
    const data = [];
    for (let i = 0; i < 30_000; i++) {
      const nu = gamma(u, 4) / 15; // q = 4, γ = 15
      const x = 1 + Math.floor(u() * 10);
      let total = 0;
      for (let k = 0; k < x; k++) total += gamma(u, 6) / nu; // p = 6
      data.push({ x, mean: total / x });
    }
    const fit = fitSpend(data);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.p / 6 - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.q / 4 - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.v / 15 - 1)).toBeLessThan(0.15);
  });

  it('Gamma-Gamma expectation: a weighted mean of the population mean and the customer mean', () => {
    // p = 6, q = 4, v = 15: population mean pv/(q−1) = 30; x = 2, m̄ = 60: 6(15 + 120)/(12 + 3) = 54
    expect(expectedSpend({ p: 6, q: 4, v: 15 }, { x: 2, mean: 60 })).toBeCloseTo(54, 12);
    expect(expectedSpend({ p: 6, q: 4, v: 15 }, null)).toBeCloseTo(30, 12);
  });
});

describe('lifetime value', () => {
  it('sums monthly steps, discounted at the annual rate', () => {
    // one purchase a day, spend 1: 0 discount gives the horizon's purchases
    expect(lifetimeValue((d) => d, 1, 365, 0)).toBeCloseTo(365, 10);
    // 10% a year: the 30-day step ending at day 30 is worth 30 / 1.1^(30/365)
    expect(lifetimeValue((d) => d, 1, 30, 0.1)).toBeCloseTo(30 / Math.pow(1.1, 30 / 365), 10);
  });
});

describe('backtest metrics', () => {
  it('ROC AUC: perfect, reversed, ties and one class', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true])).toBe(0.5);
    // pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.6) loss, (0.7 vs both) win: 3 of 4
    expect(rocAuc([0.1, 0.4, 0.6, 0.7], [false, true, false, true])).toBe(0.75);
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNull();
  });

  it('precision, recall and top k', () => {
    expect(precisionRecall([true, true, false, false], [true, false, true, false])).toEqual({ flagged: 2, precision: 0.5, recall: 0.5 });
    expect(topK([3, 9, 1, 9], 2)).toEqual([false, true, false, true]);
  });

  it('deciles and calibration add up', () => {
    const pred = Array.from({ length: 100 }, (_, i) => i / 10);
    const d = deciles(
      pred,
      pred.map(() => 1),
    );
    expect(d.map((r) => r.customers)).toEqual(Array(10).fill(10));
    expect(d[9]!.predicted).toBeCloseTo(
      pred.slice(90).reduce((a, b) => a + b, 0),
      10,
    );
    const c = calibration([0.05, 0.15, 0.15, 0.95], [false, true, false, true]);
    expect(c[0]).toMatchObject({ customers: 1, observed: 0 });
    expect(c[1]).toMatchObject({ customers: 2, observed: 0.5 });
    expect(c[1]!.predicted).toBeCloseTo(0.15, 12);
    expect(c[5]).toMatchObject({ customers: 0, predicted: null });
  });
});

describe('expected purchases stay finite for heavy buyers and long horizons', () => {
  it('log-space 2F1 agrees with the plain series where both work, and goes on where it overflows', async () => {
    const { logHyp2f1 } = await import('../../src/core/model/special.js');
    for (const [a, b, c, z] of [
      [2, 3, 4, 0.3],
      [0.7, 5, 6.2, 0.9],
      [30, 40, 45, 0.5],
    ] as const) {
      expect(logHyp2f1(a, b, c, z)).toBeCloseTo(Math.log(hyp2f1(a, b, c, z)), 9);
    }
    expect(Number.isFinite(hyp2f1(730, 737, 737.5, 0.8))).toBe(false);
    expect(Number.isFinite(logHyp2f1(730, 737, 737.5, 0.8))).toBe(true);
  });

  it('a daily buyer of two years over a ten-year horizon: finite, positive, and below one a day', () => {
    const params = { r: 0.96, alpha: 3.99, a: 0.89, b: 6.67 }; // weeks
    const s = { x: 729, tx: 104, T: 104.3 };
    const e = expectedPurchases('mbgnbd', params, s, 3650 / 7);
    expect(Number.isFinite(e)).toBe(true);
    expect(e).toBeGreaterThan(0);
    expect(e).toBeLessThan(3650);
    // more time, more purchases
    expect(expectedPurchases('mbgnbd', params, s, 3650 / 7)).toBeGreaterThan(expectedPurchases('mbgnbd', params, s, 365 / 7));
  });
});
