import { seasonPhrases, seasonRatio, seasonShift, type SeasonCorrection } from '../core/model/season.js';
import { isoDay } from '../core/measures.js';
import { MODEL_CHOICES, forecastPhrase, verdictPhrase, type Fitted, type ModelChoice, type ModelSettings, type RiskMethod } from '../core/model/churn.js';
import type { PurchaseFit } from '../core/model/purchase.js';
import { describeFit } from '../core/model/registry.js';
import { FIT_SAMPLE, forecastError } from '../core/model/select.js';
import { printCalibration } from './churn.js';
import { computeAnalysis, loadSettings, measure, moneyOf, settleAsOf, type Money } from '../app/run.js';
import { fitForRun } from '../app/churn.js';
import { openForAnalysis, type Context } from '../cli/context.js';
import { notice, noticer } from '../cli/io.js';
import { UsageError } from '../sys/errors.js';
import { forPeople, show, type Pen } from '../cli/printer.js';
import { currentLang, t, tn } from '../i18n/index.js';
import { formatDate, formatMoneyFor, formatNumber } from '../i18n/format.js';
import { methodName, modelName, reword, wordPhrase } from '../i18n/phrase.js';

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key + '.'));
    else out[key] = Array.isArray(v) ? v.join('; ') : v;
  }
  return out;
}

/** --model: auto or one of the four purchase models (the NBD included). */
export function parseModelName(text: string | undefined): ModelChoice | null {
  if (text === undefined) return null;
  const name = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const hit = MODEL_CHOICES.find((m) => m === name);
  if (hit !== undefined) return hit;
  throw new UsageError(t('model.bad-name', { text }), t('model.bad-name-hint'));
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
    predicted_purchases: c.predicted === null ? null : Math.round(c.predicted),
    actual_purchases: c.actual,
    forecast_error: c.predicted === null ? null : r4(forecastError(c)),
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
    learned: learnedRecord(f),
    fallback: f.fallback,
    rejected: f.rejected,
    spend_problem: f.spendProblem ?? null,
    comparison:
      f.selection === null
        ? null
        : { cutoff: f.selection.cutoff, horizon_days: f.selection.horizonDays, customers: f.selection.customers, candidates: comparisonRows(f) },
    // Only where windows were compared (absent otherwise, so a short history's output is as it was).
    ...(f.forecast ? { forecast_correction: forecastRecord(f) } : {}),
    // Only where the history allowed the season's judgement (core/model/season.ts).
    ...(f.season ? { season_correction: seasonRecord(f.season) } : {}),
    sufficiency: {
      ok: f.sufficiency.ok,
      customers: f.sufficiency.customers,
      repeat_buyers: f.sufficiency.repeatBuyers,
      history_days: f.sufficiency.historyDays,
      problems: f.sufficiency.problems,
    },
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
        : {
            model: 'gamma-gamma',
            params: f.spend.params,
            log_likelihood: f.spend.logLikelihood,
            customers: f.spend.customers,
            left_out: f.spendLeftOut,
            iterations: f.spend.iterations,
            converged: f.spend.converged,
          },
  };
}

/** The forecast count's correction from the windows compared, snake_case; null where none were. */
function forecastRecord(f: Fitted): Record<string, unknown> | null {
  const c = f.forecast ?? null;
  if (c === null) return null;
  const said = forecastPhrase(f);
  return {
    model: c.model,
    applied: c.applied,
    ratio: r4(c.ratio),
    shrunk_ratio: r4(c.shrunk),
    pooled_ratio: r4(c.pooled),
    windows: c.windows.map((w) => ({ cutoff: w.cutoff, predicted_purchases: Math.round(w.predicted), actual_purchases: w.actual })),
    held_out: c.heldOut.map((h) => ({ cutoff: h.cutoff, ratio: r4(h.ratio), error_without: r4(h.without), error_with: r4(h.with) })),
    error_without: r4(c.errorWithout),
    error_with: r4(c.errorWith),
    says: said === null ? null : wordPhrase(said, 'en'),
  };
}

