/**
 * The model's purchases week by week after a cutoff, for the check lifetimes draws as
 * "calibration vs holdout" (Fader, Hardie & Lee 2005, "Counting your customers the easy way",
 * section 5: conditional expectations summed over the customers, set against what they did).
 * Pure: summaries at the cutoff in, expected purchases per week out.
 */
import type { PurchaseModelName, PurchaseParams, Summary } from './purchase.js';
import { expectedPurchases } from './registry.js';
import { UNIT_DAYS, type TimeUnit } from './churn.js';

/**
 * Expected purchases in each of `weeks` weeks after the cutoff: week w holds E[X(w)] − E[X(w−1)]
 * summed over the customers, E[X(t)] being each one's expected purchases in the next t (the
 * conditional expectation given x, t_x and T at the cutoff), with t in the model's time unit.
 */
export function expectedByWeek(model: PurchaseModelName, params: PurchaseParams, customers: readonly Summary[], unit: TimeUnit, weeks: number): number[] {
  const perWeek = 7 / UNIT_DAYS[unit];
  const out: number[] = [];
  let before = 0;
  for (let w = 1; w <= weeks; w++) {
    let upTo = 0;
    for (const s of customers) upTo += expectedPurchases(model, params, s, w * perWeek);
    out.push(upTo - before);
    before = upTo;
  }
  return out;
}
