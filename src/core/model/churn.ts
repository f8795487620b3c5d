/**
 * Churn risk and lifetime value per customer: the fitted purchase and spend models where the
 * data suffice, rules otherwise, and reasons as phrases (worded above core). Pure: no I/O.
 */
import type { CustomerMeasures } from '../measures.js';
import { dayIndex } from '../measures.js';
import { silenceLimit, type LifecycleSettings } from '../lifecycle.js';
import { group, type PurchaseFit, type PurchaseModelName, type Summary } from './purchase.js';
import { expectedPurchases, fitPurchases, modelLabel, pAlive, pNoPurchase } from './registry.js';
import {
  AUTO_ORDER,
  degenerateWhy,
  forecastCorrection,
  sample,
  selectOnWindows,
  unconvergedWhy,
  type CountWindow,
  type ForecastCorrection,
  type Selection,
} from './select.js';
import {
  blendRanking,
  FEATURES,
  LEARN_SAMPLE,
  learnRanking,
  levelByModel,
  predict,
  prepare,
  rankRisk,
  TIE_MARGIN,
  type HeldOut,
  type LearnRow,
  type LearnWindow,
  type Ranking,
  type RankingKind,
} from './learn.js';
import type { Stage } from '../lifecycle.js';
import { rocAuc } from './backtest.js';
import { seasonRatio, seasonShift, type SeasonCorrection } from './season.js';
import { expectedSpend, fitSpend, type SpendFit, type SpendSummary } from './gammagamma.js';
import type { OpenComplaints } from '../complaints.js';
import { counted, days as dayCount, phrase, type Count, type Phrase } from '../words.js';

export type TimeUnit = 'day' | 'week';
export const TIME_UNITS: readonly TimeUnit[] = ['day', 'week'];
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

export type RiskLevel = 'low' | 'medium' | 'high';

/** A purchase model by name, or auto: the one that forecasts best on the shop's own last horizon. */
export type ModelChoice = PurchaseModelName | 'auto';
export const MODEL_CHOICES: readonly ModelChoice[] = ['auto', 'mbgnbd', 'paretonbd', 'bgnbd', 'nbd'];

/** How what ranks did out of time, as a phrase (worded in English for JSON, in the reader's language for a person); null without it. */
export function verdictPhrase(f: Pick<Fitted, 'ranking' | 'learned'>): Phrase | null {
  const h = f.learned?.heldOut ?? null;
  if (f.ranking === null) return null;
  const days = f.ranking.horizonDays;
  // No window the history allows could be judged out of time: the blend weighed on the window compared on (unjudgedBlend), or the recency rule, and why.
  if (h === null && f.ranking.kind === 'learned' && f.learned?.windows[0])
    return {
      key: 'core.verdict.unjudged-blend',
      vars: { days: f.learned.days ?? days, cutoff: f.learned.windows[0].cutoff, horizon: days, model: modelLabel(f.ranking.model ?? '') },
    };
  if (h === null && f.ranking.level === 'model')
    return f.learned
      ? { key: 'core.verdict.unjudged-model', vars: { days: f.learned.days ?? days, horizon: days, model: modelLabel(f.ranking.model ?? '') } }
      : null;
  if (h === null) return f.learned && f.ranking.kind === 'recency' ? { key: 'core.verdict.unjudged', vars: { days } } : null;
  // (A fit saved before the windows were pooled may carry one window's halves.)
  const cutoffs = h.cutoffs ?? [h.cutoff];
  const where: Phrase = !h.outOfTime
    ? { key: 'core.verdict.halves', vars: { days } }
    : cutoffs.length > 1
      ? { key: 'core.verdict.windows', vars: { count: cutoffs.length, days, cutoffs: cutoffs.join(', ') } }
      : { key: 'core.verdict.window', vars: { days, cutoff: h.cutoff } };
  const a = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(3));
  const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
  if (h.versusRecency === null) return { key: 'core.verdict.recency', vars: { where, auc: a(h.auc.recency), learned: a(h.auc.learned) } };
  const v = h.versusRecency;
  const word = { key: v.low > 0 ? 'core.model.word-better' : v.high < 0 ? 'core.model.word-worse' : 'core.model.word-unclear' };
  return {
    key: 'core.verdict.ranks',
    vars: {
      method: methodPhrase(h.chosen, f.ranking.model),
      word,
      where,
      auc: a(h.auc[h.chosen]),
      recency: a(h.auc.recency),
      difference: signed(v.difference),
      low: signed(v.low),
      high: signed(v.high),
    },
  };
}

/** How churn_risk was made, as a phrase: one name per method (i18n/phrase.ts methodName() words it). */
export function methodPhrase(method: RiskMethod, model: PurchaseModelName | null = null): Phrase {
  switch (method) {
    case 'learned':
      return { key: 'core.method.learned' };
    case 'recency':
      return { key: 'core.method.recency' };
    case 'overdue':
      return { key: 'core.method.overdue' };
    case 'expected':
      return { key: 'core.method.expected', vars: { model: modelLabel(model ?? '') } };
    case 'model':
      return { key: 'core.method.model', vars: { model: modelLabel(model ?? '') } };
    default:
      return { key: 'core.method.rules' };
  }
}

export interface ModelSettings {
  model: ModelChoice;
  timeUnit: TimeUnit;
  /** Days ahead that churn risk and expected purchases look; null: from the shop's rhythm (horizonFor). */
  horizonDays: number | null;
  /** Risk at or above these is medium / high. */
  mediumRisk: number;
  highRisk: number;
  /** Lifetime value: days ahead, and the annual discount rate (0.1 = 10% a year). */
  clvHorizonDays: number;
  discountRate: number;
  /** Data sufficiency: below any of these the model is not fitted and rules decide. */
  minCustomers: number;
  minRepeatBuyers: number;
  minHistoryDays: number;
}

export const DEFAULT_MODEL: ModelSettings = {
  model: 'auto',
  timeUnit: 'week',
  horizonDays: null,
  mediumRisk: 0.5,
  highRisk: 0.75,
  clvHorizonDays: 365,
  discountRate: 0.1,
  minCustomers: 200,
  minRepeatBuyers: 50,
  minHistoryDays: 180,
};

/** What the data hold against what a fit needs. W is how its text is held, as in Fitted. */
export interface Sufficiency<W = string> {
  ok: boolean;
  customers: number;
  repeatBuyers: number;
  historyDays: number;
  /** What falls short (empty when ok). */
  problems: W[];
}

