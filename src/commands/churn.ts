import { horizonFor, MODEL_NAMES, scoreChurn, type RiskLevel } from '../core/model/churn.js';
import { dayIndex } from '../core/measures.js';
import { bootstrapAucDifference, calibration, deciles, precisionRecall, rocAuc, topK } from '../core/model/backtest.js';
import type { Tier } from '../core/tiers.js';
import { churnAsOf, fitForRun, fittedNote, openComplaintsAsOf } from '../analysis/churn.js';
import { computeAnalysis, loadSettings, moneyOf, warnIfStale } from '../analysis/run.js';
import { valueAtRisk } from '../analysis/rows.js';
import { openForAnalysis, type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { notice } from '../io.js';
import { chalkFor, printRows, resolveFormat, TERMINAL_ROWS, type Column } from '../output.js';

export interface ChurnOptions {
  asOf: string;
  horizonDays: number | null;
  levels: RiskLevel[] | null;
  tiers: Tier[] | null;
  limit: number | null;
}

/** "90d", "12w", "3m" (30-day months) or a bare number of days. */
export function parseHorizon(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /^\s*(\d+)\s*([dwm]?)\s*$/i.exec(text);
  const n = m ? Number(m[1]) * ({ d: 1, w: 7, m: 30 } as Record<string, number>)[(m[2] || 'd').toLowerCase()]! : NaN;
  if (!m || n < 1 || n > 3650) throw new UsageError(`--horizon must be a number of days like 90d, 12w or 3m, not "${text}"`, 'for example --horizon 90d');
  return n;
}

export function parseList<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] | null {
  if (text === undefined) return null;
  const out: T[] = [];
  for (const part of text.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    const hit = allowed.find((a) => a === part);
    if (hit === undefined) throw new UsageError(`${flag} takes ${allowed.join(', ')} (comma-separated), not "${part}"`, `for example ${flag} ${allowed[0]},${allowed[1]}`);
    out.push(hit);
  }
  if (out.length === 0) throw new UsageError(`${flag} names nothing`, `for example ${flag} ${allowed[0]},${allowed[1]}`);
  return out;
}

export const CHURN_COLUMNS = ['customer_id', 'name', 'tier', 'stage', 'last_purchase', 'recency_days', 'frequency', 'p_alive', 'expected_purchases', 'p_no_purchase', 'next_purchase_date', 'expected_purchases_365d', 'churn_risk', 'risk_level', 'clv', 'value_at_risk', 'method', 'reasons'] as const;

