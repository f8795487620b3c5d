/**
 * Simulated shops for the churn tests, so the true story is known: purchase days of customers
 * under each purchase model (or nobody leaving), and the customers as they stood at a cutoff.
 */
import type { PurchaseModelName } from '../src/core/model/purchase.js';
import type { BacktestCustomer } from '../src/core/model/select.js';
import { gamma, rng } from '../bench/synth/generate.js';

export type Story = PurchaseModelName | 'nobody-leaves';

/**
 * Purchase days (whole days from the shop's opening) of `n` customers under a story, over `length`
 * days; first purchases through the first 60% of it, or with `cohortDays` all within those first days.
 */
export function shop(story: Story, n: number, seed: number, length: number, cohortDays?: number): number[][] {
  const u = rng(seed);
  const draw = (k: number): number => gamma(u, k);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const lambda = draw(0.8) / 15;
    const start = Math.floor(u() * (cohortDays ?? length * 0.6));
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
export function backtestRows(days: number[][], cutoff: number): BacktestCustomer[] {
  const rows: BacktestCustomer[] = [];
  for (const d of days) {
    const before = d.filter((x) => x <= cutoff);
    if (before.length === 0) continue;
    const first = before[0]!;
    const last = before[before.length - 1]!;
    rows.push({
      summary: { x: before.length - 1, tx: last - first, T: cutoff - first },
      recencyDays: cutoff - last,
      purchaseDays: before.length,
      actual: d.length - before.length,
    });
  }
  return rows;
}

/** Day `day` of a simulated shop opened on 2024-01-01, as an ISO date. */
export const shopDate = (day: number): string => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

/**
 * A simulated shop's customers as fitModels reads them on day `length` (shopDate(length)), each
 * purchase day worth 1,000 to 5,000 minor units.
 */
export function shopCustomers(story: Story, n: number, seed: number, length: number) {
  return customersAt(shop(story, n, seed, length), length);
}

/** The customers of purchase days (shop()) as they stood on day `cut`: those who had bought by then. */
export function customersAt(days: number[][], cut: number) {
  return days.flatMap((all, i) => {
    const d = all.filter((x) => x <= cut);
    if (d.length === 0) return [];
    const spend = d.map((x, k) => 1000 + ((i * 7 + x * 13 + k * 31) % 4000));
    return [
      {
        customerId: `C${i}`,
        firstPurchase: shopDate(d[0]!),
        lastPurchase: shopDate(d[d.length - 1]!),
        purchaseDays: d.length,
        recencyDays: cut - d[d.length - 1]!,
        typicalGapDays: null,
        ownGapDays: null,
        recentRevenue: 0,
        previousRevenue: 0,
        spendDays: d.length,
        spendTotal: spend.reduce((a, b) => a + b, 0),
      },
    ];
  });
}
