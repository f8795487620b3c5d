/**
 * Churn risk and lifetime value per customer: the fitted purchase and spend models where the
 * data suffice, rules otherwise, and reasons in plain words. Pure: no I/O.
 */
import type { CustomerMeasures } from '../measures.js';
import { dayIndex } from '../measures.js';
import { silenceLimit, type LifecycleSettings } from '../lifecycle.js';
import { expectedPurchases, fitPurchases, group, pAlive, pNoPurchase, type PurchaseFit, type PurchaseModelName, type Summary } from './bgnbd.js';
import { expectedSpend, fitSpend, type SpendFit, type SpendSummary } from './gammagamma.js';
import type { OpenComplaints } from '../complaints.js';

export type TimeUnit = 'day' | 'week';
export const TIME_UNITS: readonly TimeUnit[] = ['day', 'week'];
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

export type RiskLevel = 'low' | 'medium' | 'high';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];

export interface ModelSettings {
  model: PurchaseModelName;
  timeUnit: TimeUnit;
  /** Days ahead that churn risk and expected purchases look. */
  horizonDays: number;
  /** Risk at or above these is medium / high. */
  mediumRisk: number;
  highRisk: number;
  /** Lifetime value: days ahead, and the annual discount rate (0.1 = 10% a year). */
  clvHorizonDays: number;
  discountRate: number;
  /** Data sufficiency: below any of these the model is not fitted and rules decide. */
  minCustomers: number;
  minRepeatBuyers: number;
  minHistoryDays: number;
}

export const DEFAULT_MODEL: ModelSettings = {
  model: 'mbgnbd',
  timeUnit: 'week',
  horizonDays: 90,
  mediumRisk: 0.5,
  highRisk: 0.75,
  clvHorizonDays: 365,
  discountRate: 0.1,
  minCustomers: 200,
  minRepeatBuyers: 50,
  minHistoryDays: 180,
};

export interface Sufficiency {
  ok: boolean;
  customers: number;
  repeatBuyers: number;
  historyDays: number;
  /** What falls short, in words (empty when ok). */
  problems: string[];
}

export interface Fitted {
  asOf: string;
  timeUnit: TimeUnit;
  sufficiency: Sufficiency;
  /** Null when the data do not suffice or the fit failed. */
  purchase: PurchaseFit | null;
  spend: SpendFit | null;
  /** Customers left out of the spend fit: no purchase day with a positive net spend. */
  spendLeftOut: number;
  /** Why the model is not used, when it is not. */
  fallback: string | null;
  /** Why there are no lifetime values although the purchase model is used (the spend fit failed). */
  spendProblem?: string | null;
}

type Measured = Pick<
  CustomerMeasures,
  'customerId' | 'firstPurchase' | 'lastPurchase' | 'purchaseDays' | 'recencyDays' | 'typicalGapDays' | 'ownGapDays' | 'recentRevenue' | 'previousRevenue' | 'spendDays' | 'spendTotal'
>;

/** The model's summary of a customer in the time unit: x repeat purchases, t_x, T. */
export function summaryOf(c: Measured, asOf: string, unit: TimeUnit): Summary | null {
  if (c.firstPurchase === null || c.lastPurchase === null) return null;
  const first = dayIndex(c.firstPurchase);
  const k = UNIT_DAYS[unit];
  return { x: c.purchaseDays - 1, tx: (dayIndex(c.lastPurchase) - first) / k, T: (dayIndex(asOf) - first) / k };
}