/**
 * A fit. W is how its text (why it is not used, why this horizon, what was rejected) is held:
 * phrases as core builds them (Fitted<Phrase>, from fitModels), or their English as it is saved
 * in the fits table, carried in the JSON and reworded for a reader (Fitted, the default:
 * app/words.ts wordFitted() words one). What only computes with a fit takes Fitted<unknown>.
 */
export interface Fitted<W = string> {
  asOf: string;
  timeUnit: TimeUnit;
  sufficiency: Sufficiency<W>;
  /** Null when the data do not suffice or the fit failed. */
  purchase: PurchaseFit | null;
  spend: SpendFit | null;
  /** Customers left out of the spend fit: no purchase day with a positive net spend. */
  spendLeftOut: number;
  /** Why the model is not used, when it is not. */
  fallback: W | null;
  /** Why there are no lifetime values although the purchase model is used (the spend fit failed). */
  spendProblem?: W | null;
  /** The horizon the risk looks over, in days, and why that one. */
  horizonDays: number;
  horizonWhy: W;
  /** Models tried and why each was not used ("bgnbd: dropout about 0 ..."). */
  rejected: W[];
  /** The comparison on the shop's last window (model auto with enough history), else null. */
  selection: Selection<W> | null;
  /** What churn_risk is, learned from the shop's past (learn.ts); null: the model's P(no purchase) or the rules. */
  ranking: Ranking | null;
  /** The windows it learned from and how it did on the one held out; null without a ranking. */
  learned?: { windows: { cutoff: string; customers: number; noPurchase: number }[]; heldOut: HeldOut | null; days?: number } | null;
  /** The forecast count's correction learned from the windows compared (select.ts forecastCorrection); absent or null: none, as fitted. */
  forecast?: ForecastCorrection | null;
  /** The same season a year earlier (season.ts), judged out of time; absent: the history did not allow the judgement. */
  season?: SeasonCorrection;
}

/** What the fit's expected purchases are multiplied by: the correction's ratio where it was applied, else 1. */
export function forecastScale(f: Pick<Fitted<unknown>, 'forecast' | 'season'>): number {
  return (f.forecast?.applied === true ? f.forecast.ratio : 1) * seasonRatio(f.season);
}

/** The forecast correction in words: applied, or not and why (null: no window was compared). */
export function forecastPhrase(f: Pick<Fitted<unknown>, 'forecast'>): Phrase | null {
  const c = f.forecast ?? null;
  if (c === null) return null;
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const cutoffs = c.windows.map((w) => w.cutoff).join(', ');
  if (c.errorWith === null) return phrase('core.forecast.unjudged', { model: modelLabel(c.model), cutoff: cutoffs });
  const vars = {
    model: modelLabel(c.model),
    ratio: c.shrunk.toFixed(3),
    pooled: c.pooled.toFixed(3),
    count: c.windows.length,
    cutoffs,
    held: counted('core.forecast.held', c.heldOut.length),
    with: pct(c.errorWith),
    without: pct(c.errorWithout),
  };
  return phrase(c.applied ? 'core.forecast.applied' : 'core.forecast.not-applied', vars);
}

/** Days of history a learning cutoff needs before it, and the most windows learned from (back to back, and half a window apart). */
export const LEARN_MIN_HISTORY = 90;
export const LEARN_WINDOWS = 3;
export const LEARN_WINDOWS_OVERLAPPING = 4;

/**
 * The windows the ranking learns from, before the as-of date: each as long as the horizon, or
 * when the history is too short to leave LEARN_MIN_HISTORY days before one, what it leaves (at
 * least 28 days; null: not enough). Back to back (up to LEARN_WINDOWS) where three fit; else,
 * a long horizon on a short history, their cutoffs half a window apart (up to
 * LEARN_WINDOWS_OVERLAPPING), so that every pair of windows a whole window apart can be judged.
 */
export function windowPlan(horizonDays: number, historyDays: number): { days: number; count: number; step: number } | null {
  const room = historyDays - LEARN_MIN_HISTORY;
  const days = Math.min(horizonDays, room);
  if (days < 28) return null;
  const step = Math.floor(room / days) >= LEARN_WINDOWS ? days : Math.ceil(days / 2);
  const most = step === days ? LEARN_WINDOWS : LEARN_WINDOWS_OVERLAPPING;
  return { days, step, count: Math.max(1, Math.min(most, Math.floor((room - days) / step) + 1)) };
}

/** The shortest default horizon: a quarter, the span a shop plans its calls for. */
export const BUSINESS_HORIZON_DAYS = 91;

/**
 * The horizon: as set; else a quarter (13 weeks), or twice the shop's typical gap between
 * purchases in whole weeks when that is longer (at most 52 weeks). Twice a short pooled gap (the
 * CD retailer's 27 days: 56) called most customers high risk over a span nobody plans for.
 */
export function horizonFor(s: ModelSettings, populationGap: number | null): { days: number; why: Phrase } {
  if (s.horizonDays !== null) return { days: s.horizonDays, why: phrase('core.model.horizon-set') };
  if (populationGap === null || populationGap <= 0) return { days: BUSINESS_HORIZON_DAYS, why: phrase('core.model.horizon-none') };
  const twice = 7 * Math.ceil((2 * populationGap) / 7);
  if (twice <= BUSINESS_HORIZON_DAYS) return { days: BUSINESS_HORIZON_DAYS, why: phrase('core.model.horizon-quarter', { gap: Math.round(populationGap) }) };
  return { days: Math.min(364, twice), why: phrase('core.model.horizon-rhythm', { gap: Math.round(populationGap) }) };
}

type Measured = Pick<
  CustomerMeasures,
  | 'customerId'
  | 'firstPurchase'
  | 'lastPurchase'
  | 'purchaseDays'
  | 'recencyDays'
  | 'typicalGapDays'
  | 'ownGapDays'
  | 'recentRevenue'
  | 'previousRevenue'
  | 'spendDays'
  | 'spendTotal'
> & { tenureDays?: number | null };

/** The model's summary of a customer in the time unit: x repeat purchases, t_x, T. */
export function summaryOf(c: Measured, asOf: string, unit: TimeUnit): Summary | null {
  if (c.firstPurchase === null || c.lastPurchase === null) return null;
  const first = dayIndex(c.firstPurchase);
  const k = UNIT_DAYS[unit];
  return { x: c.purchaseDays - 1, tx: (dayIndex(c.lastPurchase) - first) / k, T: (dayIndex(asOf) - first) / k };
}

