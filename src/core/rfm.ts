/**
 * RFM scoring (Hughes, "Strategic Database Marketing", 1994: recency, frequency, monetary value,
 * each scored by quantile) and named segments from a rule table. Pure: no I/O.
 *
 * Quantile scores use the mid-rank percentile of each value among all customers:
 *   p = (count of smaller values + half the count of equal values) / n,  score = 1 + floor(p * bins)
 * so equal values always share a score, and small groups stay sensible: a single customer, or
 * customers who are all equal, sit in the middle score (p = 0.5) rather than at an end.
 * Recency is scored on the negated number of days, so the most recent customers get the top score.
 * Explicit thresholds replace the quantiles for a dimension when given.
 */
import { CoreError, phrase } from './words.js';

export type Dimension = 'r' | 'f' | 'm';

export interface RfmInput {
  id: string;
  /** Days from the last purchase to the as-of date. */
  recencyDays: number;
  /** Purchases (purchase days) up to the as-of date. */
  frequency: number;
  /** Net revenue in minor units. */
  monetary: number;
}

export interface RfmSettings {
  /** Scores run 1..bins: 4, 5 or 10. */
  bins: 4 | 5 | 10;
  /**
   * Cut points instead of quantiles, ascending. Recency in days: a customer at or under the first
   * cut gets the top score. Frequency and monetary: at or above the last cut gets the top score.
   * There must be bins - 1 of them.
   */
  thresholds?: Partial<Record<Dimension, number[]>>;
}

export interface RfmScore {
  id: string;
  r: number;
  f: number;
  m: number;
}

/** How a dimension was cut: per score, the range of values that got it (for "why"). */
export interface Cut {
  dimension: Dimension;
  method: 'quantile' | 'thresholds';
  /** ranges[s - 1] = [min, max] of the values with score s (null when no customer has it). */
  ranges: ([number, number] | null)[];
}

export interface RfmResult {
  scores: RfmScore[];
  cuts: Cut[];
}

export function scoreRfm(customers: readonly RfmInput[], settings: RfmSettings): RfmResult {
  const { bins } = settings;
  if (bins !== 4 && bins !== 5 && bins !== 10) throw new CoreError(phrase('core.rfm.bins', { bins: String(bins) }));
  const values: Record<Dimension, number[]> = {
    r: customers.map((c) => c.recencyDays),
    f: customers.map((c) => c.frequency),
    m: customers.map((c) => c.monetary),
  };
  const scored = {} as Record<Dimension, number[]>;
  const cuts: Cut[] = [];
  for (const d of ['r', 'f', 'm'] as const) {
    const t = settings.thresholds?.[d];
    scored[d] = t ? byThresholds(values[d], t, bins, d === 'r') : byQuantile(d === 'r' ? values[d].map((v) => -v) : values[d], bins);
    cuts.push({ dimension: d, method: t ? 'thresholds' : 'quantile', ranges: ranges(values[d], scored[d], bins) });
  }
  return {
    scores: customers.map((c, i) => ({ id: c.id, r: scored.r[i]!, f: scored.f[i]!, m: scored.m[i]! })),
    cuts,
  };
}

/** Mid-rank percentile scores 1..bins (see the file comment). */
export function byQuantile(values: readonly number[], bins: number): number[] {
  const n = values.length;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(n);
  let k = 0;
  while (k < n) {
    let e = k;
    while (e + 1 < n && order[e + 1]![0] === order[k]![0]) e++;
    const equal = e - k + 1;
    const p = (k + equal / 2) / n;
    const score = Math.min(bins, 1 + Math.floor(p * bins));
    for (let j = k; j <= e; j++) out[order[j]![1]] = score;
    k = e + 1;
  }
  return out;
}

function byThresholds(values: readonly number[], cuts: readonly number[], bins: number, lowIsGood: boolean): number[] {
  if (cuts.length !== bins - 1) throw new CoreError(phrase('core.rfm.threshold-count', { need: bins - 1, bins, got: cuts.length }));
  for (let i = 1; i < cuts.length; i++) if (!(cuts[i]! > cuts[i - 1]!)) throw new CoreError(phrase('core.rfm.thresholds-ascending'));
  return values.map((v) => {
    if (lowIsGood) return bins - cuts.filter((c) => v > c).length; // days <= first cut: top score
    return 1 + cuts.filter((c) => v >= c).length; // >= last cut: top score
  });
}

function ranges(values: readonly number[], scores: readonly number[], bins: number): ([number, number] | null)[] {
  const out: ([number, number] | null)[] = Array.from({ length: bins }, () => null);
  values.forEach((v, i) => {
    const s = scores[i]! - 1;
    const r = out[s];
    out[s] = r === null || r === undefined ? [v, v] : [Math.min(r[0], v), Math.max(r[1], v)];
  });
  return out;
}

/** A segment rule: inclusive score ranges on the 1..5 scale (other bin counts are rescaled). */
export interface SegmentRule {
  name: string;
  r?: [number, number];
  f?: [number, number];
  m?: [number, number];
}

/**
 * The default segments: the usual recency × frequency grid, first match wins. Every one of the 25
 * (r, f) cells is covered (checked by `uncovered`), and a final catch-all keeps edited tables
 * from leaving a customer unnamed.
 */