export function sufficiency(customers: readonly Measured[], asOf: string, s: ModelSettings): Sufficiency {
  // A loop, not Math.min(...spread): a spread of a million arguments overflows the call stack.
  let buyers = 0;
  let repeat = 0;
  let earliest = Infinity;
  for (const c of customers) {
    if (c.firstPurchase === null) continue;
    buyers++;
    if (c.purchaseDays > 1) repeat++;
    earliest = Math.min(earliest, dayIndex(c.firstPurchase));
  }
  const historyDays = buyers === 0 ? 0 : dayIndex(asOf) - earliest;
  const problems: string[] = [];
  if (buyers < s.minCustomers) problems.push(`${buyers} customers with purchases (the model needs ${s.minCustomers})`);
  if (repeat < s.minRepeatBuyers) problems.push(`${repeat} repeat buyers (the model needs ${s.minRepeatBuyers})`);
  if (historyDays < s.minHistoryDays) problems.push(`${historyDays} days of history (the model needs ${s.minHistoryDays})`);
  return { ok: problems.length === 0, customers: buyers, repeatBuyers: repeat, historyDays, problems };
}

/** No model: every score comes from the lifecycle rules (for a quick look without fitting). */
export function rulesOnly(asOf: string, reason: string): Fitted {
  return { asOf, timeUnit: 'week', sufficiency: { ok: false, customers: 0, repeatBuyers: 0, historyDays: 0, problems: [] }, purchase: null, spend: null, spendLeftOut: 0, fallback: reason };
}

/** Fits the purchase and spend models when the data suffice; never a silent bogus fit. */
export function fitModels(customers: readonly Measured[], asOf: string, s: ModelSettings): Fitted {
  const suff = sufficiency(customers, asOf, s);
  const spendData: SpendSummary[] = [];
  let spendLeftOut = 0;
  for (const c of customers) {
    if (c.spendDays > 0) spendData.push({ x: c.spendDays, mean: c.spendTotal / c.spendDays });
    else spendLeftOut++;
  }
  if (!suff.ok) return { asOf, timeUnit: s.timeUnit, sufficiency: suff, purchase: null, spend: null, spendLeftOut, fallback: `not enough data: ${suff.problems.join('; ')}` };
  const summaries: Summary[] = [];
  for (const c of customers) {
    const sum = summaryOf(c, asOf, s.timeUnit);
    if (sum !== null) summaries.push(sum);
  }
  const purchase = fitPurchases(s.model, group(summaries));
  const spendFit = spendData.length > 0 ? fitSpend(spendData) : null;
  // A spend fit that did not converge (or gives no finite mean, q <= 1) is not used: no lifetime values.
  const spendOk = spendFit !== null && spendFit.converged && spendFit.params.q > 1 && [spendFit.params.p, spendFit.params.q, spendFit.params.v].every(Number.isFinite);
  const spend = spendOk ? spendFit : null;
  const p = purchase.params;
  let fallback: string | null = null;
  if (!purchase.converged || ![p.r, p.alpha, p.a, p.b].every((v) => Number.isFinite(v) && v > 0)) fallback = 'the purchase model did not converge';
  else if (Math.abs(p.a - 1) < 1e-6) fallback = 'the purchase model landed on a = 1, where expected purchases are undefined';
  const spendProblem = spendOk || spendFit === null ? null : 'the spend model did not converge to usable values (q must exceed 1): no lifetime values';
  return { asOf, timeUnit: s.timeUnit, sufficiency: suff, purchase: fallback === null ? purchase : null, spend, spendLeftOut, fallback, spendProblem };
}

export interface ChurnScore {
  customerId: string;
  method: 'model' | 'rules';
  pAlive: number | null;
  expectedPurchases: number | null;
  pNoPurchase: number | null;
  /** Expected net spend per purchase, minor units. */
  expectedSpend: number | null;
  /** Discounted expected spend over the lifetime-value horizon, minor units. */
  clv: number | null;
  churnRisk: number;
  riskLevel: RiskLevel;
  valueAtRisk: number | null;
  /** Worded when read (each read words them afresh), not stored: see Score. */
  readonly reasons: string[];
}

export function riskLevel(risk: number, s: ModelSettings): RiskLevel {
  return risk >= s.highRisk ? 'high' : risk >= s.mediumRisk ? 'medium' : 'low';
}

/**
 * Discounted lifetime value over the horizon, in monthly (30-day) steps: the expected purchases
 * in each step times the expected spend per purchase, discounted at the annual rate to the step's
 * end: CLV = Σ_k spend · (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + d)^(t_k / 365).
 */