export function sufficiency(customers: readonly Measured[], asOf: string, s: ModelSettings): Sufficiency<Phrase> {
  // A loop, not Math.min(...spread): a spread of a million arguments overflows the call stack.
  let buyers = 0;
  let repeat = 0;
  let earliest = Infinity;
  for (const c of customers) {
    if (c.firstPurchase === null) continue;
    buyers++;
    if (c.purchaseDays > 1) repeat++;
    earliest = Math.min(earliest, dayIndex(c.firstPurchase));
  }
  const historyDays = buyers === 0 ? 0 : dayIndex(asOf) - earliest;
  const problems: Phrase[] = [];
  if (buyers < s.minCustomers) problems.push(phrase('core.model.too-few-customers', { count: buyers, min: s.minCustomers }));
  if (repeat < s.minRepeatBuyers) problems.push(phrase('core.model.too-few-repeat', { count: repeat, min: s.minRepeatBuyers }));
  if (historyDays < s.minHistoryDays) problems.push(phrase('core.model.too-short', { count: historyDays, min: s.minHistoryDays }));
  return { ok: problems.length === 0, customers: buyers, repeatBuyers: repeat, historyDays, problems };
}

/** No model: every score comes from the lifecycle rules (for a quick look without fitting). */
export function rulesOnly(asOf: string, reason: Phrase | null = null, horizonDays = 90): Fitted<Phrase> {
  return {
    asOf,
    timeUnit: 'week',
    sufficiency: { ok: false, customers: 0, repeatBuyers: 0, historyDays: 0, problems: [] },
    purchase: null,
    spend: null,
    spendLeftOut: 0,
    fallback: reason,
    horizonDays,
    horizonWhy: phrase('core.model.as-set'),
    rejected: [],
    selection: null,
    ranking: null,
  };
}

/** The windows the ranking learns from, all of `days` days, newest first, their cutoffs `step` days apart. */
export interface Windows {
  days: number;
  step?: number;
  list: LearnWindow[];
  /** Where none of those has the history a fit needs before its cutoff: the longest window that has it (compareWindowDays). */
  shorter?: { days: number; window: LearnWindow };
  /** The same season a year earlier, judged on the windows before the as-of date (season.ts); absent or null: none. */
  season?: SeasonCorrection | null;
}

/**
 * The longest window before the as-of date, at most the horizon and at least 28 days, with the
 * history before its cutoff that a fit needs (minHistoryDays), or null. Where nothing can be judged
 * out of time, the blend of recency with the model is weighed on it (unjudgedBlend): the CD
 * retailer's cohort has 272 days to 1997-09-30, so a 273-day horizon's one window (182 days after
 * 1997-04-01) sees customers of at most a quarter's age; the 92 days after 1997-06-30 have the
 * 180 days of history a fit needs.
 */
export function compareWindowDays(horizonDays: number, historyDays: number, minHistoryDays: number): number | null {
  const days = Math.min(horizonDays, historyDays - minHistoryDays);
  return days >= 28 ? days : null;
}

/** A customer as the ranking sees them at the date of their measures (null: no purchase yet). */
export function learnRowOf(c: Measured, asOf: string, unit: TimeUnit, populationGap: number | null, actual = 0): LearnRow | null {
  const summary = summaryOf(c, asOf, unit);
  if (summary === null) return null;
  return {
    summary,
    recencyDays: c.recencyDays,
    purchaseDays: c.purchaseDays,
    tenureDays: c.tenureDays ?? dayIndex(asOf) - dayIndex(c.firstPurchase!),
    gapDays: c.typicalGapDays ?? populationGap,
    spendPerDay: c.spendDays > 0 ? c.spendTotal / c.spendDays : 0,
    recentRevenue: c.recentRevenue,
    previousRevenue: c.previousRevenue,
    actual,
  };
}

/**
 * Whether fitModels fits the spend model: always (`rapport model` says why a spend fit failed
 * even without a purchase model), when the purchase model is used (the scores' lifetime values:
 * without one the spend fit is not kept), or never (the model check reads the purchase fit only).
 */
export type SpendWanted = 'always' | 'when-used' | 'never';

/**
 * Fits the purchase and spend models when the data suffice; never a silent bogus fit. With model
 * auto and windows of the shop's past, the models are compared on the windows that do not overlap
 * (selectOnWindows) and tried best first; a fit that degenerates at the as-of date is passed over for
 * the next (the NBD, where nobody leaves, last). What ranks churn risk is then learned from the
 * windows (learn.ts), with the chosen model's outputs among its features. Fits see at most
 * FIT_SAMPLE customers.
 */
