/** Read-only queries behind status, imports and rejects. */
import { readingOf } from '../importReading.js';
import type { ImportReading, ImportRow, RejectRow, Status } from '../types.js';
import type { DB } from './db.js';
import { getMeta } from './db.js';

export function status(db: DB, path: string): Status {
  const t = db
    .prepare(
      `SELECT count(*) AS n, min(date) AS first, max(date) AS last, coalesce(sum(amount), 0) AS net,
              coalesce(sum(amount < 0), 0) AS refunds, coalesce(sum(min(amount, 0)), 0) AS refunded,
              coalesce(sum(customer_id = ''), 0) AS anon, coalesce(sum(CASE WHEN customer_id = '' THEN amount ELSE 0 END), 0) AS anon_net
       FROM transactions`,
    )
    .get() as { n: number; first: string | null; last: string | null; net: number; refunds: number; refunded: number; anon: number; anon_net: number };
  const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  const imports = db.prepare(`SELECT count(*) FROM imports WHERE status = 'complete' AND removed IS NULL`).pluck().get() as number;
  const refused = db.prepare(`SELECT count(*) FROM imports WHERE status = 'refused' AND removed IS NULL`).pluck().get() as number;
  // From the import records, as each import's summary gave them: a refused import keeps only its
  // first 10,000 rejects in the rejects table, so counting that table would disagree with it.
  const rejected = db.prepare(`SELECT coalesce(sum(rows_rejected), 0) FROM imports WHERE status = 'complete' AND removed IS NULL`).pluck().get() as number;
  const rejectedRefused = db
    .prepare(`SELECT coalesce(sum(rows_rejected), 0) FROM imports WHERE status = 'refused' AND removed IS NULL`)
    .pluck()
    .get() as number;
  return {
    database: path,
    currency: getMeta(db, 'currency'),
    customers,
    transactions: t.n,
    first_date: t.first,
    last_date: t.last,
    net_revenue: t.net,
    lines_without_customer: t.anon,
    net_revenue_without_customer: t.anon_net,
    refund_lines: t.refunds,
    refunds_amount: t.refunded,
    imports,
    refused_imports: refused,
    rejected_rows: rejected,
    rejected_rows_refused: rejectedRefused,
  };
}

/** Imports, newest first; all of them unless `limit`. */
export function listImports(db: DB, limit: number | null): ImportRow[] {
  return db.prepare('SELECT * FROM imports ORDER BY id DESC LIMIT ?').all(limit ?? -1) as ImportRow[];
}

export function importExists(db: DB, id: number): boolean {
  return db.prepare('SELECT 1 FROM imports WHERE id = ?').get(id) !== undefined;
}

/** How an import read its file, as recorded in its options. */
export function importReading(db: DB, id: number): ImportReading | null {
  const row = db.prepare('SELECT kind, options FROM imports WHERE id = ?').get(id) as { kind: string; options: string } | undefined;
  return row === undefined ? null : readingOf(row.kind, row.options);
}

export function listRejects(db: DB, importId: number | null, limit: number | null): RejectRow[] {
  const where = importId === null ? '' : 'WHERE r.import_id = ?';
  const params: unknown[] = importId === null ? [] : [importId];
  const lim = limit === null ? '' : 'LIMIT ?';
  if (limit !== null) params.push(limit);
  return db
    .prepare(
      `SELECT r.import_id, i.file_name, r.line, r.field, r.reason, r.raw
       FROM rejects r JOIN imports i ON i.id = r.import_id ${where} ORDER BY r.import_id, r.line ${lim}`,
    )
    .all(...params) as RejectRow[];
}
