/** The reports, built from the analysis, the churn scores, the complaints and the transactions. */
import { summarise, type Analysis } from '../core/analysis.js';
import { churnAsOf } from '../analysis/churn.js';
import { analysisAsOf, loadSettings, moneyOf, type Money } from '../analysis/run.js';
import { valueAtRisk } from '../analysis/rows.js';
import { complaintSummary } from '../analysis/complaints.js';
import { UsageError } from '../errors.js';
import { customerNames } from '../store/customers.js';
import type { DB } from '../store/db.js';
import { customerStaff, salesByMonth } from '../store/measures.js';
import { listSnapshots } from '../store/snapshots.js';
import type { Report, ReportColumn, ReportTable, Section } from './model.js';

export const REPORTS = ['churn', 'pyramid', 'lifecycle', 'rfm', 'movement', 'cohorts', 'complaints', 'staff', 'summary'] as const;
export type ReportName = (typeof REPORTS)[number];

export interface ReportOptions {
  asOf: string;
  /** Compare with this date instead of the previous snapshot. */
  since: string | null;
  /** Rows in the churn watchlist. */
  limit: number;
}

const col = (key: string, header: string, kind: ReportColumn['kind'] = 'text'): ReportColumn => ({ key, header, kind });

/** The date to compare with: --since, else the newest snapshot before the as-of date. */
function previousDate(db: DB, o: ReportOptions): string | null {
  if (o.since !== null) {
    if (o.since >= o.asOf) throw new UsageError(`--since ${o.since} must be before --as-of ${o.asOf}`, 'compare with an earlier date');
    return o.since;
  }
  const before = listSnapshots(db).filter((s) => s.as_of < o.asOf);
  return before.length === 0 ? null : before[before.length - 1]!.as_of;
}

interface Ctx {
  db: DB;
  o: ReportOptions;
  money: Money;
  now: Analysis;
  /** The analysis of the comparison date (null when there is none). */
  then: Analysis | null;
  thenDate: string | null;
}

function context(db: DB, o: ReportOptions): Ctx {
  const money = moneyOf(db);
  const now = analysisAsOf(db, o.asOf).analysis;
  const thenDate = previousDate(db, o);
  return { db, o, money, now, then: thenDate === null ? null : analysisAsOf(db, thenDate).analysis, thenDate };
}

const noComparison = (c: Ctx): string =>
  c.thenDate === null ? 'No earlier snapshot to compare with: run rapport segment on each report date (or give --since DATE).' : `Compared with ${c.thenDate}.`;

