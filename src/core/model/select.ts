/**
 * Choosing, on the shop's own history, which purchase model to fit: each model (and the NBD, in
 * which nobody leaves) is fitted on the history up to a cutoff one window before the as-of date
 * and scored against what happened in that window, on ranking (AUC, by fewest expected
 * purchases) and on the purchase count it forecast, beside the recency rule (days since the
 * last purchase). What ranks churn risk is then learned (learn.ts): the models are evidence
 * there, not the verdict. Pure: no I/O.
 */
import { rocAuc } from './backtest.js';
import { group, type BgParams, type ParetoParams, type PurchaseFit, type PurchaseModelName, type Summary } from './purchase.js';
import { expectedPurchases, fitPurchases, pAlive } from './registry.js';
import { maxOf } from '../scale.js';
import { phrase, type Phrase } from '../words.js';

export const AUTO_ORDER: readonly PurchaseModelName[] = ['mbgnbd', 'paretonbd', 'bgnbd', 'nbd'];

/** Customers a fit sees at most: evenly spaced through the list, so the same data give the same sample. */
export const FIT_SAMPLE = 30_000;

/**
 * Customers the comparison sees at most: 5,000 put the AUC's standard error near 0.007 (Hanley
 * & McNeil 1982), finer than the differences it decides on, and keep model auto on the
 * 1M-line benchmark within its time (Pareto/NBD's likelihood costs two 2F1 series a customer).
 */
export const SELECT_SAMPLE = 5_000;

export function sample<T>(rows: readonly T[], cap = FIT_SAMPLE): T[] {
  if (rows.length <= cap) return rows.slice();
  const out: T[] = [];
  const step = rows.length / cap;
  for (let k = 0; k < cap; k++) out.push(rows[Math.floor(k * step)]!);
  return out;
}

/**
 * Why a fit cannot be used, or null: parameters at the edge of their space (dropout about 0 or
 * 1, heterogeneity running away) or P(alive) that barely varies across repeat buyers whose
 * silence varies a lot (the fit cannot tell the gone from the active). Dropout about 0 is said
 * first, in those words: such a fit is the NBD (nbd.ts), which competes in its place. The NBD
 * itself has no dropout to run away: it is unusable only when its fit is not finite.
 */
export function degenerateWhy(fit: PurchaseFit, customers: readonly Summary[]): Phrase | null {
  const p = fit.params;
  if (fit.model === 'nbd') return null;
  const nobody = nobodyLeaves(fit, customers);
  if (nobody !== null) return nobody;
  const away = runawayWhy(fit);
  if (away !== null) return away;
  if (fit.model === 'paretonbd') {
    const { s, beta } = p as ParetoParams;
    const apart = Math.abs(p.alpha - beta) / Math.max(p.alpha, beta);
    if (apart > 0.98) return phrase('core.model.scales-apart', { alpha: p.alpha.toPrecision(3), beta: beta.toPrecision(3) });
    if (p.r / p.alpha > 0 && s / beta > 100 * (p.r / p.alpha)) return phrase('core.model.leave-fast');
  } else {
    const { a, b } = p as BgParams;
    if (a / (a + b) > 0.99) return phrase('core.model.everyone-leaves', { value: (a / (a + b)).toFixed(3) });
  }
  let n = 0;
  let sa = 0;
  let saa = 0;
  let sr = 0;
  let srr = 0;
  for (const c of customers) {
    if (c.x === 0) continue;
    const alive = pAlive(fit.model, p, c);
    const silence = c.T - c.tx;
    n++;
    sa += alive;
    saa += alive * alive;
    sr += silence;
    srr += silence * silence;
  }
  if (n >= 10) {
    const sdAlive = Math.sqrt(Math.max(0, saa / n - (sa / n) ** 2));
    const meanSilence = sr / n;
    const cvSilence = meanSilence > 0 ? Math.sqrt(Math.max(0, srr / n - meanSilence ** 2)) / meanSilence : 0;
    if (sdAlive < 0.01 && cvSilence > 0.5) return phrase('core.model.flat-alive', { sd: sdAlive.toFixed(4) });
  }
  return null;
}

/** "Nobody leaves" in words when the fit's dropout is about 0 (it is then the NBD), else null. */
/** A shape parameter past (1e-4, 1e4), in words, or null: heterogeneity that ran away. */
function runawayWhy(fit: PurchaseFit): Phrase | null {
  const p = fit.params;
  if (fit.model === 'nbd') return null;
  const shapes = fit.model === 'paretonbd' ? { r: p.r, s: (p as ParetoParams).s } : { r: p.r, a: (p as BgParams).a, b: (p as BgParams).b };
  for (const [k, v] of Object.entries(shapes)) {
    if (!(v > 1e-4 && v < 1e4)) return phrase('core.model.heterogeneity', { param: k, value: v.toExponential(1) });
  }
  return null;
}

