import { MODEL_CHOICES, MODEL_NAMES, type Fitted, type ModelChoice, type ModelSettings } from '../core/model/churn.js';
import type { BgParams, PurchaseFit } from '../core/model/bgnbd.js';
import type { ParetoParams } from '../core/model/paretonbd.js';
import { FIT_SAMPLE } from '../core/model/select.js';
import { computeAnalysis, loadSettings, measure, moneyOf, warnIfStale } from '../analysis/run.js';
import { fitForRun } from '../analysis/churn.js';
import { openForAnalysis, type Context } from '../context.js';
import { notice } from '../io.js';
import { UsageError } from '../errors.js';
import { chalkFor, printRecord, printRows, resolveFormat } from '../output.js';

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key + '.'));
    else out[key] = Array.isArray(v) ? v.join('; ') : v;
  }
  return out;
}

/** --model: auto or one of the three purchase models. */
export function parseModelName(text: string | undefined): ModelChoice | null {
  if (text === undefined) return null;
  const t = text.trim().toLowerCase().replace(/[^a-z]/g, '');
  const hit = MODEL_CHOICES.find((m) => m === t);
  if (hit !== undefined) return hit;
  throw new UsageError(`--model must be auto, mbgnbd, paretonbd or bgnbd, not "${text}"`, 'for example --model paretonbd');
}

export interface ModelOptions {
  asOf: string;
  model: ModelChoice | null;
  horizonDays: number | null;
  timeUnit: ModelSettings['timeUnit'] | null;
  save: boolean;
}

const r4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** The comparison on the shop's last horizon as rows: each model, and the recency rule. */
export function comparisonRows(f: Fitted): Record<string, unknown>[] {
  if (f.selection === null) return [];
  return f.selection.candidates.map((c) => ({
    candidate: c.name,
    auc: r4(c.auc),
    blend_auc: r4(c.blendAuc),
    predicted_purchases: c.predicted === null ? null : Math.round(c.predicted),
    actual_purchases: c.actual,
    degenerate: c.degenerate,
  }));
}

/** The fit as printed: the usual parameter names, snake_case keys. */
export function fitRecord(f: Fitted): Record<string, unknown> {
  return {
    as_of: f.asOf,
    time_unit: f.timeUnit,
    horizon_days: f.horizonDays,
    horizon_why: f.horizonWhy,
    used: f.purchase !== null,
    churn_risk_from: f.ranking?.kind ?? (f.purchase === null ? 'rules' : 'model'),
    fallback: f.fallback,
    rejected: f.rejected,
    spend_problem: f.spendProblem ?? null,
    comparison:
      f.selection === null
        ? null
        : { cutoff: f.selection.cutoff, horizon_days: f.selection.horizonDays, customers: f.selection.customers, verdict: f.selection.verdict.text, candidates: comparisonRows(f) },
    sufficiency: { ok: f.sufficiency.ok, customers: f.sufficiency.customers, repeat_buyers: f.sufficiency.repeatBuyers, history_days: f.sufficiency.historyDays, problems: f.sufficiency.problems },
    purchase:
      f.purchase === null
        ? null
        : {
            model: f.purchase.model,
            params: f.purchase.params,
            log_likelihood: f.purchase.logLikelihood,
            customers: f.purchase.customers,
            groups: f.purchase.groups,
            iterations: f.purchase.iterations,
            converged: f.purchase.converged,
          },
    spend:
      f.spend === null
        ? null
        : { model: 'gamma-gamma', params: f.spend.params, log_likelihood: f.spend.logLikelihood, customers: f.spend.customers, left_out: f.spendLeftOut, iterations: f.spend.iterations, converged: f.spend.converged },
  };
}

