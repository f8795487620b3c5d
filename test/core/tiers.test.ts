import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/core/analysis.js';
import { assignTiers, TIERS, type Valued } from '../../src/core/tiers.js';
import { rng } from '../../bench/synth/generate.js';
import { thrown } from '../thrown.js';

const values = (xs: number[]): Valued[] => xs.map((value, i) => ({ id: `c${i}`, value }));

describe('the value pyramid by rank', () => {
  it('cuts 5% / 15% / 30% / the rest', () => {
    // 20 customers, values 20..1: boundaries round(1) = 1, round(4) = 4, round(10) = 10
    const cs = values(Array.from({ length: 20 }, (_, i) => 20 - i));
    const t = assignTiers(cs);
    const count = (tier: string) => cs.filter((c) => t.get(c.id) === tier).length;
    expect([count('platinum'), count('gold'), count('iron'), count('lead')]).toEqual([1, 3, 6, 10]);
    expect(t.get('c0')).toBe('platinum');
    expect(t.get('c4')).toBe('iron');
  });

  it('gives ties the tier of the first of them, and zero or negative value lead', () => {
    const cs = values([100, 100, ...Array.from({ length: 18 }, (_, i) => 50 - i)]);
    const t = assignTiers(cs);
    expect([t.get('c0'), t.get('c1')]).toEqual(['platinum', 'platinum']);
    const poor = assignTiers(values([0, -5]));
    expect([...poor.values()]).toEqual(['lead', 'lead']);
  });

  it('refuses cuts that are not percentages', () => {
    expect(thrown(() => assignTiers(values([1]), { method: 'rank', cuts: [50, 40, 20] }))).toMatch(/100%/);
    expect(thrown(() => assignTiers(values([1]), { method: 'share', cuts: [80, 50, 95] }))).toMatch(/ascend/);
  });

  it('gives every customer exactly one tier, and the tier sizes follow the cuts (property)', () => {
    const u = rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(u() * 300);
      const cs = values(Array.from({ length: n }, () => Math.floor(u() * 1e9) + 1)); // distinct with near certainty
      const t = assignTiers(cs);
      expect(t.size).toBe(n);
      const platinum = cs.filter((c) => t.get(c.id) === 'platinum').length;
      const gold = cs.filter((c) => t.get(c.id) === 'gold').length;
      expect(platinum).toBe(Math.round(n * 0.05));
      expect(platinum + gold).toBe(Math.round(n * 0.2));
    }
  });
});

describe('the value pyramid by share of value', () => {
  it('puts the customers holding the first 50% in platinum, up to 80% gold, up to 95% iron', () => {
    // total 100: the 50 starts at 0% (platinum); the 30 at 50% (gold); each 10 at 80% and 90%... ties share
    const cs = values([50, 30, 10, 10]);
    const t = assignTiers(cs, { method: 'share', cuts: [50, 80, 95] });
    expect(cs.map((c) => t.get(c.id))).toEqual(['platinum', 'gold', 'iron', 'iron']);
  });
});

describe('the tier summary', () => {
  it('counts customers, value, share and average per tier', () => {
    const cs = values([50, 30, 10, 10, -10]);
    const t = assignTiers(cs, { method: 'share', cuts: [50, 80, 95] });
    const rows = cs.map((c) => ({ valueRevenue: c.value, tier: t.get(c.id)!, stage: 'formation' as const, exitPattern: null, segment: 'X' }));
    const s = summarise(rows, ['X']).filter((x) => x.group === 'tier');
    expect(s.map((x) => x.name)).toEqual([...TIERS]);
    expect(s[0]).toMatchObject({ customers: 1, revenue: 50, revenueShare: 0.5, average: 50, customerShare: 0.2 });
    expect(s[2]).toMatchObject({ customers: 2, revenue: 20, revenueShare: 0.2, average: 10 });
    expect(s[3]).toMatchObject({ customers: 1, revenue: -10, revenueShare: 0, average: -10 });
  });
});