function churnSection(c: Ctx): Section[] {
  const picture = churnAsOf(c.db, c.o.asOf, { analysis: c.now });
  const names = customerNames(c.db);
  const rows = c.now.customers
    .map((x) => ({ x, s: picture.scores.get(x.customerId)! }))
    .filter((r) => r.s.riskLevel !== 'low')
    .sort((a, b) => valueAtRisk(b.x, b.s) - valueAtRisk(a.x, a.s) || (a.x.customerId < b.x.customerId ? -1 : 1));
  const total = rows.reduce((sum, r) => sum + valueAtRisk(r.x, r.s), 0);
  const watch: ReportTable = {
    name: 'watchlist',
    columns: [col('customer_id', 'customer'), col('name', 'name'), col('tier', 'tier'), col('risk_level', 'risk'), col('churn_risk', 'churn risk', 'share'), col('value_at_risk', 'value at risk', 'money'), col('reasons', 'reasons')],
    rows: rows.slice(0, c.o.limit).map(({ x, s }) => ({
      customer_id: x.customerId,
      name: names.get(x.customerId)?.name ?? null,
      tier: x.tier,
      risk_level: s.riskLevel,
      churn_risk: Math.round(s.churnRisk * 1000) / 1000,
      value_at_risk: valueAtRisk(x, s),
      reasons: s.reasons.join('; '),
    })),
  };
  const sections: Section[] = [
    {
      title: 'Churn watchlist',
      lines: [
        `${rows.length} customers at medium or high risk of buying nothing in the next ${picture.loaded.settings.model.horizonDays} days${picture.fitted.purchase ? '' : ' (lifecycle rules: not enough data for the model)'}; ${c.money.format(total)}${c.money.currency ? ' ' + c.money.currency : ''} at risk. The ${Math.min(c.o.limit, rows.length)} with most value at risk:`,
      ],
      tables: [
        watch,
        {
          name: 'all_high_risk',
          columns: [col('customer_id', 'customer'), col('tier', 'tier'), col('value_at_risk', 'value at risk', 'money')],
          rows: rows.filter((r) => r.s.riskLevel === 'high').map(({ x, s }) => ({ customer_id: x.customerId, tier: x.tier, value_at_risk: valueAtRisk(x, s) })),
        },
      ],
    },
  ];
  if (c.then !== null) {
    const before = churnAsOf(c.db, c.thenDate!, { analysis: c.then });
    const wasAtRisk = new Set([...before.scores.values()].filter((s) => s.riskLevel === 'high').map((s) => s.customerId));
    const isAtRisk = new Set(rows.filter((r) => r.s.riskLevel === 'high').map((r) => r.x.customerId));
    const lastThen = new Map(c.then.customers.map((x) => [x.customerId, x.lastPurchase]));
    const byId = new Map(rows.map((r) => [r.x.customerId, r]));
    const newOn = [...isAtRisk].filter((id) => !wasAtRisk.has(id)).sort((a, b) => valueAtRisk(byId.get(b)!.x, byId.get(b)!.s) - valueAtRisk(byId.get(a)!.x, byId.get(a)!.s) || (a < b ? -1 : 1));
    // Came back: at high risk then, bought since, and no longer at high risk now.
    const cameBack = c.now.customers
      .filter((x) => wasAtRisk.has(x.customerId) && !isAtRisk.has(x.customerId) && x.lastPurchase !== null && x.lastPurchase > (lastThen.get(x.customerId) ?? ''))
      .sort((a, b) => b.value - a.value || (a.customerId < b.customerId ? -1 : 1));
    sections.push({
      title: 'Since the last report',
      lines: [noComparison(c), `${newOn.length} new at high risk; ${cameBack.length} came back (at high risk then, bought since).`],
      tables: [
        {
          name: 'new_at_risk',
          columns: [col('customer_id', 'customer'), col('name', 'name'), col('tier', 'tier'), col('value_at_risk', 'value at risk', 'money'), col('reasons', 'reasons')],
          rows: newOn.map((id) => {
            const { x, s } = byId.get(id)!;
            return { customer_id: id, name: names.get(id)?.name ?? null, tier: x.tier, value_at_risk: valueAtRisk(x, s), reasons: s.reasons.join('; ') };
          }),
        },
        {
          name: 'came_back',
          columns: [col('customer_id', 'customer'), col('name', 'name'), col('tier', 'tier'), col('last_purchase', 'bought', 'date')],
          rows: cameBack.map((x) => ({ customer_id: x.customerId, name: names.get(x.customerId)?.name ?? null, tier: x.tier, last_purchase: x.lastPurchase })),
        },
      ],
    });
  } else {
    // The same tables, empty, so a script asking for them works from the first week.
    sections.push({
      title: 'Since the last report',
      lines: [noComparison(c)],
      tables: [
        { name: 'new_at_risk', columns: [col('customer_id', 'customer'), col('name', 'name'), col('tier', 'tier'), col('value_at_risk', 'value at risk', 'money'), col('reasons', 'reasons')], rows: [] },
        { name: 'came_back', columns: [col('customer_id', 'customer'), col('name', 'name'), col('tier', 'tier'), col('last_purchase', 'bought', 'date')], rows: [] },
      ],
    });
  }
  return sections;
}

function groupTable(name: string, c: Ctx, group: 'tier' | 'stage' | 'exit_pattern' | 'segment'): ReportTable {
  const rows = summarise(c.now.customers, loadSettings(c.db, c.money).settings.segments.map((s) => s.name)).filter((g) => g.group === group);
  return {
    name,
    columns: [col('name', group === 'exit_pattern' ? 'exit pattern' : group), col('customers', 'customers', 'int'), col('customer_share', 'share', 'share'), col('revenue', 'revenue', 'money'), col('revenue_share', 'of revenue', 'share'), col('average', 'average', 'money')],
    rows: rows.map((g) => ({ name: g.name, customers: g.customers, customer_share: g.customerShare, revenue: g.revenue, revenue_share: g.revenueShare, average: g.average === null ? null : Math.round(g.average) })),
  };
}

