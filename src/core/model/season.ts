/**
 * The same season a year earlier, judged out of time. Pure.
 *
 * What ranks churn risk learns its level on the windows just before the as-of date, and the
 * purchase models are stationary: where the horizon holds a season those windows do not (a
 * December peak), both miss. The seasonal naive forecast (R. J. Hyndman & G. Athanasopoulos,
 * "Forecasting: Principles and Practice", 3rd ed., 2021, §5.2) says a season repeats what the
 * same season did a year before. Here it corrects, not replaces: the window a year (52 weeks,
 * the same weekdays) before the horizon is compared with the windows just before *it*, and the
 * difference (the log-odds of the share that bought nothing; the ratio of purchases per
 * customer) is carried onto the as-of date.
 *
 * A correction that is not judged makes other shops worse (a growing shop, or one whose
 * year-to-year drift changes sign). So, as the forecast count's correction (select.ts
 * forecastCorrection), it is judged out of time (Tashman 2000): at each of the last few windows
 * before the as-of date, the window's level is predicted from data before its cutoff alone,
 * by the windows just before it and by those with the same season's correction, and the
 * correction is used only where it predicted closer on average, over at least two windows, on
 * a history of at least two years.
 */

/** A year, in whole weeks: the window a year earlier starts on the same weekday. */
import { phrase, type Phrase } from '../words.js';

export const SEASON_DAYS = 364;
/** Two years of history at least: a season seen once is no season. */
export const SEASON_MIN_HISTORY = 2 * SEASON_DAYS;
/** Windows judged at most (four quarters: every season once at a 91-day horizon), and at least. */
export const SEASON_JUDGED = 4;
export const SEASON_MIN_JUDGED = 2;
/** Days of history a window's customers need before its cutoff (as the learning windows). */
const MIN_BEFORE = 90;

/**
 * What happened in a window, by how long the customers had been silent at its cutoff (RECENCY_BANDS
 * bands of the window's length: bought in the last window, the one before, ..., longer ago): the
 * customers with a purchase by the cutoff, those of them who bought nothing in the window, their
 * purchase days in it.
 */
export interface WindowShare {
  customers: number[];
  none: number[];
  purchases: number[];
}

/** Silence bands: bought within one window's length of the cutoff, within two, within three, longer ago. */
export const RECENCY_BANDS = 4;

/** The windows' layout: as long as the ranking's (days), the windows just before a cutoff `step` apart, `count` of them. */
export interface SeasonLayout {
  days: number;
  step: number;
  count: number;
}

/** One window judged: its share that bought nothing and its purchases per customer, as predicted without and with the season, and as they were. */
export interface SeasonJudged {
  cutoff: number;
  none: { without: number; with: number; actual: number };
  rate: { without: number; with: number; actual: number };
}

export interface SeasonCorrection {
  /** Cutoff (day index) of the window a year before the horizon, and of the windows judged (newest first). */
  yearBefore: number;
  judged: SeasonJudged[];
  /** The log-odds shift of the share that bought nothing, and the purchase rate's ratio, from the window a year before. */
  shift: number;
  ratio: number;
  /**
   * Mean absolute error of the judged windows' share (level) and relative error of their rate
   * (count), without and with; the weight the shift (on the log scale, the ratio) keeps after
   * shrinking (seasonWeight); applied: judged better, and a weight above 0.
   */
  level: { without: number; with: number; weight: number; applied: boolean };
  count: { without: number; with: number; weight: number; applied: boolean };
}

/**
 * How much of a season's difference d to keep: max(0, 1 − v / d²), the positive-part James–Stein
 * factor (James & Stein 1961; Efron & Morris, JASA 70, 1975) as the forecast correction shrinks
 * its ratio (select.ts correctionFrom), v the mean squared miss that remained on the windows
 * judged with the season (on the same scale as d). A difference no larger than the season's own
 * misses is not told from noise and goes; one well beyond them is kept nearly whole.
 */
