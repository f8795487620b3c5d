/** Customer records and one customer's transactions, for the customers list and the card. */
import type { CustomerRecord, CustomerTransaction } from '../types.js';
import type { DB } from './db.js';

const RECORD = 'SELECT id, name, email, phone, type, account_manager, created_date FROM customers';

/** Name and type of every customer that has either (the list needs no more). */
export function customerNames(db: DB): Map<string, Pick<CustomerRecord, 'name' | 'type'>> {
  const out = new Map<string, Pick<CustomerRecord, 'name' | 'type'>>();
  for (const [id, name, type] of db
    .prepare('SELECT id, name, type FROM customers WHERE name IS NOT NULL OR type IS NOT NULL')
    .raw()
    .iterate() as IterableIterator<[string, string | null, string | null]>) {
    out.set(id, { name, type });
  }
  return out;
}

export function customerRecord(db: DB, id: string): CustomerRecord | null {
  return (db.prepare(`${RECORD} WHERE id = ?`).get(id) as CustomerRecord | undefined) ?? null;
}

/** Ids equal to `id` but for case or surrounding spaces (for a did-you-mean hint), at most 3. */
export function similarCustomerIds(db: DB, id: string): string[] {
  return db.prepare('SELECT id FROM customers WHERE lower(trim(id)) = lower(trim(?)) LIMIT 3').pluck().all(id) as string[];
}

/** Every transaction of one customer up to asOf, oldest first. */
export function customerTransactions(db: DB, id: string, asOf: string): CustomerTransaction[] {
  return db
    .prepare(
      `SELECT t.date, t.time, t.amount, t.quantity, t.product, p.name AS product_name, t.channel, t.external_id
       FROM transactions t LEFT JOIN products p ON p.code = t.product
       WHERE t.customer_id = ? AND t.date <= ? ORDER BY t.date, t.time, t.id`,
    )
    .all(id, asOf) as CustomerTransaction[];
}
