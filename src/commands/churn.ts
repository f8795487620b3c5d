import { riskPercent, scoreChurn, type Fitted, type RiskLevel, type RiskMethod } from '../core/model/churn.js';
import { dayIndex } from '../core/measures.js';
import {
  calibration,
  deciles,
  precisionRecall,
  rocAuc,
  topK,
  versusRecency,
  type CalibrationRow,
  type DecileRow,
  type PrecisionRecall,
} from '../core/model/backtest.js';
import type { Tier } from '../core/tiers.js';
import { churnAsOf, fitForRun, fittedNote, openComplaintsAsOf, type ChurnPicture } from '../app/churn.js';
import { keepWatchlist, watchlistOf } from '../app/watchlist.js';
import { computeAnalysis, loadSettings, moneyOf, settleAsOf } from '../app/run.js';
import { isGone, keepValue, valueAtRisk } from '../app/rows.js';
import { englishReasons, horizonFor } from '../app/words.js';
import { openForAnalysis, openForChange, type Context } from '../cli/context.js';
import { UsageError } from '../sys/errors.js';
import { notice, noticer } from '../cli/io.js';
import type { Column } from '../cli/output.js';
import { show, type Pen } from '../cli/printer.js';
import { currentLang, t, type Lang } from '../i18n/index.js';
import { riskName, tierName } from '../i18n/domain.js';
import { formatDate, formatNumber } from '../i18n/format.js';
import { methodName, modelName, reword, riskWords } from '../i18n/phrase.js';

export interface ChurnOptions {
  asOf: string;
  horizonDays: number | null;
  levels: RiskLevel[] | null;
  tiers: Tier[] | null;
  limit: number | null;
  /** Keep the list given (every customer scored) for later scorecards: false with --no-save. */
  keep?: boolean;
}

/** "90d", "12w", "3m" (30-day months) or a bare number of days. */
export function parseHorizon(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^\s*(\d+)\s*([dwm]?)\s*$/i.exec(text);
  const n = m ? Number(m[1]) * ({ d: 1, w: 7, m: 30 } as Record<string, number>)[(m[2] || 'd').toLowerCase()]! : NaN;
  if (!m || n < 1 || n > 3650) throw new UsageError(t('churn.bad-horizon', { text }), t('churn.bad-horizon-hint'));
  return n;
}

export function parseList<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] | null {
  if (text === undefined) return null;
  const out: T[] = [];
  for (const part of text
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean)) {
    const hit = allowed.find((a) => a === part);
    if (hit === undefined)
      throw new UsageError(
        t('churn.bad-list', { flag, allowed: allowed.join(', '), part }),
        t('churn.list-example', { flag, first: allowed[0]!, second: allowed[1]! }),
      );
    out.push(hit);
  }
  if (out.length === 0) throw new UsageError(t('churn.list-empty', { flag }), t('churn.list-example', { flag, first: allowed[0]!, second: allowed[1]! }));
  return out;
}

export const CHURN_COLUMNS = [
  'customer_id',
  'name',
  'tier',
  'stage',
  'last_purchase',
  'recency_days',
  'frequency',
  'p_alive',
  'expected_purchases',
  'p_no_purchase',
  'next_purchase_date',
  'expected_purchases_365d',
  'churn_risk',
  'risk_level',
  'clv',
  'value_at_risk',
  'keep_value',
  'list',
  'method',
  'reasons',
] as const;

