/**
 * The analysis as the commands need it: settings from the database, measures streamed from the
 * transactions, the pure rules in core/, and snapshots to save or reuse.
 */
import { analyse, type Analysis } from '../core/analysis.js';
import { MeasureBuilder, type CustomerMeasures } from '../core/measures.js';
import { lifetimeValues, type Fitted } from '../core/model/churn.js';
import { currencyExponent, formatMoney } from '../core/money.js';
import { errorText, wordPhrase, type Phrase } from '../i18n/phrase.js';
import { analysisText, resolveSettings, SettingError, type AnalysisSettings } from '../core/settings.js';
import { RapportError, UsageError } from '../sys/errors.js';
import type { Store } from '../store/store.js';
import { addDays, dayIndex, isRealDay } from '../core/measures.js';
import type { SnapshotFilter, SnapshotInfo } from '../store/types.js';
import { t } from '../i18n/index.js';
import { formatNumber } from '../i18n/format.js';

/** Today in the machine's local time zone, as an ISO date. */
export function today(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** --as-of: a real calendar date written YYYY-MM-DD; default today. */
export function parseAsOf(text: string | undefined, now = new Date(), flag = '--as-of'): string {
  if (text === undefined) return today(now);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) throw new UsageError(t('analysis.as-of-format', { flag, text }), t('analysis.as-of-example', { flag }));
  if (!isRealDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new UsageError(t('analysis.as-of-no-day', { flag, text: text.trim() }), t('analysis.as-of-no-day-hint', { flag }));
  }
  // The same years an import accepts.
  if (Number(m[1]) < 1900 || Number(m[1]) > 2199)
    throw new UsageError(t('analysis.as-of-years', { flag, text: text.trim() }), t('analysis.as-of-example', { flag }));
  return text.trim();
}

export interface Money {
  currency: string | null;
  exponent: number;
  /** Minor units as the currency is written (averages rounded), without the code. */
  format: (minor: number) => string;
}

export async function moneyOf(db: Store): Promise<Money> {
  const currency = await db.getMeta('currency');
  const exponent = currencyExponent(currency);
  return { currency, exponent, format: (minor) => formatMoney(Math.round(minor), exponent) };
}

export interface LoadedSettings {
  /** Every setting's effective text (what a snapshot records). */
  text: Record<string, string>;
  settings: AnalysisSettings;
}

/** A phrase as rapport stores it and CSV and JSON carry it: English. */
const inEnglish = (p: Phrase): string => wordPhrase(p, 'en');

export async function loadSettings(db: Store, money: Money): Promise<LoadedSettings> {
  const stored = await db.storedSettings();
  try {
    return { text: analysisText(stored), settings: resolveSettings(stored, money.exponent) };
  } catch (e) {
    if (e instanceof SettingError) {
      throw new RapportError(t('analysis.bad-setting', { key: e.key, message: errorText(e) }), t('analysis.bad-setting-hint', { key: e.key }));
    }
    throw e;
  }
}

/** Every customer's measures as of the date, in one pass over the transactions. */
export type Measured = { customers: CustomerMeasures[]; populationGapDays: number | null };

export async function measure(db: Store, asOf: string, settings: AnalysisSettings): Promise<Measured> {
  const builder = new MeasureBuilder(asOf, {
    window: settings.lifecycle.windowDays,
    valueWindow: settings.valueWindowDays,
    minOwnGaps: settings.ownGapMinGaps,
    kth: settings.lifecycle.stabilityMinPurchases,
  });
  await db.customerDays(asOf, (day) => builder.add(day));
  return builder.finish();
}

const MODEL_KEYS = (text: Record<string, string>): string =>
  JSON.stringify(Object.entries(text).filter(([k]) => k.startsWith('model.') || k === 'churn.horizon_days'));

/**
 * The saved model fit for the date when it is current (no import stored rows since, same model
 * settings) and the model was used (enough data, converged); else null. `unused`: also one
 * whose purchase model was not used (rules or a simple score rank): scoring from it is scoring
 * from what fitting again would give, without fitting again (issue 24's slow-fit shop).
 */