export function fitModels(
  customers: readonly Measured[],
  asOf: string,
  s: ModelSettings,
  windows: Windows | null = null,
  populationGap: number | null = null,
  spendWanted: SpendWanted = 'always',
): Fitted<Phrase> {
  const horizon = horizonFor(s, populationGap);
  const suff = sufficiency(customers, asOf, s);
  // The customers as the ranking sees them at the date (sampled), built once if anything reads them.
  let rowsAt: LearnRow[] | null = null;
  const rowsNow = (): LearnRow[] => (rowsAt ??= sample(learnRows(customers, asOf, s.timeUnit, populationGap)));
  const spendData: SpendSummary[] = [];
  let spendLeftOut = 0;
  for (const c of customers) {
    if (c.spendDays > 0) spendData.push({ x: c.spendDays, mean: c.spendTotal / c.spendDays });
    else spendLeftOut++;
  }
  const base = { asOf, timeUnit: s.timeUnit, sufficiency: suff, spendLeftOut, horizonDays: horizon.days, horizonWhy: horizon.why };
  if (!suff.ok) return withoutModel(base, suff, windows, rowsNow, s.timeUnit);
  const summaries: Summary[] = [];
  for (const c of customers) {
    const sum = summaryOf(c, asOf, s.timeUnit);
    if (sum !== null) summaries.push(sum);
  }
  const unitDays = UNIT_DAYS[s.timeUnit];
  const newest = windows?.list[0] ?? null;
  // The comparison's fits at each cutoff it compares on, on the same customers the ranking learns from there.
  const fitsAt = new Map<string, Map<PurchaseModelName, PurchaseFit>>();
  const counts = new Map<PurchaseModelName | 'recency', CountWindow[]>();
  const compared = windows === null ? [] : comparedWindows(windows).filter((w) => enoughToCompare(w.rows, s, unitDays));
  const selection =
    s.model === 'auto' && newest !== null && compared[0] === newest ? selectOnWindows(compared, windows!.days, unitDays, AUTO_ORDER, fitsAt, counts) : null;
  const rejected: Phrase[] = [];
  for (const c of selection?.candidates ?? [])
    if (c.degenerate !== null && c.name !== 'recency')
      rejected.push(phrase('core.model.rejected-at', { model: c.name, cutoff: newest!.cutoff, why: c.degenerate }));
  const order = s.model !== 'auto' ? [s.model] : selection !== null ? selection.order : AUTO_ORDER;
  const fitOn = sample(summaries);
  const grouped = group(fitOn);
  let purchase: PurchaseFit | null = null;
  for (const model of order) {
    const fit = fitPurchases(model, grouped);
    const why = usableWhy(fit, fitOn) ?? degenerateWhy(fit, fitOn);
    if (why === null) {
      purchase = { ...fit, customers: summaries.length };
      break;
    }
    rejected.push(phrase('core.model.rejected', { model, why }));
  }
  const { spend, spendProblem } = spendFor(spendData, spendWanted === 'always' || (spendWanted === 'when-used' && purchase !== null));
  const model = purchase?.model ?? null;
  // The older windows' fits start from the as-of date's answer (fewer iterations; the optimum is
  // each window's own). Not the NBD's: cheap anyway, and one stopped at the Poisson limit would stay there.
  const learned =
    windows === null
      ? null
      : learnRanking(
          windows.list.map((w) =>
            prepare(
              w,
              windows.days,
              model,
              unitDays,
              model !== null ? fitsAt.get(w.cutoff)?.get(model) : undefined,
              model === 'nbd' ? undefined : purchase?.params,
            ),
          ),
          windows.days,
          model,
          windows.step ?? windows.days,
        );
  // Nothing judged out of time: the blend weighed on a window with a fit's history (unjudgedBlend), else the model sets the recency rule's level.
  const { ranking: unjudged, learnedOn } = unjudgedRanking(
    learned,
    purchase,
    compared[0] !== undefined ? { days: windows!.days, window: compared[0] } : windows?.shorter,
    {
      fitsAt,
      rows: rowsNow,
      s,
      unitDays,
      horizonDays: horizon.days,
    },
  );
  const view = purchase === null ? null : { model: purchase.model, params: purchase.params, unitDays };
  // The level moved by the same season a year earlier where that was judged (seasonal; not a level the model set).
  const ranking = seasonal(unjudged, windows?.season ?? null, () =>
    rowsNow().map((row) => rankRisk(unjudged!, row, unjudged!.model !== null && unjudged!.model === purchase?.model ? view : null)),
  );
  // The forecast count corrected by the shop's own past where that helped out of time (select.ts
  // forecastCorrection): only where the models were compared on windows, with the model chosen.
  const forecast = selection !== null && purchase !== null ? forecastCorrection(purchase.model, counts.get(purchase.model) ?? []) : null;
  const fallback =
    purchase === null ? (rejected.length > 0 ? phrase('core.model.no-usable-fit', { rejected }) : phrase('core.model.purchase-no-converge')) : null;
  return {
    ...base,
    purchase,
    spend: purchase === null ? null : spend,
    fallback,
    spendProblem,
    rejected,
    selection,
    ranking,
    learned: learnedOn,
    // Kept only where windows were compared: a fit without them is saved as before.
    ...(forecast !== null ? { forecast } : {}),
    ...(windows?.season ? { season: windows.season } : {}),
  };
}

/**
 * Too little for a purchase model, but the shop's own past may still rank and calibrate the
 * simple scores: used only where that was judged out of time (a tiny shop of 150 customers over
 * two years: the lifecycle rules ranked 0.751 where recency ranks 0.782).
 */
function withoutModel(
  base: Pick<Fitted<Phrase>, 'asOf' | 'timeUnit' | 'sufficiency' | 'spendLeftOut' | 'horizonDays' | 'horizonWhy'>,
  suff: Fitted<Phrase>['sufficiency'],
  windows: Windows | null,
  rowsNow: () => LearnRow[],
  unit: TimeUnit,
): Fitted<Phrase> {
  const learned = windows === null ? null : learnWithoutModel(windows, UNIT_DAYS[unit]);
  return {
    ...base,
    purchase: null,
    spend: null,
    fallback: phrase('core.model.not-enough', { problems: suff.problems }),
    rejected: [],
    selection: null,
    ranking: seasonal(learned?.ranking ?? null, windows?.season ?? null, () => rowsNow().map((row) => rankRisk(learned!.ranking, row, null))),
    ...(learned !== null ? { learned: { windows: learned.windows, heldOut: learned.heldOut, days: learned.days } } : {}),
    ...(learned !== null && windows?.season ? { season: windows.season } : {}),
  };
}

/**
 * What ranks, its level moved by the same season a year earlier where that was judged to
 * predict the level better (season.ts). The season's shift is of the shop's level: the log-odds
 * of the mean risk at the as-of date move by it; one shift of every customer's log-odds, found
 * by bisection, makes that so (the order stays). Not a level the model set at the as-of date
 * (levelByModel), which sees no window of the past.
 */
function seasonal(ranking: Ranking | null, season: SeasonCorrection | null, risks: () => number[]): Ranking | null {
  const shift = seasonShift(season);
  if (ranking === null || shift === 0 || ranking.level === 'model') return ranking;
  const z = risks().map((p) => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p)));
  if (z.length === 0) return ranking;
  const meanAt = (d: number): number => z.reduce((s, v) => s + 1 / (1 + Math.exp(-(v + d))), 0) / z.length;
  const m = meanAt(0);
  const target = 1 / (1 + Math.exp(-(Math.log(m / (1 - m)) + shift)));
  let lo = -10;
  let hi = 10;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (meanAt(mid) < target) lo = mid;
    else hi = mid;
  }
  const [intercept, ...rest] = ranking.logit.coef;
  return { ...ranking, logit: { ...ranking.logit, coef: [intercept! + (lo + hi) / 2, ...rest] } };
}

/**
 * The Gamma-Gamma spend fit, only where something reads it (seconds on a shop where it runs to its
 * edge). A fit that did not converge, or gives no finite mean (q <= 1), is not used: no lifetime values.
 */
function spendFor(spendData: readonly SpendSummary[], wanted: boolean): { spend: SpendFit | null; spendProblem: Phrase | null } {
  const fit = spendData.length > 0 && wanted ? fitSpend(spendData) : null;
  const ok = fit !== null && fit.converged && fit.params.q > 1 && [fit.params.p, fit.params.q, fit.params.v].every(Number.isFinite);
  return { spend: ok ? fit : null, spendProblem: ok || fit === null ? null : phrase('core.model.spend-problem') };
}