/** The same season a year earlier and its judgement, snake_case. */
function seasonRecord(s: SeasonCorrection): Record<string, unknown> {
  const part = (p: SeasonCorrection['level']) => ({ applied: p.applied, weight: r4(p.weight), error_without: r4(p.without), error_with: r4(p.with) });
  return {
    year_before: isoDay(s.yearBefore),
    shift: r4(s.shift),
    ratio: r4(s.ratio),
    applied_shift: r4(seasonShift(s)),
    applied_ratio: r4(seasonRatio(s)),
    level: part(s.level),
    count: part(s.count),
    judged: s.judged.map((j) => ({
      cutoff: isoDay(j.cutoff),
      no_purchase: { without: r4(j.none.without), with: r4(j.none.with), actual: r4(j.none.actual) },
      purchases_per_customer: { without: r4(j.rate.without), with: r4(j.rate.with), actual: r4(j.rate.actual) },
    })),
    says: seasonPhrases(s).map((p) => wordPhrase(p, 'en')),
  };
}

/** What ranks and how it did out of time, snake_case; null without a ranking. */
function learnedRecord(f: Fitted): Record<string, unknown> | null {
  if (f.ranking === null || !f.learned) return null;
  const h = f.learned.heldOut;
  const verdict = verdictPhrase(f);
  return {
    method: f.ranking.kind,
    model: f.ranking.model,
    window_days: f.learned.days ?? f.ranking.horizonDays,
    features: f.ranking.logit.features,
    windows: f.learned.windows.map((w) => ({ cutoff: w.cutoff, customers: w.customers, no_purchase: w.noPurchase })),
    held_out:
      h === null
        ? null
        : {
            cutoff: h.cutoff,
            cutoffs: h.cutoffs ?? [h.cutoff],
            out_of_time: h.outOfTime,
            customers: h.customers,
            auc: Object.fromEntries(Object.entries(h.auc).map(([k, v]) => [k, r4(v)])),
            chosen: h.chosen,
            mean_risk: r4(h.meanRisk),
            observed: r4(h.observed),
            calibration: h.calibration,
          },
    verdict: verdict === null ? null : wordPhrase(verdict, 'en'),
  };
}

/** The purchase model's parameters in words. */
function describePurchase(fit: PurchaseFit, unit: string): string[] {
  const { params, words } = describeFit(fit);
  return [
    `  ${params.map(([name, value]) => `${name} ${value.toPrecision(4)}`).join('  ')}`,
    `  ${wordPhrase({ ...words, vars: { ...words.vars, unit: unitName(unit) } })}`,
  ];
}

