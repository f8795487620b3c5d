/**
 * Choosing, on the shop's own history, what ranks churn risk: each purchase model is fitted on
 * the history up to a cutoff one horizon before the as-of date and scored against what happened
 * in that last horizon, beside the recency rule (days since the last purchase). Pure: no I/O.
 *
 * What ranks. Measured on the histories in the README ("Churn risk"): a model's probability of
 * no purchase over a long horizon drifts toward 1 − P(alive) and can rank worse than its expected
 * purchases, and both can rank worse than plain recency. So churn_risk is a logistic blend
 * (D. R. Cox, "The regression analysis of binary sequences", JRSS B 20, 1958) of the chosen
 * model's log expected purchases and log-odds of no purchase in the horizon, log recency and
 * log frequency, fitted on the
 * backtest's outcome "no purchase in the horizon": a probability calibrated on the shop's own
 * last horizon, which uses what the model knows and what recency knows. It is judged on
 * customers it was not fitted on (two folds), and when it does not rank better than recency
 * the rule alone (recency through the same logistic calibration) ranks instead.
 */
import { bootstrapAucDifference, rocAuc } from './backtest.js';
import { expectedPurchases, fitPurchases, group, pAlive, pNoPurchase, type BgParams, type PurchaseFit, type PurchaseModelName, type Summary } from './bgnbd.js';
import type { ParetoParams } from './paretonbd.js';
import { maxOf } from '../scale.js';
import { wordPhrase } from '../../i18n/phrase.js';

export const AUTO_ORDER: readonly PurchaseModelName[] = ['mbgnbd', 'paretonbd', 'bgnbd'];

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
 * silence varies a lot (the fit cannot tell the gone from the active).
 */
export function degenerateWhy(fit: PurchaseFit, customers: readonly Summary[]): string | null {
  const p = fit.params;
  const span = customers.reduce((m, c) => Math.max(m, c.T), 0);
  const shapes = fit.model === 'paretonbd' ? { r: p.r, s: (p as ParetoParams).s } : { r: p.r, a: (p as BgParams).a, b: (p as BgParams).b };
  for (const [k, v] of Object.entries(shapes)) {
    if (!(v > 1e-4 && v < 1e4)) return wordPhrase({ key: 'core.model.heterogeneity', vars: { param: k, value: v.toExponential(1) } }, 'en');
  }
  if (fit.model === 'paretonbd') {
    const { s, beta } = p as ParetoParams;
    const apart = Math.abs(p.alpha - beta) / Math.max(p.alpha, beta);
    if (apart > 0.98) return wordPhrase({ key: 'core.model.scales-apart', vars: { alpha: p.alpha.toPrecision(3), beta: beta.toPrecision(3) } }, 'en');
    // Expected dropouts per customer over the whole history, at the mean dropout rate s/β.
    const leaving = (s / beta) * span;
    if (leaving < 1e-3) return wordPhrase({ key: 'core.model.nobody-leaves', vars: { value: leaving.toExponential(1) } }, 'en');
    if (p.r / p.alpha > 0 && s / beta > 100 * (p.r / p.alpha)) return wordPhrase({ key: 'core.model.leave-fast' }, 'en');
  } else {
    const { a, b } = p as BgParams;
    const drop = a / (a + b);
    if (drop < 1e-3) return wordPhrase({ key: 'core.model.nobody-ever-leaves', vars: { value: drop.toExponential(1) } }, 'en');
    if (drop > 0.99) return wordPhrase({ key: 'core.model.everyone-leaves', vars: { value: drop.toFixed(3) } }, 'en');
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
    if (sdAlive < 0.01 && cvSilence > 0.5) return wordPhrase({ key: 'core.model.flat-alive', vars: { sd: sdAlive.toFixed(4) } }, 'en');
  }
  return null;
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
 * The logistic blend's inputs for one customer: the model's log expected purchases and log-odds
 * of no purchase in the horizon (where the model's story is the shop's, as on the synthetic
 * shop, its P(no purchase) is the best ranking there is; where it is not, the fit weighs it
 * down), log recency in horizons and log purchase days; the rule alone: log recency only.
 */
export function features(model: { expected: number; none: number } | null, recencyDays: number, purchaseDays: number, horizonDays: number): number[] {
  const rec = Math.log1p(recencyDays / horizonDays);
  if (model === null) return [1, rec];
  const none = Math.min(1 - 1e-6, Math.max(1e-6, model.none));
  return [1, Math.log(model.expected + 0.01), Math.log(none / (1 - none)), rec, Math.log1p(purchaseDays)];
}

export function logistic(coef: readonly number[], f: readonly number[]): number {
  let z = 0;
  for (let k = 0; k < coef.length; k++) z += coef[k]! * f[k]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with a small
 * ridge penalty so that separable data still give finite coefficients.
 */
export function fitLogistic(X: readonly number[][], y: readonly boolean[]): number[] {
  const d = X[0]?.length ?? 0;
  let beta = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < X.length; i++) {
      const f = X[i]!;
      const p = logistic(beta, f);
      const w = Math.max(1e-9, p * (1 - p));
      const e = (y[i] ? 1 : 0) - p;
      for (let j = 0; j < d; j++) {
        grad[j]! += e * f[j]!;
        for (let k = 0; k < d; k++) H[j]![k]! += w * f[j]! * f[k]!;
      }
    }
    for (let j = 0; j < d; j++) {
      grad[j]! -= 1e-6 * X.length * beta[j]!;
      H[j]![j]! += 1e-6 * X.length;
    }
    const step = solve(H, grad);
    beta = beta.map((b, j) => b + step[j]!);
    if (step.every((s) => Math.abs(s) < 1e-8)) break;
  }
  return beta;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A small and positive definite). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** Out-of-fold probabilities from two folds (even and odd positions), and the coefficients fitted on all. */