/**
 * What ranks where nothing could be judged out of time (learned.heldOut null) and a model is
 * used: the blend weighed on `on` (unjudgedBlend), else the recency rule with its level set as of
 * the date by the model fitted on all the history (levelByModel); otherwise what was learned.
 */
function unjudgedRanking(
  learned: ReturnType<typeof learnRanking>,
  purchase: PurchaseFit | null,
  on: { days: number; window: LearnWindow } | undefined,
  c: { fitsAt: Map<string, Map<PurchaseModelName, PurchaseFit>>; rows: () => LearnRow[]; s: ModelSettings; unitDays: number; horizonDays: number },
): { ranking: Ranking | null; learnedOn: Fitted['learned'] } {
  const learnedOn = learned === null ? null : { windows: learned.windows, heldOut: learned.heldOut, days: learned.days };
  if (learned?.heldOut !== null || purchase === null) return { ranking: learned?.ranking ?? null, learnedOn };
  const rows = c.rows();
  const blend =
    on !== undefined && enoughToCompare(on.window.rows, c.s, c.unitDays)
      ? unjudgedBlend(on, c.fitsAt.get(on.window.cutoff)?.get(purchase.model), purchase, c.unitDays, rows, c.horizonDays)
      : null;
  if (blend !== null) return { ranking: blend.ranking, learnedOn: { windows: [blend.window], heldOut: null, days: on!.days } };
  const ranking = learned.ranking;
  const level = ranking.kind === 'recency' ? levelByModel(rows, { model: purchase.model, params: purchase.params, unitDays: c.unitDays }, c.horizonDays) : null;
  return { ranking: level === null ? ranking : { ...ranking, model: purchase.model, horizonDays: c.horizonDays, level: 'model', levels: level }, learnedOn };
}

/**
 * Where nothing can be judged out of time but a window before the as-of date has the history a
 * fit needs (the newest compared on, or the longest that has it: compareWindowDays): churn_risk
 * blends recency, frequency and the model's expected purchases, weighed by a logistic on that
 * window (the model fitted at its cutoff), its level set as of the date by the model fitted on
 * all the history (levelByModel, on the blend's order, as for the recency rule). Neither the
 * blend nor recency can be judged there; the blend is the steadier side: on the real CD sample
 * (cutoff 1997-09-30, the 273 days after) recency ranks 0.771 and MBG/NBD's expected purchases
 * 0.773, the blend weighed on the 92 days after 1997-06-30 0.782 (docs/churn.md). Null where the
 * model's fit at the window is degenerate, the blend does not rank that window better than recency
 * by more than TIE_MARGIN, or the model gives no level.
 */
function unjudgedBlend(
  on: { days: number; window: LearnWindow },
  fitted: PurchaseFit | undefined,
  purchase: PurchaseFit,
  unitDays: number,
  rows: readonly LearnRow[],
  horizonDays: number,
): { ranking: Ranking; window: { cutoff: string; customers: number; noPurchase: number } } | null {
  // The model as fitted at the window's cutoff (on the rows prepare() reads); one at the edge of its space there gives no blend.
  const summaries = sample(on.window.rows, LEARN_SAMPLE).map((r) => r.summary);
  const fit = fitted ?? fitPurchases(purchase.model, group(summaries), purchase.model === 'nbd' ? undefined : purchase.params);
  if (!fit.converged || degenerateWhy(fit, summaries) !== null) return null;
  const prepared = prepare(on.window, on.days, purchase.model, unitDays, fit);
  const blend = blendRanking(prepared, on.days, purchase.model);
  // Used only where it ranks that window clearly better than recency does (by TIE_MARGIN), where a shop has signal to blend at all.
  const auc = (score: (x: number[]) => number): number => rocAuc(prepared.X.map(score), prepared.y) ?? 0;
  const recency = FEATURES.indexOf('recency');
  if (blend === null || auc((x) => predict(blend.logit, x)) - auc((x) => x[recency]!) <= TIE_MARGIN) return null;
  const view = { model: purchase.model, params: purchase.params, unitDays };
  const levels = levelByModel(rows, view, horizonDays, (r) => rankRisk(blend, r, view));
  if (levels === null) return null;
  return {
    ranking: { ...blend, horizonDays, scoreDays: on.days, level: 'model', levels },
    window: { cutoff: on.window.cutoff, customers: prepared.X.length, noPurchase: prepared.y.filter(Boolean).length },
  };
}

