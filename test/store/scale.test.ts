/**
 * Population sizes past what a call's arguments can hold: a million customers once overflowed
 * the call stack (Math.min over a spread in the model's data check); and the helpers that keep a
 * million customers' analysis small give the same answers.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, measure, moneyOf } from '../../src/app/run.js';
import { DEFAULT_MODEL, fitModels, lifetimeValues, scoreChurn, sufficiency } from '../../src/core/model/churn.js';
import { flat, maxOf, minOf } from '../../src/core/scale.js';
import { HEAP_PER_CUSTOMER, heapAdvice } from '../../src/cli/context.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { run, tempDir } from '../helpers.js';

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

describe('what keeps a million customers small', () => {
  it('flat() copies a string built from pieces, unicode included, unchanged', () => {
    let built = '';
    for (let i = 0; i < 50; i++) built += `${i}× £${i}.50 — 客户 `;
    const copy = flat(built);
    expect(copy).toBe(built);
    expect(flat('')).toBe('');
    expect(flat('😀 emoji')).toBe('😀 emoji');
  });

  it('lifetimeValues gives each customer the CLV their score has (0 without one), without the scores', async () => {
    const t = tempDir();
    try {
      const csv = path.join(t.dir, 'sim.csv');
      generate({ ...DEFAULTS, seed: 5, customers: 1500, rows: null, start: '2023-01-01', end: '2025-06-30' }, csv);
      expect((await run(['--db', t.db, '-q', 'import', 'transactions', csv])).code).toBe(0);
      const db = new SqliteStore(openDatabase(t.db, { create: false }), t.db);
      try {
        const { settings } = await loadSettings(db, await moneyOf(db));
        const measured = await measure(db, '2025-06-30', settings);
        const fitted = fitModels(measured.customers, '2025-06-30', settings.model);
        expect(fitted.purchase).not.toBeNull();
        const values = lifetimeValues(measured.customers, fitted, settings.model);
        const scores = scoreChurn(measured.customers, fitted, settings.model, settings.lifecycle, measured.populationGapDays);
        expect(values.size).toBe(scores.length);
        let positive = 0;
        for (const sc of scores) {
          expect(values.get(sc.customerId), sc.customerId).toBe(sc.clv ?? 0);
          if ((sc.clv ?? 0) > 0) positive++;
        }
        expect(positive).toBeGreaterThan(1000);
      } finally {
        await db.close();
      }
    } finally {
      t.cleanup();
    }
  }, 30_000);
});

describe('warning before the heap runs out', () => {
  it('is silent while the customers fit, and names the size to ask for when they do not', () => {
    const GiB = 2 ** 30;
    expect(heapAdvice(1_000, 512 * 2 ** 20)).toBeNull();
    // 1,022,779 customers ran with --max-old-space-size=1024 (V8's limit then: 1,072 MB) in the
    // large benchmark: no warning there
    expect(heapAdvice(1_022_779, 1072 * 2 ** 20)).toBeNull();
    expect(heapAdvice(1_022_779, 2 * GiB)).toBeNull();
    const advice = heapAdvice(3_000_000, 2 * GiB)!;
    expect(advice).toMatch(/^warning: 3,000,000 customers need about 2,861 MB of memory for this, and Node allows 2,048 MB here/);
    const asked = Number(/--max-old-space-size=(\d+)/.exec(advice)![1]);
    expect(asked * 2 ** 20).toBeGreaterThanOrEqual(3_000_000 * HEAP_PER_CUSTOMER * 1.5);
    expect(asked % 256).toBe(0);
  });
});
