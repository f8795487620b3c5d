/**
 * Taking an import back (rapport imports remove ID): its transactions, its rejects, the customers
 * it alone created, and the snapshots and fits that saw its rows, in one transaction. The import's
 * record stays, with a line saying what was removed and when.
 */
import { slotKey } from '../../core/hash.js';
import { DEDUPE_COLUMNS, TRANSACTION_COLUMNS, type TransactionColumn } from '../../core/row.js';
import { removalLine, removalPlanOf } from '../removalPlan.js';
import type { RemovalPlan } from '../types.js';
import type { DB } from './db.js';
import { AMOUNT_TOTAL_KEY, contentOf } from '../importRules.js';

/**
 * Customers whose record this import created or last changed, with no sale, complaint or record
 * from anything else (a sale of its that another import also held stays, so it counts as theirs).
 */
// NOT IN over a subquery is one pass over transactions (SQLite builds it once); a correlated
// NOT EXISTS would scan them once per customer, there being no index on customer_id.
const ALONE = `
  SELECT c.id FROM customers c
  WHERE c.import_id = :id
    AND c.id NOT IN (SELECT customer_id FROM transactions WHERE import_id <> :id)
    AND c.id NOT IN (SELECT t.customer_id FROM transaction_duplicates d JOIN transactions t ON t.id = d.transaction_id WHERE t.import_id = :id)
    AND c.id NOT IN (SELECT customer_id FROM complaints)
    AND c.name IS NULL AND c.email IS NULL AND c.phone IS NULL AND c.type IS NULL
    AND c.account_manager IS NULL AND c.created_date IS NULL AND c.attributes IS NULL`;

/**
 * The import's rows that a remaining import also held (counted there as duplicates of them), each
 * with the earliest such import and the row's line in its file: who keeps the row. SQLite takes
 * the bare columns of a min() aggregate from the row holding the minimum.
 */
const HEIRS = `
  SELECT d.transaction_id, min(d.import_id) AS import_id, d.line, t.amount
  FROM transaction_duplicates d JOIN transactions t ON t.id = d.transaction_id
  WHERE t.import_id = ?
  GROUP BY d.transaction_id`;

/**
 * Bare customer records (no details) the import created that keep sales from other imports: they
 * go to the earliest of those, so that removing it in turn takes them too.
 */
const REHOME_CUSTOMERS = `
  UPDATE customers SET import_id = (SELECT min(t.import_id) FROM transactions t WHERE t.customer_id = customers.id)
  WHERE import_id = :id
    AND id IN (SELECT customer_id FROM transactions WHERE import_id <> :id)
    AND name IS NULL AND email IS NULL AND phone IS NULL AND type IS NULL
    AND account_manager IS NULL AND created_date IS NULL AND attributes IS NULL`;

/** What removing the import would take away, or null when there is no such import. */
export function removalPlan(db: DB, importId: number): RemovalPlan | null {
  const rec = db.prepare('SELECT id, kind, file_name, status, removed FROM imports WHERE id = ?').get(importId) as
    { id: number; kind: string; file_name: string; status: string; removed: string | null } | undefined;
  if (rec === undefined) return null;
  const all = db.prepare('SELECT count(*) AS n, coalesce(sum(amount), 0) AS net FROM transactions WHERE import_id = ?').get(importId) as {
    n: number;
    net: number;
  };
  const heirs = db.prepare(HEIRS).all(importId) as { transaction_id: number; import_id: number; line: number; amount: number }[];
  const rejects = db.prepare('SELECT count(*) FROM rejects WHERE import_id = ?').pluck().get(importId) as number;
  const customers = rec.kind === 'transactions' ? (db.prepare(`SELECT count(*) FROM (${ALONE})`).pluck().get({ id: importId }) as number) : 0;
  // Snapshots and fits record the newest import they saw; those that saw this one saw its rows.
  const saw = (table: string): string[] =>
    all.n === 0 ? [] : (db.prepare(`SELECT as_of FROM ${table} WHERE data_version >= ? ORDER BY as_of`).pluck().all(importId) as string[]);
  return removalPlanOf(importId, { record: rec, all, heirs, rejects, customers, snapshots: saw('snapshots'), fits: saw('model_fits') });
}