/**
 * Why a fit that did not converge cannot be used: it stopped where nobody leaves or where its
 * heterogeneity ran away (the fits give up at either, optimize.ts's runsAway), else it simply
 * did not converge.
 */
export function unconvergedWhy(fit: PurchaseFit, customers: readonly Summary[]): Phrase {
  return nobodyLeaves(fit, customers) ?? runawayWhy(fit) ?? phrase('core.model.no-converge');
}

export function nobodyLeaves(fit: PurchaseFit, customers: readonly Summary[]): Phrase | null {
  const p = fit.params;
  if (fit.model === 'nbd') return null;
  if (fit.model === 'paretonbd') {
    const { s, beta } = p as ParetoParams;
    const span = customers.reduce((m, c) => Math.max(m, c.T), 0);
    // Expected dropouts per customer over the whole history, at the mean dropout rate s/β.
    const leaving = (s / beta) * span;
    return leaving < 1e-3 ? phrase('core.model.nobody-leaves', { value: leaving.toExponential(1) }) : null;
  }
  const { a, b } = p as BgParams;
  const drop = a / (a + b);
  return drop < 1e-3 ? phrase('core.model.nobody-ever-leaves', { value: drop.toExponential(1) }) : null;
}

/** A customer as the backtest sees them: their summary at the cutoff and what they did after. */
export interface BacktestCustomer {
  summary: Summary;
  recencyDays: number;
  purchaseDays: number;
  /** Purchase days in the horizon after the cutoff. */
  actual: number;
}

/**
 * A model compared. W is how its text is held: phrases as core builds them (Candidate<Phrase>),
 * their English as a saved fit and the JSON carry it (Candidate, worded by app/words.ts).
 */
export interface Candidate<W = string> {
  name: PurchaseModelName | 'recency';
  /** AUC for "no purchase in the horizon": models rank by fewest expected purchases, the rule by longest silence. */
  auc: number | null;
  /** Purchases the candidate predicted in the horizon (the rule: each customer's past rate). */
  predicted: number | null;
  actual: number;
  /** Why the fit is not usable, or null. */
  degenerate: W | null;
  logLikelihood: number | null;
  /** The forecast count's error, |predicted / actual − 1| averaged over the windows compared (null: not forecast). */
  error?: number | null;
}

export interface Selection<W = string> {
  /** The newest window compared. */
  cutoff: string;
  /** Every window compared, newest first (absent from fits saved before). */
  cutoffs?: string[];
  horizonDays: number;
  customers: number;
  candidates: Candidate<W>[];
  /** Models in the order to try them at the as-of date (best first, degenerate ones left out). */
  order: PurchaseModelName[];
}

/** A candidate's forecast count error: averaged over the windows when compared on several, else the one window's (1: none). */
export function forecastError(c: Candidate<unknown>): number {
  if (c.error !== undefined && c.error !== null) return c.error;
  return c.predicted === null || c.actual === 0 ? 1 : Math.abs(c.predicted / c.actual - 1);
}

/** How a candidate's forecast is scored: AUC, less 0.1 per 100% of purchase-count error (capped). */
export function merit(c: Candidate<unknown>): number {
  if (c.auc === null) return -Infinity;
  return c.auc - 0.1 * Math.min(1, forecastError(c));
}

/** A forecast count within this of what happened is good enough to plan with (issue 23: within 15%). */
export const FORECAST_GOAL = 0.15;

/**
 * The usable models best first: one that forecasts the count within FORECAST_GOAL before one
 * that does not; then by merit, and models whose merit is within 0.003 of the best are told apart
 * by log-likelihood (the better fit to the history), since their forecasts are then as good.
 */
export function orderOf(candidates: readonly Candidate<unknown>[]): PurchaseModelName[] {
  const usable = candidates.filter((c) => c.name !== 'recency' && c.degenerate === null && c.auc !== null);
  const within = (c: Candidate<unknown>): boolean => forecastError(c) <= FORECAST_GOAL;
  const best = (c: Candidate<unknown>): number => maxOf(usable.filter((u) => within(u) === within(c)).map(merit));
  return usable
    .sort((p, q) => {
      if (within(p) !== within(q)) return within(p) ? -1 : 1;
      const top = best(p);
      const close = Math.abs(merit(p) - merit(q)) < 0.003 && merit(p) >= top - 0.003 && merit(q) >= top - 0.003;
      return close ? (q.logLikelihood ?? -Infinity) - (p.logLikelihood ?? -Infinity) : merit(q) - merit(p);
    })
    .map((c) => c.name as PurchaseModelName);
}

