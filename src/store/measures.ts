/** The per-customer day totals that core/measures.ts builds measures from, streamed in order. */
import type { CustomerDay } from '../core/measures.js';
import type { DB } from './db.js';

/**
 * Every customer's days up to `asOf` (inclusive), in (customer, date) order, one row a day.
 * Later transactions are ignored, so a past date reproduces that day's picture exactly.
 */
export function* customerDays(db: DB, asOf: string): Generator<CustomerDay> {
  const rows = db
    .prepare(
      `SELECT customer_id, date,
              sum(amount) AS net,
              sum(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS gross,
              sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS refunds,
              count(DISTINCT CASE WHEN amount > 0 THEN external_id END) AS invoices,
              max(amount > 0) AS purchased
       FROM transactions
       WHERE date <= ?
       GROUP BY customer_id, date
       ORDER BY customer_id, date`,
    )
    .iterate(asOf) as IterableIterator<{ customer_id: string; date: string; net: number; gross: number; refunds: number; invoices: number; purchased: number }>;
  for (const r of rows) {
    yield { customerId: r.customer_id, date: r.date, net: r.net, gross: r.gross, refunds: r.refunds, invoices: r.invoices, purchased: r.purchased === 1 };
  }
}