export async function runModel(options: ModelOptions, ctx: Context): Promise<number> {
  const db = await openForAnalysis(ctx, options.save);
  try {
    options = { ...options, asOf: await settleAsOf(db, options.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
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
    // Each candidate's reason for not being used is printed once: in the comparison table when
    // there is one on the screen, else on stderr (it was printed three or four times).
    const inTable = forPeople(ctx) && fitted.selection !== null && fitted.rejected.length > 0;
    const noFitWhy = (): string => (inTable && /^no usable fit \(/.test(fitted.fallback ?? '') ? t('model.none-usable') : reword(fitted.fallback ?? ''));
    const asStored =
      settings.model === loaded.settings.model.model &&
      settings.timeUnit === loaded.settings.model.timeUnit &&
      settings.horizonDays === loaded.settings.model.horizonDays;
    if (options.save && asStored) {
      const id = await db.saveFit(fitted, loaded.text);
      notice(
        ctx.io,
        fitted.purchase === null
          ? t('model.saved-no-model', {
              id,
              date: formatDate(options.asOf),
              why: noFitWhy(),
              uses: fitted.ranking !== null ? methodName(fitted.ranking.kind, fitted.ranking.model) : t('model.uses-rules'),
            })
          : t('model.saved', { id, date: formatDate(options.asOf) }),
      );
      if (fitted.purchase !== null && fitted.spend === null)
        notice(ctx.io, t('model.pyramid-by-revenue', { why: fitted.spendProblem ? reword(fitted.spendProblem) : t('model.no-spend-model') }));
      // A snapshot of the same date ranked its tiers without the model: segment it again now.
      if (fitted.purchase !== null && fitted.spend !== null && (await db.findSnapshot(options.asOf)) !== null) {
        const snapshot = await db.saveSnapshot(await computeAnalysis(db, options.asOf, loaded, money, measured), loaded.text);
        notice(ctx.io, t('model.snapshot-again', { id: snapshot, date: formatDate(options.asOf) }));
      }
    } else if (options.save) {
      notice(
        ctx.io,
        t('model.not-saved', {
          model: loaded.settings.model.model,
          unit: loaded.settings.model.timeUnit,
          horizon: loaded.settings.model.horizonDays ?? 'auto',
        }),
      );
    }
    for (const r of inTable ? [] : fitted.rejected) {
      // "mbgnbd: heterogeneity ran away (a = 2.8e+5)": the model's name, then why, reworded.
      const m = /^(\w+): (.*)$/s.exec(r);
      notice(ctx.io, t('model.not-used', { why: m === null ? reword(r) : `${modelName(m[1]!)}${t('model.name-separator')}${reword(m[2]!)}` }));
    }
    const record = fitRecord(fitted);
    // CSV: one row, nested keys joined with dots (purchase.params.r, spend.params.p, ...); the comparison in --format json.
    const rest: Record<string, unknown> = { ...record, verdict: (record.learned as Record<string, unknown> | null)?.verdict ?? null };
    delete rest.comparison;
    delete rest.forecast_correction;
    delete rest.season_correction;
    delete rest.learned;
    const draw = (pen: Pen): void => drawModel(pen, fitted, options.asOf, money, noFitWhy, settings);
    show(ctx, { json: { value: record }, csv: { record: flatten(rest) }, table: { draw } });
    return 0;
  } finally {
    await db.close();
  }
}

/** The fit for people: the data it saw, the candidates compared, the learned ranking, and each model's parameters. */
function drawModel(pen: Pen, f: Fitted, asOf: string, money: Money, noFitWhy: () => string, settings: ModelSettings): void {
  const c = pen.chalk;
  const out = pen.line;
  const s = f.sufficiency;
  out(c.bold(t('model.title', { date: formatDate(asOf), unit: unitName(f.timeUnit), days: f.horizonDays, why: reword(f.horizonWhy) })));
  out(
    `  ${t('model.data', { customers: formatNumber(s.customers), repeat: formatNumber(s.repeatBuyers), days: formatNumber(s.historyDays), enough: s.ok ? t('model.enough') : t('model.not-enough') })}`,
  );
  for (const p of s.problems) out(`    - ${p}`);
  drawComparison(pen, f);
  // Auto without a comparison: why this model (the history leaves no window with a fit's history before it).
  if (settings.model === 'auto' && f.selection === null && f.purchase !== null)
    out(`\n  ${t('model.not-compared', { days: f.horizonDays, min: settings.minHistoryDays, model: modelName(f.purchase.model) })}`);
  const forecast = forecastPhrase(f);
  if (forecast !== null) out(`  ${wordPhrase(forecast, currentLang())}`);
  for (const p of seasonPhrases(f.season)) out(`  ${wordPhrase(p, currentLang())}`);
  drawLearned(pen, f);
  if (f.purchase === null) {
    out(
      `  ${c.yellow(t('model.no-model'))}${t('model.no-model-detail', { why: noFitWhy(), from: f.ranking !== null ? methodName(f.ranking.kind, f.ranking.model) : t('model.from-rules') })}`,
    );
  } else {
    out();
    out(
      c.bold(t('model.purchases', { model: modelName(f.purchase.model) })) +
        t('model.purchases-fit', { converged: f.purchase.converged ? t('model.converged') : t('model.not-converged'), n: f.purchase.iterations }),
    );
    for (const line of describePurchase(f.purchase, f.timeUnit)) out(line);
    const sample = f.purchase.customers > FIT_SAMPLE ? t('model.sample', { n: formatNumber(f.purchase.customers) }) : '';
    out(
      `  ${t('model.likelihood', { ll: f.purchase.logLikelihood.toFixed(1), customers: formatNumber(Math.min(f.purchase.customers, FIT_SAMPLE)), groups: formatNumber(f.purchase.groups), sample })}`,
    );
    out(`  ${t('model.risk-from', { from: f.ranking !== null ? methodName(f.ranking.kind, f.ranking.model) : methodName('model', f.purchase.model) })}`);
  }
  if (f.spendProblem) out(`\n  ${c.yellow(t('model.spend'))}${t('model.colon')}${reword(f.spendProblem)}`);
  if (f.spend !== null) {
    const q = f.spend.params;
    out();
    out(c.bold(t('model.spend-title')) + t('model.spend-fit', { converged: f.spend.converged ? t('model.converged') : t('model.not-converged') }));
    out(`  p ${q.p.toPrecision(4)}  q ${q.q.toPrecision(4)}  v ${q.v.toPrecision(4)}`);
    out(
      `  ${t('model.spend-likelihood', { ll: f.spend.logLikelihood.toFixed(1), customers: formatNumber(f.spend.customers), left: formatNumber(f.spendLeftOut) })}`,
    );
    if (q.q > 1) out(`  ${t('model.mean-spend', { value: formatMoneyFor(Math.round((q.p * q.v) / (q.q - 1)), money.exponent, money.currency) })}`);
  }
}

/** The purchase models compared on held-out windows, when they were. */
function drawComparison(pen: Pen, f: Fitted): void {
  const c = pen.chalk;
  const out = pen.line;
  if (f.selection !== null) {
    const sel = f.selection;
    out();
    const cutoffs = sel.cutoffs ?? [sel.cutoff];
    if (cutoffs.length > 1)
      out(
        c.bold(
          t('model.compared-windows', {
            count: cutoffs.length,
            days: sel.horizonDays,
            cutoffs: cutoffs.map((d) => formatDate(d)).join(t('table.list-separator')),
            customers: formatNumber(sel.customers),
          }),
        ),
      );
    else out(c.bold(t('model.compared', { days: sel.horizonDays, cutoff: formatDate(sel.cutoff), customers: formatNumber(sel.customers) })));
    const rows = comparisonRows(f).map((r) => ({
      ...r,
      candidate: modelName(r.candidate as string),
      degenerate: r.degenerate === null ? null : reword(String(r.degenerate)),
      auc: r.auc === null ? '' : (r.auc as number).toFixed(3),
      forecast_error: r.forecast_error === null ? '' : `${((r.forecast_error as number) * 100).toFixed(0)}%`,
    }));
    // On a terminal the reasons do not fit a column at 80 (cut to "dropout about …"): each is a
    // line under the table instead, wrapped to the width, and the candidates' names stay whole.
    const under = pen.io.stdoutIsTTY;
    pen.rows(
      [
        { key: 'candidate', header: t('model.col.candidate') },
        { key: 'auc', header: t('model.col.auc'), align: 'right' },
        { key: 'predicted_purchases', header: t('model.col.predicted'), align: 'right' },
        { key: 'actual_purchases', header: t('model.col.actual'), align: 'right' },
        { key: 'forecast_error', header: t('model.col.forecast-error'), align: 'right' },
        ...(under ? [] : [{ key: 'degenerate', header: t('model.col.degenerate') }]),
      ],
      rows,
    );
    if (under)
      for (const r of rows) if (r.degenerate !== null) out(`  ${t('model.not-used', { why: `${r.candidate}${t('model.name-separator')}${r.degenerate}` })}`);
  }
}

/** Whether the windows learned on overlap (cutoffs less than a window apart): then they are not "two windows back to back". */
function overlapping(windows: readonly { cutoff: string }[], days: number): boolean {
  return windows.some((w, k) => k > 0 && Date.parse(windows[k - 1]!.cutoff) - Date.parse(w.cutoff) < days * 86_400_000);
}

/** The learned ranking: its held-out AUC against the other scores, its verdict and calibration. */
function drawLearned(pen: Pen, f: Fitted): void {
  const c = pen.chalk;
  const out = pen.line;
  if (f.ranking !== null && f.learned) {
    const L = f.learned;
    out();
    out(
      c.bold(
        tn(overlapping(L.windows, L.days ?? f.ranking.horizonDays) ? 'model.learned-title-overlapping' : 'model.learned-title', L.windows.length, {
          method: methodName(f.ranking.kind, f.ranking.model),
          days: L.days ?? f.ranking.horizonDays,
          cutoffs: L.windows.map((w) => formatDate(w.cutoff)).join(t('table.list-separator')),
        }),
      ),
    );
    const h = L.heldOut;
    if (h !== null) {
      pen.rows(
        [
          { key: 'score', header: t('model.col.score') },
          { key: 'auc', header: t('model.col.held-out-auc'), align: 'right' },
          { key: 'chosen', header: '' },
        ],
        Object.entries(h.auc).map(([kind, auc]) => ({
          score: methodName(kind as RiskMethod, f.ranking!.model),
          auc: auc.toFixed(3),
          chosen: kind === h.chosen ? t('model.ranks-mark') : '',
        })),
      );
    }
    const v = verdictPhrase(f);
    if (v !== null) out(`  ${wordPhrase(v, currentLang())}`);
    if (h !== null) {
      out(
        `  ${t('model.mean-risk', { risk: (h.meanRisk * 100).toFixed(1) + '%', observed: (h.observed * 100).toFixed(1) + '%', customers: formatNumber(h.customers) })}`,
      );
      printCalibration(pen, h.calibration);
    }
  }
}

/** The model's time unit for a person ("week" stays the code in data). */
function unitName(unit: string): string {
  switch (unit) {
    case 'day':
      return t('model.unit.day');
    case 'week':
      return t('model.unit.week');
    default:
      return unit;
  }
}