export function seasonWeight(d: number, misses: readonly number[]): number {
  if (d === 0 || misses.length === 0) return 0;
  const v = misses.reduce((s, m) => s + m * m, 0) / misses.length;
  return Math.max(0, 1 - v / (d * d));
}

/** The log-odds shift of the shop's level to apply (0 where not applied). */
export function seasonShift(s: SeasonCorrection | null | undefined): number {
  return s?.level.applied === true ? s.level.weight * s.shift : 0;
}

/** The factor on the forecast count to apply (1 where not applied). */
export function seasonRatio(s: SeasonCorrection | null | undefined): number {
  return s?.count.applied === true ? Math.exp(s.count.weight * Math.log(s.ratio)) : 1;
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};
const expit = (z: number): number => 1 / (1 + Math.exp(-z));

/** The cutoffs of the windows just before a cutoff (the ones the ranking would learn on there) that the history holds. */
function before(cutoff: number, earliest: number, l: SeasonLayout): number[] {
  const out: number[] = [];
  for (let k = 0; k < l.count; k++) {
    const c = cutoff - l.days - k * l.step;
    if (c - earliest >= MIN_BEFORE) out.push(c);
  }
  return out;
}

/** The windows judged (cutoffs, newest first): back to back before the as-of date, each with its year-before windows in the history. */
function judgedCutoffs(asOf: number, earliest: number, l: SeasonLayout): number[] {
  const out: number[] = [];
  for (let j = 0; j < SEASON_JUDGED; j++) {
    const c = asOf - l.days - j * l.days;
    if (before(c - SEASON_DAYS, earliest, l).length === 0) break;
    out.push(c);
  }
  return out;
}

/**
 * Every window cutoff (day index) the judgement reads, or null where the history is too short
 * (under two years, or too short for two windows judged).
 */
