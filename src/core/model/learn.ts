/**
 * What ranks churn risk, learned from the shop's own past (rolling origin). Pure.
 *
 * The purchase models are evidence, not the verdict: their outputs (log expected purchases in the
 * window, log-odds of no purchase, log-odds of P(alive)) sit beside what carries signal on real
 * shops whether a model fits or not (recency, frequency, customer age, silence against the
 * customer's own rhythm, spend per purchase and its trend) in a logistic regression (D. R. Cox,
 * "The regression analysis of binary sequences", JRSS B 20, 1958) for "no purchase in the next w
 * days", with a small ridge penalty, fitted by Newton's method (IRLS).
 *
 * It learns at several cutoffs (rolling origin) and is judged out of time: each window is scored
 * by what was fitted on the windows that ended before it, and the scores of every window so
 * judged are pooled (L. J. Tashman, "Out-of-sample tests of forecasting accuracy", International
 * Journal of Forecasting 16, 2000). The simple scores it considered (recency, silence over the
 * customer's usual gap, the model's expected purchases) are calibrated the same way and judged on
 * the same windows; unless the learned regression ranks better there by more than a tie margin,
 * the best simple score ranks instead, and the output says so. Where the history allows no
 * window to be judged out of time, the recency rule ranks and the output says that too.
 */
import { calibration, rocAuc, versusRecency, type CalibrationRow } from './backtest.js';
import { sample, SELECT_SAMPLE } from './select.js';
import { group, type PurchaseFit, type PurchaseModelName, type Summary } from './purchase.js';
import { expectedPurchases, fitPurchases, pAlive, pNoPurchase } from './registry.js';

/** A customer as they stood at a cutoff (or the as-of date), and what they did in the window after. */
export interface LearnRow {
  summary: Summary;
  recencyDays: number;
  purchaseDays: number;
  tenureDays: number;
  /** The customer's usual gap between purchases (their own, else the shop's); null: none known. */
  gapDays: number | null;
  /** Mean net spend per purchase day with spend (minor units); 0 without one. */
  spendPerDay: number;
  recentRevenue: number;
  previousRevenue: number;
  /** Purchase days in the window after the cutoff (0 at the as-of date: unknown). */
  actual: number;
}

export interface LearnWindow {
  cutoff: string;
  rows: LearnRow[];
}

/** What each simple score is: days silent, silence over the usual gap, fewest expected purchases. */
export type SimpleScore = 'recency' | 'overdue' | 'expected';
export const SIMPLE_SCORES: readonly SimpleScore[] = ['recency', 'overdue', 'expected'];

/**
 * The features, the last four second-order terms of the first ones: a logistic linear in its
 * features cannot bend, and on real shops the risk of the recent-but-seldom and of the long
 * silent is not a straight line in log recency (the held-out calibration bins in the middle ran
 * 5 to 10 points pessimistic without them; docs/churn.md).
 */
export const FEATURES = [
  'recency',
  'frequency',
  'age',
  'overdue',
  'spend',
  'trend',
  'expected',
  'none',
  'alive',
  'recency2',
  'recencyFrequency',
  'overdue2',
  'recencyAge',
] as const;
export type Feature = (typeof FEATURES)[number];
const MODEL_FEATURES: readonly Feature[] = ['expected', 'none', 'alive'];

/** A fitted model's view of a customer over a window, in the fit's time unit. */
export interface ModelView {
  model: PurchaseModelName;
  params: PurchaseFit['params'];
  unitDays: number;
}

const clip = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number): number => Math.log(clip(p) / (1 - clip(p)));

/** The raw features of a row for a window of `days`, in FEATURES order (model features NaN without a model). */
export function rawFeatures(r: LearnRow, days: number, view: ModelView | null): number[] {
  const gap = r.gapDays !== null && r.gapDays > 0 ? r.gapDays : days;
  const total = Math.abs(r.recentRevenue) + Math.abs(r.previousRevenue);
  let expected = NaN;
  let none = NaN;
  let alive = NaN;
  if (view !== null) {
    const h = days / view.unitDays;
    expected = Math.log(expectedPurchases(view.model, view.params, r.summary, h) + 0.01);
    none = logit(pNoPurchase(view.model, view.params, r.summary, h));
    alive = logit(pAlive(view.model, view.params, r.summary));
  }
  const recency = Math.log1p(r.recencyDays / days);
  const frequency = Math.log1p(r.purchaseDays);
  const age = Math.log1p(r.tenureDays / days);
  const overdue = Math.log1p(r.recencyDays / gap);
  return [
    recency,
    frequency,
    age,
    overdue,
    Math.log1p(Math.max(0, r.spendPerDay)),
    total > 0 ? (r.recentRevenue - r.previousRevenue) / total : 0,
    expected,
    none,
    alive,
    recency * recency,
    recency * frequency,
    overdue * overdue,
    recency * age,
  ];
}