const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export async function runChurn(options: ChurnOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    options = { ...options, asOf: await settleAsOf(db, options.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    const picture = await churnAsOf(db, options.asOf, { overrides: options.horizonDays === null ? {} : { horizonDays: options.horizonDays } });
    const note = fittedNote(picture, options.asOf);
    if (note !== null) notice(ctx.io, note);
    const { money, fitted } = picture;
    const names = await db.customerNames();
    const ranked = rankCustomers(picture, options);
    const { order } = ranked;
    const rowAt = churnRowAt(picture, names, ranked);
    // CSV and JSON: the first --limit rows of the whole order; a table caps each list by itself (drawChurn).
    const length = options.limit === null ? order.length : Math.min(order.length, options.limit);
    const shown = { length, at: (k: number) => (k < length ? rowAt(order[k]!) : undefined) };
    if (fitted.purchase === null) {
      notice(
        ctx.io,
        fitted.ranking === null
          ? t('churn.no-model-note', { why: reword(fitted.fallback ?? '') })
          : t('churn.no-model-ranked', { why: reword(fitted.fallback ?? ''), method: methodName(fitted.ranking.kind, fitted.ranking.model) }),
      );
    }
    const kept = options.keep === false ? null : watchlistOf(picture, options.asOf);
    const draw = (pen: Pen): void => drawChurn(pen, picture, options, ranked, rowAt);
    show(ctx, { data: { columns: CHURN_COLUMNS.map((key) => ({ key })), rows: shown, units: money }, table: { draw } });
    if (kept !== null) await keepWatchlist(() => openForChange(ctx), kept, noticer(ctx.io));
    return 0;
  } finally {
    await db.close();
  }
}

/** The customers a churn list shows, by position, with what it is sorted by. */
interface Ranked {
  /** Positions in analysis.customers, in the order printed. */
  order: number[];
  /** 0 to call (medium or high risk), 1 to call (low risk), 2 win-back (already gone). */
  rank: Uint8Array;
  atRisk: Float64Array;
  keep: Float64Array;
}

/**
 * Filter and sort positions; each row is built only when it is written: on 951,436 customers the
 * full list of row objects added about 270 MB to the peak (measured). The order: those to call
 * (not yet gone), medium and high risk first, by the value that can still be kept; then the rest
 * of them; then the win-back list (already gone) by value at risk.
 */
function rankCustomers(picture: ChurnPicture, options: ChurnOptions): Ranked {
  const { customers } = picture.analysis;
  const atRisk = new Float64Array(customers.length);
  const keep = new Float64Array(customers.length);
  const rank = new Uint8Array(customers.length);
  const order: number[] = [];
  const horizonDays = options.horizonDays ?? picture.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays;
  customers.forEach((c, i) => {
    const s = picture.scores.get(c.customerId)!;
    if ((options.levels === null || options.levels.includes(s.riskLevel)) && (options.tiers === null || options.tiers.includes(c.tier))) {
      atRisk[i] = valueAtRisk(c, s);
      keep[i] = keepValue(c, s, horizonDays, picture.loaded.settings.lifecycle.windowDays);
      rank[i] = isGone(c) ? 2 : s.riskLevel === 'low' ? 1 : 0;
      order.push(i);
    }
  });
  const by = (i: number): number => (rank[i] === 2 ? atRisk[i]! : keep[i]!);
  order.sort((i, j) => rank[i]! - rank[j]! || by(j) - by(i) || (customers[i]!.customerId < customers[j]!.customerId ? -1 : 1));
  return { order, rank, atRisk, keep };
}

/** The row (CHURN_COLUMNS) of the customer at position i. */
function churnRowAt(
  picture: ChurnPicture,
  names: Map<string, { name: string | null }>,
  { rank, atRisk, keep }: Ranked,
): (i: number) => Record<string, unknown> {
  return (i) => {
    const c = picture.analysis.customers[i]!;
    const s = picture.scores.get(c.customerId)!;
    return {
      customer_id: c.customerId,
      name: names.get(c.customerId)?.name ?? null,
      tier: c.tier,
      stage: c.stage,
      last_purchase: c.lastPurchase,
      recency_days: c.recencyDays,
      frequency: c.purchaseDays,
      p_alive: r3(s.pAlive),
      expected_purchases: r3(s.expectedPurchases),
      p_no_purchase: r3(s.pNoPurchase),
      next_purchase_date: s.nextPurchaseDate,
      expected_purchases_365d: r3(s.expectedPurchases365d),
      churn_risk: r3(s.churnRisk),
      risk_level: s.riskLevel,
      clv: s.clv === null ? null : Math.round(s.clv),
      value_at_risk: atRisk[i],
      keep_value: keep[i],
      list: rank[i] === 2 ? 'win-back' : 'call',
      method: s.method,
      reasons: englishReasons(s).join('; '),
    };
  };
}

/**
 * Rows of each list a terminal shows without --limit: at 80 columns a row with its reasons takes
 * up to nine lines, so ten to call and five to win back fill two or three screens of 50 lines.
 */
const TERMINAL_CALLS = 10;
const TERMINAL_WIN_BACK = 5;

/** The churn list for people: the heading, the call list, then the win-back list under its own heading. */
function drawChurn(pen: Pen, picture: ChurnPicture, options: ChurnOptions, { order, rank }: Ranked, rowAt: (i: number) => Record<string, unknown>): void {
  const { money, fitted } = picture;
  const c = pen.chalk;
  const m = (v: unknown): string => (v === null ? '' : money.format(v as number));
  const level: Record<string, (s: string) => string> = { high: c.red.bold, medium: c.yellow, low: (s) => s };
  const horizon = options.horizonDays ?? picture.loaded.settings.model.horizonDays ?? fitted.horizonDays;
  const why = horizon === fitted.horizonDays ? reword(fitted.horizonWhy) : t('churn.horizon-set');
  const risk =
    fitted.ranking?.level === 'model'
      ? t('churn.risk-levelled', { days: horizon, method: methodName(fitted.ranking.kind, fitted.ranking.model), model: modelName(fitted.ranking.model ?? '') })
      : fitted.ranking !== null
        ? t('churn.risk-method', { days: horizon, method: methodName(fitted.ranking.kind, fitted.ranking.model), calibrated: fitted.ranking.horizonDays })
        : fitted.purchase
          ? t('churn.risk-model', { days: horizon, method: methodName('model', fitted.purchase.model) })
          : t('churn.risk-rules', { why: fitted.fallback ? reword(fitted.fallback) : t('churn.no-model') });
  pen.write(`${t('churn.heading', { title: c.bold(t('churn.title', { date: formatDate(options.asOf) })), risk, days: horizon, why })}\n`);
  // Money columns name the currency: "value GBP", "to keep GBP", "at risk GBP".
  const currency = money.currency ? ' ' + money.currency : '';
  const columns: Column[] = [
    { key: 'customer_id', header: t('churn.col.customer') },
    { key: 'name', header: t('churn.col.name'), clip: 24 },
    { key: 'tier', header: t('churn.col.tier'), show: (v) => tierName(String(v)), drop: 1 },
    { key: 'risk_level', header: t('churn.col.risk'), show: (v) => (level[v as string] ?? String)(riskName(String(v))) },
    { key: 'churn_risk', header: 'p', align: 'right', show: (v) => riskWords(riskPercent(v as number, picture.loaded.settings.model), true) },
    { key: 'clv', header: t('churn.col.value', { currency }), align: 'right', show: m },
    { key: 'keep_value', header: t('churn.col.keep', { currency }), align: 'right', show: m },
    { key: 'reasons', header: t('churn.col.reasons'), clip: 70, show: (v) => reword(String(v ?? '')) },
  ];
  const calls = order.findIndex((i) => rank[i] === 2);
  const split = calls === -1 ? order.length : calls;
  // Each list under its own heading with its own cap, so the win-back list is seen even when
  // thousands are still to call: --limit N rows of each, else on a terminal its first rows.
  const list = (heading: string, cols: Column[], from: number, to: number, cap: number, more: string): void => {
    const shown = Math.min(to - from, cap);
    pen.write(`\n${c.bold(heading)}\n`);
    pen.rows(cols, { length: shown, at: (k) => (k < shown ? rowAt(order[from + k]!) : undefined) });
    if (shown < to - from) pen.write(`${t(more, { count: formatNumber(to - from - shown) })}\n`);
  };
  const capOf = (onTerminal: number): number => options.limit ?? (pen.io.stdoutIsTTY ? onTerminal : Infinity);
  if (split > 0) list(t('churn.call', { n: formatNumber(split) }), columns, 0, split, capOf(TERMINAL_CALLS), 'churn.more-calls');
  if (split < order.length) {
    const winBack = [
      ...columns.slice(0, -2),
      { key: 'value_at_risk', header: t('churn.col.at-risk', { currency }), align: 'right' as const, show: m },
      columns[columns.length - 1]!,
    ];
    list(t('churn.win-back', { n: formatNumber(order.length - split) }), winBack, split, order.length, capOf(TERMINAL_WIN_BACK), 'churn.more-win-back');
  }
  if (order.length === 0) pen.rows(columns, []);
}

/**
 * The backtest's verdict in words: churn_risk against the recency rule, by how much, with a 95%
 * bootstrap interval of the AUC difference (200 resamples of customers).
 */
export function backtestVerdict(
  risk: readonly number[],
  recency: readonly number[],
  none: readonly boolean[],
  horizonDays: number,
): { text: string; shown: string; difference: number | null; interval: [number, number] | null } {
  // (Seed 11, as before the verdict was one function: the intervals printed stay as they were.)
  const v = versusRecency(risk, recency, none, 11);
  // text: the JSON's verdict, English whatever the language (data); shown: the same for the reader.
  if (v === null)
    return {
      text: t('churn.verdict-none', { days: horizonDays }, 'en'),
      shown: t('churn.verdict-none', { days: horizonDays }),
      difference: null,
      interval: null,
    };
  const { auc: a, recency: b, difference: d, low, high } = v;
  const f = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
  const vars = { a: a.toFixed(3), b: b.toFixed(3), d: f(d), low: f(low), high: f(high) };
  const words = (lang: Lang): string =>
    low > 0 ? t('churn.verdict-better', vars, lang) : high < 0 ? t('churn.verdict-worse', vars, lang) : t('churn.verdict-neither', vars, lang);
  return { text: words('en'), shown: words(currentLang()), difference: d, interval: [low, high] };
}

/**
 * The verdict when churn_risk is the recency rule itself: its AUC, no comparison, and why it ranks:
 * it ranked best on the shop's past, or (`judged` false) nothing could be judged there, as `model` says.
 */
function selfVerdict(
  auc: number | null,
  horizonDays: number,
  judged: boolean,
): { text: string; shown: string; difference: number | null; interval: [number, number] | null } {
  if (auc === null)
    return {
      text: t('churn.verdict-none', { days: horizonDays }, 'en'),
      shown: t('churn.verdict-none', { days: horizonDays }),
      difference: null,
      interval: null,
    };
  const vars = { a: auc.toFixed(3) };
  const key = judged ? 'churn.verdict-self' : 'churn.verdict-self-unjudged';
  return { text: t(key, vars, 'en'), shown: t(key, vars), difference: null, interval: null };
}

export interface BacktestOptions {
  cutoff: string;
  horizonDays: number | null;
}

/**
 * Fits on the data up to the cutoff, scores, and compares with what happened in the horizon
 * after it; the same figures for a plain recency rule (more days since the last purchase =
 * more risk), so the user sees whether the model beats it on their own data.
 */
export async function runBacktest(options: BacktestOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    const money = await moneyOf(db);
    const loaded = await loadSettings(db, money);
    const analysis = await computeAnalysis(db, options.cutoff, loaded, money);
    const horizon = horizonFor({ ...loaded.settings.model, horizonDays: options.horizonDays ?? loaded.settings.model.horizonDays }, analysis.populationGapDays);
    const settings = { ...loaded.settings.model, horizonDays: horizon.days };
    const H = horizon.days;
    const end = new Date((dayIndex(options.cutoff) + H) * 86_400_000).toISOString().slice(0, 10);
    const last = await db.lastTransactionDate();
    if (last === null) throw new UsageError(t('churn.backtest-empty'), t('churn.backtest-empty-hint'));
    if (last < end) {
      throw new UsageError(
        t('churn.backtest-past-end', { days: H, cutoff: options.cutoff, end, last }),
        t('churn.backtest-past-end-hint', { date: new Date((dayIndex(last) - H) * 86_400_000).toISOString().slice(0, 10) }),
      );
    }
    if (!analysis.customers.some((c) => c.purchaseDays > 0)) {
      throw new UsageError(t('churn.backtest-nobody', { cutoff: options.cutoff }), t('churn.backtest-nobody-hint'));
    }
    const fitted = await fitForRun(db, options.cutoff, analysis.customers, analysis.populationGapDays, loaded, settings);
    const scored = scoreChurn(
      analysis.customers,
      fitted,
      settings,
      loaded.settings.lifecycle,
      analysis.populationGapDays,
      await openComplaintsAsOf(db, options.cutoff),
    );
    const buyers = analysis.customers.map((c, i) => ({ c, s: scored[i]! })).filter((x) => x.c.purchaseDays > 0);
    const after = await db.purchaseDaysBetween(options.cutoff, end);
    const actual = buyers.map((x) => after.get(x.c.customerId) ?? 0);
    const none = actual.map((a) => a === 0);
    const risk = buyers.map((x) => x.s.churnRisk);
    const recency = buyers.map((x) => x.c.recencyDays);
    const high = buyers.map((x) => x.s.riskLevel === 'high');
    const flaggedHigh = high.filter(Boolean).length;
    // The recency rule flags as many customers as the model's high level: the longest silent.
    const ruleHigh = topK(recency, flaggedHigh);
    // Its purchase forecast: each customer's own past rate (purchase days per day since the first,
    // over at least one horizon, so a new customer's first purchase is not a daily habit).
    const rulePredicted = buyers.map((x) => (x.c.purchaseDays / Math.max(H, x.c.tenureDays ?? 0)) * H);
    const predicted = buyers.map((x) => x.s.expectedPurchases ?? 0);
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    const method = fitted.ranking?.kind ?? (fitted.purchase === null ? 'rules' : 'model');
    // churn_risk that is the recency rule is not compared with itself: the verdict says so.
    const verdict = method === 'recency' ? selfVerdict(rocAuc(risk, none), H, fitted.learned?.heldOut != null) : backtestVerdict(risk, recency, none, H);
    const result = {
      cutoff: options.cutoff,
      horizon_days: H,
      horizon_why: horizon.why,
      verdict: verdict.text,
      difference: verdict.difference,
      difference_interval: verdict.interval,
      horizon_end: end,
      customers: buyers.length,
      no_purchase_in_horizon: none.filter(Boolean).length,
      method,
      method_name: methodName(method, fitted.ranking?.model ?? fitted.purchase?.model ?? null, 'en'),
      model: fitted.purchase?.model ?? null,
      fallback: fitted.fallback,
      model_scores: {
        auc: rocAuc(risk, none),
        high: precisionRecall(high, none),
        predicted_purchases: fitted.purchase === null ? null : sum(predicted),
        actual_purchases: sum(actual),
        deciles: fitted.purchase === null ? null : deciles(predicted, actual),
        calibration: calibration(risk, none),
      },
      recency_rule: {
        auc: rocAuc(recency, none),
        high: precisionRecall(ruleHigh, none),
        predicted_purchases: sum(rulePredicted),
        actual_purchases: sum(actual),
        deciles: deciles(rulePredicted, actual),
      },
    };
    const scoreName = method;
    const draw = (pen: Pen): void =>
      drawBacktest(pen, { cutoff: options.cutoff, end, horizon, fitted, customers: buyers.length, verdict: verdict.shown, method, result });
    // The comparison as CSV rows; deciles and calibration are in --format json.
    show(ctx, {
      json: { value: result },
      csv: { columns: [{ key: 'metric' }, { key: scoreName }, { key: 'recency_rule' }], rows: comparisonRows(result, scoreName) },
      table: { draw },
    });
    return 0;
  } finally {
    await db.close();
  }
}

