import { moneyJson } from '../core/moneyOut.js';
import type { Analysis, CustomerAnalysis } from '../core/analysis.js';
import { CATCH_ALL, formatSegmentRules, type Cut } from '../core/rfm.js';
import { sparkline } from '../charts.js';
import { currentFit, customerAsOf, type Money, warnIfStale } from '../analysis/run.js';
import { churnAsOf, openComplaintsAsOf } from '../analysis/churn.js';
import { scoreChurn, type ChurnScore, type Fitted } from '../core/model/churn.js';
import { CUSTOMER_COLUMNS, customerRow } from '../analysis/rows.js';
import { openForAnalysis, type Context } from '../context.js';
import { RapportError } from '../errors.js';
import { chalkFor, clip, printRows, resolveFormat } from '../output.js';
import { isOverdue } from '../core/complaints.js';
import { customerRecord, type CustomerTransaction } from '../store/customers.js';

export interface CustomerOptions {
  id: string;
  asOf: string;
  /** Months in the spend sparkline, ending with the as-of month. */
  months: number;
  /** Transactions listed, newest first. */
  transactions: number;
}

/** Net spend per calendar month for the `count` months ending with asOf's month. */
export function monthlySpend(txs: readonly CustomerTransaction[], asOf: string, count: number): { month: string; net: number }[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const months: { month: string; net: number }[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const k = y * 12 + (m - 1) - i;
    months.push({ month: `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`, net: 0 });
  }
  const index = new Map(months.map((x, i) => [x.month, i]));
  for (const t of txs) {
    const i = index.get(t.date.slice(0, 7));
    if (i !== undefined) months[i]!.net += t.amount;
  }
  return months;
}