function pyramidSection(c: Ctx): Section[] {
  const t = groupTable('tiers', c, 'tier');
  return [
    {
      title: 'Value pyramid',
      lines: [`Tiers by ${c.now.valueBasis === 'clv' ? 'predicted lifetime value' : 'net revenue over the value window'}; revenue is net revenue over the window.`],
      chart: { type: 'pyramid', title: 'Customers per tier', levels: t.rows.map((r) => ({ label: String(r.name), customers: Number(r.customers), share: Number(r.revenue_share) })) },
      tables: [t],
    },
  ];
}

function moves(c: Ctx, key: 'tier' | 'stage' | 'segment'): { id: string; from: string; to: string; value: number }[] {
  if (c.then === null) return [];
  const before = new Map(c.then.customers.map((x) => [x.customerId, x]));
  const out: { id: string; from: string; to: string; value: number }[] = [];
  for (const x of c.now.customers) {
    const b = before.get(x.customerId);
    const from = b === undefined ? '(new)' : String(b[key]);
    if (from !== String(x[key])) out.push({ id: x.customerId, from, to: String(x[key]), value: x.value });
  }
  return out;
}

function lifecycleSection(c: Ctx): Section[] {
  const stages = groupTable('stages', c, 'stage');
  const exits = groupTable('exit_patterns', c, 'exit_pattern');
  const m = moves(c, 'stage');
  const matrix = new Map<string, number>();
  for (const x of m) matrix.set(`${x.from}\u0000${x.to}`, (matrix.get(`${x.from}\u0000${x.to}`) ?? 0) + 1);
  const moveRows = [...matrix].map(([k, n]) => ({ from: k.split('\u0000')[0]!, to: k.split('\u0000')[1]!, customers: n })).sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from));
  return [
    {
      title: 'Lifecycle stages',
      chart: { type: 'funnel', title: 'Customers per stage', steps: stages.rows.map((r) => ({ label: String(r.name), value: Number(r.customers) })) },
      tables: [stages],
    },
    { title: 'Moves between stages', lines: [noComparison(c)], tables: [{ name: 'stage_moves', columns: [col('from', 'from'), col('to', 'to'), col('customers', 'customers', 'int')], rows: moveRows }] },
    { title: 'How ended relationships ended', tables: [exits] },
  ];
}

function rfmSection(c: Ctx): Section[] {
  const t = groupTable('segments', c, 'segment');
  const orders = new Map<string, { orders: number; net: number }>();
  for (const x of c.now.customers) {
    const o = orders.get(x.segment) ?? { orders: 0, net: 0 };
    o.orders += x.orders;
    o.net += x.netRevenue;
    orders.set(x.segment, o);
  }
  t.columns.push(col('avg_order_value', 'avg order (all time)', 'money'));
  for (const r of t.rows) {
    const o = orders.get(String(r.name));
    r.avg_order_value = o && o.orders > 0 ? Math.round(o.net / o.orders) : null;
  }
  return [{ title: 'RFM segments', chart: { type: 'bars', title: 'Customers per segment', bars: t.rows.map((r) => ({ label: String(r.name), value: Number(r.customers) })), kind: 'int' }, tables: [t] }];
}

function movementSection(c: Ctx): Section[] {
  const tables: ReportTable[] = [];
  const lines = [noComparison(c)];
  if (c.then !== null && c.then.valueBasis !== c.now.valueBasis) {
    lines.push(`Careful: tiers ranked by ${c.then.valueBasis === 'clv' ? 'lifetime value' : 'net revenue'} then and by ${c.now.valueBasis === 'clv' ? 'lifetime value' : 'net revenue'} now, so tier changes mix the two measures (run rapport model before rapport segment every time).`);
  }
  for (const key of ['tier', 'stage', 'segment'] as const) {
    const m = moves(c, key).sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : 1));
    lines.push(`${m.length} changed ${key}, with ${c.money.format(m.reduce((s, x) => s + Math.max(0, x.value), 0))}${c.money.currency ? ' ' + c.money.currency : ''} of value.`);
    tables.push({ name: `${key}_changes`, columns: [col('customer_id', 'customer'), col('from', 'from'), col('to', 'to'), col('value', 'value', 'money')], rows: m.map((x) => ({ customer_id: x.id, from: x.from, to: x.to, value: x.value })) });
  }
  return [{ title: 'Movement', lines, tables }];
}

const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/**
 * Monthly acquisition cohorts (the month of each customer's first purchase) against months since
 * it: the share of the cohort who bought in that month, and the cohort's net revenue then.
 */
