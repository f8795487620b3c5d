/**
 * The forecast count's correction learned from the shop's own past windows (issue 23, the 15%
 * goal): applied where the windows that ended before a held-out window would have made that
 * window's count closer, not otherwise; it scales expected purchases and lifetime value, never
 * churn risk.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, fitModels, forecastScale, scoreChurn, type Fitted } from '../../src/core/model/churn.js';
import { DEFAULT_LIFECYCLE } from '../../src/core/lifecycle.js';
import { correctionFrom, forecastCorrection, selectOnWindows, type BacktestCustomer, type CountWindow } from '../../src/core/model/select.js';
import type { PurchaseModelName } from '../../src/core/model/purchase.js';
import { rng } from '../../bench/synth/generate.js';
import { backtestRows, shop, shopCustomers, shopDate } from '../shops.js';

const win = (cutoff: string, predicted: number, actual: number): CountWindow => ({ cutoff, predicted, actual });

describe('the correction from count windows', () => {
  it('learns a steady over-forecast and judges it out of time on the windows held out', () => {
    const c = forecastCorrection('paretonbd', [win('w1', 1400, 1130), win('w2', 1600, 1270), win('w3', 1700, 1370), win('w4', 1800, 1430)])!;
    expect(c.applied).toBe(true);
    expect(c.ratio).toBeGreaterThan(0.78);
    expect(c.ratio).toBeLessThan(0.82);
    // each window but the oldest is forecast with the ratio of the older ones only
    expect(c.heldOut.map((h) => h.cutoff)).toEqual(['w1', 'w2', 'w3']);
    expect(c.heldOut[2]!.ratio).toBeCloseTo(correctionFrom([win('w4', 1800, 1430)]).ratio, 12);
    expect(c.errorWith!).toBeLessThan(c.errorWithout!);
  });

  it('is not applied where it would not have helped out of time, nor where no window can be held out', () => {
    const scatter = forecastCorrection('mbgnbd', [win('w1', 1000, 1080), win('w2', 1000, 930), win('w3', 1000, 1060)])!;
    expect(scatter.applied).toBe(false);
    expect(scatter.ratio).toBe(1);
    expect(scatter.errorWith).not.toBeNull();
    const one = forecastCorrection('mbgnbd', [win('w1', 1000, 800)])!;
    expect(one.applied).toBe(false);
    expect(one.errorWith).toBeNull();
    expect(forecastCorrection('mbgnbd', [])).toBeNull();
  });

  it('shrinks the ratio toward 1 as far as the windows disagree', () => {
    const agree = correctionFrom([win('a', 1000, 850), win('b', 1000, 860), win('c', 1000, 840)]);
    const disagree = correctionFrom([win('a', 1000, 700), win('b', 1000, 1100), win('c', 1000, 850)]);
    expect(agree.weight).toBeGreaterThan(0.95);
    expect(disagree.weight).toBeLessThan(0.5);
    expect(disagree.ratio).toBeGreaterThan(disagree.pooled);
    expect(correctionFrom([win('a', 1000, 1000), win('b', 1000, 1000)])).toEqual({ ratio: 1, pooled: 1, weight: 0 });
  });
});

describe('a shop whose buying drifts', () => {
  const W = 91;
  const LENGTH = 800;
  const days = shop('nobody-leaves', 1500, 23, LENGTH);
  /** Windows of W days back to back before the end, what happened in each thinned to `factor` (every purchase kept with that chance). */
  const windows = (factor: number): { cutoff: string; rows: BacktestCustomer[] }[] => {
    const u = rng(5);
    return [0, 1, 2].map((k) => {
      const cutoff = LENGTH - W - k * W;
      const upToEnd = days.map((d) => d.filter((x) => x <= cutoff + W));
      const rows = backtestRows(upToEnd, cutoff).map((r) => {
        let kept = 0;
        for (let j = 0; j < r.actual; j++) if (u() < factor) kept++;
        return { ...r, actual: kept };
      });
      return { cutoff: shopDate(cutoff), rows };
    });
  };
  const corrected = (factor: number) => {
    const counts = new Map<PurchaseModelName | 'recency', CountWindow[]>();
    selectOnWindows(windows(factor), W, 1, ['nbd'], undefined, counts);
    return forecastCorrection('nbd', counts.get('nbd')!)!;
  };

  it('buying 30% below what its past says: the forecast is corrected by about 0.7', () => {
    const c = corrected(0.7);
    expect(c.windows).toHaveLength(3);
    expect(c.applied).toBe(true);
    expect(c.ratio).toBeGreaterThan(0.65);
    expect(c.ratio).toBeLessThan(0.75);
  }, 60_000);

  it('buying as its past says: no correction', () => {
    const c = corrected(1);
    expect(c.applied).toBe(false);
    expect(c.ratio).toBe(1);
  }, 60_000);
});

describe('what the correction scales', () => {
  it('expected purchases, the year, and lifetime value by the ratio; churn risk and P(no purchase) not at all', () => {
    const LENGTH = 400;
    const customers = shopCustomers('bgnbd', 800, 9, LENGTH);
    const settings = { ...DEFAULT_MODEL, model: 'bgnbd' as const };
    const fitted = fitModels(customers, shopDate(LENGTH), settings) as Fitted<unknown>;
    expect(fitted.purchase).not.toBeNull();
    const correction = forecastCorrection('bgnbd', [win('w1', 1000, 800), win('w2', 1000, 810), win('w3', 1000, 790)])!;
    expect(correction.applied).toBe(true);
    const withIt = { ...fitted, forecast: correction };
    const k = forecastScale(withIt);
    expect(k).toBe(correction.ratio);
    const before = scoreChurn(customers, fitted, settings, DEFAULT_LIFECYCLE, null);
    const after = scoreChurn(customers, withIt, settings, DEFAULT_LIFECYCLE, null);
    let checked = 0;
    before.forEach((b, i) => {
      const a = after[i]!;
      expect(a.churnRisk).toBe(b.churnRisk);
      expect(a.pNoPurchase).toBe(b.pNoPurchase);
      expect(a.pAlive).toBe(b.pAlive);
      expect(a.expectedPurchases).toBeCloseTo(b.expectedPurchases! * k, 9);
      expect(a.expectedPurchases365d).toBeCloseTo(b.expectedPurchases365d! * k, 9);
      if (b.clv !== null) {
        expect(a.clv).toBeCloseTo(b.clv * k, 6);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(0);
    // not applied: as fitted
    expect(forecastScale({ forecast: { ...correction, applied: false, ratio: 1 } })).toBe(1);
    expect(forecastScale({})).toBe(1);
  }, 60_000);
});
