/**
 * The customer record that `rapport customers` and `rapport customer` print: stable,
 * documented column names (docs/segments.md, "Customer columns"). Money columns are integer minor units.
 */
import type { CustomerAnalysis } from '../core/analysis.js';
import type { ChurnScore } from '../core/model/churn.js';
import { englishReasons } from './words.js';
import type { CustomerRecord } from '../store/types.js';

export const CUSTOMER_COLUMNS = [
  'customer_id',
  'name',
  'type',
  'first_purchase',
  'last_purchase',
  'recency_days',
  'frequency',
  'orders',
  'monetary',
  'avg_order_value',
  'refund_share',
  'typical_gap_days',
  'recent_revenue',
  'previous_revenue',
  'value',
  'tenure_days',
  'r_score',
  'f_score',
  'm_score',
  'rfm_segment',
  'tier',
  'stage',
  'exit_pattern',
  'stage_reason',
  'p_alive',
  'expected_purchases',
  'p_no_purchase',
  'next_purchase_date',
  'expected_purchases_365d',
  'expected_spend',
  'churn_risk',
  'risk_level',
  'clv',
  'value_at_risk',
  'reasons',
] as const;

export type CustomerRow = Record<(typeof CUSTOMER_COLUMNS)[number], string | number | null>;

const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** Value at risk: churn risk × lifetime value, or × net revenue over the window without a model. */
export function valueAtRisk(c: CustomerAnalysis, s: ChurnScore): number {
  return Math.round(s.churnRisk * (s.clv ?? Math.max(0, c.valueRevenue)));
}

/**
 * Value that can still be kept over the horizon: the churn risk times what the customer would
 * spend in it at their own pace (net revenue per purchase day × purchase days per day since the
 * first, over at least one horizon), or, when their spend is falling, the fall carried over the
 * horizon ((previous − recent window's revenue) × horizon / window), whichever is larger: a large
 * account whose spend halved is worth a call before it stops. Minor units.
 */
export function keepValue(c: CustomerAnalysis, s: ChurnScore, horizonDays: number, windowDays: number): number {
  if (c.purchaseDays === 0) return 0;
  const perDay = Math.max(0, c.netRevenue) / c.purchaseDays;
  const pace = (c.purchaseDays / Math.max(c.tenureDays ?? 0, horizonDays)) * horizonDays;
  const own = perDay * pace;
  const fall =
    c.previousRevenue > c.recentRevenue && c.recentRevenue <= 0.8 * c.previousRevenue
      ? ((c.previousRevenue - Math.max(0, c.recentRevenue)) * horizonDays) / Math.max(1, windowDays)
      : 0;
  // The fall is part of what they would spend at their own pace, never more: a first burst of
  // buying in the window before (a cohort's first weeks), carried over a long horizon, came to
  // more than they had ever spent (CD sample, 273 days: 1,312.22 to keep on 942.84 spent).
  return Math.round(Math.max(s.churnRisk * own, Math.min(fall, own)));
}

/** Already gone: the lifecycle calls them ended (silent far past their own rhythm); they belong on a win-back list, not the call list. */
export function isGone(c: Pick<CustomerAnalysis, 'stage'>): boolean {
  return c.stage === 'ended';
}

/** `words` false leaves the reasons out (null): wording them is the costly part of a row. */
export function customerRow(
  c: CustomerAnalysis,
  record: Pick<CustomerRecord, 'name' | 'type'> | undefined | null,
  s: ChurnScore | null = null,
  words = true,
): CustomerRow {
  return {
    customer_id: c.customerId,
    name: record?.name ?? null,
    type: record?.type ?? null,
    first_purchase: c.firstPurchase,
    last_purchase: c.lastPurchase,
    recency_days: c.recencyDays,
    frequency: c.purchaseDays,
    orders: c.orders,
    monetary: c.netRevenue,
    avg_order_value: c.avgOrderValue === null ? null : Math.round(c.avgOrderValue),
    refund_share: Math.round(c.refundShare * 10_000) / 10_000,
    typical_gap_days: round2(c.typicalGapDays),
    recent_revenue: c.recentRevenue,
    previous_revenue: c.previousRevenue,
    value: c.value,
    tenure_days: c.tenureDays,
    r_score: c.rScore,
    f_score: c.fScore,
    m_score: c.mScore,
    rfm_segment: c.segment,
    tier: c.tier,
    stage: c.stage,
    exit_pattern: c.exitPattern,
    stage_reason: c.stageReason,
    p_alive: r3(s?.pAlive ?? null),
    expected_purchases: r3(s?.expectedPurchases ?? null),
    p_no_purchase: r3(s?.pNoPurchase ?? null),
    next_purchase_date: s?.nextPurchaseDate ?? null,
    expected_purchases_365d: r3(s?.expectedPurchases365d ?? null),
    expected_spend: s?.expectedSpend == null || s.pAlive === null ? null : Math.round(s.expectedSpend),
    churn_risk: r3(s?.churnRisk ?? null),
    risk_level: s?.riskLevel ?? null,
    clv: s?.clv == null ? null : Math.round(s.clv),
    value_at_risk: s === null ? null : valueAtRisk(c, s),
    reasons: s === null || !words ? null : englishReasons(s).join('; '),
  };
}