const plural = (n: number, unit: string): string => `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;

/** "customers with 8 to 20 days scored 4", from the cut ranges the scores came from. */
function cutText(cut: Cut, score: number, show: (v: number) => string): string {
  const range = cut.ranges[score - 1];
  if (!range) return '';
  const [lo, hi] = range;
  const span = lo === hi ? show(lo) : `${show(lo).replace(/ .*$/, '')} to ${show(hi)}`;
  return `${cut.method === 'quantile' ? 'by quantile, ' : 'by your thresholds, '}customers with ${span} scored ${score}`;
}

export async function runCustomer(options: CustomerOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    await warnIfStale(db, options.asOf, ctx.io);
    const record = await db.customerRecord(options.id);
    const { analysis, money, loaded, customer: c, rank: ranked } = await customerAsOf(db, options.asOf, options.id);
    // Churn risk from the saved model fit, or from one fitted over every customer for this run.
    let score: ChurnScore | null = null;
    let fit: Fitted | null = null;
    if (c !== null) {
      fit = await currentFit(db, options.asOf, loaded) ?? (await churnAsOf(db, options.asOf)).fitted;
      score = scoreChurn([c], fit, loaded.settings.model, loaded.settings.lifecycle, analysis.populationGapDays, await openComplaintsAsOf(db, options.asOf))[0]!;
    }
    if (record === null && c === null) {
      const near = await db.similarCustomerIds(options.id);
      throw new RapportError(`no customer "${options.id}"`, near.length > 0 ? `did you mean ${near.join(' or ')}? (ids are matched exactly)` : 'customer ids are as in your files; list them with rapport customers');
    }
    const txs = await db.customerTransactions(options.id, options.asOf);
    // The customer's complaints as they stood at the end of the as-of day.
    const asOfEnd = `${options.asOf}T23:59:59.999Z`;
    const facts = new Map((await db.complaintsAt(asOfEnd)).map((f) => [f.id, f]));
    const complaints = (await db.listComplaints({ customerId: options.id }))
      .filter((x) => facts.has(x.id))
      .map((x) => {
        const f = facts.get(x.id)!;
        return { id: x.id, created_at: x.created_at, category: x.category, priority: x.priority, status: f.status, overdue: isOverdue(f, asOfEnd), summary: x.summary, resolved_at: f.resolvedAt, satisfied: f.satisfied };
      });
    const months = monthlySpend(txs, options.asOf, options.months);
    const recent = options.transactions === 0 ? [] : txs.slice(-options.transactions).reverse();
    const rank = ranked === null ? null : ranked.above + 1;
    const total = ranked?.total ?? 0;
    const rule = c === null || c.segmentRule < 0 ? null : loaded.settings.segments[c.segmentRule]!;
    const ruleText =
      c === null ? '' : rule === null ? `no rule matched: ${CATCH_ALL}` : `${formatSegmentRules([rule])} (rule ${c.segmentRule + 1} of ${loaded.settings.segments.length}, first match wins)`;
    const why =
      c === null
        ? null
        : c.purchaseDays === 0
          ? { r: 'no purchase up to this date: scored 1', f: 'no purchase: scored 1', m: 'no purchase: scored 1', rule: ruleText }
          : {
            r: cutText(analysis.cuts[0]!, c.rScore, (v) => plural(v, 'day')),
            f: cutText(analysis.cuts[1]!, c.fScore, (v) => plural(v, 'purchase day')),
            m: cutText(analysis.cuts[2]!, c.mScore, (v) => money.format(v)),
            rule: ruleText,
          };
    const format = resolveFormat(ctx.format, ctx.io);
    const row = c === null ? null : customerRow(c, record, score);
    if (format === 'json') {
      const out = {
        as_of: options.asOf,
        currency: money.currency,
        customer: record,
        analysis: row,
        why,
        value_rank: rank,
        customers_ranked: total,
        monthly_spend: months,
        recent_transactions: recent,
        complaints,
      };
      ctx.io.stdout.write(JSON.stringify(moneyJson(out, money), null, 2) + '\n');
      return 0;
    }
    if (format === 'csv') {
      // The same columns either way, so a script can read by name: empty without purchases.
      printRows(ctx.io, 'csv', CUSTOMER_COLUMNS.map((key) => ({ key })), [row ?? { customer_id: options.id, name: record?.name ?? null, type: record?.type ?? null }], null, money);
      return 0;
    }
    printCard(ctx, options, { record, c, why, rank, total, months, recent, complaints, money, score, horizonDays: loaded.settings.model.horizonDays ?? fit?.horizonDays ?? 90, valueBasis: analysis.valueBasis, ownGap: c?.ownGapDays ?? null, windowDays: loaded.settings.lifecycle.windowDays, valueWindowDays: loaded.settings.valueWindowDays });
    return 0;
  } finally {
    await db.close();
  }
}

interface Card {
  record: ReturnType<typeof customerRecord>;
  c: CustomerAnalysis | null;
  why: { r: string; f: string; m: string; rule: string } | null;
  rank: number | null;
  total: number;
  months: { month: string; net: number }[];
  recent: CustomerTransaction[];
  money: Money;
  ownGap: number | null;
  windowDays: number;
  valueWindowDays: number;
  score: ChurnScore | null;
  complaints: { id: number; created_at: string; category: string; status: string; overdue: boolean; summary: string }[];
  horizonDays: number;
  valueBasis: Analysis['valueBasis'];
}

function printCard(ctx: Context, options: CustomerOptions, card: Card): void {
  const k = chalkFor(ctx.io);
  const out = (s = ''): void => void ctx.io.stdout.write(s + '\n');
  const { record, c, money } = card;
  const cur = money.currency ? ` ${money.currency}` : '';
  const m = (v: number): string => money.format(v) + cur;
  const line = (label: string, value: string): void => out(`  ${label.padEnd(15)} ${value}`);
  out(k.bold(`${options.id}${record?.name ? '  ' + record.name : ''}`) + (record?.type ? `  (${record.type})` : ''));
  const contact = [record?.email, record?.phone, record?.account_manager ? `account manager ${record.account_manager}` : null, record?.created_date ? `customer since ${record.created_date}` : null].filter(Boolean);
  if (contact.length > 0) out('  ' + contact.join(' · '));
  out();
  out(k.bold(`As of ${options.asOf}`));
  if (c === null) {
    out('  no purchases up to this date');
  } else {
    const ago = c.lastPurchase === null ? `(no purchase; last refund ${c.recencyDays} days ago)` : `${c.lastPurchase} (${c.recencyDays} days ago)`;
    line('first purchase', c.firstPurchase ?? '(none)');
    line('last purchase', ago);
    line('purchases', `${c.purchaseDays} purchase day${c.purchaseDays === 1 ? '' : 's'}, ${c.orders} order${c.orders === 1 ? '' : 's'}`);
    line('net revenue', `${m(c.netRevenue)} (gross ${m(c.grossRevenue)}, refunds ${m(c.refunds)} = ${(c.refundShare * 100).toFixed(1)}%)`);
    if (c.avgOrderValue !== null) line('average order', m(c.avgOrderValue));
    if (c.typicalGapDays !== null) line('usual gap', `${Math.round(c.typicalGapDays * 10) / 10} days (${card.ownGap !== null ? 'their own median' : "the population's: too few purchases of their own"})`);
    const w = card.windowDays;
    line(`last ${w} days`, `${m(c.recentRevenue)} against ${m(c.previousRevenue)} in the ${w} days before`);
    if (c.tenureDays !== null) line('tenure', `${c.tenureDays.toLocaleString('en-US')} days since the first purchase`);
    out();
    out(k.bold(`RFM ${c.rScore}-${c.fScore}-${c.mScore}: ${c.segment}`));
    line(`R ${c.rScore}`, card.why!.r);
    line(`F ${c.fScore}`, card.why!.f);
    line(`M ${c.mScore}`, card.why!.m);
    line('segment', card.why!.rule);
    out();
    const over = card.valueWindowDays === 0 ? 'all history' : `the last ${card.valueWindowDays} days`;
    const basis = card.valueBasis === 'clv' ? 'predicted lifetime value' : `net revenue over ${over}`;
    out(`${k.bold(`Tier ${c.tier}`)}: value ${m(c.value)} (${basis}), rank ${card.rank!.toLocaleString('en-US')} of ${card.total.toLocaleString('en-US')}`);
    out(`${k.bold(`Stage ${c.stage}`)}${c.exitPattern ? ` (${c.exitPattern})` : ''}: ${c.stageReason}`);
    const s = card.score;
    if (s !== null) {
      const pc = (x: number): string => `${Math.round(x * 100)}%`;
      const source = s.method === 'blend' ? ' (the model blended with recency)' : s.method === 'recency' ? ' (by recency: no model ranked better on your history)' : '';
      const next = s.nextPurchaseDate === null ? 'no next purchase expected' : `next purchase expected by ${s.nextPurchaseDate}`;
      const detail =
        s.pAlive !== null
          ? `${pc(s.churnRisk)} chance of no purchase in the next ${card.horizonDays} days${source}; ${pc(s.pAlive)} chance they are still a customer by the model; ${s.expectedPurchases!.toFixed(1)} purchases expected${s.expectedSpend !== null ? ` at about ${m(s.expectedSpend)} each` : ''}, ${s.expectedPurchases365d!.toFixed(1)} in a year; ${next}${s.clv !== null ? `; lifetime value ${m(s.clv)}` : ''}`
          : s.method === 'recency'
            ? `${pc(s.churnRisk)} chance of no purchase in the next ${card.horizonDays} days${source}`
            : `${pc(s.churnRisk)} of the way to "ended" by the lifecycle rules (not enough data for the model)`;
      out(`${k.bold(`Churn risk ${s.riskLevel}`)}: ${detail}`);
      if (s.reasons.length > 0) out(`  ${s.reasons.join('; ')}`);
    }
  }
  out();
  const first = card.months[0]!.month;
  const last = card.months[card.months.length - 1]!.month;
  const peak = card.months.reduce((a, b) => (b.net > a.net ? b : a), card.months[0]!);
  out(k.bold(`Monthly spend ${first} to ${last}`));
  out(`  ${sparkline(card.months.map((x) => x.net))}  ${peak.net > 0 ? `peak ${m(peak.net)} in ${peak.month}` : 'no spending'}`);
  if (card.complaints.length > 0) {
    out();
    out(k.bold(`Complaints (${card.complaints.length})`));
    for (const x of card.complaints) out(`  #${x.id}  ${x.created_at.slice(0, 10)}  ${x.category.padEnd(10)} ${(x.status.replace('_', ' ') + (x.overdue ? ', overdue' : '')).padEnd(20)} ${clip(x.summary, 50)}`);
  }
  if (options.transactions === 0) return;
  out();
  out(k.bold(`Recent transactions${card.recent.length === 0 ? ': none' : ''}`));
  if (card.recent.length > 0) {
    printRows(
      ctx.io,
      'table',
      [{ key: 'date' }, { key: 'external_id', header: 'invoice' }, { key: 'product' }, ...(card.recent.some((t) => t.product_name !== null) ? [{ key: 'product_name', header: 'name' }] : []), { key: 'quantity', header: 'qty', align: 'right' }, { key: 'amount', header: `amount${cur}`, align: 'right', show: (v) => money.format(v as number) }, { key: 'channel' }],
      card.recent.map((t) => ({ ...t })),
    );
  }
}
