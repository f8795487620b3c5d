/**
 * Backtest metrics: how well scores made at a cutoff predicted what happened in the horizon
 * after it. Pure.
 */

/**
 * ROC AUC of `score` for `positive` (J. A. Hanley and B. J. McNeil, "The meaning and use of the
 * area under a receiver operating characteristic curve", Radiology 143, 1982): the probability
 * that a random positive scores above a random negative, ties counting half; computed from the
 * Mann–Whitney rank sum with average ranks for ties. Null when either class is empty.
 */
export function rocAuc(score: readonly number[], positive: readonly boolean[]): number | null {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => score[i]! - score[j]!);
  let rankSum = 0;
  let pos = 0;
  let k = 0;
  while (k < n) {
    let e = k;
    while (e + 1 < n && score[order[e + 1]!] === score[order[k]!]) e++;
    const avg = (k + e + 2) / 2; // ranks are 1-based
    for (let j = k; j <= e; j++) {
      if (positive[order[j]!]) {
        rankSum += avg;
        pos++;
      }
    }
    k = e + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface PrecisionRecall {
  flagged: number;
  precision: number | null;
  recall: number | null;
}

export function precisionRecall(flag: readonly boolean[], positive: readonly boolean[]): PrecisionRecall {
  let tp = 0;
  let flagged = 0;
  let positives = 0;
  for (let i = 0; i < flag.length; i++) {
    if (flag[i]) flagged++;
    if (positive[i]) positives++;
    if (flag[i] && positive[i]) tp++;
  }
  return { flagged, precision: flagged > 0 ? tp / flagged : null, recall: positives > 0 ? tp / positives : null };
}

/** The indices of the top `k` scores (ties broken by index), as flags. */
export function topK(score: readonly number[], k: number): boolean[] {
  const order = Array.from({ length: score.length }, (_, i) => i).sort((i, j) => score[j]! - score[i]! || i - j);
  const flag = new Array<boolean>(score.length).fill(false);
  for (let i = 0; i < Math.min(k, order.length); i++) flag[order[i]!] = true;
  return flag;
}

export interface DecileRow {
  decile: number;
  customers: number;
  predicted: number;
  actual: number;
}

/** Customers in ten groups by predicted purchases (1 = lowest), with predicted and actual totals. */
export function deciles(predicted: readonly number[], actual: readonly number[]): DecileRow[] {
  const n = predicted.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => predicted[i]! - predicted[j]! || i - j);
  const out: DecileRow[] = Array.from({ length: 10 }, (_, d) => ({ decile: d + 1, customers: 0, predicted: 0, actual: 0 }));
  order.forEach((idx, rank) => {
    const d = Math.min(9, Math.floor((rank * 10) / n));
    out[d]!.customers++;
    out[d]!.predicted += predicted[idx]!;
    out[d]!.actual += actual[idx]!;
  });
  return out;
}

export interface CalibrationRow {
  from: number;
  to: number;
  customers: number;
  /** Mean predicted probability in the bin. */
  predicted: number | null;
  /** Share of the bin for whom the event happened. */
  observed: number | null;
}

/** Ten equal-width probability bins: mean predicted against observed frequency. */
export function calibration(prob: readonly number[], happened: readonly boolean[]): CalibrationRow[] {
  const out: CalibrationRow[] = Array.from({ length: 10 }, (_, b) => ({ from: b / 10, to: (b + 1) / 10, customers: 0, predicted: 0, observed: 0 }));
  for (let i = 0; i < prob.length; i++) {
    const b = Math.min(9, Math.max(0, Math.floor(prob[i]! * 10)));
    const row = out[b]!;
    row.customers++;
    row.predicted! += prob[i]!;
    row.observed! += happened[i] ? 1 : 0;
  }
  return out.map((r) =>
    r.customers === 0 ? { ...r, predicted: null, observed: null } : { ...r, predicted: r.predicted! / r.customers, observed: r.observed! / r.customers },
  );
}

