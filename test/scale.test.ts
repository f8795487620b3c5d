/**
 * Population sizes past what a call's arguments can hold: a million customers once overflowed
 * the call stack (Math.min over a spread in the model's data check).
 */
import { describe, expect, it } from 'vitest';
import { maxOf, minOf } from '../src/core/extent.js';
import { DEFAULT_MODEL, sufficiency } from '../src/core/model/churn.js';

const N = 1_000_000;

describe('a million values', () => {
  it('maxOf and minOf find the extremes where a spread into Math.max would overflow', () => {
    const values = Array.from({ length: N }, (_, i) => ((i * 7919) % N) - 500_000);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(499_999);
    expect(minOf(values)).toBe(-500_000);
    expect(maxOf([], 0)).toBe(0);
    expect(minOf([3, 1, 2], 0)).toBe(0);
    expect(maxOf([1, NaN, 3])).toBeNaN();
  });

  it("the model's data check counts a million customers and finds the earliest first purchase", () => {
    const customers = Array.from({ length: N }, (_, i) => ({
      customerId: `C${i}`,
      firstPurchase: i === N - 1 ? '2020-01-01' : '2024-01-01',
      lastPurchase: '2024-06-01',
      purchaseDays: i % 2 === 0 ? 1 : 3,
      recencyDays: 10,
      typicalGapDays: 30,
      ownGapDays: null,
      recentRevenue: 0,
      previousRevenue: 0,
      spendDays: 1,
      spendTotal: 100,
    }));
    const s = sufficiency(customers, '2024-12-31', DEFAULT_MODEL);
    expect(s).toMatchObject({ ok: true, customers: N, repeatBuyers: N / 2 });
    expect(s.historyDays).toBe(1826); // 2020-01-01 to 2024-12-31
  });
});