/**
 * Fits each model at the cutoff and scores it on the horizon after it, beside the recency rule:
 * which model to fit at the as-of date (orderOf).
 */
export function selectModel(
  rows: readonly BacktestCustomer[],
  cutoff: string,
  horizonDays: number,
  unitDays: number,
  models: readonly PurchaseModelName[] = AUTO_ORDER,
  fits?: Map<PurchaseModelName, PurchaseFit>,
): Selection<Phrase> {
  const used = sample(rows, SELECT_SAMPLE);
  const summaries = used.map((r) => r.summary);
  const none = used.map((r) => r.actual === 0);
  const actual = used.reduce((s, r) => s + r.actual, 0);
  const h = horizonDays / unitDays;
  const candidates: Candidate<Phrase>[] = [];
  const grouped = group(summaries);
  for (const model of models) {
    const fit = fitPurchases(model, grouped);
    fits?.set(model, fit);
    const bad = !fit.converged ? unconvergedWhy(fit, summaries) : degenerateWhy(fit, summaries);
    if (bad !== null) {
      candidates.push({ name: model, auc: null, predicted: null, actual, degenerate: bad, logLikelihood: fit.logLikelihood });
      continue;
    }
    const expected = summaries.map((s) => expectedPurchases(model, fit.params, s, h));
    candidates.push({
      name: model,
      auc: rocAuc(
        expected.map((e) => -e),
        none,
      ),
      predicted: expected.reduce((a, b) => a + b, 0),
      actual,
      degenerate: null,
      logLikelihood: fit.logLikelihood,
    });
  }
  const rulePredicted = used.reduce((s, r) => s + (r.purchaseDays / Math.max(horizonDays, r.summary.T * unitDays)) * horizonDays, 0);
  candidates.push({
    name: 'recency',
    auc: rocAuc(
      used.map((r) => r.recencyDays),
      none,
    ),
    predicted: rulePredicted,
    actual,
    degenerate: null,
    logLikelihood: null,
  });
  return { cutoff, horizonDays, customers: used.length, candidates, order: orderOf(candidates) };
}

/**
 * The comparison on several windows (newest first), each model fitted at each window's cutoff
 * and checked against that window: AUC averaged over the windows (weighted by customers), the
 * counts summed, and the count's error averaged over the windows, so that one lucky window does
 * not decide. Whether a model is usable is said by the newest window; the windows judged are
 * those where every model usable there was usable too. `fits` receives each
 * window's fits by cutoff; `counts` each usable model's forecast and actual count on every window where it was usable.
 */
export function selectOnWindows(
  windows: readonly { cutoff: string; rows: readonly BacktestCustomer[] }[],
  horizonDays: number,
  unitDays: number,
  models: readonly PurchaseModelName[] = AUTO_ORDER,
  fits?: Map<string, Map<PurchaseModelName, PurchaseFit>>,
  counts?: Map<PurchaseModelName | 'recency', CountWindow[]>,
): Selection<Phrase> {
  const each = windows.map((w) => {
    const found = new Map<PurchaseModelName, PurchaseFit>();
    fits?.set(w.cutoff, found);
    return selectModel(w.rows, w.cutoff, horizonDays, unitDays, models, found);
  });
  const newest = each[0]!;
  // Judged on the windows where every model usable at the newest one was usable too, so that
  // all are judged on the same customers (an older window with a short history may leave some out).
  const usable = newest.candidates.filter((c) => c.degenerate === null && c.auc !== null && c.predicted !== null).map((c) => c.name);
  const common = each.filter((e) => usable.every((n) => e.candidates.some((c) => c.name === n && c.auc !== null && c.predicted !== null)));
  const candidates: Candidate<Phrase>[] = newest.candidates.map((c0) => {
    const at = common.map((e) => ({ c: e.candidates.find((x) => x.name === c0.name)!, customers: e.customers }));
    const actual = at.reduce((s, x) => s + x.c.actual, 0);
    if (!usable.includes(c0.name)) return { ...c0, actual };
    // Its counts on every window where it was usable (its own forecast's correction needs no other model's).
    const own = each
      .map((e) => e.candidates.find((x) => x.name === c0.name && x.auc !== null && x.predicted !== null))
      .flatMap((x, k) => (x === undefined ? [] : [{ cutoff: each[k]!.cutoff, predicted: x.predicted!, actual: x.actual }]));
    counts?.set(c0.name, own);
    const weight = at.reduce((s, x) => s + x.customers, 0);
    return {
      ...c0,
      auc: at.reduce((s, x) => s + x.c.auc! * x.customers, 0) / weight,
      predicted: at.reduce((s, x) => s + x.c.predicted!, 0),
      actual,
      error: at.reduce((s, x) => s + forecastError(x.c), 0) / at.length,
    };
  });
  return {
    cutoff: newest.cutoff,
    cutoffs: common.map((e) => e.cutoff),
    horizonDays,
    customers: common.reduce((s, e) => s + e.customers, 0),
    candidates,
    order: orderOf(candidates),
  };
}

