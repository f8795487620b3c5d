/**
 * The customer record that `rapport customers` and `rapport customer` print: stable,
 * documented column names (README "Customer columns"). Money columns are integer minor units.
 */
import type { CustomerAnalysis } from '../core/analysis.js';
import type { CustomerRecord } from '../store/customers.js';

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
] as const;

export type CustomerRow = Record<(typeof CUSTOMER_COLUMNS)[number], string | number | null>;

const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);

export function customerRow(c: CustomerAnalysis, record: Pick<CustomerRecord, 'name' | 'type'> | undefined | null): CustomerRow {
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
  };
}
