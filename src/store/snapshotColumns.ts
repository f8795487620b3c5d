/**
 * A snapshot's columns, as both back ends store them: each column beside the CustomerAnalysis
 * field it holds, the row read back into an analysis, and the column each filter field tests.
 */
import type { CustomerAnalysis } from '../core/analysis.js';
import type { SnapshotFilter } from './types.js';

/** Snapshot column <-> CustomerAnalysis field, in table order. */
export const SNAPSHOT_COLUMNS: [string, keyof CustomerAnalysis][] = [
  ['customer_id', 'customerId'],
  ['first_purchase', 'firstPurchase'],
  ['last_purchase', 'lastPurchase'],
  ['last_activity', 'lastActivity'],
  ['recency_days', 'recencyDays'],
  ['frequency', 'purchaseDays'],
  ['orders', 'orders'],
  ['monetary', 'netRevenue'],
  ['gross_revenue', 'grossRevenue'],
  ['refunds', 'refunds'],
  ['refund_share', 'refundShare'],
  ['avg_order_value', 'avgOrderValue'],
  ['own_gap_days', 'ownGapDays'],
  ['typical_gap_days', 'typicalGapDays'],
  ['recent_revenue', 'recentRevenue'],
  ['previous_revenue', 'previousRevenue'],
  ['value', 'value'],
  ['value_revenue', 'valueRevenue'],
  ['tenure_days', 'tenureDays'],
  ['kth_purchase', 'kthPurchase'],
  ['spend_days', 'spendDays'],
  ['spend_total', 'spendTotal'],
  ['r_score', 'rScore'],
  ['f_score', 'fScore'],
  ['m_score', 'mScore'],
  ['rfm_segment', 'segment'],
  ['segment_rule', 'segmentRule'],
  ['tier', 'tier'],
  ['stage', 'stage'],
  ['exit_pattern', 'exitPattern'],
  ['stage_reason', 'stageReason'],
];

/**
 * A snapshot row (SNAPSHOT_COLUMNS order) as an object literal of fixed shape: objects built key by key
 * in a loop cost 0.3 s and much garbage more over 95,000 customers.
 */
export function fromRow(r: unknown[], i: (v: unknown) => unknown): CustomerAnalysis {
  return {
    customerId: r[0],
    firstPurchase: i(r[1]),
    lastPurchase: i(r[2]),
    lastActivity: i(r[3]),
    recencyDays: r[4],
    purchaseDays: r[5],
    orders: r[6],
    netRevenue: r[7],
    grossRevenue: r[8],
    refunds: r[9],
    refundShare: r[10],
    avgOrderValue: r[11],
    ownGapDays: r[12],
    typicalGapDays: r[13],
    recentRevenue: r[14],
    previousRevenue: r[15],
    value: r[16],
    valueRevenue: r[17],
    tenureDays: r[18],
    kthPurchase: i(r[19]),
    spendDays: r[20],
    spendTotal: r[21],
    rScore: r[22],
    fScore: r[23],
    mScore: r[24],
    segment: i(r[25]),
    segmentRule: r[26],
    tier: i(r[27]),
    stage: i(r[28]),
    exitPattern: i(r[29]),
    stageReason: r[30],
  } as CustomerAnalysis;
}

/** Each filter field's column. */
export const FILTER_COLUMNS: [keyof SnapshotFilter, string][] = [
  ['tier', 'tier'],
  ['stage', 'stage'],
  ['exitPattern', 'exit_pattern'],
  ['segment', 'rfm_segment'],
  ['customerId', 'customer_id'],
];
