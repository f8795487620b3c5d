/**
 * How a churn list turned out (issue 26): of the customers it called high, medium and low risk of
 * buying nothing in its horizon, how many did buy nothing; the share of those who left that it
 * had flagged; how well it ranked (ROC AUC); and the purchases it expected against those made.
 */
import { addDays } from './measures.js';
import { rocAuc } from './model/backtest.js';
import type { RiskLevel } from './model/churn.js';

export interface ListEntry {
  customer_id: string;
  risk: number;
  level: string;
  expected_purchases: number | null;
}

export interface LevelOutcome {
  /** Customers the list put at this level. */
  flagged: number;
  /** Of them, those who made no purchase in the horizon. */
  no_purchase: number;
}

export interface Scorecard {
  list_as_of: string;
  horizon_days: number;
  /** The last day of the horizon: the list is scored on purchases after list_as_of up to this day. */
  scored_to: string;
  method: string;
  /** No list was kept for list_as_of: this one was computed again as of that date. */
  recomputed: boolean;
  customers: number;
  levels: Record<RiskLevel, LevelOutcome>;
  /** Customers who bought nothing in the horizon. */
  left: number;
  /** Of those, the ones the list called medium or high risk (its watchlist). */
  left_flagged: number;
  auc: number | null;
  /** Purchase days the list expected in the horizon; null when it ranked without a model. */
  predicted_purchases: number | null;
  /** Purchase days its customers made in the horizon. */
  actual_purchases: number;
}

export interface ListFacts {
  asOf: string;
  horizonDays: number;
  method: string;
  recomputed: boolean;
}

/** Scores a list against each customer's purchase days in its horizon (customers absent bought nothing). */
export function scoreList(list: ListFacts, entries: readonly ListEntry[], purchaseDays: ReadonlyMap<string, number>): Scorecard {
  const levels: Record<RiskLevel, LevelOutcome> = {
    high: { flagged: 0, no_purchase: 0 },
    medium: { flagged: 0, no_purchase: 0 },
    low: { flagged: 0, no_purchase: 0 },
  };
  const risks: number[] = [];
  const gone: boolean[] = [];
  let left = 0;
  let leftFlagged = 0;
  let actual = 0;
  let predicted = 0;
  let everyExpectation = entries.length > 0;
  for (const e of entries) {
    const days = purchaseDays.get(e.customer_id) ?? 0;
    const none = days === 0;
    const level = (e.level === 'high' || e.level === 'medium' ? e.level : 'low') as RiskLevel;
    levels[level].flagged++;
    if (none) {
      levels[level].no_purchase++;
      left++;
      if (level !== 'low') leftFlagged++;
    }
    actual += days;
    if (e.expected_purchases === null) everyExpectation = false;
    else predicted += e.expected_purchases;
    risks.push(e.risk);
    gone.push(none);
  }
  const auc = rocAuc(risks, gone);
  return {
    list_as_of: list.asOf,
    horizon_days: list.horizonDays,
    scored_to: addDays(list.asOf, list.horizonDays),
    method: list.method,
    recomputed: list.recomputed,
    customers: entries.length,
    levels,
    left,
    left_flagged: leftFlagged,
    auc: auc === null ? null : Math.round(auc * 1000) / 1000,
    predicted_purchases: everyExpectation ? Math.round(predicted * 10) / 10 : null,
    actual_purchases: actual,
  };
}