export const DEFAULT_SEGMENTS: SegmentRule[] = [
  { name: 'Champions', r: [4, 5], f: [4, 5] },
  { name: 'Loyal', r: [3, 3], f: [4, 5] },
  { name: 'Need Attention', r: [3, 3], f: [3, 3] },
  { name: 'Potential Loyalist', r: [4, 5], f: [2, 3] },
  { name: 'New', r: [5, 5], f: [1, 1] },
  { name: 'Promising', r: [4, 4], f: [1, 1] },
  { name: 'About to Sleep', r: [3, 3], f: [1, 2] },
  { name: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { name: 'At Risk', r: [1, 2], f: [3, 4] },
  { name: 'Hibernating', r: [2, 2], f: [1, 2] },
  { name: 'Lost', r: [1, 1], f: [1, 2] },
];

export const CATCH_ALL = 'Other';

/** A score on 1..bins stretched onto the 1..5 scale the rules use (ends map to ends). */
export function toFive(score: number, bins: number): number {
  return bins === 5 ? score : 1 + Math.round(((score - 1) * 4) / (bins - 1));
}

export interface SegmentMatch {
  segment: string;
  /** Index of the matching rule in the table, or -1 for the catch-all. */
  rule: number;
  /** The scores the rules were read against, on the 1..5 scale. */
  r5: number;
  f5: number;
  m5: number;
}

export function segmentOf(score: Pick<RfmScore, 'r' | 'f' | 'm'>, bins: number, rules: readonly SegmentRule[] = DEFAULT_SEGMENTS): SegmentMatch {
  const r5 = toFive(score.r, bins);
  const f5 = toFive(score.f, bins);
  const m5 = toFive(score.m, bins);
  const inside = (v: number, range: [number, number] | undefined): boolean => range === undefined || (v >= range[0] && v <= range[1]);
  const rule = rules.findIndex((x) => inside(r5, x.r) && inside(f5, x.f) && inside(m5, x.m));
  return { segment: rule >= 0 ? rules[rule]!.name : CATCH_ALL, rule, r5, f5, m5 };
}

/**
 * What a rule table leaves out with `bins` scores: the (r, f, m) cells on the 1..5 scale that no
 * rule names (they fall to the catch-all), and the rules that can never match, because earlier
 * rules take all their cells or because their scores never occur (4 bins map onto 1, 2, 4, 5).
 */
export function coverage(rules: readonly SegmentRule[], bins: number): { uncovered: [number, number, number][]; unreachable: string[] } {
  const scale = [...new Set(Array.from({ length: bins }, (_, i) => toFive(i + 1, bins)))];
  const uncoveredCells: [number, number, number][] = [];
  const used = new Set<number>();
  for (const r of scale)
    for (const f of scale)
      for (const m of scale) {
        const match = segmentOf({ r, f, m }, 5, rules);
        if (match.rule < 0) uncoveredCells.push([r, f, m]);
        else used.add(match.rule);
      }
  return { uncovered: uncoveredCells, unreachable: rules.filter((_, i) => !used.has(i)).map((x) => x.name) };
}

/**
 * The rule table as one line of text, the form `rapport config` shows and takes:
 *   "Champions: r4-5 f4-5 | Loyal: r3 f4-5 | ... "
 * Each rule is a name, a colon, and conditions: a dimension letter with a score or an inclusive
 * range on the 1..5 scale; a missing dimension matches any score.
 */
export function formatSegmentRules(rules: readonly SegmentRule[]): string {
  return rules
    .map((rule) => {
      const conds = (['r', 'f', 'm'] as const)
        .filter((d) => rule[d] !== undefined)
        .map((d) => {
          const [lo, hi] = rule[d]!;
          return lo === hi ? `${d}${lo}` : `${d}${lo}-${hi}`;
        });
      return `${rule.name}:${conds.length > 0 ? ' ' + conds.join(' ') : ''}`;
    })
    .join(' | ');
}

/** Parses formatSegmentRules' text; throws an Error naming the bad rule. */
export function parseSegmentRules(text: string): SegmentRule[] {
  const rules: SegmentRule[] = [];
  for (const part of text.split('|')) {
    const piece = part.trim();
    if (piece === '') continue;
    const colon = piece.indexOf(':');
    if (colon < 1) throw new CoreError(phrase('core.rfm.no-colon', { rule: piece }));
    const name = piece.slice(0, colon).trim();
    if (name === CATCH_ALL) throw new CoreError(phrase('core.rfm.catch-all', { name: CATCH_ALL }));
    const rule: SegmentRule = { name };
    for (const cond of piece
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean)) {
      const m = /^([rfm])([1-5])(?:-([1-5]))?$/i.exec(cond);
      if (!m) throw new CoreError(phrase('core.rfm.bad-condition', { condition: cond, rule: name }));
      const d = m[1]!.toLowerCase() as Dimension;
      const lo = Number(m[2]);
      const hi = m[3] === undefined ? lo : Number(m[3]);
      if (hi < lo) throw new CoreError(phrase('core.rfm.backwards', { condition: cond, rule: name }));
      if (rule[d] !== undefined) throw new CoreError(phrase('core.rfm.twice', { rule: name, score: d }));
      rule[d] = [lo, hi];
    }
    if (rules.some((x) => x.name === name)) throw new CoreError(phrase('core.rfm.same-name', { rule: name }));
    rules.push(rule);
  }
  if (rules.length === 0) throw new CoreError(phrase('core.rfm.no-rules'));
  return rules;
}
