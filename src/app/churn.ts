/** Churn risk as the commands need it: the analysis, a model fit (saved or fitted now), scores. */
import type { Analysis } from '../core/analysis.js';
import {
  compareWindowDays,
  fitModels,
  horizonFor,
  learnRowOf,
  scoreChurn,
  windowPlan,
  type ChurnScore,
  type Fitted,
  type ModelSettings,
  type SpendWanted,
  type Windows,
} from '../core/model/churn.js';
import type { LearnRow, LearnWindow } from '../core/model/learn.js';
import { RECENCY_BANDS, seasonCorrection, seasonCutoffs, type SeasonCorrection, type SeasonLayout, type WindowShare } from '../core/model/season.js';
import type { CustomerMeasures } from '../core/measures.js';
import { dayIndex, isoDay } from '../core/measures.js';
import type { Store } from '../store/store.js';
import type { SnapshotFilter } from '../store/types.js';
import { openByCustomer, type OpenComplaints } from '../core/complaints.js';
import { t } from '../i18n/index.js';
import { wordFitted } from './words.js';
import { analysisAsOf, currentFit, loadSettings, measure, moneyOf, type LoadedSettings, type Money } from './run.js';

export interface ChurnPicture {
  analysis: Analysis;
  money: Money;
  loaded: LoadedSettings;
  fitted: Fitted;
  /** 'saved': the current fit `rapport model` saved; 'fitted': fitted for this run only. */
  fitSource: 'saved' | 'fitted';
  scores: Map<string, ChurnScore>;
}

/**
 * Scores customers as of the date. A read command never saves a fit: without a saved one the
 * model is fitted for this run (over every customer) and the tiers stay as `segment` made them;
 * `rapport model` saves fits. `overrides` change the scoring for this run (the horizon); the
 * filter narrows what is scored when a saved fit makes fitting unnecessary.
 */
export async function churnAsOf(
  db: Store,
  asOf: string,
  options: {
    overrides?: Partial<ModelSettings>;
    filter?: SnapshotFilter;
    /** Every customer's analysis as of the date, when the caller has it already. */
    analysis?: Analysis;
    /** When a fit for this run fits the spend model: by default when the purchase model is used (the scores' lifetime values). */
    spend?: SpendWanted;
  } = {},
): Promise<ChurnPicture> {
  const money = await moneyOf(db);
  const loaded = await loadSettings(db, money);
  const settings: ModelSettings = { ...loaded.settings.model, ...options.overrides };
  // A saved fit ranks for its own horizon: a different --horizon fits again for the run.
  const found = await currentFit(db, asOf, loaded, true);
  const saved = found !== null && (options.overrides?.horizonDays == null || options.overrides.horizonDays === found.horizonDays) ? found : null;
  const analysis = options.analysis ?? (await analysisAsOf(db, asOf, saved === null ? {} : (options.filter ?? {}))).analysis;
  const fitted = saved ?? (await fitForRun(db, asOf, analysis.customers, analysis.populationGapDays, loaded, settings, options.spend ?? 'when-used'));
  const scores = new Map(
    scoreChurn(analysis.customers, fitted, settings, loaded.settings.lifecycle, analysis.populationGapDays, await openComplaintsAsOf(db, asOf)).map((s) => [
      s.customerId,
      s,
    ]),
  );
  return { analysis, money, loaded, fitted, fitSource: saved === null ? 'fitted' : 'saved', scores };
}

/**
 * Fits the models for a run as of the date: the horizon as set or from the shop's rhythm; the
 * customers as they stood at cutoffs before it (windowPlan), and their purchase days in the
 * window after each, for learning what ranks (core/model/learn.ts) and, with model auto,
 * choosing the model (core/model/select.ts).
 */
