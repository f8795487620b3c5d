import type { CustomerAnalysis } from '../core/analysis.js';
import { STAGES, EXIT_PATTERNS, type ExitPattern, type Stage } from '../core/lifecycle.js';
import { customerType } from '../core/columns.js';
import { CATCH_ALL } from '../core/rfm.js';
import { TIERS, type Tier } from '../core/tiers.js';
import { loadSettings, moneyOf, settleAsOf } from '../app/run.js';
import { churnAsOf, fittedNote } from '../app/churn.js';
import { notice, noticer } from '../cli/io.js';
import { CUSTOMER_COLUMNS, customerRow, type CustomerRow } from '../app/rows.js';
import { openForAnalysis, type Context } from '../cli/context.js';
import { UsageError } from '../sys/errors.js';
import { TERMINAL_ROWS, type Column } from '../cli/output.js';
import { show } from '../cli/printer.js';
import { t } from '../i18n/index.js';
import { segmentName, stageName, tierName } from '../i18n/domain.js';
import { formatDate } from '../i18n/format.js';

export interface CustomersOptions {
  asOf: string;
  tier: Tier[] | null;
  stage: Stage[] | null;
  exitPattern: ExitPattern[] | null;
  segment: string | null;
  type: string | null;
  sort: { field: (typeof CUSTOMER_COLUMNS)[number]; descending: boolean };
  limit: number | null;
}

/** One value or a comma-separated list of them, as churn's --tier and --level take. */
function anyOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | null {
  if (value === undefined) return null;
  const out: T[] = [];
  for (const part of value
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean)) {
    const hit = allowed.find((a) => a === part);
    if (hit === undefined)
      throw new UsageError(
        t('customers.not-one-of', { flag, allowed: allowed.join(', '), part }),
        t('customers.for-example', { example: `${flag} ${quote(allowed[0]!)}` }),
      );
    out.push(hit);
  }
  if (out.length === 0) throw new UsageError(t('customers.names-nothing', { flag }), t('customers.for-example', { example: `${flag} ${quote(allowed[0]!)}` }));
  return out;
}

const NUMERIC = new Set<string>([
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
  'p_alive',
  'expected_purchases',
  'p_no_purchase',
  'expected_purchases_365d',
  'expected_spend',
  'churn_risk',
  'clv',
  'value_at_risk',
]);

/** --sort FIELD[:asc|:desc]; numbers sort largest first by default, text A to Z, tiers and stages in their order. */
export function parseSort(text: string | undefined): CustomersOptions['sort'] {
  if (text === undefined) return { field: 'value', descending: true };
  const [name, dir, ...rest] = text.trim().toLowerCase().split(':');
  const field = CUSTOMER_COLUMNS.find((c) => c === name);
  if (field === undefined || rest.length > 0 || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
    throw new UsageError(t('customers.bad-sort', { text }), t('customers.bad-sort-hint', { columns: CUSTOMER_COLUMNS.join(', ') }));
  }
  return { field, descending: dir === undefined ? NUMERIC.has(field) : dir === 'desc' };
}

const quote = (s: string): string => (s.includes(' ') ? `"${s}"` : s);

/** --type: the four types, the synonyms an import accepts (company, reseller, ...), or unknown. */
function typeOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.trim().toLowerCase() === 'unknown') return 'unknown';
  const type = customerType(value);
  if (type === null) throw new UsageError(t('customers.bad-type', { value }), t('customers.bad-type-hint'));
  return type;
}

export function parseCustomersOptions(o: {
  asOf: string;
  tier?: string;
  stage?: string;
  exit?: string;
  segment?: string;
  type?: string;
  sort?: string;
  limit: number | null;
}): CustomersOptions {
  return {
    asOf: o.asOf,
    tier: anyOf(o.tier, TIERS, '--tier'),
    stage: anyOf(o.stage, STAGES, '--stage'),
    exitPattern: anyOf(o.exit, EXIT_PATTERNS, '--exit'),
    segment: o.segment === undefined ? null : o.segment.trim(),
    type: typeOf(o.type),
    sort: parseSort(o.sort),
    limit: o.limit,
  };
}

/** Tiers, stages and exit patterns sort in the domain's order (platinum first), not A to Z. */
const ORDERED: Partial<Record<keyof CustomerRow, readonly string[]>> = {
  tier: TIERS,
  stage: STAGES,
  exit_pattern: EXIT_PATTERNS,
  risk_level: ['high', 'medium', 'low'],
};

/** A kept customer's position in the analysis, id, and the value of the sort column. */
interface Keyed {
  at: number;
  id: string;
  v: string | number | null;
}