function crossFitted(X: readonly number[][], y: readonly boolean[]): { oof: number[]; coef: number[] } {
  const oof = new Array<number>(X.length).fill(0);
  for (const fold of [0, 1]) {
    const trainX: number[][] = [];
    const trainY: boolean[] = [];
    X.forEach((f, i) => {
      if (i % 2 !== fold) {
        trainX.push(f);
        trainY.push(y[i]!);
      }
    });
    const coef = fitLogistic(trainX, trainY);
    X.forEach((f, i) => {
      if (i % 2 === fold) oof[i] = logistic(coef, f);
    });
  }
  return { oof, coef: fitLogistic(X, y) };
}

export interface Candidate {
  name: PurchaseModelName | 'recency';
  /** AUC for "no purchase in the horizon": models rank by fewest expected purchases, the rule by longest silence. */
  auc: number | null;
  /** Purchases the candidate predicted in the horizon (the rule: each customer's past rate). */
  predicted: number | null;
  actual: number;
  /** Why the fit is not usable, or null. */
  degenerate: string | null;
  logLikelihood: number | null;
  /** The blend of this model with recency and frequency: out-of-fold AUC and coefficients. */
  blendAuc: number | null;
  blendCoef: number[] | null;
}

export interface Ranking {
  /** blend: the logistic blend with a model's expected purchases; recency: the rule, calibrated. */
  kind: 'blend' | 'recency';
  model: PurchaseModelName | null;
  coef: number[];
  horizonDays: number;
}

export interface Verdict {
  auc: number | null;
  recencyAuc: number | null;
  difference: number | null;
  /** 95% bootstrap interval of the difference (200 resamples of customers). */
  low: number | null;
  high: number | null;
  text: string;
}

export interface Selection {
  cutoff: string;
  horizonDays: number;
  customers: number;
  candidates: Candidate[];
  /** Models in the order to try them at the as-of date (best first, degenerate ones left out). */
  order: PurchaseModelName[];
  ranking: Ranking;
  verdict: Verdict;
}

/** How a candidate's forecast is scored: AUC, less 0.1 per 100% of purchase-count error (capped). */
export function merit(c: Candidate): number {
  if (c.auc === null) return -Infinity;
  const err = c.predicted === null || c.actual === 0 ? 1 : Math.abs(c.predicted / c.actual - 1);
  return c.auc - 0.1 * Math.min(1, err);
}

/**
 * Fits each model at the cutoff and compares it with the recency rule on the last horizon.
 * Models whose merit is within 0.003 of the best are told apart by log-likelihood (equal
 * parameter counts: the better fit to the history), since their forecasts are then as good.
 */