/** Positions sorted by score, cut into runs of equal score (for weighted AUCs over one sort). */
function tieRuns(score: readonly number[]): { order: Int32Array; runEnd: Int32Array } {
  const order = Int32Array.from({ length: score.length }, (_, i) => i).sort((i, j) => score[i]! - score[j]!);
  const runEnd = new Int32Array(order.length);
  for (let k = order.length - 1; k >= 0; k--) runEnd[k] = k + 1 < order.length && score[order[k + 1]!] === score[order[k]!] ? runEnd[k + 1]! : k + 1;
  return { order, runEnd };
}

/** ROC AUC with each customer counted `weight` times (a bootstrap resample), from a sort made once. */
function weightedAuc(runs: { order: Int32Array; runEnd: Int32Array }, positive: readonly boolean[], weight: Uint16Array): number | null {
  const { order, runEnd } = runs;
  let negBelow = 0;
  let pos = 0;
  let neg = 0;
  let sum = 0;
  for (let k = 0; k < order.length;) {
    const end = runEnd[k]!;
    let wp = 0;
    let wn = 0;
    for (let j = k; j < end; j++) {
      const i = order[j]!;
      if (positive[i]) wp += weight[i]!;
      else wn += weight[i]!;
    }
    sum += wp * negBelow + 0.5 * wp * wn;
    negBelow += wn;
    pos += wp;
    neg += wn;
    k = end;
  }
  return pos === 0 || neg === 0 ? null : sum / (pos * neg);
}

/**
 * A 95% percentile bootstrap interval (B. Efron and R. J. Tibshirani, An Introduction to the
 * Bootstrap, 1993, ch. 13) for AUC(a) − AUC(b) on the same customers: customers are resampled
 * with replacement, both AUCs computed on each resample.
 */
export function bootstrapAucDifference(
  a: readonly number[],
  b: readonly number[],
  positive: readonly boolean[],
  resamples: number,
  seed: number,
): { low: number; high: number } {
  const n = a.length;
  const ra = tieRuns(a);
  const rb = tieRuns(b);
  let s = seed >>> 0;
  const next = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const diffs: number[] = [];
  const weight = new Uint16Array(n);
  for (let r = 0; r < resamples; r++) {
    weight.fill(0);
    for (let k = 0; k < n; k++) weight[Math.floor(next() * n)]!++;
    const x = weightedAuc(ra, positive, weight);
    const y = weightedAuc(rb, positive, weight);
    if (x !== null && y !== null) diffs.push(x - y);
  }
  diffs.sort((p, q) => p - q);
  const at = (q: number): number => diffs[Math.min(diffs.length - 1, Math.max(0, Math.round(q * (diffs.length - 1))))] ?? 0;
  return { low: at(0.025), high: at(0.975) };
}

/** A score against the recency rule on the same customers: both AUCs, their difference and its 95% bootstrap interval. */
export interface VersusRecency {
  auc: number;
  recency: number;
  difference: number;
  low: number;
  high: number;
}

/** Bootstrap resamples of customers behind a verdict's interval. */
export const VERDICT_RESAMPLES = 200;

/**
 * The verdict's figures, for `model`'s held-out windows (learn.ts) and `churn --backtest` alike:
 * AUC of the score and of the recency rule for "no purchase", the difference, and its interval
 * (bootstrapAucDifference, VERDICT_RESAMPLES resamples from `seed`); null when either AUC is
 * undefined (everyone, or no one, bought).
 */
export function versusRecency(score: readonly number[], recency: readonly number[], positive: readonly boolean[], seed: number): VersusRecency | null {
  const auc = rocAuc(score, positive);
  const rule = rocAuc(recency, positive);
  if (auc === null || rule === null) return null;
  const { low, high } = bootstrapAucDifference(score, recency, positive, VERDICT_RESAMPLES, seed);
  return { auc, recency: rule, difference: auc - rule, low, high };
}