const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export async function runChurn(options: ChurnOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx);
  try {
    await warnIfStale(db, options.asOf, ctx.io);
    const picture = await churnAsOf(db, options.asOf, { overrides: options.horizonDays === null ? {} : { horizonDays: options.horizonDays } });
    const note = fittedNote(picture, options.asOf);
    if (note !== null) notice(ctx.io, note);
    const { analysis, money, fitted, scores } = picture;
    const names = await db.customerNames();
    // Filter and sort positions, then build each row only when it is written: on 951,436
    // customers the full list of row objects added about 270 MB to the peak (measured).
    const { customers } = analysis;
    const atRisk = new Float64Array(customers.length);
    const order: number[] = [];
    customers.forEach((c, i) => {
      const s = scores.get(c.customerId)!;
      if ((options.levels === null || options.levels.includes(s.riskLevel)) && (options.tiers === null || options.tiers.includes(c.tier))) {
        atRisk[i] = valueAtRisk(c, s);
        order.push(i);
      }
    });
    order.sort((i, j) => atRisk[j]! - atRisk[i]! || (customers[i]!.customerId < customers[j]!.customerId ? -1 : 1));
    if (options.limit !== null) order.length = Math.min(order.length, options.limit);
    const rowAt = (i: number): Record<string, unknown> => {
      const c = customers[i]!;
      const s = scores.get(c.customerId)!;
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
        method: s.method,
        reasons: s.reasons.join('; '),
      };
    };
    const shown = { length: order.length, at: (k: number) => (k < order.length ? rowAt(order[k]!) : undefined) };
    if (fitted.purchase === null) notice(ctx.io, `note: no model (${fitted.fallback}); risk comes from the lifecycle rules, and value at risk uses net revenue`);
    const format = resolveFormat(ctx.format, ctx.io);
    if (format !== 'table') {
      printRows(ctx.io, format, CHURN_COLUMNS.map((key) => ({ key })), shown, null, money);
      return 0;
    }
    const c = chalkFor(ctx.io);
    const m = (v: unknown): string => (v === null ? '' : money.format(v as number));
    const level: Record<string, (s: string) => string> = { high: c.red.bold, medium: c.yellow, low: (s) => s };
    const horizon = options.horizonDays ?? picture.loaded.settings.model.horizonDays ?? fitted.horizonDays;
    const why = horizon === fitted.horizonDays ? fitted.horizonWhy : 'as set by --horizon';
    ctx.io.stdout.write(
      `${c.bold(`Churn watchlist as of ${options.asOf}`)}: ${
        fitted.ranking?.kind === 'blend'
          ? `risk = chance of no purchase in the next ${horizon} days (${MODEL_NAMES[fitted.purchase!.model]} blended with recency, calibrated on your last ${fitted.ranking.horizonDays} days)`
          : fitted.ranking?.kind === 'recency'
            ? `risk = chance of no purchase in the next ${horizon} days by recency, calibrated on your last ${fitted.ranking.horizonDays} days (no model ranked better)`
            : fitted.purchase
              ? `risk = chance of no purchase in the next ${horizon} days (${MODEL_NAMES[fitted.purchase.model]} model)`
              : `risk = share of the way to "ended" by the lifecycle rules (${fitted.fallback ?? 'no model'})`
      }; horizon ${horizon} days: ${why}; sorted by value at risk\n`,
    );
    const columns: Column[] = [
      { key: 'customer_id', header: 'customer' },
      { key: 'name', clip: 24 },
      { key: 'tier' },
      { key: 'risk_level', header: 'risk', show: (v) => (level[v as string] ?? String)(String(v)) },
      { key: 'churn_risk', header: 'p', align: 'right', show: (v) => `${Math.round((v as number) * 100)}%` },
      { key: 'clv', header: `value${money.currency ? ' ' + money.currency : ''}`, align: 'right', show: m },
      { key: 'value_at_risk', header: 'at risk', align: 'right', show: m },
      { key: 'reasons', clip: 70 },
    ];
    printRows(ctx.io, 'table', columns, shown, options.limit === null ? TERMINAL_ROWS : null);
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * The backtest's verdict in words: churn_risk against the recency rule, by how much, with a 95%
 * bootstrap interval of the AUC difference (200 resamples of customers).
 */