export async function fitForRun(
  db: Store,
  asOf: string,
  customers: readonly CustomerMeasures[],
  populationGap: number | null,
  loaded: LoadedSettings,
  settings: ModelSettings,
  spend: SpendWanted = 'always',
): Promise<Fitted> {
  const horizon = horizonFor(settings, populationGap);
  let earliest = Infinity;
  for (const c of customers) if (c.firstPurchase !== null) earliest = Math.min(earliest, dayIndex(c.firstPurchase));
  // A short history shortens the windows (the CD retailer's, 272 days to 1997-09-30 with a
  // 273-day horizon, learns on one of 182 days).
  const history = dayIndex(asOf) - earliest;
  const plan = windowPlan(horizon.days, history);
  let windows: Windows | null = null;
  if (plan !== null) {
    windows = { days: plan.days, step: plan.step, list: [] };
    for (let k = 0; k < plan.count; k++) windows.list.push(await windowAt(db, dayIndex(asOf) - plan.days - k * plan.step, plan.days, loaded, settings));
    // Too little history before the newest window's cutoff for a fit there: the longest window that has it (for the blend, fitModels).
    const shorter = history - plan.days < settings.minHistoryDays ? compareWindowDays(horizon.days, history, settings.minHistoryDays) : null;
    if (shorter !== null) windows.shorter = { days: shorter, window: await windowAt(db, dayIndex(asOf) - shorter, shorter, loaded, settings) };
    windows.season = await seasonOf(db, dayIndex(asOf), earliest, customers, plan);
  }
  return wordFitted(fitModels(customers, asOf, settings, windows, populationGap, spend));
}

/** The customers as they stood at a cutoff (a day index) and their purchase days in the `days` after it. */
async function windowAt(db: Store, cut: number, days: number, loaded: LoadedSettings, settings: ModelSettings): Promise<LearnWindow> {
  const cutoff = isoDay(cut);
  const then = await measure(db, cutoff, loaded.settings);
  const after = await db.purchaseDaysBetween(cutoff, isoDay(cut + days));
  const rows: LearnRow[] = [];
  for (const c of then.customers) {
    if (c.purchaseDays === 0) continue;
    const row = learnRowOf(c, cutoff, settings.timeUnit, then.populationGapDays, after.get(c.customerId) ?? 0);
    if (row !== null) rows.push(row);
  }
  return { cutoff, rows };
}

/**
 * The same season a year earlier and its judgement (core/model/season.ts): each window's
 * customers are those with a purchase by its cutoff (their first purchase as of the date),
 * and what they bought in the window after it.
 */
async function seasonOf(
  db: Store,
  asOf: number,
  earliest: number,
  customers: readonly CustomerMeasures[],
  plan: SeasonLayout,
): Promise<SeasonCorrection | null> {
  const cutoffs = seasonCutoffs(asOf, earliest, plan);
  if (cutoffs === null) return null;
  const firsts = new Map<string, number>();
  for (const c of customers) if (c.firstPurchase !== null) firsts.set(c.customerId, dayIndex(c.firstPurchase));
  // Purchase days per customer in (end - days, end], each span read once.
  const spans = new Map<number, Map<string, number>>();
  const span = async (end: number): Promise<Map<string, number>> => {
    let got = spans.get(end);
    if (got === undefined) spans.set(end, (got = await db.purchaseDaysBetween(isoDay(end - plan.days), isoDay(end))));
    return got;
  };
  const shares = new Map<number, WindowShare>();
  for (const cut of cutoffs) {
    const after = await span(cut + plan.days);
    const back: Map<string, number>[] = [];
    for (let b = 0; b < RECENCY_BANDS - 1; b++) back.push(await span(cut - b * plan.days));
    const w: WindowShare = { customers: [], none: [], purchases: [] };
    for (let b = 0; b < RECENCY_BANDS; b++) {
      w.customers.push(0);
      w.none.push(0);
      w.purchases.push(0);
    }
    for (const [id, first] of firsts) {
      if (first > cut) continue;
      const found = back.findIndex((m) => m.has(id));
      const b = found === -1 ? RECENCY_BANDS - 1 : found;
      const k = after.get(id) ?? 0;
      w.customers[b]!++;
      if (k === 0) w.none[b]!++;
      w.purchases[b]! += k;
    }
    shares.set(cut, w);
  }
  return seasonCorrection(asOf, earliest, plan, (c) => shares.get(c));
}

/** Open complaints per customer at the end of the as-of day, as their history had them then. */
export async function openComplaintsAsOf(db: Store, asOf: string): Promise<Map<string, OpenComplaints>> {
  const end = `${asOf}T23:59:59.999Z`;
  return openByCustomer(await db.complaintsAt(end), end);
}

/** The stderr note for a run that fitted the model itself. */
export function fittedNote(p: ChurnPicture, asOf: string): string | null {
  if (p.fitSource === 'saved' || p.fitted.purchase === null) return null;
  return t('analysis.fitted-note', { asOf });
}
