import { moneyJson } from '../core/moneyOut.js';
import type { Analysis, CustomerAnalysis } from '../core/analysis.js';
import { CATCH_ALL, formatSegmentRules, type Cut } from '../core/rfm.js';
import { sparkline } from '../text/charts.js';
import { currentFit, customerAsOf, type LoadedSettings, type Money, settleAsOf } from '../app/run.js';
import type { Store } from '../store/store.js';
import { churnAsOf, openComplaintsAsOf } from '../app/churn.js';
import type { PurchaseModelName } from '../core/model/purchase.js';
import { nextPurchaseDay, riskPercent, scoreChurn, type ChurnScore, type Fitted } from '../core/model/churn.js';
import { dayIndex } from '../core/measures.js';
import { CUSTOMER_COLUMNS, customerRow } from '../app/rows.js';
import { englishReasons } from '../app/words.js';
import { openForAnalysis, type Context } from '../cli/context.js';
import { noticer } from '../cli/io.js';
import { RapportError } from '../sys/errors.js';
import { clip } from '../cli/output.js';
import { show, type Pen } from '../cli/printer.js';
import { isOverdue } from '../core/complaints.js';
import type { CustomerRecord, CustomerTransaction } from '../store/types.js';
import { currentLang, t, tn, type Lang } from '../i18n/index.js';
import { categoryName, customerTypeName, exitPatternName, riskName, segmentName, stageName, statusName, tierName } from '../i18n/domain.js';
import { formatDate, formatMoneyFor, formatNumber } from '../i18n/format.js';
import { displayWidth } from '../cli/output.js';
import { methodName, reword, riskWords } from '../i18n/phrase.js';

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

/** Text padded to a number of terminal columns (a Chinese character takes two). */
const padTo = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/**
 * "customers with 8 to 20 days scored 4", from the cut ranges the scores came from. An amount's
 * span ends in a digit, a count's in its unit: Chinese spaces a number from the word after it
 * (£44.40 的客户) but not a unit (20 天的客户), so amounts have their own sentence.
 */
function cutText(cut: Cut, score: number, show: (v: number) => string, lang: Lang, amounts = false): string {
  const range = cut.ranges[score - 1];
  if (!range) return '';
  const [lo, hi] = range;
  const span = lo === hi ? show(lo) : t('card.range', { lo: show(lo).replace(/ .*$/, ''), hi: show(hi) }, lang);
  const key = cut.method === 'quantile' ? 'card.cut-quantile' : 'card.cut-thresholds';
  return t(amounts ? `${key}-amount` : key, { span, score }, lang);
}

/** The customer's complaints as they stood at the end of the as-of day. */
async function complaintsAsOf(db: Store, id: string, asOf: string) {
  const asOfEnd = `${asOf}T23:59:59.999Z`;
  const facts = new Map((await db.complaintsAt(asOfEnd)).map((f) => [f.id, f]));
  return (await db.listComplaints({ customerId: id }))
    .filter((x) => facts.has(x.id))
    .map((x) => {
      const f = facts.get(x.id)!;
      return {
        id: x.id,
        created_at: x.created_at,
        category: x.category,
        priority: x.priority,
        status: f.status,
        overdue: isOverdue(f, asOfEnd),
        summary: x.summary,
        resolved_at: f.resolvedAt,
        satisfied: f.satisfied,
      };
    });
}

type Why = { r: string; f: string; m: string; rule: string };