/** A logistic on standardised features: which features, their means and spreads, the coefficients (intercept first). */
export interface Logit {
  features: Feature[];
  mean: number[];
  sd: number[];
  coef: number[];
}

/** The features a simple score is calibrated on (one, the score's own transform; "expected" enters with its sign). */
const SIMPLE_FEATURE: Record<SimpleScore, Feature> = { recency: 'recency', overdue: 'overdue', expected: 'expected' };

/**
 * A feature in standard units, held within ±8: a customer far outside what the windows showed
 * (a model feature that was flat there) cannot push the risk to 0 or 1 on that alone.
 */
const standard = (v: number, mean: number, sd: number): number => Math.max(-8, Math.min(8, (v - mean) / sd));

export function predict(l: Logit, raw: readonly number[]): number {
  let z = l.coef[0]!;
  for (let k = 0; k < l.features.length; k++) {
    const v = raw[FEATURES.indexOf(l.features[k]!)]!;
    z += l.coef[k + 1]! * standard(v, l.mean[k]!, l.sd[k]!);
  }
  return 1 / (1 + Math.exp(-z));
}

/** Ridge on standardised coefficients (not the intercept), per customer: small, so separable data stay finite. */
const RIDGE = 1e-3;

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) on standardised
 * features, with the ridge penalty ½·λ·n·Σβ² (intercept free). A feature that does not vary is
 * left out.
 */
export function fitLogit(features: readonly Feature[], X: readonly number[][], y: readonly boolean[]): Logit {
  const n = X.length;
  const cols = features.map((f) => FEATURES.indexOf(f));
  const mean: number[] = [];
  const sd: number[] = [];
  const kept: Feature[] = [];
  const at: number[] = [];
  cols.forEach((c, k) => {
    let s = 0;
    let ss = 0;
    for (const row of X) {
      s += row[c]!;
      ss += row[c]! * row[c]!;
    }
    const m = s / Math.max(1, n);
    const v = Math.sqrt(Math.max(0, ss / Math.max(1, n) - m * m));
    // Flat up to rounding (P(alive) = 1 under the NBD: its log-odds at the clip) counts as not varying.
    if (v > 1e-6 * Math.max(1, Math.abs(m)) && Number.isFinite(v)) {
      kept.push(features[k]!);
      mean.push(m);
      sd.push(v);
      at.push(c);
    }
  });
  const d = kept.length + 1;
  const Z = X.map((row) => [1, ...at.map((c, k) => standard(row[c]!, mean[k]!, sd[k]!))]);
  let beta = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const f = Z[i]!;
      let z = 0;
      for (let j = 0; j < d; j++) z += beta[j]! * f[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const w = Math.max(1e-9, p * (1 - p));
      const e = (y[i] ? 1 : 0) - p;
      for (let j = 0; j < d; j++) {
        grad[j]! += e * f[j]!;
        for (let k = j; k < d; k++) H[j]![k]! += w * f[j]! * f[k]!;
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) H[j]![k] = H[k]![j]!;
    for (let j = 1; j < d; j++) {
      grad[j]! -= RIDGE * n * beta[j]!;
      H[j]![j]! += RIDGE * n;
    }
    const step = solve(H, grad);
    beta = beta.map((b, j) => b + step[j]!);
    if (step.every((s) => Math.abs(s) < 1e-8)) break;
  }
  return { features: kept, mean, sd, coef: beta };
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
  return x.map((v) => (Number.isFinite(v) ? v : 0));
}

/** What ranks: the learned regression, or a simple score calibrated the same way. */
export type RankingKind = 'learned' | SimpleScore;

