/**
 * Watchlists: the churn list a person was given as of a date (customer, risk, level, expected
 * purchases), one per as-of date, so that a later report can say how it turned out (issue 26).
 */
import type { NewWatchlist, WatchlistEntry, WatchlistInfo } from '../types.js';
import type { DB } from './db.js';

/** Saves (or replaces) the list for its as-of date, in the caller's transaction. */
export function saveWatchlist(db: DB, list: NewWatchlist, now = new Date()): number {
  db.prepare('DELETE FROM watchlists WHERE as_of = ?').run(list.asOf);
  const id = Number(
    db
      .prepare('INSERT INTO watchlists (as_of, created_at, horizon_days, method, customers) VALUES (?, ?, ?, ?, ?)')
      .run(list.asOf, now.toISOString(), list.horizonDays, list.method, list.entries.length).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO watchlist_customers (watchlist_id, customer_id, risk, level, expected_purchases) VALUES (?, ?, ?, ?, ?)');
  for (const e of list.entries) insert.run(id, e.customer_id, e.risk, e.level, e.expected_purchases);
  return id;
}

export function listWatchlists(db: DB): WatchlistInfo[] {
  return db.prepare('SELECT id, as_of, created_at, horizon_days, method, customers FROM watchlists ORDER BY as_of').all() as WatchlistInfo[];
}

export function loadWatchlist(db: DB, id: number): WatchlistEntry[] {
  return db
    .prepare('SELECT customer_id, risk, level, expected_purchases FROM watchlist_customers WHERE watchlist_id = ? ORDER BY customer_id')
    .all(id) as WatchlistEntry[];
}
