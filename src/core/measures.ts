/**
 * Per-customer measures as of a date, built in one streaming pass over a customer's days
 * (transactions grouped by customer and date, in date order). Pure: no I/O.
 *
 * Definitions (days are calendar days; amounts are minor units):
 * - a purchase day is a day with at least one line of zero or positive amount (a zero-amount line
 *   is a sale of something free, not a refund; lines on one day are one
 *   purchase); refunds are negative lines and subtract from net revenue;
 * - first / last purchase: the first and last purchase day up to the as-of date;
 * - orders: distinct invoice numbers on purchase days (a day without invoice numbers counts one);
 * - average order value: net revenue / orders;
 * - typical gap: the median of the customer's own gaps between purchase days when they have at
 *   least MIN_OWN_GAPS gaps, else the population's median gap (all customers' gaps pooled);
 * - recent and previous revenue: net revenue in the `window` days up to the as-of date, and in
 *   the `window` days before those; value revenue: net revenue in the `valueWindow` days up to
 *   the as-of date (0 = all history), what the value pyramid ranks by;
 * - refund share: refunds / gross revenue; 1 for a customer with refunds and no sales (all they
 *   did was return), 0 for one with neither;
 * - tenure: days from the first purchase to the as-of date; recency: days from the last purchase
 *   (for a customer with refunds only, from their last transaction: they still need an age);
 * - kth purchase: the date of the `kth`-th purchase day (when the lifecycle's stability needs k);
 * - spend days and spend total: purchase days whose net is positive, and their net summed (a day
 *   refunded in full is not a spend observation), for the spend model.
 */

/** One customer's transactions on one day, summed. */
export interface CustomerDay {
  customerId: string;
  date: string;
  net: number;
  gross: number;
  refunds: number;
  /** Distinct invoice numbers among the day's positive lines (0 when the lines have none). */
  invoices: number;
  /** The day has at least one line of zero or positive amount (a sale, if of nothing). */
  purchased: boolean;
}

export interface CustomerMeasures {
  customerId: string;
  firstPurchase: string | null;
  lastPurchase: string | null;
  purchaseDays: number;
  orders: number;
  netRevenue: number;
  grossRevenue: number;
  refunds: number;
  refundShare: number;
  avgOrderValue: number | null;
  /** The customer's own median gap in days, or null when they have too few purchases. */
  ownGapDays: number | null;
  /** ownGapDays, or the population's median gap. */
  typicalGapDays: number | null;
  recentRevenue: number;
  previousRevenue: number;
  valueRevenue: number;
  tenureDays: number | null;
  recencyDays: number;
  lastActivity: string;
  /** The date of the kth purchase day, or null with fewer purchases. */
  kthPurchase: string | null;
  /** Purchase days whose net spend is positive, and that spend summed (the spend model's data). */
  spendDays: number;
  spendTotal: number;
}

export interface MeasureOptions {
  /** Days in the recent window (and in the one before it). */
  window: number;
  /** Days of net revenue that make a customer's value; 0 = all history. */
  valueWindow: number;
  /** Gaps a customer needs before their own median gap counts (else the population's). */
  minOwnGaps: number;
  /** Which purchase's date to keep as kthPurchase. */
  kth: number;
}

export const DEFAULT_MEASURE_OPTIONS: MeasureOptions = { window: 90, valueWindow: 365, minOwnGaps: 2, kth: 5 };

/**
 * Days since 1970-01-01 of an ISO date (YYYY-MM-DD...), by the proleptic Gregorian calendar:
 * H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil. Arithmetic on the
 * digits, 10× faster than Date.parse over a million rows.
 */