export interface Ranking {
  kind: RankingKind;
  /** The model whose outputs are features (the one fitted at the as-of date), or null. */
  model: PurchaseModelName | null;
  logit: Logit;
  /** The window the probability is calibrated for, in days. */
  horizonDays: number;
  /**
   * 'model': the recency rule's level was set at the as-of date by the model's chance of no
   * purchase over the horizon (levelByModel, its knots in `levels`), not by a window of the past;
   * absent: by the past.
   */
  level?: 'model';
  levels?: Levels;
  /** A blend levelled by the model (unjudgedBlend in churn.ts): the window length its features are scaled by; its levels are knots on its score. */
  scoreDays?: number;
}

/** How what ranks did on the window it was not fitted on. */
export interface HeldOut {
  /** The newest window judged out of time. */
  cutoff: string;
  /** Every window judged (newest first): their held-out scores are pooled. Absent from fits saved before. */
  cutoffs?: string[];
  /** True: nothing is judged on what it was fitted on (false only in fits saved before, judged on halves of one window). */
  outOfTime: boolean;
  /** Customer rows judged, over all the windows judged. */
  customers: number;
  /** Pooled AUC for "no purchase in the window" of the learned regression and of each simple score considered. */
  auc: Partial<Record<RankingKind, number>>;
  chosen: RankingKind;
  /** Mean predicted risk of what ranks and the share that bought nothing. */
  meanRisk: number;
  observed: number;
  calibration: CalibrationRow[];
  /** What ranks against the recency rule there: AUC difference and its 95% bootstrap interval; null when the rule itself ranks. */
  versusRecency: { difference: number; low: number; high: number } | null;
}

export interface Learned {
  ranking: Ranking;
  /** The windows' length in days. */
  days: number;
  windows: { cutoff: string; customers: number; noPurchase: number }[];
  heldOut: HeldOut | null;
}

/** Rows a window contributes at most: the comparison's even sample, so its fits serve here too. */
export const LEARN_SAMPLE = SELECT_SAMPLE;

/** Each window's rows with their raw features (the model fitted at the window's cutoff on its own history). */
export interface Prepared {
  cutoff: string;
  X: number[][];
  y: boolean[];
}

export function prepare(
  w: LearnWindow,
  days: number,
  model: PurchaseModelName | null,
  unitDays: number,
  fitted?: PurchaseFit,
  from?: PurchaseFit['params'],
): Prepared {
  const rows = sample(w.rows, LEARN_SAMPLE);
  let view: ModelView | null = null;
  if (model !== null) {
    // The comparison's fit at this cutoff when it saw the same customers (the same even sample).
    // Otherwise fitted here, started from a neighbouring cutoff's answer (the optimum is this window's own).
    const fit = fitted ?? fitPurchases(model, group(rows.map((r) => r.summary)), from);
    const ok = fit.converged && Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0);
    view = ok ? { model, params: fit.params, unitDays } : null;
  }
  const X = rows.map((r) => rawFeatures(r, days, view));
  // A window whose model did not fit has no model features: they are filled with the window's
  // mean of nothing (0), standardisation then treats them as uninformative there.
  if (view === null && model !== null) for (const x of X) for (const f of MODEL_FEATURES) x[FEATURES.indexOf(f)] = 0;
  return { cutoff: w.cutoff, X, y: rows.map((r) => r.actual === 0) };
}

const SECOND_ORDER: readonly Feature[] = ['recency2', 'recencyFrequency', 'overdue2', 'recencyAge'];

/** The learned regression's features: without a model no model features; `bends` adds the second-order terms. */
function featureSet(model: PurchaseModelName | null, bends = true): Feature[] {
  return FEATURES.filter((f) => (model !== null || !MODEL_FEATURES.includes(f)) && (bends || !SECOND_ORDER.includes(f)));
}