export function lifetimeValue(expectedBy: (days: number) => number, spend: number, horizonDays: number, discountRate: number): number {
  let value = 0;
  let before = 0;
  for (let end = Math.min(30, horizonDays), start = 0; start < horizonDays; start = end, end = Math.min(end + 30, horizonDays)) {
    const upTo = expectedBy(end);
    value += (spend * (upTo - before)) / Math.pow(1 + discountRate, end / 365);
    before = upTo;
  }
  return value;
}

const days = (n: number): string => `${Math.round(n)} day${Math.round(n) === 1 ? '' : 's'}`;

/** Reasons in words: what in this customer's history points at leaving. */
export function reasonsFor(c: Measured, populationGap: number | null, windowDays: number, pAliveValue: number | null, expected: { purchases: number; days: number } | null = null): string[] {
  const out: string[] = [];
  const gap = c.typicalGapDays ?? populationGap;
  if (c.purchaseDays === 0) out.push(`no purchase, only refunds (the last ${days(c.recencyDays)} ago)`);
  else if (c.purchaseDays === 1) out.push(`one-time buyer, ${days(c.recencyDays)} ago`);
  else if (gap !== null && gap > 0 && c.recencyDays > gap) {
    const whose = c.ownGapDays === null ? "the shop's usual" : 'their usual';
    const g = Math.round(gap * 10) / 10;
    out.push(`no purchase for ${days(c.recencyDays)}, ${(c.recencyDays / gap).toFixed(1)}× ${whose} ${g}-day gap`);
  }
  if (c.previousRevenue > 0 && c.recentRevenue <= 0) out.push(`nothing spent in the last ${windowDays} days, after spending in the ${windowDays} before`);
  else if (c.previousRevenue > 0 && c.recentRevenue < c.previousRevenue) {
    const down = Math.round((1 - c.recentRevenue / c.previousRevenue) * 100);
    if (down >= 20) out.push(`spend down ${down}% on the previous ${windowDays} days`);
  }
  if (pAliveValue !== null && pAliveValue < 0.5) out.push(`the model puts the chance they are still a customer at ${Math.round(pAliveValue * 100)}%`);
  // Nothing alarming in the history: the risk comes from a slow rhythm.
  if (out.length === 0 && expected !== null) {
    out.push(`buys seldom${gap !== null ? `, about every ${days(gap)}` : ''}: ${expected.purchases.toFixed(1)} purchases expected in the next ${expected.days} days`);
  }
  return out;
}

/** What every customer's reasons are worded against. */
interface ReasonContext {
  populationGap: number | null;
  windowDays: number;
  horizonDays: number;
}

const said = (open: OpenComplaints): string => `${open.open} open complaint${open.open === 1 ? '' : 's'}, oldest ${days(open.oldestDays)}${open.overdue > 0 ? `, ${open.overdue} overdue` : ''}`;

/**
 * A customer's score. The reasons are worded when read, from the customer and the numbers kept
 * here: worded up front for a million customers they held about 400 MB of the heap (measured on
 * the 10-million-line benchmark history), though a list prints them one row at a time.
 * Open complaints raise the level: one step for any open complaint (low to medium, medium to
 * high), straight to high for an overdue one; and they come first among the reasons.
 */
class Score implements ChurnScore {
  readonly riskLevel: RiskLevel;
  constructor(
    private readonly c: Measured,
    private readonly why: ReasonContext,
    readonly method: 'model' | 'rules',
    readonly pAlive: number | null,
    readonly expectedPurchases: number | null,
    readonly pNoPurchase: number | null,
    readonly expectedSpend: number | null,
    readonly clv: number | null,
    readonly churnRisk: number,
    /** The level from the risk alone, before complaints. */
    private readonly ownLevel: RiskLevel,
    readonly valueAtRisk: number | null,
    private readonly open: OpenComplaints | undefined,
  ) {
    const complained = open !== undefined && open.open > 0;
    this.riskLevel = !complained ? ownLevel : open.overdue > 0 || ownLevel !== 'low' ? 'high' : 'medium';
  }