export function dayIndex(iso: string): number {
  const d = (i: number): number => iso.charCodeAt(i) - 48;
  let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The ISO date of a day index (dayIndex's inverse). */
export function isoDay(index: number): string {
  return new Date(index * 86_400_000).toISOString().slice(0, 10);
}

/** Whether year-month-day names a day of the calendar (not 2026-02-30). */
export function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const m = String(month).padStart(2, '0');
  return isoDay(dayIndex(`${String(year).padStart(4, '0')}-${m}-01`) + day - 1).slice(5, 7) === m;
}

/** Whether an ISO date is the last day of its month. */
export function isMonthEnd(iso: string): boolean {
  return isoDay(dayIndex(iso) + 1).slice(8, 10) === '01';
}

/** The ISO date `days` after (or, negative, before) an ISO date. */
export function addDays(iso: string, days: number): string {
  return isoDay(dayIndex(iso) + days);
}

export function median(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * Feed days in (customer, date) order with `add`; `finish` returns every customer's measures
 * with the population's median gap filled in for those without enough of their own.
 */
export class MeasureBuilder {
  private readonly out: CustomerMeasures[] = [];
  private readonly allGaps: number[] = [];
  private cur: CustomerMeasures | null = null;
  private gaps: number[] = [];
  private lastDay = 0;
  private readonly asOf: number;
  private readonly o: MeasureOptions;

  constructor(asOf: string, options: Partial<MeasureOptions> = {}) {
    this.asOf = dayIndex(asOf);
    this.o = { ...DEFAULT_MEASURE_OPTIONS, ...options };
  }

  add(d: CustomerDay): void {
    if (this.cur === null || this.cur.customerId !== d.customerId) {
      this.close();
      this.cur = {
        customerId: d.customerId,
        firstPurchase: null,
        lastPurchase: null,
        purchaseDays: 0,
        orders: 0,
        netRevenue: 0,
        grossRevenue: 0,
        refunds: 0,
        refundShare: 0,
        avgOrderValue: null,
        ownGapDays: null,
        typicalGapDays: null,
        recentRevenue: 0,
        previousRevenue: 0,
        valueRevenue: 0,
        tenureDays: null,
        recencyDays: 0,
        lastActivity: d.date,
        kthPurchase: null,
        spendDays: 0,
        spendTotal: 0,
      };
      this.gaps = [];
    }
    const c = this.cur;
    const day = dayIndex(d.date);
    c.netRevenue += d.net;
    c.grossRevenue += d.gross;
    c.refunds += d.refunds;
    c.lastActivity = d.date;
    const age = this.asOf - day;
    const { window, valueWindow } = this.o;
    if (age < window) c.recentRevenue += d.net;
    else if (age < 2 * window) c.previousRevenue += d.net;
    if (valueWindow === 0 || age < valueWindow) c.valueRevenue += d.net;
    if (!d.purchased) return;
    if (c.lastPurchase !== null) this.gaps.push(day - this.lastDay);
    c.firstPurchase ??= d.date;
    c.lastPurchase = d.date;
    this.lastDay = day;
    c.purchaseDays++;
    if (d.net > 0) {
      c.spendDays++;
      c.spendTotal += d.net;
    }
    if (c.purchaseDays === this.o.kth) c.kthPurchase = d.date;
    c.orders += Math.max(1, d.invoices);
  }

  private close(): void {
    const c = this.cur;
    if (c === null) return;
    if (this.gaps.length >= this.o.minOwnGaps) c.ownGapDays = median(this.gaps);
    for (const g of this.gaps) this.allGaps.push(g);
    c.refundShare = c.grossRevenue > 0 ? c.refunds / c.grossRevenue : c.refunds > 0 ? 1 : 0;
    c.avgOrderValue = c.orders > 0 ? c.netRevenue / c.orders : null;
    if (c.firstPurchase !== null) c.tenureDays = this.asOf - dayIndex(c.firstPurchase);
    c.recencyDays = this.asOf - dayIndex(c.lastPurchase ?? c.lastActivity);
    this.out.push(c);
    this.cur = null;
  }

  finish(): { customers: CustomerMeasures[]; populationGapDays: number | null } {
    this.close();
    const population = median(this.allGaps);
    for (const c of this.out) c.typicalGapDays = c.ownGapDays ?? population;
    return { customers: this.out, populationGapDays: population };
  }
}