export function backtestVerdict(risk: readonly number[], recency: readonly number[], none: readonly boolean[], horizonDays: number): { text: string; difference: number | null; interval: [number, number] | null } {
  const a = rocAuc(risk, none);
  const b = rocAuc(recency, none);
  if (a === null || b === null) return { text: `no verdict: everyone or no one bought in the ${horizonDays} days`, difference: null, interval: null };
  const { low, high } = bootstrapAucDifference(risk, recency, none, 200, 11);
  const d = a - b;
  const word = low > 0 ? 'better than' : high < 0 ? 'worse than' : 'neither clearly better nor worse than';
  const f = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
  return {
    text: `verdict: churn_risk ranked ${word} the recency rule at who bought nothing: AUC ${a.toFixed(3)} against ${b.toFixed(3)}, ${f(d)} (95% bootstrap interval ${f(low)} to ${f(high)})`,
    difference: d,
    interval: [low, high],
  };
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
    if (last === null) throw new UsageError('there are no transactions to backtest on', 'import your sales first: rapport import transactions FILE');
    if (last < end) {
      throw new UsageError(`the ${H}-day horizon after ${options.cutoff} runs to ${end}, past your last transaction (${last})`, `choose a cutoff on or before ${new Date((dayIndex(last) - H) * 86_400_000).toISOString().slice(0, 10)}`);
    }
    if (!analysis.customers.some((c) => c.purchaseDays > 0)) {
      throw new UsageError(`no customer bought anything up to ${options.cutoff}`, 'choose a cutoff inside your history (rapport status shows its dates)');
    }
    const fitted = await fitForRun(db, options.cutoff, analysis.customers, analysis.populationGapDays, loaded, settings);
    const scored = scoreChurn(analysis.customers, fitted, settings, loaded.settings.lifecycle, analysis.populationGapDays, await openComplaintsAsOf(db, options.cutoff));
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
    const verdict = backtestVerdict(risk, recency, none, H);
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
      method: fitted.ranking?.kind ?? (fitted.purchase === null ? 'rules' : 'model'),
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
    const format = resolveFormat(ctx.format, ctx.io);
    if (format === 'json') {
      ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    const scoreName = fitted.purchase === null ? 'rules' : 'model';
    const comparison = [
      { metric: 'auc', [scoreName]: result.model_scores.auc, recency_rule: result.recency_rule.auc },
      { metric: 'high_flagged', [scoreName]: result.model_scores.high.flagged, recency_rule: result.recency_rule.high.flagged },
      { metric: 'high_precision', [scoreName]: result.model_scores.high.precision, recency_rule: result.recency_rule.high.precision },
      { metric: 'high_recall', [scoreName]: result.model_scores.high.recall, recency_rule: result.recency_rule.high.recall },
      { metric: 'predicted_purchases', [scoreName]: result.model_scores.predicted_purchases, recency_rule: result.recency_rule.predicted_purchases },
      { metric: 'actual_purchases', [scoreName]: result.model_scores.actual_purchases, recency_rule: result.recency_rule.actual_purchases },
    ];
    if (format === 'csv') {
      // The comparison as rows; deciles and calibration are in --format json.
      printRows(ctx.io, 'csv', [{ key: 'metric' }, { key: scoreName }, { key: 'recency_rule' }], comparison);
      return 0;
    }
    const c = chalkFor(ctx.io);
    const out = (s = ''): void => void ctx.io.stdout.write(s + '\n');
    const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
    out(c.bold(`Backtest: fitted on data to ${options.cutoff}, checked against ${options.cutoff} to ${end} (${H} days: ${horizon.why})`));
    out(`  ${verdict.text}`);
    out(`  ${buyers.length.toLocaleString('en-US')} customers; ${result.no_purchase_in_horizon.toLocaleString('en-US')} (${pct(result.no_purchase_in_horizon / Math.max(1, buyers.length))}) bought nothing in the horizon`);
    if (fitted.purchase === null) out(`  ${c.yellow('no model')}: ${fitted.fallback}; the scores below are the lifecycle rules'`);
    out();
    printRows(
      ctx.io,
      'table',
      [{ key: 'what' }, { key: 'model', header: scoreName === 'model' ? 'model' : 'lifecycle rules', align: 'right' }, { key: 'rule', header: 'recency rule', align: 'right' }],
      [
        { what: 'ROC AUC for "no purchase in the horizon"', model: num(result.model_scores.auc), rule: num(result.recency_rule.auc) },
        { what: `flagged high (rule: as many, longest silent)`, model: String(result.model_scores.high.flagged), rule: String(result.recency_rule.high.flagged) },
        { what: 'precision of high', model: pct(result.model_scores.high.precision), rule: pct(result.recency_rule.high.precision) },
        { what: 'recall of high', model: pct(result.model_scores.high.recall), rule: pct(result.recency_rule.high.recall) },
        { what: 'purchases predicted (rule: past rate)', model: result.model_scores.predicted_purchases === null ? 'n/a' : result.model_scores.predicted_purchases.toFixed(0), rule: result.recency_rule.predicted_purchases.toFixed(0) },
        { what: 'purchases that happened', model: String(result.model_scores.actual_purchases), rule: String(result.recency_rule.actual_purchases) },
      ],
    );
    if (result.model_scores.deciles) {
      out();
      out(c.bold('Purchases by decile of predicted purchases (10 = most)'));
      printRows(
        ctx.io,
        'table',
        [
          { key: 'decile', align: 'right' },
          { key: 'customers', align: 'right' },
          { key: 'predicted', align: 'right', show: (v) => (v as number).toFixed(1) },
          { key: 'actual', align: 'right' },
          { key: 'rule', header: 'rule: predicted', align: 'right', show: (v) => (v as number).toFixed(1) },
          { key: 'ruleActual', header: 'actual', align: 'right' },
        ],
        // Each side in its own deciles: the model's by its predictions, the rule's by its own.
        result.model_scores.deciles.map((d, i) => ({ ...d, rule: result.recency_rule.deciles[i]!.predicted, ruleActual: result.recency_rule.deciles[i]!.actual })),
      );
    }
    out();
    out(c.bold(fitted.purchase === null ? 'Calibration: the rules\' risk (not a probability) against what happened' : 'Calibration: predicted risk against what happened'));
    printRows(
      ctx.io,
      'table',
      [{ key: 'bin' }, { key: 'customers', align: 'right' }, { key: 'predicted', align: 'right', show: (v) => pct(v as number | null) }, { key: 'observed', align: 'right', show: (v) => pct(v as number | null) }],
      result.model_scores.calibration.map((b) => ({ bin: `${Math.round(b.from * 100)}-${Math.round(b.to * 100)}%`, customers: b.customers, predicted: b.predicted, observed: b.observed })),
    );
    return 0;
  } finally {
    await db.close();
  }
}