type Stored = Record<TransactionColumn, string | number | null> & { id: number; dedupe_key: number };

/**
 * Removes the import as planned, in one transaction, and returns the line its record keeps.
 *
 * The duplicate rule (import.ts) keeps each content's rows in a chain of slots with no gap:
 * a walk stops at the first free slot. Deleting rows can open gaps, after which a later import
 * would store again a row the database still holds, so the chains the import touched are packed
 * again: their remaining rows move down, in order, to the lowest slots not held by another content.
 */
export function removeImport(db: DB, plan: RemovalPlan, now = new Date()): string {
  const id = plan.importId;
  const line = removalLine(plan, now);
  db.transaction(() => {
    // Rows another remaining import also held stay, as that import's (the duplicate rule's chains
    // are untouched by it: the row keeps its slot).
    const rehome = db.prepare('UPDATE transactions SET import_id = ?, line = ? WHERE id = ?');
    const settled = db.prepare('DELETE FROM transaction_duplicates WHERE transaction_id = ? AND import_id = ?');
    for (const h of db.prepare(HEIRS).all(id) as { transaction_id: number; import_id: number; line: number }[]) {
      rehome.run(h.import_id, h.line, h.transaction_id);
      settled.run(h.transaction_id, h.import_id);
    }
    db.prepare('DELETE FROM transaction_duplicates WHERE import_id = ?').run(id);
    const chains = new Map<string, { date: string; content: string }>();
    for (const row of db.prepare(`SELECT ${TRANSACTION_COLUMNS.join(', ')} FROM transactions WHERE import_id = ?`).iterate(id) as IterableIterator<Stored>) {
      const content = contentOf(row);
      chains.set(`${String(row.date)}\u001f${content}`, { date: String(row.date), content });
    }
    const lookup = db.prepare(`SELECT id, import_id, ${DEDUPE_COLUMNS.join(', ')} FROM transactions WHERE dedupe_key = ?`);
    // Each chain as it stands before the deletion: its slots, in order, with who holds them.
    const before = [...chains.values()].map(({ date, content }) => {
      const slots: { key: number; row: (Stored & { import_id: number }) | undefined }[] = [];
      for (let slot = 0; ; slot++) {
        const key = slotKey(date, content, slot);
        const row = lookup.get(key) as (Stored & { import_id: number }) | undefined;
        if (row === undefined) break;
        slots.push({ key, row });
      }
      return { content, slots };
    });
    db.prepare('DELETE FROM transactions WHERE import_id = ?').run(id);
    const move = db.prepare('UPDATE transactions SET dedupe_key = ? WHERE id = ?');
    for (const { content, slots } of before) {
      // Slots held by another content (a hash collision) stay put; the others are free once the import's rows are gone.
      const free = slots.filter((s) => s.row!.import_id === id || contentOf(s.row!) === content).map((s) => s.key);
      const keep = slots.filter((s) => s.row!.import_id !== id && contentOf(s.row!) === content);
      keep.forEach((s, i) => {
        if (free[i] !== s.key) move.run(free[i], s.row!.id);
      });
    }
    db.prepare('DELETE FROM rejects WHERE import_id = ?').run(id);
    // The amounts' running total is counted again by the next import.
    db.prepare('DELETE FROM meta WHERE key = ?').run(AMOUNT_TOTAL_KEY);
    if (plan.kind === 'transactions') {
      db.prepare(`DELETE FROM customers WHERE id IN (${ALONE})`).run({ id });
      db.prepare(REHOME_CUSTOMERS).run({ id });
    }
    // Names only this import gave, for products no sale left names any more.
    db.prepare('DELETE FROM products WHERE import_id = ? AND code NOT IN (SELECT product FROM transactions WHERE product IS NOT NULL)').run(id);
    if (plan.transactions + plan.kept > 0) {
      db.prepare('DELETE FROM snapshots WHERE data_version >= ?').run(id);
      db.prepare('DELETE FROM model_fits WHERE data_version >= ?').run(id);
    }
    db.prepare('UPDATE imports SET removed = ? WHERE id = ?').run(line, id);
  }).immediate();
  return line;
}
