/** Every table's rows for `rapport export`, streamed. */
import { EXPORT_COLUMNS } from '../exportColumns.js';
import type { ExportTable } from '../types.js';
import type { DB } from './db.js';

export function* exportRows(db: DB, table: ExportTable): Generator<Record<string, unknown>> {
  const columns = EXPORT_COLUMNS[table];
  yield* db.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`).iterate() as IterableIterator<Record<string, unknown>>;
}