function cohortSection(c: Ctx): Section[] {
  // One plain scan of the transactions, no GROUP BY: grouping by (customer, month) made SQLite
  // sort every row and built an object per customer-month (217 s and 2.4 GB on 1,022,779
  // customers, 3.1x segment). Each customer's first purchase month comes from the analysis
  // (every customer with transactions up to the date), and the scan adds up the cohorts and the
  // monthly trend as it goes.
  const first = new Map<string, string>();
  for (const x of c.now.customers) if (x.firstPurchase !== null) first.set(x.customerId, x.firstPurchase.slice(0, 7));
  const cohorts = [...new Set(first.values())].sort().slice(-12);
  const shown = new Map(cohorts.map((f) => [f, monthIndex(f)]));
  const last = monthIndex(c.o.asOf.slice(0, 7));
  const width = cohorts.length === 0 ? 0 : last - monthIndex(cohorts[0]!) + 1;
  const size = new Map<string, number>();
  for (const f of first.values()) size.set(f, (size.get(f) ?? 0) + 1);
  // Who bought in which month since their first, one flag per shown customer and month: a
  // customer with many sales in a month counts once.
  const slot = new Map<string, number>();
  for (const [id, f] of first) if (shown.has(f)) slot.set(id, slot.size);
  const bought = new Uint8Array(slot.size * width);
  const buyers = new Map<string, number>();
  const revenue = new Map<string, number>();
  const trend = new Map<string, number>();
  for (const [customerId, month, amount] of salesByMonth(c.db, c.o.asOf)) {
    trend.set(month, (trend.get(month) ?? 0) + amount);
    const f = first.get(customerId);
    const start = f === undefined ? undefined : shown.get(f);
    if (start === undefined) continue;
    const i = monthIndex(month) - start;
    const k = `${f}|${i}`;
    revenue.set(k, (revenue.get(k) ?? 0) + amount);
    if (amount > 0) {
      const at = slot.get(customerId)! * width + i;
      if (bought[at] === 0) {
        bought[at] = 1;
        buyers.set(k, (buyers.get(k) ?? 0) + 1);
      }
    }
  }
  // The as-of month is partial unless the as-of date is its last day: shown empty, not as a fall.
  const partial = new Date(Date.UTC(Number(c.o.asOf.slice(0, 4)), Number(c.o.asOf.slice(5, 7)), 0)).getUTCDate() !== Number(c.o.asOf.slice(8, 10));
  const lastFull = partial ? last - 1 : last;
  const columns = Array.from({ length: width }, (_, i) => String(i));
  const cells = cohorts.map((f) => columns.map((_, i) => (monthIndex(f) + i > lastFull ? null : (buyers.get(`${f}|${i}`) ?? 0) / size.get(f)!)));
  const rows = cohorts.flatMap((f) =>
    columns
      .map((_, i) => i)
      .filter((i) => monthIndex(f) + i <= last)
      .map((i) => ({ cohort: f, month: i, customers: size.get(f)!, buying: buyers.get(`${f}|${i}`) ?? 0, share_buying: (buyers.get(`${f}|${i}`) ?? 0) / size.get(f)!, revenue: revenue.get(`${f}|${i}`) ?? 0 })),
  );
  const lastMonths = [...trend.keys()].filter((m) => monthIndex(m) <= lastFull).sort().slice(-24);
  return [
    {
      title: 'Cohorts',
      lines: ['Customers by the month of their first purchase (the last 12 cohorts); each cell is the share of the cohort who bought that many months later (month 0 is the first purchase).'],
      chart: { type: 'heatmap', title: 'Share still buying', rows: cohorts, columns, cells },
      tables: [
        {
          name: 'cohorts',
          columns: [col('cohort', 'cohort'), col('month', 'months since', 'int'), col('customers', 'cohort size', 'int'), col('buying', 'buying', 'int'), col('share_buying', 'share buying', 'share'), col('revenue', 'revenue', 'money')],
          rows,
        },
      ],
    },
    {
      title: 'Revenue by month',
      lines: partial ? [`Complete months only: ${c.o.asOf.slice(0, 7)} is not over on ${c.o.asOf}.`] : [],
      chart: { type: 'trend', title: 'Net revenue by month', points: lastMonths.map((m) => ({ label: m, value: trend.get(m)! })), kind: 'money' },
    },
  ];
}

