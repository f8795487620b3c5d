/**
 * The value pyramid (../shared/domain.md section 4): platinum, gold, iron, lead by customer value
 * (net revenue over a window, or predicted lifetime value once a model is fitted). Pure: no I/O.
 *
 * Cuts by rank (default): with customers sorted by value, most valuable first, the tier
 * boundaries fall at round(n × cumulative percent): top 5% platinum, next 15% gold, next 30%
 * iron, the rest lead. Cuts by share: platinum are the most valuable customers up to the first
 * `cuts[0]`% of total value, gold up to `cuts[1]`%, iron up to `cuts[2]`%.
 * Either way, customers of equal value share the tier of the first of them (ties go up), and a
 * customer whose value is zero or negative is lead: they cost more than they bring.
 */
import { CoreError, phrase } from './words.js';

export type Tier = 'platinum' | 'gold' | 'iron' | 'lead';
export const TIERS: readonly Tier[] = ['platinum', 'gold', 'iron', 'lead'];

export interface TierSettings {
  method: 'rank' | 'share';
  /** Three percentages: sizes of platinum, gold and iron (rank), or cumulative value shares (share). */
  cuts: [number, number, number];
}

export const DEFAULT_TIERS: TierSettings = { method: 'rank', cuts: [5, 15, 30] };

export interface Valued {
  id: string;
  value: number;
}

export function assignTiers(customers: readonly Valued[], settings: TierSettings = DEFAULT_TIERS): Map<string, Tier> {
  const [a, b, c] = settings.cuts;
  if (![a, b, c].every((x) => Number.isFinite(x) && x >= 0 && x <= 100)) throw new CoreError(phrase('core.tiers.not-percentages'));
  if (settings.method === 'share' && !(a <= b && b <= c)) throw new CoreError(phrase('core.tiers.share-ascending'));
  if (settings.method === 'rank' && a + b + c > 100) throw new CoreError(phrase('core.tiers.rank-over-100'));
  const order = [...customers].sort((x, y) => y.value - x.value);
  const n = order.length;
  const total = order.reduce((s, x) => s + Math.max(0, x.value), 0);
  const out = new Map<string, Tier>();
  let cumulative = 0;
  let lastValue = NaN;
  let lastTier: Tier = 'lead';
  order.forEach((x, i) => {
    let tier: Tier;
    if (x.value === lastValue) tier = lastTier;
    else if (x.value <= 0) tier = 'lead';
    else if (settings.method === 'rank') {
      const bounds = [Math.round((n * a) / 100), Math.round((n * (a + b)) / 100), Math.round((n * (a + b + c)) / 100)];
      tier = i < bounds[0]! ? 'platinum' : i < bounds[1]! ? 'gold' : i < bounds[2]! ? 'iron' : 'lead';
    } else {
      // The share of total value held by the customers before this one.
      const before = total > 0 ? (cumulative / total) * 100 : 100;
      tier = before < a ? 'platinum' : before < b ? 'gold' : before < c ? 'iron' : 'lead';
    }
    cumulative += Math.max(0, x.value);
    out.set(x.id, tier);
    lastValue = x.value;
    lastTier = tier;
  });
  return out;
}
