/**
 * Choosing what ranks churn risk on the shop's own last horizon (core/model/select.ts), on
 * shops simulated under each story, so the true model is known: purchase times are drawn, the
 * history is cut one horizon before the end, and what each customer did in that horizon is the
 * outcome. Also: degenerate fits on a shop where nobody leaves, and the coherence rule.
 */
import { describe, expect, it } from 'vitest';
import { fitPurchases, group, type PurchaseModelName } from '../src/core/model/bgnbd.js';
import { comparisonDays, rulesOnly, scoreChurn, DEFAULT_MODEL } from '../src/core/model/churn.js';
import { DEFAULT_LIFECYCLE } from '../src/core/lifecycle.js';
import { degenerateWhy, selectModel, type BacktestCustomer } from '../src/core/model/select.js';
import { gamma, rng } from '../src/synth/generate.js';

type Story = PurchaseModelName | 'nobody-leaves';

/** Purchase days (whole days from the shop's opening) of `n` customers under a story, over `length` days. */
function shop(story: Story, n: number, seed: number, length: number): number[][] {
  const u = rng(seed);
  const draw = (k: number): number => gamma(u, k);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const lambda = draw(0.8) / 15;
    const start = Math.floor(u() * length * 0.6);
    const times = [start];
    let t = start;
    if (story === 'paretonbd') {
      const death = start - Math.log(u() || 1e-12) / (draw(0.8) / 150);
      for (;;) {
        t += -Math.log(u() || 1e-12) / lambda;
        if (t > death || t > length) break;
        times.push(Math.floor(t));
      }
    } else {
      // Beta(1, 4) dropout chance after a purchase (the first too under MBG/NBD); none when nobody leaves.
      const p = story === 'nobody-leaves' ? 0 : 1 - Math.pow(u(), 1 / 4);
      let alive = story !== 'mbgnbd' || u() >= p;
      while (alive) {
        t += -Math.log(u() || 1e-12) / lambda;
        if (t > length) break;
        times.push(Math.floor(t));
        alive = u() >= p;
      }
    }
    out.push([...new Set(times)]);
  }
  return out;
}

/** Customers as they stood at `cutoff`, with their purchase days in (cutoff, end]. */
function backtestRows(days: number[][], cutoff: number): BacktestCustomer[] {
  const rows: BacktestCustomer[] = [];
  for (const d of days) {
    const before = d.filter((x) => x <= cutoff);
    if (before.length === 0) continue;
    const first = before[0]!;
    const last = before[before.length - 1]!;
    rows.push({ summary: { x: before.length - 1, tx: last - first, T: cutoff - first }, recencyDays: cutoff - last, purchaseDays: before.length, actual: d.length - before.length });
  }
  return rows;
}

describe('model auto picks the true model on simulated shops', () => {
  const LENGTH = 1000;
  const H = 180;
  for (const story of ['mbgnbd', 'bgnbd', 'paretonbd'] as const) {
    it(`a ${story} shop`, () => {
      const rows = backtestRows(shop(story, 5000, 21, LENGTH), LENGTH - H);
      const sel = selectModel(rows, 'cutoff', H, 1);
      expect(sel.order[0]).toBe(story);
      // what ranks is never worse than the recency rule on the same horizon
      expect(sel.verdict.auc!).toBeGreaterThanOrEqual(sel.verdict.recencyAuc!);
    }, 120_000);
  }
});

describe('degenerate fits', () => {
  it('on a shop where nobody leaves: every model is named degenerate, and the recency rule ranks', () => {
    const rows = backtestRows(shop('nobody-leaves', 4000, 5, 900), 900 - 120);
    const sel = selectModel(rows, 'cutoff', 120, 1);
    for (const c of sel.candidates.filter((x) => x.name !== 'recency')) expect(c.degenerate, c.name).toMatch(/dropout about 0|heterogeneity ran away|barely varies|ran apart/);
    expect(sel.order).toEqual([]);
    expect(sel.ranking.kind).toBe('recency');
    expect(sel.verdict.text).toContain('recency rule');
  }, 120_000);

  it('a fit on a shop where customers leave is not degenerate', () => {
    const rows = backtestRows(shop('mbgnbd', 4000, 6, 900), 900);
    const summaries = rows.map((r) => r.summary);
    expect(degenerateWhy(fitPurchases('mbgnbd', group(summaries)), summaries)).toBeNull();
  }, 60_000);
});

describe('one verdict per customer', () => {
  const base = {
    customerId: 'c1',
    firstPurchase: '2025-01-01',
    lastPurchase: '2025-01-01',
    purchaseDays: 1,
    recencyDays: 364,
    typicalGapDays: 20,
    ownGapDays: null,
    recentRevenue: 0,
    previousRevenue: 0,
    spendDays: 1,
    spendTotal: 1000,
  };
  // BG/NBD keeps a one-time buyer alive: with a high purchase rate the model calls them low risk.
  const fitted = { ...rulesOnly('2025-12-31', ''), fallback: null, purchase: { model: 'bgnbd' as const, params: { r: 5, alpha: 10, a: 2, b: 20 }, logLikelihood: 0, customers: 1, groups: 1, iterations: 1, converged: true } };
  const settings = { ...DEFAULT_MODEL, horizonDays: 90 };

  it('a customer the lifecycle calls ended is never low risk, and the reasons say the two disagree', () => {
    const [ended] = scoreChurn([{ ...base, stage: 'ended' }], fitted, settings, DEFAULT_LIFECYCLE, 20);
    const [same] = scoreChurn([{ ...base, stage: 'exploration' }], fitted, settings, DEFAULT_LIFECYCLE, 20);
    expect(same!.riskLevel).toBe('low');
    expect(ended!.churnRisk).toBe(same!.churnRisk);
    expect(ended!.riskLevel).toBe('medium');
    expect(ended!.reasons.join('; ')).toContain('the lifecycle calls them ended while the model put the risk at only');
  });

  it('a next purchase date when the model expects one, and a year of expected purchases', () => {
    const [s] = scoreChurn([{ ...base, stage: 'exploration' }], fitted, settings, DEFAULT_LIFECYCLE, 20);
    expect(s!.nextPurchaseDate! > '2025-12-31').toBe(true);
    expect(s!.expectedPurchases365d!).toBeGreaterThan(s!.expectedPurchases!);
    const gone = { ...fitted, purchase: { ...fitted.purchase, model: 'mbgnbd' as const, params: { r: 1, alpha: 10, a: 5, b: 1 } } };
    const [g] = scoreChurn([{ ...base, stage: 'ended' }], gone, settings, DEFAULT_LIFECYCLE, 20);
    expect(g!.pAlive!).toBeLessThan(0.5);
    expect(g!.nextPurchaseDate).toBeNull();
  });
});

describe('the span model auto compares on', () => {
  it('is the horizon, or what a short history leaves after model.min_history_days', () => {
    expect(comparisonDays(90, 1000, 180)).toBe(90);
    // the CD retailer's protocol: 273 days ahead, 272 days of history to 1997-09-30
    expect(comparisonDays(273, 272, 180)).toBe(92);
    expect(comparisonDays(273, 200, 180)).toBeNull();
  });
});