/** The backtest's comparison, a metric a row: the CSV rows. */
function comparisonRows(result: BacktestResult, scoreName: string): Record<string, unknown>[] {
  return [
    { metric: 'auc', [scoreName]: result.model_scores.auc, recency_rule: result.recency_rule.auc },
    { metric: 'high_flagged', [scoreName]: result.model_scores.high.flagged, recency_rule: result.recency_rule.high.flagged },
    { metric: 'high_precision', [scoreName]: result.model_scores.high.precision, recency_rule: result.recency_rule.high.precision },
    { metric: 'high_recall', [scoreName]: result.model_scores.high.recall, recency_rule: result.recency_rule.high.recall },
    { metric: 'predicted_purchases', [scoreName]: result.model_scores.predicted_purchases, recency_rule: result.recency_rule.predicted_purchases },
    { metric: 'actual_purchases', [scoreName]: result.model_scores.actual_purchases, recency_rule: result.recency_rule.actual_purchases },
  ];
}

/** The backtest's figures as its JSON holds them. */
interface BacktestResult {
  no_purchase_in_horizon: number;
  model_scores: {
    auc: number | null;
    high: PrecisionRecall;
    predicted_purchases: number | null;
    actual_purchases: number;
    deciles: DecileRow[] | null;
    calibration: CalibrationRow[];
  };
  recency_rule: { auc: number | null; high: PrecisionRecall; predicted_purchases: number; actual_purchases: number; deciles: DecileRow[] };
}

