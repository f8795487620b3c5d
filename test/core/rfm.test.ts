import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTS, byQuantile, scoreRfm, segmentOf, toFive, coverage, type RfmInput } from '../../src/core/rfm.js';
import { rng } from '../../bench/synth/generate.js';
import { thrown } from '../thrown.js';

describe('quantile scores (mid-rank percentile)', () => {
  it('spreads distinct values over the scores', () => {
    // p = 0.1, 0.3, 0.5, 0.7, 0.9 -> 1 + floor(5p) = 1, 2, 3, 4, 5
    expect(byQuantile([50, 10, 30, 20, 40], 5)).toEqual([5, 1, 3, 2, 4]);
  });

  it('gives equal values one score', () => {
    // three 1s: p = (0 + 1.5) / 4 = 0.375 -> 2; the 2: p = (3 + 0.5) / 4 = 0.875 -> 4
    expect(byQuantile([1, 1, 2, 1], 4)).toEqual([2, 2, 4, 2]);
  });

  it('puts one customer, or all-equal customers, in the middle', () => {
    expect(byQuantile([7], 5)).toEqual([3]);
    expect(byQuantile([5, 5, 5], 5)).toEqual([3, 3, 3]);
    expect(byQuantile([5, 5], 4)).toEqual([3, 3]);
  });
});

describe('scoreRfm', () => {
  const customers: RfmInput[] = [
    { id: 'a', recencyDays: 0, frequency: 10, monetary: 500_00 },
    { id: 'b', recencyDays: 10, frequency: 2, monetary: 80_00 },
    { id: 'c', recencyDays: 100, frequency: 1, monetary: -5_00 },
  ];

  it('scores recent customers high', () => {
    // recency on -days: -100 p=1/6 -> 1; -10 p=1/2 -> 3; 0 p=5/6 -> 5
    const { scores } = scoreRfm(customers, { bins: 5 });
    expect(scores).toEqual([
      { id: 'a', r: 5, f: 5, m: 5 },
      { id: 'b', r: 3, f: 3, m: 3 },
      { id: 'c', r: 1, f: 1, m: 1 },
    ]);
  });

  it('uses explicit thresholds when given, and reports the cuts', () => {
    const { scores, cuts } = scoreRfm(customers, { bins: 5, thresholds: { r: [30, 60, 90, 180], f: [2, 3, 5, 10] } });
    // r: 0 and 10 days <= 30 -> 5; 100 days > 30, 60, 90 -> 2.  f: 10 >= all four -> 5; 2 >= 2 -> 2; 1 -> 1
    expect(scores.map((s) => [s.r, s.f])).toEqual([
      [5, 5],
      [5, 2],
      [2, 1],
    ]);
    expect(cuts[0]).toMatchObject({ dimension: 'r', method: 'thresholds' });
    expect(cuts[0]!.ranges[4]).toEqual([0, 10]);
    expect(thrown(() => scoreRfm(customers, { bins: 5, thresholds: { m: [1, 2] } }))).toMatch(/need 4 thresholds/);
    expect(thrown(() => scoreRfm(customers, { bins: 5, thresholds: { m: [1, 3, 2, 4] } }))).toMatch(/ascending/);
  });

  it('keeps every score in range for any data (property)', () => {
    const u = rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(u() * 60);
      const data = Array.from({ length: n }, (_, i) => ({
        id: String(i),
        recencyDays: Math.floor(u() * 5) * 30,
        frequency: 1 + Math.floor(u() * 4),
        monetary: Math.floor((u() - 0.1) * 1000),
      }));
      for (const bins of [4, 5, 10] as const) {
        const { scores } = scoreRfm(data, { bins });
        for (const s of scores) for (const v of [s.r, s.f, s.m]) expect(v >= 1 && v <= bins).toBe(true);
        // every customer gets exactly one named segment
        for (const s of scores) expect(segmentOf(s, bins).segment).not.toBe('');
      }
    }
  });
});

describe('segments', () => {
  it('the default table names every (r, f, m) cell', () => {
    expect(coverage(DEFAULT_SEGMENTS, 5)).toEqual({ uncovered: [], unreachable: [] });
  });

  it('with 4 bins no score maps to 3, so rules that need a 3 can never match', () => {
    // 4 bins map onto 1, 2, 4, 5: Loyal (r3), Need Attention (r3 f3) and About to Sleep (r3) need r = 3
    expect(coverage(DEFAULT_SEGMENTS, 4)).toEqual({ uncovered: [], unreachable: ['Loyal', 'Need Attention', 'About to Sleep'] });
  });

  it('a rule shadowed by an earlier one is unreachable', () => {
    const rules = [{ name: 'A' }, { name: 'B', r: [5, 5] as [number, number] }];
    expect(coverage(rules, 5).unreachable).toEqual(['B']);
  });

  it('first match wins, and the rule that matched is reported', () => {
    expect(segmentOf({ r: 5, f: 5, m: 1 }, 5)).toMatchObject({ segment: 'Champions', rule: 0 });
    expect(segmentOf({ r: 3, f: 3, m: 3 }, 5).segment).toBe('Need Attention');
    expect(segmentOf({ r: 5, f: 1, m: 1 }, 5).segment).toBe('New');
    expect(segmentOf({ r: 1, f: 5, m: 5 }, 5).segment).toBe("Can't Lose Them");
    expect(segmentOf({ r: 1, f: 1, m: 1 }, 5).segment).toBe('Lost');
  });

  it('an edited table with gaps falls to the catch-all, and says which cells', () => {
    const rules = [{ name: 'Best', r: [5, 5] as [number, number] }];
    expect(segmentOf({ r: 1, f: 1, m: 1 }, 5, rules)).toMatchObject({ segment: 'Other', rule: -1 });
    expect(coverage(rules, 5).uncovered).toHaveLength(4 * 25);
  });

  it('stretches 4 and 10 bins onto the 1..5 scale, ends to ends', () => {
    expect([1, 2, 3, 4].map((s) => toFive(s, 4))).toEqual([1, 2, 4, 5]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => toFive(s, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
});
