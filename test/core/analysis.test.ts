import { describe, expect, it } from 'vitest';
import { analyse, summarise } from '../../src/core/analysis.js';
import { STAGES } from '../../src/core/lifecycle.js';
import { MeasureBuilder, type CustomerDay } from '../../src/core/measures.js';
import { resolveSettings } from '../../src/core/settings.js';
import { TIERS } from '../../src/core/tiers.js';
import { rng } from '../../bench/synth/generate.js';
import { wordPhrase, type Phrase } from '../../src/i18n/phrase.js';

const english = (p: Phrase): string => wordPhrase(p, 'en');

const AS_OF = '2025-12-31';

/** A random shop: each customer a few days of sales and refunds over three years. */
function shop(seed: number, customers: number) {
  const rand = rng(seed);
  const b = new MeasureBuilder(AS_OF, { window: 90, valueWindow: 365, minOwnGaps: 2, kth: 5 });
  for (let i = 0; i < customers; i++) {
    const id = `C${String(i).padStart(5, '0')}`;
    const n = 1 + Math.floor(rand() ** 2 * 30);
    const days = new Set<number>();
    for (let k = 0; k < n; k++) days.add(Math.floor(rand() * 1095));
    for (const d of [...days].sort((x, y) => x - y)) {
      const date = new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      const net = rand() < 0.05 ? -Math.floor(rand() * 5000) : Math.floor(rand() * 20000);
      const day: CustomerDay = {
        customerId: id,
        date,
        net,
        gross: Math.max(0, net),
        refunds: Math.max(0, -net),
        invoices: net > 0 ? 1 : 0,
        purchased: net > 0,
      };
      b.add(day);
    }
  }
  return b.finish();
}

describe('analyse (properties over random shops)', () => {
  for (const [seed, n, bins] of [
    [1, 1, 5],
    [2, 7, 4],
    [3, 500, 5],
    [4, 2000, 10],
  ] as const) {
    it(`${n} customers, ${bins} bins: one tier and one stage each, scores in range, tier sizes follow the cuts`, () => {
      const settings = resolveSettings({ 'rfm.bins': String(bins) }, 2);
      const a = analyse(shop(seed, n), AS_OF, settings, english);
      expect(a.customers).toHaveLength(n);
      for (const c of a.customers) {
        expect(TIERS).toContain(c.tier);
        expect(STAGES).toContain(c.stage);
        for (const s of [c.rScore, c.fScore, c.mScore]) expect(s >= 1 && s <= bins).toBe(true);
        expect(c.segment.length).toBeGreaterThan(0);
      }
      // Rank cuts: platinum is the top round(5% of n), give or take ties at the boundary, and
      // never a customer without positive value.
      const platinum = a.customers.filter((c) => c.tier === 'platinum');
      const floor = Math.min(...platinum.map((c) => c.value));
      expect(platinum.length - platinum.filter((c) => c.value === floor).length).toBeLessThan(Math.max(1, Math.round(n * 0.05)));
      for (const c of a.customers) if (c.value <= 0) expect(c.tier).toBe('lead');
      const summary = summarise(
        a.customers,
        settings.segments.map((s) => s.name),
      );
      for (const group of ['stage', 'tier', 'segment'] as const) {
        expect(summary.filter((g) => g.group === group).reduce((s, g) => s + g.customers, 0)).toBe(n);
      }
      const ended = a.customers.filter((c) => c.stage === 'ended').length;
      expect(summary.filter((g) => g.group === 'exit_pattern').reduce((s, g) => s + g.customers, 0)).toBe(ended);
    });
  }

  it('higher value never sits in a lower tier (monotone)', () => {
    const a = analyse(shop(9, 1000), AS_OF, resolveSettings({}, 2), english);
    const rank = (t: string): number => TIERS.indexOf(t as (typeof TIERS)[number]);
    const sorted = [...a.customers].sort((x, y) => y.value - x.value);
    for (let i = 1; i < sorted.length; i++) expect(rank(sorted[i]!.tier)).toBeGreaterThanOrEqual(rank(sorted[i - 1]!.tier));
  });

  it('an empty shop is an empty analysis', () => {
    const a = analyse({ customers: [], populationGapDays: null }, AS_OF, resolveSettings({}, 2), english);
    expect(a.customers).toEqual([]);
    expect(summarise([], []).every((g) => g.customers === 0)).toBe(true);
  });
});

describe('snapshots', () => {
  it('load back exactly what was saved', async () => {
    const { openDatabase } = await import('../../src/store/sqlite/db.js');
    const { saveSnapshot, loadSnapshot } = await import('../../src/store/sqlite/snapshots.js');
    const db = openDatabase(':memory:', { create: true });
    try {
      const a = analyse(shop(21, 300), AS_OF, resolveSettings({}, 2), english);
      const id = saveSnapshot(db, a, {});
      const back = loadSnapshot(db, id);
      const byId = (x: { customerId: string }, y: { customerId: string }) => (x.customerId < y.customerId ? -1 : 1);
      expect(back.customers).toEqual([...a.customers].sort(byId));
      expect({ ...back, customers: [] }).toEqual({ ...a, customers: [] });
    } finally {
      db.close();
    }
  });
});