/** The purchase model's parameters in words. */
function describePurchase(fit: PurchaseFit, unit: string): string[] {
  const p = fit.params;
  if (fit.model === 'paretonbd') {
    const { s, beta } = p as ParetoParams;
    return [
      `  r ${p.r.toPrecision(4)}  alpha ${p.alpha.toPrecision(4)}  s ${s.toPrecision(4)}  beta ${beta.toPrecision(4)}`,
      `  purchase rates vary as Gamma(r, alpha): ${(p.r / p.alpha).toPrecision(3)} a ${unit} on average while active; dropout rates as Gamma(s, beta): ${(s / beta).toPrecision(3)} a ${unit} on average`,
    ];
  }
  const { a, b } = p as BgParams;
  return [
    `  r ${p.r.toPrecision(4)}  alpha ${p.alpha.toPrecision(4)}  a ${a.toPrecision(4)}  b ${b.toPrecision(4)}`,
    `  purchase rates vary as Gamma(r, alpha): ${(p.r / p.alpha).toPrecision(3)} a ${unit} on average while active; each purchase is the last with probability a/(a+b) = ${((a / (a + b)) * 100).toFixed(1)}% on average`,
  ];
}

export async function runModel(options: ModelOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx, options.save);
  try {
    await warnIfStale(db, options.asOf, ctx.io);
    const money = await moneyOf(db);
    const loaded = await loadSettings(db, money);
    const settings: ModelSettings = {
      ...loaded.settings.model,
      ...(options.model ? { model: options.model } : {}),
      ...(options.timeUnit ? { timeUnit: options.timeUnit } : {}),
      ...(options.horizonDays !== null ? { horizonDays: options.horizonDays } : {}),
    };
    const measured = await measure(db, options.asOf, loaded.settings);
    const fitted = await fitForRun(db, options.asOf, measured.customers, measured.populationGapDays, loaded, settings);
    const asStored = settings.model === loaded.settings.model.model && settings.timeUnit === loaded.settings.model.timeUnit && settings.horizonDays === loaded.settings.model.horizonDays;
    if (options.save && asStored) {
      const id = await db.saveFit(fitted, loaded.text);
      notice(
        ctx.io,
        fitted.purchase === null
          ? `saved model fit ${id} (as of ${options.asOf}): no model (${fitted.fallback}); churn uses ${fitted.ranking?.kind === 'recency' ? 'the recency rule' : 'the lifecycle rules'}`
          : `saved model fit ${id} (as of ${options.asOf}); churn, customers and segment use it until an import stores rows or a model setting changes`,
      );
      if (fitted.purchase !== null && fitted.spend === null) notice(ctx.io, `the value pyramid keeps ranking by net revenue: ${fitted.spendProblem ?? 'no spend model'}`);
      // A snapshot of the same date ranked its tiers without the model: segment it again now.
      if (fitted.purchase !== null && fitted.spend !== null && await db.findSnapshot(options.asOf) !== null) {
        const snapshot = await db.saveSnapshot(await computeAnalysis(db, options.asOf, loaded, money, measured), loaded.text);
        notice(ctx.io, `snapshot ${snapshot} (as of ${options.asOf}) saved again: its tiers now rank by predicted lifetime value`);
      }
    } else if (options.save) {
      notice(
        ctx.io,
        `not saved: fitted with flags that differ from the settings (model.name = ${loaded.settings.model.model}, model.time_unit = ${loaded.settings.model.timeUnit}, churn.horizon_days = ${loaded.settings.model.horizonDays ?? 'auto'}); rapport config set changes those`,
      );
    }
    for (const r of fitted.rejected) notice(ctx.io, `not used: ${r}`);
    const record = fitRecord(fitted);
    const format = resolveFormat(ctx.format, ctx.io);
    if (format === 'json') {
      ctx.io.stdout.write(JSON.stringify(record, null, 2) + '\n');
      return 0;
    }
    if (format === 'csv') {
      // One row, nested keys joined with dots (purchase.params.r, spend.params.p, ...); the comparison in --format json.
      const rest: Record<string, unknown> = { ...record, verdict: fitted.selection?.verdict.text ?? null };
      delete rest.comparison;
      printRecord(ctx.io, 'csv', flatten(rest));
      return 0;
    }
    const c = chalkFor(ctx.io);
    const out = (s = ''): void => void ctx.io.stdout.write(s + '\n');
    const f = fitted;
    const s = f.sufficiency;
    out(c.bold(`Model as of ${options.asOf}, time unit: ${f.timeUnit}, horizon: ${f.horizonDays} days (${f.horizonWhy})`));
    out(`  data: ${s.customers.toLocaleString('en-US')} customers with purchases, ${s.repeatBuyers.toLocaleString('en-US')} repeat buyers, ${s.historyDays.toLocaleString('en-US')} days of history: ${s.ok ? 'enough' : 'not enough'}`);
    for (const p of s.problems) out(`    - ${p}`);
    if (f.selection !== null) {
      const sel = f.selection;
      out();
      out(c.bold(`Compared on your last ${sel.horizonDays} days: fitted to ${sel.cutoff}, checked against what ${sel.customers.toLocaleString('en-US')} customers did next`));
      printRows(
        ctx.io,
        'table',
        [
          { key: 'candidate' },
          { key: 'auc', header: 'AUC (no purchase)', align: 'right' },
          { key: 'blend_auc', header: 'blended with recency', align: 'right' },
          { key: 'predicted_purchases', header: 'predicted', align: 'right' },
          { key: 'actual_purchases', header: 'actual', align: 'right' },
          { key: 'degenerate', header: 'not usable because' },
        ],
        comparisonRows(f).map((r) => ({ ...r, candidate: MODEL_NAMES[r.candidate as string] ?? r.candidate, auc: r.auc === null ? '' : (r.auc as number).toFixed(3), blend_auc: r.blend_auc === null ? '' : (r.blend_auc as number).toFixed(3) })),
      );
      out(`  ${sel.verdict.text}`);
    }
    if (f.purchase === null) {
      out(`  ${c.yellow('no model')}: ${f.fallback}; churn risk comes from ${f.ranking?.kind === 'recency' ? 'the recency rule, calibrated on your last horizon' : 'the lifecycle rules instead'} (see README "Churn risk")`);
    } else {
      out();
      out(c.bold(`Purchases: ${MODEL_NAMES[f.purchase.model]}`) + `  (${f.purchase.converged ? 'converged' : 'NOT converged'}, ${f.purchase.iterations} iterations)`);
      for (const line of describePurchase(f.purchase, f.timeUnit)) out(line);
      out(`  log-likelihood ${f.purchase.logLikelihood.toFixed(1)} over ${Math.min(f.purchase.customers, FIT_SAMPLE).toLocaleString('en-US')} customers (${f.purchase.groups.toLocaleString('en-US')} distinct histories)${f.purchase.customers > FIT_SAMPLE ? `, an even sample of ${f.purchase.customers.toLocaleString('en-US')}` : ''}`);
      out(`  churn risk: ${f.ranking?.kind === 'blend' ? 'the model blended with recency and frequency, calibrated on your last horizon' : f.ranking?.kind === 'recency' ? 'the recency rule, calibrated on your last horizon (no model ranked better)' : 'the model\'s chance of no purchase in the horizon'}`);
    }
    if (f.spendProblem) out(`\n  ${c.yellow('spend')}: ${f.spendProblem}`);
    if (f.spend !== null) {
      const q = f.spend.params;
      out();
      out(c.bold('Spend per purchase: Gamma-Gamma') + `  (${f.spend.converged ? 'converged' : 'NOT converged'})`);
      out(`  p ${q.p.toPrecision(4)}  q ${q.q.toPrecision(4)}  v ${q.v.toPrecision(4)}`);
      out(`  log-likelihood ${f.spend.logLikelihood.toFixed(1)} over ${f.spend.customers.toLocaleString('en-US')} customers; ${f.spendLeftOut.toLocaleString('en-US')} left out (no purchase day with a positive net spend)`);
      if (q.q > 1) out(`  mean spend per purchase across customers ${money.format((q.p * q.v) / (q.q - 1))}${money.currency ? ' ' + money.currency : ''}`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