/** The customers' rows as the ranking reads them as of the date (those with a purchase). */
function learnRows(customers: readonly Measured[], asOf: string, unit: TimeUnit, populationGap: number | null): LearnRow[] {
  const rows: LearnRow[] = [];
  for (const c of customers) {
    const row = c.purchaseDays > 0 ? learnRowOf(c, asOf, unit, populationGap) : null;
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** What ranks learned from the windows without a purchase model, or null where nothing could be judged out of time. */
function learnWithoutModel(windows: Windows, unitDays: number): ReturnType<typeof learnRanking> {
  const learned = learnRanking(
    windows.list.map((w) => prepare(w, windows.days, null, unitDays)),
    windows.days,
    null,
    windows.step ?? windows.days,
  );
  return learned?.heldOut ? learned : null;
}

/** The windows model auto compares on: the newest and each older one a whole window before the last taken (none overlapping). */
function comparedWindows(windows: Windows): LearnWindow[] {
  const step = windows.step ?? windows.days;
  const out: LearnWindow[] = [];
  let last = -Infinity;
  windows.list.forEach((w, k) => {
    if ((k - last) * step >= windows.days) {
      out.push(w);
      last = k;
    }
  });
  return out;
}

/** The cutoff's data suffice for fitting, and some customers bought in the window while others did not. */
function enoughToCompare(rows: readonly LearnRow[], s: ModelSettings, unitDays: number): boolean {
  let repeat = 0;
  let span = 0;
  let bought = 0;
  for (const r of rows) {
    if (r.summary.x > 0) repeat++;
    if (r.actual > 0) bought++;
    span = Math.max(span, r.summary.T * unitDays);
  }
  return rows.length >= s.minCustomers && repeat >= s.minRepeatBuyers && span >= s.minHistoryDays && bought > 0 && bought < rows.length;
}

/** Why a fit cannot be used at all (not converged, parameters not finite, BG's a = 1), or null. */
function usableWhy(fit: PurchaseFit, customers: readonly Summary[]): Phrase | null {
  const p = fit.params as unknown as Record<string, number>;
  if (!Object.values(p).every((v) => Number.isFinite(v) && v > 0)) return phrase('core.model.no-converge');
  // A fit that gave up walking toward "nobody leaves" says that, not only that it gave up.
  if (!fit.converged) return unconvergedWhy(fit, customers);
  if ((fit.model === 'bgnbd' || fit.model === 'mbgnbd') && Math.abs(p.a! - 1) < 1e-6) return phrase('core.model.a-is-one');
  return null;
}

/**
 * What churn_risk came from: learned (the regression learned from the shop's past, learn.ts),
 * recency, overdue or expected (a simple score that ranked better out of time, calibrated the
 * same way), model (the model's P(no purchase) in the horizon: no past to learn from), rules
 * (the lifecycle's share of the way to ended, not a probability: too little data).
 */
export type RiskMethod = RankingKind | 'model' | 'rules';

export interface ChurnScore {
  customerId: string;
  method: RiskMethod;
  pAlive: number | null;
  expectedPurchases: number | null;
  pNoPurchase: number | null;
  /** Expected net spend per purchase, minor units. */
  expectedSpend: number | null;
  /** Discounted expected spend over the lifetime-value horizon, minor units. */
  clv: number | null;
  churnRisk: number;
  riskLevel: RiskLevel;
  /** The day of the next purchase if still a customer (P(alive) says how likely that is); null only without a purchase. */
  readonly nextPurchaseDate: string | null;
  readonly expectedPurchases365d: number | null;
  /** Built when read (each read builds them afresh), not stored: see Score. Worded above core (app/words.ts englishReasons). */
  readonly reasonPhrases: Phrase[];
}

export function riskLevel(risk: number, s: ModelSettings): RiskLevel {
  return risk >= s.highRisk ? 'high' : risk >= s.mediumRisk ? 'medium' : 'low';
}

/**
 * A risk as a percentage with `digits` decimals, never contradicting its level: where rounding
 * would carry it over a level's threshold (0.749 shown as "75" while high starts at 75%), one more
 * decimal is shown, rounded down ("74.9").
 */
export function riskPercent(risk: number, s: Pick<ModelSettings, 'mediumRisk' | 'highRisk'>, digits = 0): string {
  const scale = 10 ** digits;
  // From the risk as the tables and CSV hold it (three decimals): a reason's "only 43%" beside a 0.435 that shows as 44% said two things.
  const shown = Math.round((Math.round(risk * 1000) / 10) * scale) / scale;
  const crosses = [s.mediumRisk, s.highRisk].some((edge) => shown >= edge * 100 !== risk >= edge);
  return crosses ? (Math.floor(risk * 1000 * scale) / (10 * scale)).toFixed(digits + 1) : shown.toFixed(digits);
}

/**
 * Discounted lifetime value over the horizon, in monthly (30-day) steps: the expected purchases
 * in each step times the expected spend per purchase, discounted at the annual rate to the step's
 * end: CLV = Σ_k spend · (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + d)^(t_k / 365).
 */
export function lifetimeValue(expectedBy: (days: number) => number, spend: number, horizonDays: number, discountRate: number): number {
  let value = 0;
  let before = 0;
  for (let end = Math.min(30, horizonDays), start = 0; start < horizonDays; start = end, end = Math.min(end + 30, horizonDays)) {
    const upTo = expectedBy(end);
    value += (spend * (upTo - before)) / Math.pow(1 + discountRate, end / 365);
    before = upTo;
  }
  return value;
}

const days = (n: number): Count => dayCount(Math.round(n));

/**
 * Reasons as phrases: what in this customer's history points at leaving. Worded above core: in
 * English as CSV and JSON carry them (app/words.ts), and from that English for a reader of
 * another language (i18n/phrase.ts reword()).
 */
export function reasonsFor(
  c: Measured,
  populationGap: number | null,
  windowDays: number,
  pAliveValue: number | null,
  expected: { purchases: number; days: number } | null = null,
): Phrase[] {
  const out: Phrase[] = [];
  const gap = c.typicalGapDays ?? populationGap;
  if (c.purchaseDays === 0) out.push({ key: 'core.churn.refunds-only', vars: { silence: days(c.recencyDays) } });
  else if (c.purchaseDays === 1) out.push({ key: 'core.churn.one-time', vars: { silence: days(c.recencyDays) } });
  else if (gap !== null && gap > 0 && c.recencyDays > gap) {
    const g = Math.round(gap * 10) / 10;
    out.push({
      key: c.ownGapDays === null ? 'core.churn.overdue-shop' : 'core.churn.overdue-own',
      vars: { silence: days(c.recencyDays), times: (c.recencyDays / gap).toFixed(1), gap: g },
    });
  }
  if (c.previousRevenue > 0 && c.recentRevenue <= 0) out.push({ key: 'core.churn.stopped', vars: { window: windowDays } });
  else if (c.previousRevenue > 0 && c.recentRevenue < c.previousRevenue) {
    const down = Math.round((1 - c.recentRevenue / c.previousRevenue) * 100);
    if (down >= 20) out.push({ key: 'core.churn.spend-down', vars: { down, window: windowDays } });
  }
  if (pAliveValue !== null && pAliveValue < 0.5) out.push({ key: 'core.churn.p-alive', vars: { pct: Math.round(pAliveValue * 100) } });
  // Nothing alarming in the history: the risk comes from a slow rhythm.
  if (out.length === 0 && expected !== null) {
    const every: Phrase | null = gap !== null ? { key: 'core.churn.seldom-every', vars: { gap: days(gap) } } : null;
    out.push({ key: 'core.churn.seldom', vars: { every, expected: expected.purchases.toFixed(1), days: expected.days } });
  }
  return out;
}

/** What every customer's reasons are worded against, and the fit their forecasts come from. */
interface ReasonContext {
  populationGap: number | null;
  /** The as-of date the scores are for. */
  asOf: string | null;
  windowDays: number;
  horizonDays: number;
  fit: { model: PurchaseModelName; params: PurchaseFit['params']; asOf: string; unit: TimeUnit; scale: number } | null;
  /** The level thresholds a risk is shown against (riskPercent). */
  levels: Pick<ModelSettings, 'mediumRisk' | 'highRisk'>;
}

const said = (open: OpenComplaints): Phrase =>
  counted('core.churn.complaints', open.open, {
    oldest: days(open.oldestDays),
    overdue: open.overdue > 0 ? phrase('core.churn.complaints-overdue', { count: open.overdue }) : null,
  });

/** Longest look ahead for the next purchase: ten years. */
const NEXT_PURCHASE_MAX_DAYS = 3650;

/**
 * The median wait for the next purchase of a customer still alive, in the fit's time unit. While
 * alive, purchases come at a Poisson rate λ whose posterior given (x, T) and being alive at T is
 * Gamma(r + x, α + T) in every model here (Schmittlein, Morrison & Colombo 1987 for the
 * Pareto/NBD; Fader, Hardie & Lee 2005 for the BG/NBD), so P(a purchase within t | alive) =
 * 1 − ((α+T)/(α+T+t))^(r+x) and the median t = (α+T)·(2^(1/(r+x)) − 1).
 */
export function medianWaitIfAlive(params: { r: number; alpha: number }, sum: Pick<Summary, 'x' | 'T'>): number {
  return (params.alpha + sum.T) * (Math.pow(2, 1 / (params.r + sum.x)) - 1);
}

/**
 * The day (index) of the next purchase if the customer is still a customer (P(alive) says how
 * likely that is): the earlier of the model's median wait while alive (`waitDays`, null without a
 * fit) and the customer's own rhythm. The rhythm is the last purchase plus their usual gap (their
 * own, else the shop's); once that day has passed, today plus the usual gap: a Poisson rate
 * forgets how long it has waited, so for one still buying the wait from today is as long as a
 * usual gap. (Before, an overdue customer's rhythm was "tomorrow", so everyone overdue was
 * expected the day after the as-of date, beside a high risk.) For a seldom buyer the model's
 * median runs years ahead while those who come back come on their rhythm. Measured with
 * bench/evalChurn.ts, median days off for those who did buy, against "last purchase + usual gap":
 * purchases-2005-2015.tsv at 2015-01-01 57 (tomorrow: 70; the model's wait alone: 238; naive:
 * 79), the simulated cohort shop 45 (61; 100; 184). At most ten years ahead; null only without a
 * rhythm or a fit.
 */
export function nextPurchaseDay(asOfDay: number, lastDay: number, gapDays: number | null, waitDays: number | null): number | null {
  let day = Infinity;
  if (gapDays !== null) {
    const due = Math.round(lastDay + gapDays);
    day = due > asOfDay ? due : asOfDay + Math.max(1, Math.round(gapDays));
  }
  if (waitDays !== null) day = Math.min(day, asOfDay + Math.max(1, Math.round(waitDays)));
  return Number.isFinite(day) ? Math.min(day, asOfDay + NEXT_PURCHASE_MAX_DAYS) : null;
}

const isoDay = (index: number): string => new Date(index * 86_400_000).toISOString().slice(0, 10);

/**
 * A customer's score. The reasons are built when read, from the customer and the numbers kept
 * here: worded up front for a million customers they held about 400 MB of the heap (measured on
 * the 10-million-line benchmark history), though a list prints them one row at a time. The next
 * purchase date and the year's expected purchases are computed when read too.
 * Open complaints raise the level: one step for any open complaint (low to medium, medium to
 * high), straight to high for an overdue one; and they come first among the reasons. A customer
 * the lifecycle calls ended is never low risk: at least medium, and the reasons say the two
 * disagree (as they do when the risk is high for a customer whose rhythm is on time).
 */
class Score implements ChurnScore {
  readonly riskLevel: RiskLevel;
  constructor(
    private readonly c: Measured & { stage?: Stage; tier?: string },
    private readonly why: ReasonContext,
    readonly method: RiskMethod,
    readonly pAlive: number | null,
    readonly expectedPurchases: number | null,
    readonly pNoPurchase: number | null,
    readonly expectedSpend: number | null,
    readonly clv: number | null,
    readonly churnRisk: number,
    /** The level from the risk alone, before complaints. */
    private readonly ownLevel: RiskLevel,
    private readonly open: OpenComplaints | undefined,
  ) {
    const complained = open !== undefined && open.open > 0;
    const level = this.endedButLow() || this.fallingButLow() ? 'medium' : ownLevel;
    this.riskLevel = !complained ? level : open.overdue > 0 || level !== 'low' ? 'high' : 'medium';
  }

  private endedButLow(): boolean {
    return this.c.stage === 'ended' && this.ownLevel === 'low';
  }

  /** A platinum or gold account the lifecycle sees in decline (spend falling) is worth a call however likely it is to buy again. */
  private fallingButLow(): boolean {
    return this.c.stage === 'decline' && (this.c.tier === 'platinum' || this.c.tier === 'gold') && this.ownLevel === 'low';
  }

  get customerId(): string {
    return this.c.customerId;
  }

  private summary(): Summary | null {
    const f = this.why.fit;
    return f === null ? null : summaryOf(this.c, f.asOf, f.unit);
  }

  /** The day of the next purchase if they are still a customer (nextPurchaseDay); null only without a purchase. */
  get nextPurchaseDate(): string | null {
    const f = this.why.fit;
    const asOf = f?.asOf ?? this.why.asOf;
    if (this.c.lastPurchase === null || asOf === null) return null;
    const sum = this.summary();
    const wait = f !== null && sum !== null ? medianWaitIfAlive(f.params, sum) * UNIT_DAYS[f.unit] : null;
    const day = nextPurchaseDay(dayIndex(asOf), dayIndex(this.c.lastPurchase), this.c.typicalGapDays ?? this.why.populationGap, wait);
    return day === null ? null : isoDay(day);
  }

  get expectedPurchases365d(): number | null {
    const f = this.why.fit;
    const sum = this.summary();
    return f === null || sum === null ? null : f.scale * expectedPurchases(f.model, f.params, sum, 365 / UNIT_DAYS[f.unit]);
  }

  get reasonPhrases(): Phrase[] {
    const complained = this.open !== undefined && this.open.open > 0;
    const pct = `${riskPercent(this.churnRisk, this.why.levels)}%`;
    const disagree: Phrase[] = [];
    if (this.endedButLow()) disagree.push(phrase(this.method === 'rules' ? 'core.churn.ended-but-low-rules' : 'core.churn.ended-but-low-model', { pct }));
    else if (this.fallingButLow()) disagree.push(phrase('core.churn.falling-but-low', { pct }));
    else if (this.ownLevel === 'high' && (this.c.stage === 'stability' || this.c.stage === 'formation'))
      disagree.push(phrase('core.churn.on-rhythm', { stage: { stage: this.c.stage }, pct }));
    if (this.ownLevel === 'low' && !complained && disagree.length === 0) return [];
    const expected = this.expectedPurchases === null ? null : { purchases: this.expectedPurchases, days: this.why.horizonDays };
    const own = reasonsFor(this.c, this.why.populationGap, this.why.windowDays, this.pAlive, expected);
    // Nothing in the history stands out, and no model to say how seldom they buy: what the shop's
    // past says of customers like them is the reason.
    if (own.length === 0 && !complained && disagree.length === 0) {
      own.push(phrase('core.churn.like-them', { silence: days(this.c.recencyDays), n: this.c.purchaseDays, days: this.why.horizonDays, pct }));
    }
    return [...(complained ? [said(this.open!)] : []), ...disagree, ...own];
  }
}
/**
 * A customer's expected spend per purchase (null without a spend fit) and discounted lifetime
 * value (null without a purchase model, a spend fit or a finite spend), from the fitted models.
 */
function valueOf(c: Measured, sum: Summary, fitted: Fitted<unknown>, s: ModelSettings): { perPurchase: number | null; clv: number | null } {
  const { purchase, spend } = fitted;
  const perPurchase = spend ? expectedSpend(spend.params, c.spendDays > 0 ? { x: c.spendDays, mean: c.spendTotal / c.spendDays } : null) : null;
  if (purchase === null || perPurchase === null || !Number.isFinite(perPurchase)) return { perPurchase, clv: null };
  const k = UNIT_DAYS[fitted.timeUnit];
  const scale = forecastScale(fitted);
  return {
    perPurchase,
    clv: lifetimeValue((d) => scale * expectedPurchases(purchase.model, purchase.params, sum, d / k), perPurchase, s.clvHorizonDays, s.discountRate),
  };
}

/**
 * Every customer's lifetime value (minor units, 0 without one) by id, for ranking the pyramid:
 * the scores' CLV without keeping a score per customer.
 */
export function lifetimeValues(customers: readonly Measured[], fitted: Fitted<unknown>, s: ModelSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of customers) {
    const sum = summaryOf(c, fitted.asOf, fitted.timeUnit);
    out.set(c.customerId, sum === null ? 0 : (valueOf(c, sum, fitted, s).clv ?? 0));
  }
  return out;
}

/**
 * Scores every customer. Churn risk is, by the fit's ranking: the blend of the model with
 * recency, or the recency rule, each a calibrated probability of no purchase in the horizon
 * (core/model/select.ts); without a ranking, the model's probability of no purchase in the
 * horizon; without a model (too little data), the share of the way to the lifecycle's "ended"
 * silence, s / max(ended_gaps × g, ended_min_days), capped at 1, with no lifetime value.
 * `s.horizonDays`, when set, overrides the fit's horizon for P(no purchase) and expected purchases.
 */
export function scoreChurn(
  customers: readonly (Measured & { stage?: Stage; tier?: string })[],
  fitted: Fitted<unknown>,
  s: ModelSettings,
  lifecycle: LifecycleSettings,
  populationGap: number | null,
  complaints: ReadonlyMap<string, OpenComplaints> = new Map(),
): ChurnScore[] {
  const { purchase, spend, ranking } = fitted;
  const k = UNIT_DAYS[fitted.timeUnit];
  const horizonDays = s.horizonDays ?? fitted.horizonDays;
  const populationSpend = spend ? expectedSpend(spend.params, null) : null;
  const why: ReasonContext = {
    populationGap,
    asOf: fitted.asOf,
    windowDays: lifecycle.windowDays,
    horizonDays,
    fit: purchase === null ? null : { model: purchase.model, params: purchase.params, asOf: fitted.asOf, unit: fitted.timeUnit, scale: forecastScale(fitted) },
    levels: s,
  };
  const view = purchase === null ? null : { model: purchase.model, params: purchase.params, unitDays: k };
  return customers.map((c) => {
    const sum = summaryOf(c, fitted.asOf, fitted.timeUnit);
    const open = complaints.get(c.customerId);
    const row = ranking === null ? null : learnRowOf(c, fitted.asOf, fitted.timeUnit, populationGap);
    // What ranks is calibrated for its own window (the one the history could check); for another
    // horizon the model carries it over: P(none in H) = P(none in w) · P(none in H | none in w),
    // the last factor the model's P(none in H) / P(none in w), capped at 1. A simple score is
    // carried so that its order stays its own (it was chosen for that order): as for a steady
    // buyer, P(none in H) = P(none in w)^(H/w).
    const carried = (base: number): number => {
      if (ranking === null || ranking.horizonDays === horizonDays) return base;
      if (ranking.kind !== 'learned' || purchase === null || sum === null) return Math.pow(base, horizonDays / ranking.horizonDays);
      const w = pNoPurchase(purchase.model, purchase.params, sum, ranking.horizonDays / k);
      return w > 0 ? Math.min(1, (base * pNoPurchase(purchase.model, purchase.params, sum, horizonDays / k)) / w) : base;
    };
    const learnedRisk =
      ranking === null || row === null ? null : carried(rankRisk(ranking, row, ranking.model !== null && ranking.model === purchase?.model ? view : null));
    if (purchase === null || sum === null) {
      if (learnedRisk !== null) return new Score(c, why, ranking!.kind, null, null, null, null, null, learnedRisk, riskLevel(learnedRisk, s), open);
      const limit = silenceLimit(c.typicalGapDays ?? populationGap, lifecycle.endedGaps, lifecycle.endedMinDays);
      const risk = Math.min(1, c.recencyDays / Math.max(1, limit));
      return new Score(c, why, 'rules', null, null, null, null, null, risk, riskLevel(risk, s), open);
    }
    const model = purchase.model;
    const params = purchase.params;
    const alive = pAlive(model, params, sum);
    const h = horizonDays / k;
    // The count is corrected (forecastScale); the chance of none and what ranks are not: the
    // ranking was learned and judged on the model's own outputs, and a scale keeps its order.
    const expected = why.fit!.scale * expectedPurchases(model, params, sum, h);
    const none = pNoPurchase(model, params, sum, h);
    const risk = learnedRisk ?? none;
    const method: RiskMethod = learnedRisk === null ? 'model' : ranking!.kind;
    const { perPurchase, clv } = valueOf(c, sum, fitted, s);
    return new Score(c, why, method, alive, expected, none, perPurchase ?? populationSpend, clv, risk, riskLevel(risk, s), open);
  });
}