function complaintsSection(c: Ctx): Section[] {
  const s = complaintSummary(c.db, c.o.asOf, 90);
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
  return [
    {
      title: 'Complaints',
      lines: [
        `${s.complaints} logged, ${s.open} open, ${s.overdue.length} overdue; median time to resolve ${s.median_hours_to_resolve === null ? 'n/a' : `${s.median_hours_to_resolve} hours`}.`,
        `Bought again within 90 days of the resolution: ${pct(s.after_satisfied.rate)} when satisfied (${s.after_satisfied.bought_again} of ${s.after_satisfied.resolved}), ${pct(s.after_not_satisfied.rate)} when not (${s.after_not_satisfied.bought_again} of ${s.after_not_satisfied.resolved}).`,
      ],
      tables: [
        {
          name: 'complaints_by_category',
          columns: [col('category', 'category'), col('total', 'total', 'int'), col('open', 'open', 'int'), col('in_progress', 'in progress', 'int'), col('resolved', 'resolved', 'int'), col('closed', 'closed', 'int')],
          rows: s.by_category.map((r) => ({ ...r })),
        },
        { name: 'overdue', columns: [col('id', 'complaint', 'int'), col('customer_id', 'customer'), col('category', 'category'), col('days_overdue', 'days overdue', 'int')], rows: s.overdue.map((r) => ({ ...r })) },
      ],
    },
  ];
}

/**
 * Per account manager (or, where the records name none, the member of staff who served most of
 * a customer's sales): customers, revenue over the value window, churn rate (the share of their
 * customers whose relationship has ended) and retention (the rest). Domain section 6: retention
 * belongs in the evaluation of each account manager.
 */
function staffSection(c: Ctx): Section[] {
  const who = customerStaff(c.db, c.o.asOf);
  // One pass, counting as it goes: appending each customer to a copy of their staff's list was
  // quadratic (200,000 customers took 292 s).
  const by = new Map<string, { customers: number; revenue: number; ended: number; high: number }>();
  for (const x of c.now.customers) {
    const k = who.get(x.customerId) ?? '(nobody named)';
    let g = by.get(k);
    if (g === undefined) by.set(k, (g = { customers: 0, revenue: 0, ended: 0, high: 0 }));
    g.customers++;
    g.revenue += x.valueRevenue;
    if (x.stage === 'ended') g.ended++;
    if (x.tier === 'platinum' || x.tier === 'gold') g.high++;
  }
  const rows = [...by]
    .map(([staff, g]) => ({ staff, customers: g.customers, revenue: g.revenue, churn_rate: g.ended / g.customers, retention: 1 - g.ended / g.customers, at_high_tiers: g.high }))
    .sort((a, b) => b.revenue - a.revenue || a.staff.localeCompare(b.staff));
  return [
    {
      title: 'Staff',
      lines: ['Each customer counts for their account manager, or else the member of staff who served most of their sales. Churn rate: the share of those customers whose relationship has ended.'],
      chart: { type: 'bars', title: 'Retention by staff', bars: rows.map((r) => ({ label: r.staff, value: r.retention })), kind: 'share' },
      tables: [
        {
          name: 'staff',
          columns: [col('staff', 'staff'), col('customers', 'customers', 'int'), col('at_high_tiers', 'platinum + gold', 'int'), col('revenue', 'revenue', 'money'), col('retention', 'retention', 'share'), col('churn_rate', 'churn rate', 'share')],
          rows,
        },
      ],
    },
  ];
}

const TITLES: Record<ReportName, string> = {
  churn: 'Churn report',
  pyramid: 'Value pyramid',
  lifecycle: 'Lifecycle',
  rfm: 'RFM segments',
  movement: 'Movement',
  cohorts: 'Cohorts',
  complaints: 'Complaints',
  staff: 'Staff',
  summary: 'Customer report',
};

export function buildReport(db: DB, name: ReportName, o: ReportOptions): Report {
  const c = context(db, o);
  const parts: Record<Exclude<ReportName, 'summary'>, (c: Ctx) => Section[]> = {
    churn: churnSection,
    pyramid: pyramidSection,
    lifecycle: lifecycleSection,
    rfm: rfmSection,
    movement: movementSection,
    cohorts: cohortSection,
    complaints: complaintsSection,
    staff: staffSection,
  };
  const sections = name === 'summary' ? (Object.keys(parts) as (keyof typeof parts)[]).flatMap((k) => parts[k](c)) : parts[name](c);
  return { name, title: `${TITLES[name]} as of ${o.asOf}`, asOf: o.asOf, currency: c.money.currency, exponent: c.money.exponent, sections };
}
