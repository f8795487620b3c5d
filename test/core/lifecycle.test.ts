import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE, EXIT_PATTERNS, STAGES, stageOf } from '../../src/core/lifecycle.js';
import { rng } from '../../bench/synth/generate.js';
import { wordPhrase } from '../../src/i18n/phrase.js';

/** A date `n` days before 2024-01-01 (the as-of date of these cases). */
const AS_OF = '2024-01-01';
const ago = (n: number): string => new Date(Date.UTC(2024, 0, 1) - n * 86_400_000).toISOString().slice(0, 10);

type Measured = Parameters<typeof stageOf>[0];
const customer = (c: Partial<Measured> & { purchaseDays: number; recencyDays: number }): Measured => ({
  firstPurchase: c.purchaseDays > 0 ? ago(c.recencyDays + 100) : null,
  lastPurchase: c.purchaseDays > 0 ? ago(c.recencyDays) : null,
  typicalGapDays: null,
  recentRevenue: 0,
  previousRevenue: 0,
  kthPurchase: null,
  ...c,
});

describe('lifecycle stages read each customer against their own rhythm (defaults)', () => {
  it('a weekly buyer silent for two months is in decline', () => {
    // g = 7: ended after max(6 x 7, 90) = 90 days, decline after max(3 x 7, 14) = 21; silent 60
    const c = customer({ purchaseDays: 40, recencyDays: 60, typicalGapDays: 7, firstPurchase: ago(400), kthPurchase: ago(370) });
    const r = stageOf(c, AS_OF);
    expect(r.stage).toBe('decline');
    expect(wordPhrase(r.reason, 'en')).toContain('no purchase for 60 days');
  });

  it('a yearly buyer silent for two months is not', () => {
    // g = 365: decline only after 1,095 days; 4 purchases are not yet stability (needs 5)
    const c = customer({ purchaseDays: 4, recencyDays: 60, typicalGapDays: 365, firstPurchase: ago(1155) });
    expect(stageOf(c, AS_OF).stage).toBe('formation');
  });

  it('one or two purchases is exploration, however quiet, until the relationship has ended', () => {
    expect(stageOf(customer({ purchaseDays: 1, recencyDays: 30 }), AS_OF).stage).toBe('exploration');
    // no gaps anywhere (g unknown): ended after the 90-day floor alone
    expect(stageOf(customer({ purchaseDays: 2, recencyDays: 90 }), AS_OF).stage).toBe('exploration');
    expect(stageOf(customer({ purchaseDays: 2, recencyDays: 91 }), AS_OF)).toMatchObject({ stage: 'ended', exitPattern: 'early abort' });
  });

  it('silence exactly at a limit does not cross it', () => {
    // g = 10: decline after max(30, 14) = 30, ended after max(60, 90) = 90
    const base = { purchaseDays: 6, typicalGapDays: 10, firstPurchase: ago(500), kthPurchase: ago(400) };
    expect(stageOf(customer({ ...base, recencyDays: 30 }), AS_OF).stage).toBe('stability');
    expect(stageOf(customer({ ...base, recencyDays: 31 }), AS_OF).stage).toBe('decline');
    expect(stageOf(customer({ ...base, recencyDays: 90 }), AS_OF).stage).toBe('decline');
    expect(stageOf(customer({ ...base, recencyDays: 91 }), AS_OF).stage).toBe('ended');
  });

  it('a steady buyer whose spending halved is in decline; one who kept above half is not', () => {
    // g = 30 <= 90 / 2, so the windows are compared; previous 1,000, recent 499 < 500
    const base = { purchaseDays: 10, recencyDays: 10, typicalGapDays: 30, firstPurchase: ago(400), kthPurchase: ago(300), previousRevenue: 1000 };
    const fell = stageOf(customer({ ...base, recentRevenue: 499 }), AS_OF, DEFAULT_LIFECYCLE, (x) => `£${x / 100}`);
    expect(fell.stage).toBe('decline');
    expect(wordPhrase(fell.reason, 'en')).toBe('spent £4.99 in the last 90 days against £10 in the 90 days before, under 50% of it');
    expect(stageOf(customer({ ...base, recentRevenue: 500 }), AS_OF).stage).toBe('stability');
  });

  it('an empty window is no decline for a buyer who normally skips one', () => {
    // g = 60 > 45: the drop test does not apply; silent 50 < decline limit 180
    const c = customer({
      purchaseDays: 8,
      recencyDays: 50,
      typicalGapDays: 60,
      firstPurchase: ago(500),
      kthPurchase: ago(250),
      previousRevenue: 5000,
      recentRevenue: 0,
    });
    expect(stageOf(c, AS_OF).stage).toBe('stability');
  });

  it('stability needs both the purchases and the time', () => {
    const g = { typicalGapDays: 20, recencyDays: 5 };
    // 5 purchases but the first only 179 days ago: formation; 180 days ago: stability
    expect(stageOf(customer({ ...g, purchaseDays: 5, firstPurchase: ago(179), kthPurchase: ago(5) }), AS_OF).stage).toBe('formation');
    expect(stageOf(customer({ ...g, purchaseDays: 5, firstPurchase: ago(180), kthPurchase: ago(5) }), AS_OF).stage).toBe('stability');
    // a year in, but 4 purchases: formation
    expect(stageOf(customer({ ...g, purchaseDays: 4, firstPurchase: ago(365) }), AS_OF).stage).toBe('formation');
  });

  it('a customer with refunds only is exploring, then ended (early abort)', () => {
    expect(stageOf(customer({ purchaseDays: 0, recencyDays: 15 }), AS_OF).stage).toBe('exploration');
    expect(stageOf(customer({ purchaseDays: 0, recencyDays: 120 }), AS_OF)).toMatchObject({ stage: 'ended', exitPattern: 'early abort' });
  });
});