/** Why the customer has their R, F and M scores and their segment, in `lang`. */
function whyScores(c: CustomerAnalysis, analysis: Analysis, loaded: LoadedSettings, money: Money, lang: Lang): Why {
  const rule = c.segmentRule < 0 ? null : loaded.settings.segments[c.segmentRule]!;
  const ruleText =
    rule === null
      ? t('card.no-rule', { name: segmentName(CATCH_ALL, lang) }, lang)
      : t(
          'card.rule',
          { rules: formatSegmentRules([{ ...rule, name: segmentName(rule.name, lang) }]), n: c.segmentRule + 1, of: loaded.settings.segments.length },
          lang,
        );
  if (c.purchaseDays === 0)
    return { r: t('card.none-r', undefined, lang), f: t('card.none-fm', undefined, lang), m: t('card.none-fm', undefined, lang), rule: ruleText };
  return {
    r: cutText(analysis.cuts[0]!, c.rScore, (v) => tn('card.days', v, { n: formatNumber(v, 0, lang) }, lang), lang),
    f: cutText(analysis.cuts[1]!, c.fScore, (v) => tn('card.purchase-days', v, { n: formatNumber(v, 0, lang) }, lang), lang),
    // Amounts as the reader writes them: ¥35,076.00 in Chinese; English keeps the bare amount.
    m: cutText(
      analysis.cuts[2]!,
      c.mScore,
      (v) => (lang === 'en' ? money.format(v) : formatMoneyFor(Math.round(v), money.exponent, money.currency, lang)),
      lang,
      true,
    ),
    rule: ruleText,
  };
}