export function selectModel(rows: readonly BacktestCustomer[], cutoff: string, horizonDays: number, unitDays: number, models: readonly PurchaseModelName[] = AUTO_ORDER): Selection {
  const used = sample(rows, SELECT_SAMPLE);
  const summaries = used.map((r) => r.summary);
  const none = used.map((r) => r.actual === 0);
  const actual = used.reduce((s, r) => s + r.actual, 0);
  const h = horizonDays / unitDays;
  const recency = used.map((r) => r.recencyDays);
  const candidates: Candidate[] = [];
  const blendScores = new Map<PurchaseModelName, number[]>();
  const grouped = group(summaries);
  for (const model of models) {
    const fit = fitPurchases(model, grouped);
    const bad = !fit.converged ? wordPhrase({ key: 'core.model.no-converge' }, 'en') : degenerateWhy(fit, summaries);
    if (bad !== null) {
      candidates.push({ name: model, auc: null, predicted: null, actual, degenerate: bad, logLikelihood: fit.logLikelihood, blendAuc: null, blendCoef: null });
      continue;
    }
    const expected = summaries.map((s) => expectedPurchases(model, fit.params, s, h));
    const X = used.map((r, i) => features({ expected: expected[i]!, none: pNoPurchase(model, fit.params, r.summary, h) }, r.recencyDays, r.purchaseDays, horizonDays));
    const blend = crossFitted(X, none);
    blendScores.set(model, blend.oof);
    candidates.push({
      name: model,
      auc: rocAuc(expected.map((e) => -e), none),
      predicted: expected.reduce((a, b) => a + b, 0),
      actual,
      degenerate: null,
      logLikelihood: fit.logLikelihood,
      blendAuc: rocAuc(blend.oof, none),
      blendCoef: blend.coef,
    });
  }
  const rule = crossFitted(
    used.map((r) => features(null, r.recencyDays, r.purchaseDays, horizonDays)),
    none,
  );
  const rulePredicted = used.reduce((s, r) => s + (r.purchaseDays / Math.max(horizonDays, r.summary.T * unitDays)) * horizonDays, 0);
  const recencyAuc = rocAuc(recency, none);
  candidates.push({ name: 'recency', auc: recencyAuc, predicted: rulePredicted, actual, degenerate: null, logLikelihood: null, blendAuc: null, blendCoef: rule.coef });
  const usable = candidates.filter((c) => c.name !== 'recency' && c.degenerate === null);
  const best = maxOf(usable.map(merit));
  const order = usable
    .sort((p, q) => {
      const close = Math.abs(merit(p) - merit(q)) < 0.003 && merit(p) >= best - 0.003 && merit(q) >= best - 0.003;
      return close ? (q.logLikelihood ?? -Infinity) - (p.logLikelihood ?? -Infinity) : merit(q) - merit(p);
    })
    .map((c) => c.name as PurchaseModelName);
  const chosen = order.length > 0 ? candidates.find((c) => c.name === order[0])! : null;
  const blendWins = chosen !== null && chosen.blendAuc !== null && recencyAuc !== null && chosen.blendAuc > recencyAuc;
  const ranking: Ranking = blendWins
    ? { kind: 'blend', model: chosen.name as PurchaseModelName, coef: chosen.blendCoef!, horizonDays }
    : { kind: 'recency', model: null, coef: rule.coef, horizonDays };
  const shown = blendWins ? blendScores.get(chosen.name as PurchaseModelName)! : recency;
  const verdict = verdictOf(shown, recency, none, blendWins, chosen, horizonDays);
  return { cutoff, horizonDays, customers: used.length, candidates, order, ranking, verdict };
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

function verdictOf(score: number[], recency: number[], none: boolean[], blendWins: boolean, chosen: Candidate | null, horizonDays: number): Verdict {
  const auc = rocAuc(score, none);
  const recencyAuc = rocAuc(recency, none);
  if (auc === null || recencyAuc === null) {
    return { auc, recencyAuc, difference: null, low: null, high: null, text: wordPhrase({ key: 'core.model.verdict-none', vars: { days: horizonDays } }, 'en') };
  }
  if (!blendWins) {
    const why = chosen === null ? { key: 'core.model.verdict-no-model' } : { key: 'core.model.verdict-no-better', vars: { model: chosen.name, auc: chosen.blendAuc?.toFixed(3) ?? 'n/a' } };
    return { auc, recencyAuc, difference: 0, low: 0, high: 0, text: wordPhrase({ key: 'core.model.verdict-recency', vars: { days: horizonDays, auc: recencyAuc.toFixed(3), why } }, 'en') };
  }
  const { low, high } = bootstrapAucDifference(score, recency, none, 200, 7);
  const d = auc - recencyAuc;
  const word = { key: low > 0 ? 'core.model.word-better' : high < 0 ? 'core.model.word-worse' : 'core.model.word-unclear' };
  return {
    auc,
    recencyAuc,
    difference: d,
    low,
    high,
    text: wordPhrase(
      { key: 'core.model.verdict-blend', vars: { model: chosen!.name, word, days: horizonDays, auc: auc.toFixed(3), recency: recencyAuc.toFixed(3), difference: signed(d), low: signed(low), high: signed(high) } },
      'en',
    ),
  };
}