/** One window's purchase count: what the model fitted at its cutoff forecast for it, and what happened. */
export interface CountWindow {
  cutoff: string;
  predicted: number;
  actual: number;
}

/**
 * The correction of the forecast count learned from the shop's own past windows: the chosen
 * model's forecasts there against what happened, scaled by `ratio` only where it was judged out
 * of time to help (`applied`).
 */
export interface ForecastCorrection {
  model: PurchaseModelName;
  /** Purchases are multiplied by this (1 when not applied). */
  ratio: number;
  /** The ratio the windows give, shrunk toward 1 (correctionFrom): the one applied, or that would have been. */
  shrunk: number;
  /** Actual / predicted over the windows, and the weight the mean log ratio keeps after shrinking. */
  pooled: number;
  weight: number;
  /** The windows it came from, newest first. */
  windows: CountWindow[];
  /** Each window with older ones before it, scored by the ratio those older windows give: |predicted × ratio / actual − 1| against without. */
  heldOut: { cutoff: string; ratio: number; without: number; with: number }[];
  /** The held-out windows' mean count error without and with the correction (null: no window could be held out). */
  errorWithout: number | null;
  errorWith: number | null;
  applied: boolean;
}

/**
 * Actual / predicted over the windows, shrunk toward 1 when they disagree: on the log scale the
 * mean m of the windows' log ratios keeps the weight max(0, 1 − v / m²), the positive-part
 * James–Stein factor (W. James and C. Stein 1961; B. Efron and C. Morris, "Data analysis using
 * Stein's estimator and its generalizations", JASA 70, 1975), with v the variance of m: the
 * windows' sample variance over their number (n ≥ 2), plus the Poisson noise of the counts
 * (1 / the purchases that happened). Windows that agree keep nearly the whole ratio; a ratio
 * about 1 or windows that scatter around it shrink to 1.
 */
export function correctionFrom(windows: readonly CountWindow[]): { ratio: number; pooled: number; weight: number } {
  const logs = windows.filter((w) => w.predicted > 0 && w.actual > 0).map((w) => Math.log(w.actual / w.predicted));
  const actual = windows.reduce((s, w) => s + w.actual, 0);
  const predicted = windows.reduce((s, w) => s + w.predicted, 0);
  if (logs.length === 0 || actual === 0 || predicted === 0) return { ratio: 1, pooled: 1, weight: 0 };
  const n = logs.length;
  const m = logs.reduce((s, x) => s + x, 0) / n;
  const spread = n > 1 ? logs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1) / n : 0;
  const v = spread + 1 / actual;
  const weight = m === 0 ? 0 : Math.max(0, 1 - v / (m * m));
  return { ratio: Math.exp(weight * m), pooled: actual / predicted, weight };
}

/**
 * The forecast correction for `model` from its counts on the windows compared (newest first, none
 * overlapping, each ending by the next newer one's cutoff). Judged nested, out of time: each
 * window with older ones is forecast with the ratio learned on those older windows alone; the
 * correction is applied only if that lowers the held-out windows' mean count error. Null with no
 * window at all.
 */
export function forecastCorrection(model: PurchaseModelName, windows: readonly CountWindow[]): ForecastCorrection | null {
  if (windows.length === 0) return null;
  const error = (predicted: number, actual: number): number => (actual === 0 ? 1 : Math.abs(predicted / actual - 1));
  const heldOut = windows.slice(0, -1).map((w, k) => {
    const ratio = correctionFrom(windows.slice(k + 1)).ratio;
    return { cutoff: w.cutoff, ratio, without: error(w.predicted, w.actual), with: error(w.predicted * ratio, w.actual) };
  });
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
  const errorWithout = mean(heldOut.map((h) => h.without));
  const errorWith = mean(heldOut.map((h) => h.with));
  const all = correctionFrom(windows);
  const applied = errorWith !== null && errorWithout !== null && errorWith < errorWithout && all.ratio !== 1;
  return {
    model,
    ratio: applied ? all.ratio : 1,
    shrunk: all.ratio,
    pooled: all.pooled,
    weight: all.weight,
    windows: windows.slice(),
    heldOut,
    errorWithout,
    errorWith,
    applied,
  };
}