export async function currentFit(db: Store, asOf: string, loaded: LoadedSettings, unused = false): Promise<Fitted | null> {
  const saved = await db.findFit(asOf);
  if (saved === null || saved.data_version !== (await db.dataVersion()) || MODEL_KEYS(saved.settings) !== MODEL_KEYS(loaded.text)) return null;
  // A fit saved by an earlier rapport has no horizon or ranking: fit again.
  if (typeof saved.fit.horizonDays !== 'number') return null;
  // One saved before rankings were learned (a blend's coefficients, no logistic): fit again.
  if (saved.fit.ranking != null && !('logit' in saved.fit.ranking)) return null;
  return saved.fit.purchase === null && !unused ? null : saved.fit;
}

/**
 * The current fit when it can rank the pyramid: a purchase model and a spend fit. Without a
 * usable spend fit there is no lifetime value (every customer's would be 0, all in one tier), so
 * the tiers keep ranking by revenue.
 */
export async function rankingFit(db: Store, asOf: string, loaded: LoadedSettings): Promise<Fitted | null> {
  const fit = await currentFit(db, asOf, loaded);
  return fit !== null && fit.spend !== null ? fit : null;
}

export async function computeAnalysis(db: Store, asOf: string, loaded: LoadedSettings, money: Money, measuredAlready?: Measured): Promise<Analysis> {
  const { settings } = loaded;
  const measured = measuredAlready ?? (await measure(db, asOf, settings));
  // With a current fit of the models (rapport model), the pyramid ranks by lifetime value.
  const fit = await rankingFit(db, asOf, loaded);
  const values = fit === null ? null : lifetimeValues(measured.customers, fit, settings.model);
  return analyse(measured, asOf, settings, inEnglish, (minor) => money.format(minor) + (money.currency ? ' ' + money.currency : ''), values);
}

/**
 * A snapshot is current when it saw every import since, was made with today's settings, and
 * ranked by what the pyramid would rank by now (lifetime value once a model is fitted).
 */
export async function isCurrent(db: Store, snapshot: SnapshotInfo, loaded: LoadedSettings): Promise<boolean> {
  const basis = (await rankingFit(db, snapshot.as_of, loaded)) === null ? 'net_revenue' : 'clv';
  return (
    snapshot.data_version === (await db.dataVersion()) && JSON.stringify(snapshot.settings) === JSON.stringify(loaded.text) && snapshot.value_basis === basis
  );
}

/**
 * The analysis as of a date: the saved snapshot when it is current (fast; the filter is applied
 * in SQL), else computed now over every customer (nothing saved: only `rapport segment` writes
 * snapshots), in which case the caller applies its filters itself.
 */
export async function analysisAsOf(
  db: Store,
  asOf: string,
  filter: SnapshotFilter = {},
): Promise<{ analysis: Analysis; money: Money; loaded: LoadedSettings; snapshotId: number | null }> {
  const money = await moneyOf(db);
  const loaded = await loadSettings(db, money);
  const snap = await db.findSnapshot(asOf);
  if (snap && (await isCurrent(db, snap, loaded))) return { analysis: await db.loadSnapshot(snap.id, filter), money, loaded, snapshotId: snap.id };
  return { analysis: await computeAnalysis(db, asOf, loaded, money), money, loaded, snapshotId: null };
}

/** One customer's analysis with their rank by value (1 = most valuable) among all customers. */
export async function customerAsOf(db: Store, asOf: string, id: string) {
  const found = await analysisAsOf(db, asOf, { customerId: id });
  const { analysis, snapshotId } = found;
  const customer = analysis.customers.find((x) => x.customerId === id) ?? null;
  let rank: { above: number; total: number } | null = null;
  if (customer !== null) {
    rank =
      snapshotId !== null
        ? await db.snapshotRank(snapshotId, customer.value)
        : { above: analysis.customers.filter((x) => x.value > customer.value).length, total: analysis.customers.length };
  }
  return { ...found, customer, rank };
}