describe('exit patterns: the stage at the last purchase', () => {
  it('mid-way failure: repeat buyer who never reached stability', () => {
    // 3 purchases, g = 30: ended after 180 days; silent 400
    const c = customer({ purchaseDays: 3, recencyDays: 400, typicalGapDays: 30 });
    expect(stageOf(c, AS_OF)).toMatchObject({ stage: 'ended', exitPattern: 'mid-way failure' });
  });

  it('mid-way failure too when the purchases came but not the time', () => {
    // 6 purchases in 100 days (5th 30 days after the first), then gone: stability would have begun
    // at first + 180, after the last purchase
    const c = customer({ purchaseDays: 6, recencyDays: 500, typicalGapDays: 20, firstPurchase: ago(600), kthPurchase: ago(570), lastPurchase: ago(500) });
    expect(stageOf(c, AS_OF).exitPattern).toBe('mid-way failure');
  });

  it('early exit: stable for under a year', () => {
    // first 2020-01-01, 5th purchase 2020-03-01, last 2020-09-01: stable from first + 180 =
    // 2020-06-29, held 64 days; silent from 2020-09-01 to 2024-01-01
    const c = {
      purchaseDays: 8,
      firstPurchase: '2020-01-01',
      kthPurchase: '2020-03-01',
      lastPurchase: '2020-09-01',
      recencyDays: 1217,
      typicalGapDays: 20,
      recentRevenue: 0,
      previousRevenue: 0,
    };
    const r = stageOf(c, AS_OF);
    expect(r).toMatchObject({ stage: 'ended', exitPattern: 'early exit' });
    expect(wordPhrase(r.reason, 'en')).toContain('after 64 days of stability');
  });

  it('long-term: stable for a year or more', () => {
    // first 2018-01-01, 5th 2018-02-01: stable from 2018-06-30; last 2020-01-01: held 550 days
    const c = {
      purchaseDays: 40,
      firstPurchase: '2018-01-01',
      kthPurchase: '2018-02-01',
      lastPurchase: '2020-01-01',
      recencyDays: 1461,
      typicalGapDays: 14,
      recentRevenue: 0,
      previousRevenue: 0,
    };
    const r = stageOf(c, AS_OF);
    expect(r).toMatchObject({ stage: 'ended', exitPattern: 'long-term' });
    expect(wordPhrase(r.reason, 'en')).toContain('after 550 days of stability');
  });
});

describe('lifecycle properties', () => {
  it('every customer gets exactly one known stage; only ended ones get an exit pattern', () => {
    const rand = rng(11);
    for (let i = 0; i < 5000; i++) {
      const purchaseDays = Math.floor(rand() * 30);
      const recencyDays = Math.floor(rand() * 1000);
      const first = recencyDays + Math.floor(rand() * 1500);
      const c = customer({
        purchaseDays,
        recencyDays,
        firstPurchase: purchaseDays > 0 ? ago(first) : null,
        kthPurchase: purchaseDays >= 5 ? ago(recencyDays + Math.floor(rand() * (first - recencyDays))) : null,
        typicalGapDays: rand() < 0.1 ? null : 1 + rand() * 200,
        recentRevenue: Math.floor(rand() * 1000) - 100,
        previousRevenue: Math.floor(rand() * 1000) - 100,
      });
      const r = stageOf(c, AS_OF);
      expect(STAGES).toContain(r.stage);
      if (r.stage === 'ended') expect(EXIT_PATTERNS).toContain(r.exitPattern);
      else expect(r.exitPattern).toBeNull();
      expect(wordPhrase(r.reason, 'en').length).toBeGreaterThan(10);
    }
  });
});