  get customerId(): string {
    return this.c.customerId;
  }

  get reasons(): string[] {
    const complained = this.open !== undefined && this.open.open > 0;
    if (this.ownLevel === 'low' && !complained) return [];
    const expected = this.expectedPurchases === null ? null : { purchases: this.expectedPurchases, days: this.why.horizonDays };
    const own = reasonsFor(this.c, this.why.populationGap, this.why.windowDays, this.pAlive, expected);
    return complained ? [said(this.open!), ...own] : own;
  }
}

/**
 * A customer's expected spend per purchase (null without a spend fit) and discounted lifetime
 * value (null without a purchase model, a spend fit or a finite spend), from the fitted models.
 */
function valueOf(c: Measured, sum: Summary, fitted: Fitted, s: ModelSettings): { perPurchase: number | null; clv: number | null } {
  const { purchase, spend } = fitted;
  const perPurchase = spend ? expectedSpend(spend.params, c.spendDays > 0 ? { x: c.spendDays, mean: c.spendTotal / c.spendDays } : null) : null;
  if (purchase === null || perPurchase === null || !Number.isFinite(perPurchase)) return { perPurchase, clv: null };
  const k = UNIT_DAYS[fitted.timeUnit];
  return { perPurchase, clv: lifetimeValue((d) => expectedPurchases(purchase.model, purchase.params, sum, d / k), perPurchase, s.clvHorizonDays, s.discountRate) };
}

/**
 * Every customer's lifetime value (minor units, 0 without one) by id, for ranking the pyramid:
 * the scores' CLV without keeping a score per customer.
 */
export function lifetimeValues(customers: readonly Measured[], fitted: Fitted, s: ModelSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of customers) {
    const sum = summaryOf(c, fitted.asOf, fitted.timeUnit);
    out.set(c.customerId, sum === null ? 0 : (valueOf(c, sum, fitted, s).clv ?? 0));
  }
  return out;
}

/**
 * Scores every customer. With a fitted model: churn risk is the probability of no purchase in
 * the horizon. Without one (too little data): the share of the way to the lifecycle's "ended"
 * silence, s / max(ended_gaps × g, ended_min_days), capped at 1; no lifetime value.
 */
export function scoreChurn(
  customers: readonly Measured[],
  fitted: Fitted,
  s: ModelSettings,
  lifecycle: LifecycleSettings,
  populationGap: number | null,
  complaints: ReadonlyMap<string, OpenComplaints> = new Map(),
): ChurnScore[] {
  const { purchase, spend } = fitted;
  const k = UNIT_DAYS[fitted.timeUnit];
  const populationSpend = spend ? expectedSpend(spend.params, null) : null;
  const why: ReasonContext = { populationGap, windowDays: lifecycle.windowDays, horizonDays: s.horizonDays };
  return customers.map((c) => {
    const sum = summaryOf(c, fitted.asOf, fitted.timeUnit);
    const open = complaints.get(c.customerId);
    if (purchase === null || sum === null) {
      const limit = silenceLimit(c.typicalGapDays ?? populationGap, lifecycle.endedGaps, lifecycle.endedMinDays);
      const risk = Math.min(1, c.recencyDays / Math.max(1, limit));
      return new Score(c, why, 'rules', null, null, null, null, null, risk, riskLevel(risk, s), null, open);
    }
    const model = purchase.model;
    const params = purchase.params;
    const alive = pAlive(model, params, sum);
    const h = s.horizonDays / k;
    const expected = expectedPurchases(model, params, sum, h);
    const none = pNoPurchase(model, params, sum, h);
    const { perPurchase, clv } = valueOf(c, sum, fitted, s);
    return new Score(c, why, 'model', alive, expected, none, perPurchase ?? populationSpend, clv, none, riskLevel(none, s), clv === null ? null : none * clv, open);
  });
}