export async function runCustomer(options: CustomerOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    options = { ...options, asOf: await settleAsOf(db, options.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    const record = await db.customerRecord(options.id);
    const { analysis, money, loaded, customer: c, rank: ranked } = await customerAsOf(db, options.asOf, options.id);
    // Churn risk from the saved model fit, or from one fitted over every customer for this run.
    let score: ChurnScore | null = null;
    let fit: Fitted | null = null;
    if (c !== null) {
      fit = (await currentFit(db, options.asOf, loaded)) ?? (await churnAsOf(db, options.asOf)).fitted;
      score = scoreChurn(
        [c],
        fit,
        loaded.settings.model,
        loaded.settings.lifecycle,
        analysis.populationGapDays,
        await openComplaintsAsOf(db, options.asOf),
      )[0]!;
    }
    if (record === null && c === null) {
      const near = await db.similarCustomerIds(options.id);
      throw new RapportError(
        t('card.no-customer', { id: options.id }),
        near.length > 0 ? t('card.did-you-mean', { ids: near.join(t('card.or')) }) : t('card.ids-hint'),
      );
    }
    const txs = await db.customerTransactions(options.id, options.asOf);
    const complaints = await complaintsAsOf(db, options.id, options.asOf);
    const months = monthlySpend(txs, options.asOf, options.months);
    const recent = options.transactions === 0 ? [] : txs.slice(-options.transactions).reverse();
    const rank = ranked === null ? null : ranked.above + 1;
    const total = ranked?.total ?? 0;
    // The JSON's "why" stays English whatever the language (data); the card's follows the reader.
    const explain = (lang: Lang): Why | null => (c === null ? null : whyScores(c, analysis, loaded, money, lang));
    const why = explain('en');
    const row = c === null ? null : customerRow(c, record, score);
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
    // CSV: the same columns either way, so a script can read by name: empty without purchases.
    const csvRow = row ?? { customer_id: options.id, name: record?.name ?? null, type: record?.type ?? null };
    const draw = (pen: Pen): void =>
      printCard(pen, options, {
        record,
        c,
        why: explain(currentLang()),
        rank,
        total,
        months,
        recent,
        complaints,
        money,
        score,
        riskEdges: loaded.settings.model,
        model: fit?.ranking?.model ?? fit?.purchase?.model ?? null,
        horizonDays: loaded.settings.model.horizonDays ?? fit?.horizonDays ?? 90,
        valueBasis: analysis.valueBasis,
        ownGap: c?.ownGapDays ?? null,
        windowDays: loaded.settings.lifecycle.windowDays,
        valueWindowDays: loaded.settings.valueWindowDays,
      });
    show(ctx, {
      json: { value: moneyJson(out, money) },
      csv: { columns: CUSTOMER_COLUMNS.map((key) => ({ key })), rows: [csvRow], units: money },
      table: { draw },
    });
    return 0;
  } finally {
    await db.close();
  }
}

interface Card {
  /** The model whose outputs ranked (named when its expected purchases did). */
  model: PurchaseModelName | null;
  record: CustomerRecord | null;
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
  /** The risk levels' thresholds: a percentage shown never contradicts its level. */
  riskEdges: { mediumRisk: number; highRisk: number };
  complaints: { id: number; created_at: string; category: string; status: string; overdue: boolean; summary: string }[];
  horizonDays: number;
  valueBasis: Analysis['valueBasis'];
}

function printCard(pen: Pen, options: CustomerOptions, card: Card): void {
  const k = pen.chalk;
  const out = pen.line;
  const { record, c, money } = card;
  const m = (v: number): string => formatMoneyFor(Math.round(v), money.exponent, money.currency);
  const line = (label: string, value: string): void => out(`  ${padTo(label, 15)} ${value}`);
  const n = (v: number): string => formatNumber(v);
  out(k.bold(`${options.id}${record?.name ? '  ' + record.name : ''}`) + (record?.type ? t('card.type', { type: customerTypeName(record.type) }) : ''));
  const contact = [
    record?.email,
    record?.phone,
    record?.account_manager ? t('card.account-manager', { name: record.account_manager }) : null,
    record?.created_date ? t('card.since', { date: formatDate(record.created_date) }) : null,
  ].filter(Boolean);
  if (contact.length > 0) out('  ' + contact.join(' · '));
  out();
  out(k.bold(t('card.as-of', { date: formatDate(options.asOf) })));
  if (c === null) {
    out(`  ${t('card.no-purchases')}`);
  } else {
    const ago = c.lastPurchase === null ? tn('card.refund-ago', c.recencyDays) : tn('card.days-ago', c.recencyDays, { date: formatDate(c.lastPurchase) });
    line(t('card.first-purchase'), c.firstPurchase === null ? t('card.none') : formatDate(c.firstPurchase));
    line(t('card.last-purchase'), ago);
    line(t('card.purchases'), `${tn('card.purchase-days', c.purchaseDays)}${t('card.list-sep')}${tn('card.orders', c.orders)}`);
    line(
      t('card.net-revenue'),
      t('card.net-detail', { net: m(c.netRevenue), gross: m(c.grossRevenue), refunds: m(c.refunds), share: (c.refundShare * 100).toFixed(1) }),
    );
    if (c.avgOrderValue !== null) line(t('card.average-order'), m(c.avgOrderValue));
    if (c.typicalGapDays !== null)
      line(t('card.usual-gap'), t(card.ownGap !== null ? 'card.gap-own' : 'card.gap-population', { days: Math.round(c.typicalGapDays * 10) / 10 }));
    const w = card.windowDays;
    line(t('card.last-days', { days: w }), t('card.window-against', { recent: m(c.recentRevenue), previous: m(c.previousRevenue), days: w }));
    if (c.tenureDays !== null) line(t('card.tenure'), tn('card.tenure-days', c.tenureDays, { n: n(c.tenureDays) }));
    out();
    out(k.bold(`RFM ${c.rScore}-${c.fScore}-${c.mScore}${t('card.colon')}${segmentName(c.segment)}`));
    line(`R ${c.rScore}`, card.why!.r);
    line(`F ${c.fScore}`, card.why!.f);
    line(`M ${c.mScore}`, card.why!.m);
    line(t('card.segment'), card.why!.rule);
    out();
    const over = card.valueWindowDays === 0 ? t('card.all-history') : t('card.last-n-days', { days: card.valueWindowDays });
    const basis = card.valueBasis === 'clv' ? t('card.basis-clv') : t('card.basis-revenue', { over });
    out(
      `${k.bold(t('card.tier', { tier: tierName(c.tier) }))}${t('card.tier-detail', { value: m(c.value), basis, rank: n(card.rank!), total: n(card.total) })}`,
    );
    out(
      `${k.bold(t('card.stage', { stage: stageName(c.stage) }))}${c.exitPattern ? t('card.exit', { pattern: exitPatternName(c.exitPattern) }) : ''}${t('card.colon')}${reword(c.stageReason)}`,
    );
    printRisk(pen, card, m, options.asOf);
  }
  printHistory(pen, options, card, m);
}

/** The churn risk paragraph of the card, when the customer is scored. */
function printRisk(pen: Pen, card: Card, m: (v: number) => string, asOf: string): void {
  const k = pen.chalk;
  const out = pen.line;
  const s = card.score;
  if (s === null) return;
  const pc = (x: number): string => `${riskPercent(x, card.riskEdges)}%`;
  const risk = (x: number): string => riskWords(riskPercent(x, card.riskEdges));
  const days = card.horizonDays;
  // The method in the words churn, model and the reports use (rules have their own sentence).
  const source = s.method === 'rules' ? '' : t('card.source', { method: methodName(s.method, card.model) });
  // A date that is the shop's usual gap, not their own rhythm (a one-time buyer), says so: beside a high risk it is no promise.
  const c = card.c;
  const shopGap =
    c !== null &&
    card.ownGap === null &&
    c.lastPurchase !== null &&
    s.nextPurchaseDate !== null &&
    nextPurchaseDay(dayIndex(asOf), dayIndex(c.lastPurchase), c.typicalGapDays, null) === dayIndex(s.nextPurchaseDate);
  const next = s.nextPurchaseDate === null ? t('card.no-next') : t(shopGap ? 'card.next-shop-gap' : 'card.next', { date: formatDate(s.nextPurchaseDate) });
  const detail =
    s.pAlive !== null
      ? [
          t('card.risk-chance', { risk: risk(s.churnRisk), days, source }),
          t('card.alive', { alive: pc(s.pAlive) }),
          // the date beside the chance it stands on: it is for a customer who is still one
          next,
          (s.expectedSpend !== null
            ? t('card.expected-each', { n: s.expectedPurchases!.toFixed(1), each: m(s.expectedSpend) })
            : t('card.expected', { n: s.expectedPurchases!.toFixed(1) })) + t('card.in-a-year', { n: s.expectedPurchases365d!.toFixed(1) }),
          ...(s.clv !== null ? [t('card.clv', { value: m(s.clv) })] : []),
        ].join(t('card.clause-sep'))
      : s.method !== 'rules'
        ? t('card.risk-chance', { risk: risk(s.churnRisk), days, source })
        : t('card.risk-rules', { risk: risk(s.churnRisk) });
  out(`${k.bold(t('card.churn-risk', { level: riskName(s.riskLevel) }))}${t('card.colon')}${detail}`);
  if (s.reasonPhrases.length > 0) out(`  ${reword(englishReasons(s).join('; '))}`);
}

/** The card's history: spending by month, open complaints, the latest transactions (--transactions). */
function printHistory(pen: Pen, options: CustomerOptions, card: Card, m: (v: number) => string): void {
  const k = pen.chalk;
  const out = pen.line;
  const { money } = card;
  const cur = money.currency ? ` ${money.currency}` : '';
  out();
  const first = card.months[0]!.month;
  const last = card.months[card.months.length - 1]!.month;
  const peak = card.months.reduce((a, b) => (b.net > a.net ? b : a), card.months[0]!);
  out(k.bold(t('card.monthly', { first, last })));
  out(`  ${sparkline(card.months.map((x) => x.net))}  ${peak.net > 0 ? t('card.peak', { value: m(peak.net), month: peak.month }) : t('card.no-spending')}`);
  if (card.complaints.length > 0) {
    out();
    out(k.bold(t('card.complaints', { n: card.complaints.length })));
    for (const x of card.complaints)
      out(
        `  #${x.id}  ${formatDate(x.created_at.slice(0, 10))}  ${padTo(categoryName(x.category), 10)} ${padTo(statusName(x.status) + (x.overdue ? t('card.overdue') : ''), 20)} ${clip(x.summary, 50)}`,
      );
  }
  if (options.transactions === 0) return;
  out();
  out(k.bold(card.recent.length === 0 ? t('card.recent-none') : t('card.recent')));
  if (card.recent.length > 0) {
    pen.rows(
      [
        { key: 'date', header: t('card.col.date'), show: (v) => formatDate(String(v)) },
        { key: 'external_id', header: t('card.col.invoice') },
        { key: 'product', header: t('card.col.product') },
        ...(card.recent.some((x) => x.product_name !== null) ? [{ key: 'product_name', header: t('card.col.name') }] : []),
        { key: 'quantity', header: t('card.col.qty'), align: 'right' },
        { key: 'amount', header: t('card.col.amount', { currency: cur }), align: 'right', show: (v) => money.format(v as number) },
        { key: 'channel', header: t('card.col.channel') },
      ],
      card.recent.map((x) => ({ ...x })),
    );
  }
}