/** Mean log-loss of probabilities for outcomes (a proper scoring rule: ranking and calibration both count). */
function logLoss(p: readonly number[], y: readonly boolean[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum -= Math.log(clip(y[i] ? p[i]! : 1 - p[i]!));
  return sum / Math.max(1, p.length);
}

function candidates(model: PurchaseModelName | null): RankingKind[] {
  return ['learned', ...SIMPLE_SCORES.filter((s) => s !== 'expected' || model !== null)];
}

function fitKind(kind: RankingKind, model: PurchaseModelName | null, X: number[][], y: boolean[], bends = true): Logit {
  return fitLogit(kind === 'learned' ? featureSet(model, bends) : [SIMPLE_FEATURE[kind]], X, y);
}

/** Held-out AUCs closer than this are a tie, and a tie goes to the simple score (it cannot rank below itself). */
export const TIE_MARGIN = 0.005;

/**
 * The held-out judgement's pairs: each window j that some older window i ended before (its
 * cutoff at least `days` after i's, the windows `step` days apart), with the windows it may be
 * fitted on. A window whose outcome overlaps the one judged is never fitted on for it.
 */
export function origins(count: number, days: number, step: number): { test: number; train: number[] }[] {
  const out: { test: number; train: number[] }[] = [];
  for (let j = 0; j < count; j++) {
    const train: number[] = [];
    for (let i = j + 1; i < count; i++) if ((i - j) * step >= days) train.push(i);
    if (train.length > 0) out.push({ test: j, train });
  }
  return out;
}

/**
 * Learns what ranks from windows (newest first, each with its outcome), all of `days` days, their
 * cutoffs `step` days apart (the windows overlap when the step is shorter). Rolling origin: each
 * window that older windows ended before is scored by what was fitted on those (the learned
 * regression and every simple score), and the held-out scores of all such windows are pooled.
 * The learned regression (with its second-order terms or without, whichever has the lower pooled
 * log-loss) ranks when its pooled AUC beats the best simple score's by more than TIE_MARGIN; else
 * that simple score does. Without any such window (too little history for two
 * windows back to back) nothing can be judged out of time: the recency rule ranks, and heldOut is
 * null. What ranks is then refitted on all windows.
 */
export function learnRanking(prepared: readonly Prepared[], days: number, model: PurchaseModelName | null, step = days): Learned | null {
  const all = prepared.filter((p) => p.X.length > 0);
  const X = all.flatMap((p) => p.X);
  const y = all.flatMap((p) => p.y);
  const positives = y.filter(Boolean).length;
  if (all.length === 0 || positives === 0 || positives === y.length) return null;
  const kinds = candidates(model);
  const predictions = new Map<RankingKind, number[]>(kinds.map((k) => [k, []]));
  // The learned regression without its second-order terms, judged the same way.
  const straight: number[] = [];
  const testY: boolean[] = [];
  const judged: string[] = [];
  for (const o of origins(all.length, days, step)) {
    const trainX = o.train.flatMap((i) => all[i]!.X);
    const trainY = o.train.flatMap((i) => all[i]!.y);
    const trainPos = trainY.filter(Boolean).length;
    if (trainPos === 0 || trainPos === trainY.length) continue;
    const test = all[o.test]!;
    for (const kind of kinds) {
      const l = fitKind(kind, model, trainX, trainY);
      predictions.get(kind)!.push(...test.X.map((x) => predict(l, x)));
    }
    const l = fitKind('learned', model, trainX, trainY, false);
    straight.push(...test.X.map((x) => predict(l, x)));
    testY.push(...test.y);
    judged.push(test.cutoff);
  }
  let heldOut: HeldOut | null = null;
  let chosen: RankingKind = 'recency';
  let bends = true;
  const testPos = testY.filter(Boolean).length;
  if (judged.length > 0 && testPos > 0 && testPos < testY.length) {
    // The second-order terms stay only where they lower the held-out log-loss: a small shop's
    // windows can be too few rows for thirteen coefficients.
    if (logLoss(straight, testY) < logLoss(predictions.get('learned')!, testY)) {
      bends = false;
      predictions.set('learned', straight);
    }
    const auc: Partial<Record<RankingKind, number>> = {};
    for (const kind of kinds) {
      const a = rocAuc(predictions.get(kind)!, testY);
      if (a !== null) auc[kind] = a;
    }
    let bestSimple = -Infinity;
    for (const kind of kinds)
      if (kind !== 'learned' && (auc[kind] ?? -Infinity) > bestSimple) {
        bestSimple = auc[kind]!;
        chosen = kind;
      }
    if ((auc.learned ?? -Infinity) > bestSimple + TIE_MARGIN) chosen = 'learned';
    const p = predictions.get(chosen)!;
    let against: HeldOut['versusRecency'] = null;
    if (chosen !== 'recency') {
      const v = versusRecency(p, predictions.get('recency')!, testY, 7);
      if (v !== null) against = { difference: v.difference, low: v.low, high: v.high };
    }
    heldOut = {
      versusRecency: against,
      cutoff: judged[0]!,
      cutoffs: judged,
      outOfTime: true,
      customers: testY.length,
      auc,
      chosen,
      meanRisk: p.reduce((s, v) => s + v, 0) / p.length,
      observed: testPos / testY.length,
      calibration: calibration(p, testY),
    };
  }
  return {
    ranking: {
      kind: chosen,
      model: chosen === 'learned' || chosen === 'expected' ? model : null,
      logit: fitKind(chosen, model, X, y, bends),
      horizonDays: days,
    },
    days,
    windows: all.map((p) => ({ cutoff: p.cutoff, customers: p.X.length, noPurchase: p.y.filter(Boolean).length })),
    heldOut,
  };
}

/** A customer's calibrated risk of no purchase in the ranking's window, at the as-of date. */
export function rankRisk(r: Ranking, row: LearnRow, view: ModelView | null): number {
  if (r.levels && r.scoreDays !== undefined) return levelAt(r.levels, predict(r.logit, rawFeatures(row, r.scoreDays, view)));
  if (r.levels) return levelAt(r.levels, row.recencyDays);
  return predict(r.logit, rawFeatures(row, r.horizonDays, view));
}

/** The blend of recency, frequency and the model's expected purchases: a logistic on one window, not judged out of time (null: it cannot be fitted there). */
export function blendRanking(p: Prepared, days: number, model: PurchaseModelName): Ranking | null {
  const positives = p.y.filter(Boolean).length;
  if (positives === 0 || positives === p.y.length) return null;
  return { kind: 'learned', model, logit: fitLogit(['recency', 'frequency', 'expected'], p.X, p.y), horizonDays: days };
}

/** The recency rule's level by days of silence (a blend's: by its score): knots (days, risk), both rising; between them a straight line. */
export interface Levels {
  days: number[];
  risk: number[];
}

/**
 * The recency rule's level where nothing could be judged out of time, set at the as-of date by the
 * fitted model: the isotonic regression (pool-adjacent-violators; Barlow, Bartholomew, Bremner &
 * Brunk 1972) of each customer's model chance of no purchase over the horizon on their days of
 * silence, so the rule keeps its own order and each stretch of silence gets the model's mean risk
 * there. A window of a shorter, younger past cannot: on a shop whose customers all started in one
 * quarter (the CD retailer's cohort) the one window the history allows sees customers of at most a
 * quarter's age, and calibrated there the rule put the risk 12 points above what happened
 * (docs/churn.md). Null when the model does not say that risk rises with silence at all (the NBD,
 * where nobody leaves, may not): the past's calibration then stays.
 */
export function levelByModel(rows: readonly LearnRow[], view: ModelView, days: number, key: (r: LearnRow) => number = (r) => r.recencyDays): Levels | null {
  const byDay = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    const p = pNoPurchase(view.model, view.params, r.summary, days / view.unitDays);
    if (!Number.isFinite(p)) return null;
    const d = byDay.get(key(r)) ?? { sum: 0, n: 0 };
    d.sum += p;
    d.n++;
    byDay.set(key(r), d);
  }
  const blocks: { sum: number; n: number; at: number }[] = [];
  for (const [day, d] of [...byDay].sort((a, b) => a[0] - b[0])) {
    blocks.push({ sum: d.sum, n: d.n, at: day * d.n });
    // Pool adjacent blocks while the later one's mean is not above the earlier one's.
    while (
      blocks.length > 1 &&
      blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.n >= blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.n
    ) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1]!;
      prev.sum += last.sum;
      prev.n += last.n;
      prev.at += last.at;
    }
  }
  if (blocks.length < 2) return null;
  return { days: blocks.map((b) => b.at / b.n), risk: blocks.map((b) => b.sum / b.n) };
}

/** The level at a number of days of silence: the knots' straight lines, flat beyond the first and last. */
export function levelAt(l: Levels, days: number): number {
  const n = l.days.length;
  if (days <= l.days[0]!) return l.risk[0]!;
  if (days >= l.days[n - 1]!) return l.risk[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (l.days[mid]! <= days) lo = mid;
    else hi = mid;
  }
  return l.risk[lo]! + ((l.risk[hi]! - l.risk[lo]!) * (days - l.days[lo]!)) / (l.days[hi]! - l.days[lo]!);
}