/** Usual gaps between the newest sale and the as-of date past which the data are called stale, and the fewest days that is. */
export const STALE_GAPS = 4;
export const STALE_MIN_DAYS = 30;

/**
 * The shop's usual gap between a customer's purchases, in days, from its last year of sales: the
 * year's days times the customers who bought in it over their purchase days (a customer buying
 * on 4 days of the year buys every 91 days). Cheap: one count over a year of sales.
 */
async function usualGap(db: Store, last: string): Promise<number> {
  const from = addDays(last, -364);
  const days = [...(await db.purchaseDaysBetween(from, last)).values()];
  const total = days.reduce((a, b) => a + b, 0);
  return total === 0 ? 365 : Math.max(1, (365 * days.length) / total);
}

/**
 * The warning for an as-of date long after the newest sale (a history that ended years ago
 * analysed as of today: everyone gone, no revenue), naming the data's last day; else null.
 * Long means more than 4 of the shop's usual gaps between purchases (at least 30 days): a shop
 * whose customers buy weekly is stale after a month, one they visit yearly after four years.
 * `byDefault`: the as-of date was not given, so the hint names the setting as well as --as-of.
 */
export async function staleWarning(db: Store, asOf: string, byDefault = false): Promise<string | null> {
  const last = await db.lastTransactionDate();
  if (last === null || dayIndex(asOf) - dayIndex(last) <= STALE_MIN_DAYS) return null;
  const gap = dayIndex(asOf) - dayIndex(last);
  const usual = Math.round(await usualGap(db, last));
  if (gap <= Math.max(STALE_MIN_DAYS, STALE_GAPS * usual)) return null;
  return t(byDefault ? 'analysis.stale-default' : 'analysis.stale', { last, days: formatNumber(gap), asOf, gaps: STALE_GAPS, usual: formatNumber(usual) });
}

/**
 * A report's period: the span its figures are read as news about. Reports are read weekly (the
 * churn report is the weekly watchlist that cron writes every Monday, the summary names who to
 * call this week, "since the last report" covers the week since the last run), so a week: with
 * no sale in the 7 days up to the as-of date, "nobody bought this week" is more likely an import
 * that has not run than news.
 */
export const REPORT_PERIOD_DAYS = 7;

/** How old a report's data are: the newest sale and the days from it to the as-of date. */
export interface DataAge {
  newestSale: string;
  daysBefore: number;
  /** The days a report's figures are read as news about (REPORT_PERIOD_DAYS). */
  periodDays: number;
  /** Older than staleWarning's limit as well: every customer looks gone. */
  everyoneGone: boolean;
}

/**
 * The newest sale when no sale falls in the report's period, the week up to the as-of date (an
 * as-of date at or before the data's end never is); else null. `everyoneGone`: staleWarning said
 * so for the date (the caller has it, to say it).
 */
export async function staleData(db: Store, asOf: string, everyoneGone: boolean): Promise<DataAge | null> {
  const last = await db.lastTransactionDate();
  if (last === null) return null;
  const daysBefore = dayIndex(asOf) - dayIndex(last);
  if (daysBefore < REPORT_PERIOD_DAYS) return null;
  return { newestSale: last, daysBefore, periodDays: REPORT_PERIOD_DAYS, everyoneGone };
}

/**
 * The as-of date an analysis uses: --as-of when given, else the data's last sale day when the
 * setting analysis.as_of says last-sale, else the date given (today). A stale one is warned about
 * through `warn` (the CLI puts the line on stderr).
 */
export async function settleAsOf(db: Store, asOf: string, given: boolean, warn: (line: string) => void): Promise<string> {
  if (!given && (await db.storedSettings())['analysis.as_of'] === 'last-sale') {
    const last = await db.lastTransactionDate();
    if (last !== null) return last;
  }
  const w = await staleWarning(db, asOf, !given);
  if (w !== null) warn(t('analysis.warning', { text: w }));
  return asOf;
}