function compare(field: keyof CustomerRow, descending: boolean) {
  const order = ORDERED[field];
  const rank = (v: string | number | null): string | number | null => (order === undefined || v === null ? v : order.indexOf(String(v)));
  return (a: Keyed, b: Keyed): number => {
    const x = rank(a.v);
    const y = rank(b.v);
    // Empty values last whichever the direction; ties by customer id, so the order is stable.
    if (x === null || y === null) return x === y ? cmpId(a, b) : x === null ? 1 : -1;
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return d === 0 ? cmpId(a, b) : descending ? -d : d;
  };
}

const cmpId = (a: Keyed, b: Keyed): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export async function runCustomers(options: CustomersOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    options = { ...options, asOf: await settleAsOf(db, options.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    let segment: string | null = null;
    if (options.segment !== null) {
      const names = [...(await loadSettings(db, await moneyOf(db))).settings.segments.map((s) => s.name), CATCH_ALL];
      segment = names.find((n) => n.toLowerCase() === options.segment!.toLowerCase()) ?? null;
      if (segment === null)
        throw new UsageError(t('customers.no-segment', { name: options.segment }), t('customers.no-segment-hint', { segments: names.join(', ') }));
    }
    const picture = await churnAsOf(db, options.asOf, { filter: { tier: options.tier, stage: options.stage, exitPattern: options.exitPattern, segment } });
    const { analysis, money, scores } = picture;
    const note = fittedNote(picture, options.asOf);
    if (note !== null) notice(ctx.io, note);
    const records = await db.customerNames();
    const keep = (c: CustomerAnalysis): boolean =>
      (options.tier === null || options.tier.includes(c.tier)) &&
      (options.stage === null || options.stage.includes(c.stage)) &&
      (options.exitPattern === null || (c.exitPattern !== null && options.exitPattern.includes(c.exitPattern))) &&
      (segment === null || c.segment === segment) &&
      (options.type === null || (records.get(c.customerId)?.type ?? 'unknown') === options.type);
    // Sort positions by the one column, then build each row as it is written: with a million
    // full rows built at once the list ran out of memory in a 1 GiB heap (measured on the
    // 10-million-line history).
    const { customers } = analysis;
    const field = options.sort.field;
    const words = field === 'reasons';
    const keyed: Keyed[] = [];
    customers.forEach((c, at) => {
      if (keep(c)) keyed.push({ at, id: c.customerId, v: customerRow(c, records.get(c.customerId), scores.get(c.customerId) ?? null, words)[field] });
    });
    keyed.sort(compare(field, options.sort.descending));
    if (options.limit !== null) keyed.length = Math.min(keyed.length, options.limit);
    const rowAt = (k: number): CustomerRow | undefined => {
      const c = k < keyed.length ? customers[keyed[k]!.at]! : undefined;
      return c === undefined ? undefined : customerRow(c, records.get(c.customerId), scores.get(c.customerId) ?? null);
    };
    const rows = { length: keyed.length, at: rowAt };
    const m = (v: unknown): string => (v === null ? '' : money.format(v as number));
    // On a narrow terminal these go first, in this order; the id, name, tier, money and the sort key stay.
    const drop: Record<string, number> = { rfm: 1, rfm_segment: 2, last_purchase: 3, stage: 4, frequency: 5 };
    const columns = (
      [
        { key: 'customer_id', header: t('customers.col.customer') },
        { key: 'name', header: t('customers.col.name'), clip: 30 },
        { key: 'tier', header: t('customers.col.tier'), show: (v) => (v === null ? '' : tierName(String(v))) },
        { key: 'stage', header: t('customers.col.stage'), show: (v) => (v === null ? '' : stageName(String(v))) },
        { key: 'rfm_segment', header: t('customers.col.segment'), show: (v) => (v === null ? '' : segmentName(String(v))) },
        { key: 'rfm', header: 'RFM' },
        { key: 'last_purchase', header: t('customers.col.last-purchase'), show: (v) => (v === null ? '' : formatDate(String(v))) },
        { key: 'frequency', header: t('customers.col.purchases'), align: 'right' },
        { key: 'monetary', header: t('customers.col.net-revenue', { currency: money.currency ? ' ' + money.currency : '' }), align: 'right', show: m },
        { key: 'value', header: t('customers.col.value'), align: 'right', show: m },
      ] as Column[]
    ).map((col): Column => (col.key in drop && col.key !== field ? { ...col, drop: drop[col.key] } : col));
    const withRfm = {
      length: rows.length,
      at: (k: number) => {
        const r = rowAt(k);
        return r === undefined ? undefined : { ...r, rfm: `${r.r_score}${r.f_score}${r.m_score}` };
      },
    };
    show(ctx, {
      data: { columns: CUSTOMER_COLUMNS.map((key) => ({ key })), rows, units: money },
      table: { columns, rows: withRfm, terminalRows: options.limit === null ? TERMINAL_ROWS : null },
    });
    return 0;
  } finally {
    await db.close();
  }
}
