/**
 * The churn list a person was given, kept and later scored (issue 26): `churn`, `report churn` and
 * `report summary` keep the list they printed as of their date; a later report scores the newest
 * list whose horizon has passed, or, where none was kept, the list computed again as of that date.
 */
import { addDays } from '../core/measures.js';
import { scoreList, type Scorecard } from '../core/scorecard.js';
import { RapportError } from '../sys/errors.js';
import { t } from '../i18n/index.js';
import type { Store } from '../store/store.js';
import type { NewWatchlist, WatchlistInfo } from '../store/types.js';
import { churnAsOf, type ChurnPicture } from './churn.js';

/** The list a churn picture gives: every customer scored, with the horizon and the method that ranked them. */
export function watchlistOf(p: ChurnPicture, asOf: string): NewWatchlist {
  const methods = new Map<string, number>();
  const entries = [...p.scores.values()]
    .map((s) => {
      methods.set(s.method, (methods.get(s.method) ?? 0) + 1);
      return {
        customer_id: s.customerId,
        risk: Math.round(s.churnRisk * 1e6) / 1e6,
        level: s.riskLevel,
        expected_purchases: s.expectedPurchases === null ? null : Math.round(s.expectedPurchases * 1e6) / 1e6,
      };
    })
    .sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0));
  const method = [...methods.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'rules';
  return { asOf, horizonDays: p.fitted.horizonDays, method, entries };
}

/**
 * Keeps the list (replacing one for the same date) in the store `open` opens for writing. A store
 * that cannot be written (a read-only file or role, a busy writer) costs the list, never the
 * command: it is said through `say` (the CLI puts it on stderr).
 */
export async function keepWatchlist(open: () => Promise<Store>, list: NewWatchlist, say: (line: string) => void): Promise<void> {
  if (list.entries.length === 0) return;
  try {
    const db = await open();
    try {
      await db.saveWatchlist(list);
    } finally {
      await db.close();
    }
  } catch (e) {
    if (!(e instanceof RapportError)) throw e;
    say(t('churn.list-not-kept', { date: list.asOf, reason: e.message }));
  }
}

export interface ScorecardResult {
  card: Scorecard | null;
  /** Kept lists whose horizon has not passed by the as-of date, with the day each can be scored. */
  pending: { list: WatchlistInfo; on: string }[];
  /** Why there is no card (no list old enough, no history that far back). */
  why: string | null;
}

/**
 * The scorecard for a report as of `asOf`: the newest kept list whose horizon ended by then, else
 * the list as of `asOf` minus the horizon in use now, computed again (said so).
 */
export async function scorecardAsOf(db: Store, asOf: string, horizonNow: number): Promise<ScorecardResult> {
  const kept = (await db.listWatchlists()).filter((w) => w.as_of < asOf);
  const pending = kept.filter((w) => addDays(w.as_of, w.horizon_days) > asOf).map((list) => ({ list, on: addDays(list.as_of, list.horizon_days) }));
  const done = kept.filter((w) => addDays(w.as_of, w.horizon_days) <= asOf);
  const newest = done[done.length - 1];
  if (newest !== undefined) {
    const entries = await db.loadWatchlist(newest.id);
    const bought = await db.purchaseDaysBetween(newest.as_of, addDays(newest.as_of, newest.horizon_days));
    return {
      card: scoreList({ asOf: newest.as_of, horizonDays: newest.horizon_days, method: newest.method, recomputed: false }, entries, bought),
      pending,
      why: null,
    };
  }
  const then = addDays(asOf, -horizonNow);
  const first = await db.firstTransactionDate();
  if (first === null || first >= then) return { card: null, pending, why: t('churn.list-too-young', { date: then, days: horizonNow }) };
  // The list keeps risks, levels and expected purchases, no lifetime values: no spend fit.
  const picture = await churnAsOf(db, then, { overrides: { horizonDays: horizonNow }, spend: 'never' });
  const list = watchlistOf(picture, then);
  const bought = await db.purchaseDaysBetween(then, asOf);
  return { card: scoreList({ asOf: then, horizonDays: list.horizonDays, method: list.method, recomputed: true }, list.entries, bought), pending, why: null };
}
