/** The SQLite side of `rapport copy` (src/store/copyTables.ts): reading and writing whole tables. */
import { slotKey } from '../../core/hash.js';
import type { TransactionColumn } from '../../core/row.js';
import { COMPUTED_COLUMNS, COPY_TABLES } from '../copyTables.js';
import type { CopyTable, TableCounts } from '../types.js';
import type { DB } from './db.js';
import { contentOf } from '../importRules.js';

/** Rows handed over at a time. */
const BATCH = 1000;

export function tableCounts(db: DB): TableCounts {
  const counts: TableCounts = {};
  for (const t of COPY_TABLES) counts[t.name] = db.prepare(`SELECT count(*) FROM ${t.name}`).pluck().get() as number;
  return counts;
}

export function* tableRows(db: DB, spec: CopyTable): Generator<Record<string, unknown>[]> {
  const rows = db.prepare(`SELECT ${spec.columns.join(', ')} FROM ${spec.name} ORDER BY ${spec.order.join(', ')}`).iterate() as IterableIterator<
    Record<string, unknown>
  >;
  let batch: Record<string, unknown>[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes rows as they are, ids kept. A transaction's dedupe_key is its slot in its content's chain
 * (import.ts): the first free one, as an import with --no-dedupe would give it, so that the
 * duplicate rule treats the copied rows as it treated them where they came from.
 */
export function insertRows(db: DB, spec: CopyTable, rows: readonly Record<string, unknown>[]): void {
  const computed = COMPUTED_COLUMNS[spec.name] ?? [];
  const columns = [...spec.columns, ...computed];
  const insert = db.prepare(`INSERT INTO ${spec.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const taken = db.prepare('SELECT 1 FROM transactions WHERE dedupe_key = ?').pluck();
  for (const row of rows) {
    const values = spec.columns.map((c) => row[c] ?? null);
    if (computed.length > 0) {
      const date = row.date as string;
      const content = contentOf(row as Record<TransactionColumn, string | number | null>);
      let slot = 0;
      while (taken.get(slotKey(date, content, slot)) !== undefined) slot++;
      values.push(slotKey(date, content, slot));
    }
    insert.run(values);
  }
}