export function seasonCutoffs(asOf: number, earliest: number, l: SeasonLayout): number[] | null {
  if (asOf - earliest < SEASON_MIN_HISTORY) return null;
  const judged = judgedCutoffs(asOf, earliest, l);
  if (judged.length < SEASON_MIN_JUDGED) return null;
  const need = new Set<number>();
  // The window a year before the horizon, and each judged window and its year-before one, each with the windows just before it.
  for (const at of [asOf - SEASON_DAYS, ...judged.flatMap((c) => [c, c - SEASON_DAYS])]) {
    need.add(at);
    for (const b of before(at, earliest, l)) need.add(b);
  }
  return [...need].sort((a, b) => b - a);
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The share that bought nothing and the purchases per customer at a cutoff as the windows just
 * before it say: each silence band's pooled share over those windows, weighted by how many of
 * the cutoff's customers are in each band (direct standardisation), so that a shop whose
 * customers grew more silent is not taken for a season.
 */
function standardised(at: WindowShare, windows: readonly WindowShare[]): { none: number; rate: number } | null {
  const n = sum(at.customers);
  const all = { n: 0, none: 0, purchases: 0 };
  for (const w of windows) {
    all.n += sum(w.customers);
    all.none += sum(w.none);
    all.purchases += sum(w.purchases);
  }
  if (n === 0 || all.n === 0) return null;
  let none = 0;
  let purchases = 0;
  for (let b = 0; b < RECENCY_BANDS; b++) {
    const k = sum(windows.map((w) => w.customers[b] ?? 0));
    // A band the windows did not hold takes their pooled share.
    none += (at.customers[b] ?? 0) * (k > 0 ? sum(windows.map((w) => w.none[b] ?? 0)) / k : all.none / all.n);
    purchases += (at.customers[b] ?? 0) * (k > 0 ? sum(windows.map((w) => w.purchases[b] ?? 0)) / k : all.purchases / all.n);
  }
  return { none: none / n, rate: purchases / n };
}

/**
 * The correction from the window a year before the horizon, and whether it predicted the last
 * windows' level and count better than the windows just before them did. `share` gives each
 * cutoff seasonCutoffs() asked for. Null where the history does not allow the judgement.
 */
export function seasonCorrection(asOf: number, earliest: number, l: SeasonLayout, share: (cutoff: number) => WindowShare | undefined): SeasonCorrection | null {
  if (seasonCutoffs(asOf, earliest, l) === null) return null;
  const baseAt = (c: number): { none: number; rate: number } | null => {
    const at = share(c);
    return at === undefined
      ? null
      : standardised(
          at,
          before(c, earliest, l).flatMap((b) => (share(b) === undefined ? [] : [share(b)!])),
        );
  };
  // The season's difference at a cutoff: the window a year before it against the windows just before that one.
  const seasonAt = (c: number): { shift: number; ratio: number } | null => {
    const was = share(c - SEASON_DAYS);
    const base = baseAt(c - SEASON_DAYS);
    if (was === undefined || base === null) return null;
    const rate = sum(was.purchases) / sum(was.customers);
    return { shift: logit(sum(was.none) / sum(was.customers)) - logit(base.none), ratio: base.rate > 0 && rate > 0 ? rate / base.rate : 1 };
  };
  const now = seasonAt(asOf);
  if (now === null) return null;
  const judged: SeasonJudged[] = [];
  for (const c of judgedCutoffs(asOf, earliest, l)) {
    const actual = share(c);
    const base = baseAt(c);
    const season = seasonAt(c);
    if (actual === undefined || base === null || season === null) continue;
    judged.push({
      cutoff: c,
      none: { without: base.none, with: expit(logit(base.none) + season.shift), actual: sum(actual.none) / sum(actual.customers) },
      rate: { without: base.rate, with: base.rate * season.ratio, actual: sum(actual.purchases) / sum(actual.customers) },
    });
  }
  if (judged.length < SEASON_MIN_JUDGED) return null;
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const off = (p: number, a: number): number => (a === 0 ? 1 : Math.abs(p / a - 1));
  const level = {
    without: mean(judged.map((j) => Math.abs(j.none.without - j.none.actual))),
    with: mean(judged.map((j) => Math.abs(j.none.with - j.none.actual))),
  };
  const count = { without: mean(judged.map((j) => off(j.rate.without, j.rate.actual))), with: mean(judged.map((j) => off(j.rate.with, j.rate.actual))) };
  const levelWeight = seasonWeight(
    now.shift,
    judged.map((j) => logit(j.none.actual) - logit(j.none.with)),
  );
  const countWeight = seasonWeight(
    Math.log(now.ratio),
    judged.map((j) => (j.rate.actual > 0 && j.rate.with > 0 ? Math.log(j.rate.actual / j.rate.with) : 0)),
  );
  return {
    yearBefore: asOf - SEASON_DAYS,
    judged,
    shift: now.shift,
    ratio: now.ratio,
    level: { ...level, weight: levelWeight, applied: level.with < level.without && levelWeight > 0 },
    count: { ...count, weight: countWeight, applied: count.with < count.without && countWeight > 0 },
  };
}

/** Day index to ISO date (as core/measures.ts isoDay, kept local: this module reads no measures). */
const isoOf = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * The season's judgement in words, the level's and the count's: followed, not (judged worse),
 * or too small (judged better, but by no more than the windows miss anyway). Empty without one.
 */
export function seasonPhrases(s: SeasonCorrection | null | undefined): Phrase[] {
  if (!s) return [];
  const common = {
    cutoff: isoOf(s.yearBefore),
    count: s.judged.length,
    cutoffs: s.judged.map((j) => isoOf(j.cutoff)).join(', '),
  };
  const state = (p: { with: number; without: number; applied: boolean }): string => (p.applied ? 'applied' : p.with < p.without ? 'too-small' : 'not-applied');
  const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return [
    phrase(`core.season.level-${state(s.level)}`, {
      ...common,
      shift: signed(s.level.applied ? seasonShift(s) : s.shift),
      with: s.level.with.toFixed(3),
      without: s.level.without.toFixed(3),
    }),
    phrase(`core.season.count-${state(s.count)}`, {
      ...common,
      ratio: (s.count.applied ? seasonRatio(s) : s.ratio).toFixed(3),
      with: pct(s.count.with),
      without: pct(s.count.without),
    }),
  ];
}