interface BacktestView {
  cutoff: string;
  end: string;
  horizon: { days: number; why: string };
  fitted: Fitted;
  customers: number;
  verdict: string;
  method: RiskMethod;
  result: BacktestResult;
}

/**
 * The backtest's churn_risk column: its method; where that is the recency rule itself, said as
 * churn_risk, with the model whose count it holds, so that it is not a second "recency rule" column.
 */
function riskColumn(method: RiskMethod, fitted: Fitted): string {
  if (method !== 'recency') return methodName(method, fitted.ranking?.model ?? fitted.purchase?.model ?? null);
  return fitted.purchase === null ? t('churn.bt.risk-is-rule') : t('churn.bt.risk-is-rule-count', { model: modelName(fitted.purchase.model) });
}

/** The backtest for people: its title and verdict, the comparison, the deciles and the calibration. */
function drawBacktest(pen: Pen, v: BacktestView): void {
  const { fitted, result, method } = v;
  const c = pen.chalk;
  const out = pen.line;
  const na = t('churn.na');
  const pct = (x: number | null): string => (x === null ? na : `${(x * 100).toFixed(1)}%`);
  const num = (x: number | null): string => (x === null ? na : x.toFixed(3));
  out(c.bold(t('churn.backtest-title', { cutoff: formatDate(v.cutoff), end: formatDate(v.end), days: v.horizon.days, why: reword(v.horizon.why) })));
  out(`  ${v.verdict}`);
  out(
    `  ${t('churn.backtest-customers', { n: formatNumber(v.customers), none: formatNumber(result.no_purchase_in_horizon), share: pct(result.no_purchase_in_horizon / Math.max(1, v.customers)) })}`,
  );
  if (fitted.purchase === null) out(`  ${c.yellow(t('churn.no-model'))}${t('churn.backtest-rules', { why: reword(fitted.fallback ?? '') })}`);
  out();
  pen.rows(
    [
      { key: 'what', header: t('churn.bt.what') },
      { key: 'model', header: riskColumn(method, fitted), align: 'right' },
      { key: 'rule', header: t('churn.bt.recency-rule'), align: 'right' },
    ],
    [
      { what: t('churn.bt.auc'), model: num(result.model_scores.auc), rule: num(result.recency_rule.auc) },
      { what: t('churn.bt.flagged'), model: formatNumber(result.model_scores.high.flagged), rule: formatNumber(result.recency_rule.high.flagged) },
      { what: t('churn.bt.precision'), model: pct(result.model_scores.high.precision), rule: pct(result.recency_rule.high.precision) },
      { what: t('churn.bt.recall'), model: pct(result.model_scores.high.recall), rule: pct(result.recency_rule.high.recall) },
      {
        what: t('churn.bt.predicted'),
        model: result.model_scores.predicted_purchases === null ? na : formatNumber(result.model_scores.predicted_purchases),
        rule: formatNumber(result.recency_rule.predicted_purchases),
      },
      { what: t('churn.bt.actual'), model: formatNumber(result.model_scores.actual_purchases), rule: formatNumber(result.recency_rule.actual_purchases) },
    ],
  );
  if (result.model_scores.deciles) {
    out();
    out(c.bold(t('churn.bt.deciles')));
    pen.rows(
      [
        { key: 'decile', header: t('churn.bt.decile'), align: 'right' },
        { key: 'customers', header: t('churn.bt.customers'), align: 'right' },
        { key: 'predicted', header: t('churn.bt.predicted-col'), align: 'right', show: (v) => formatNumber(v as number, 1) },
        { key: 'actual', header: t('churn.bt.actual-col'), align: 'right' },
        { key: 'rule', header: t('churn.bt.rule-predicted'), align: 'right', show: (v) => formatNumber(v as number, 1) },
        { key: 'ruleActual', header: t('churn.bt.actual-col'), align: 'right' },
      ],
      // Each side in its own deciles: the model's by its predictions, the rule's by its own.
      result.model_scores.deciles.map((d, i) => ({
        ...d,
        rule: result.recency_rule.deciles[i]!.predicted,
        ruleActual: result.recency_rule.deciles[i]!.actual,
      })),
    );
  }
  out();
  out(c.bold(fitted.purchase === null && fitted.ranking === null ? t('churn.bt.calibration-rules') : t('churn.bt.calibration')));
  printCalibration(pen, result.model_scores.calibration);
}

/** A calibration table: each bin of predicted risk, its customers, mean predicted risk and the share that bought nothing. */
export function printCalibration(pen: Pen, rows: readonly CalibrationRow[]): void {
  const pct = (x: number | null): string => (x === null ? t('churn.na') : `${(x * 100).toFixed(1)}%`);
  pen.rows(
    [
      { key: 'bin', header: t('churn.bt.bin') },
      { key: 'customers', header: t('churn.bt.customers'), align: 'right' },
      { key: 'predicted', header: t('churn.bt.predicted-col'), align: 'right', show: (v) => pct(v as number | null) },
      { key: 'observed', header: t('churn.bt.observed'), align: 'right', show: (v) => pct(v as number | null) },
    ],
    rows.map((b) => ({ bin: `${Math.round(b.from * 100)}-${Math.round(b.to * 100)}%`, customers: b.customers, predicted: b.predicted, observed: b.observed })),
  );
}
