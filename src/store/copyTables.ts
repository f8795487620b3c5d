/**
 * Everything a store holds, table by table, for `rapport copy --to` (issue 27): a shop that starts
 * on the SQLite file and grows into a team's PostgreSQL (or the way back) moves whole, with its
 * complaints and their history, settings, snapshots, saved fits, import records and rejects.
 *
 * Both back ends have the same tables and columns (src/store/sqlite/migrations.ts and
 * src/store/pg/migrations.ts), so a row is copied as it is stored, ids included, in an order where
 * every row a foreign key points to is already there. The one column not copied is
 * transactions.dedupe_key: its meaning differs between the back ends (SQLite: the row's slot in its
 * content's chain, unique; PostgreSQL: the content's slot-0 key), so the destination computes it.
 */
import { EXPORT_COLUMNS } from './exportColumns.js';
import type { Store } from './store.js';
import type { CopyTable, TableCounts } from './types.js';

const table = (name: string, columns: string[], order: string[] = ['id']): CopyTable => ({ name, columns, order });

/** rapport's tables, parents before children. A test compares them with the schema. */
export const COPY_TABLES: readonly CopyTable[] = [
  table('meta', ['key', 'value'], ['key']),
  table('settings', ['key', 'value', 'updated_at'], ['key']),
  table('imports', [
    'id',
    'kind',
    'file_name',
    'file_size',
    'content_hash',
    'mapping',
    'options',
    'status',
    'rows_read',
    'rows_imported',
    'rows_updated',
    'rows_duplicate',
    'rows_rejected',
    'blank_lines',
    'customers_created',
    'started_at',
    'finished_at',
    'removed',
  ]),
  table('customers', [...EXPORT_COLUMNS.customers, 'import_id']),
  table('products', ['code', 'name', 'import_id'], ['code']),
  table('transactions', [...EXPORT_COLUMNS.transactions]),
  table('transaction_duplicates', ['transaction_id', 'import_id', 'line'], ['transaction_id', 'import_id', 'line']),
  table('rejects', [...EXPORT_COLUMNS.rejects]),
  table('snapshots', ['id', 'as_of', 'created_at', 'settings', 'data_version', 'customers', 'population_gap_days', 'value_basis', 'cuts']),
  table(
    'snapshot_customers',
    [
      'snapshot_id',
      'customer_id',
      'first_purchase',
      'last_purchase',
      'last_activity',
      'recency_days',
      'frequency',
      'orders',
      'monetary',
      'gross_revenue',
      'refunds',
      'refund_share',
      'avg_order_value',
      'own_gap_days',
      'typical_gap_days',
      'recent_revenue',
      'previous_revenue',
      'value',
      'value_revenue',
      'tenure_days',
      'kth_purchase',
      'spend_days',
      'spend_total',
      'r_score',
      'f_score',
      'm_score',
      'rfm_segment',
      'segment_rule',
      'tier',
      'stage',
      'exit_pattern',
      'stage_reason',
    ],
    ['snapshot_id', 'customer_id'],
  ),
  table('watchlists', ['id', 'as_of', 'created_at', 'horizon_days', 'method', 'customers']),
  table('watchlist_customers', ['watchlist_id', 'customer_id', 'risk', 'level', 'expected_purchases'], ['watchlist_id', 'customer_id']),
  table('model_fits', ['id', 'as_of', 'created_at', 'settings', 'data_version', 'fit']),
  table('complaints', [...EXPORT_COLUMNS.complaints]),
  table('complaint_events', ['id', 'complaint_id', 'at', 'kind', 'from_status', 'to_status', 'text', 'satisfied']),
  table('complaint_due', ['complaint_id', 'at', 'due_at'], ['complaint_id', 'at', 'due_at']),
];

/** Columns a back end computes for itself on a copy, by table. */
export const COMPUTED_COLUMNS: Readonly<Record<string, readonly string[]>> = { transactions: ['dedupe_key'] };

/** The tables of a store that hold rows: a destination must hold none (a shop is never merged into another). */
export function nonEmpty(counts: TableCounts): string[] {
  return COPY_TABLES.map((t) => t.name).filter((name) => (counts[name] ?? 0) > 0);
}

export interface CopyProgress {
  (table: string, rowsDone: number): void;
}

/**
 * Copies every table of `from` into `to`, inside one transaction on `to` (the caller's), reading
 * `from` in one consistent read. Returns the rows copied per table.
 */
export async function copyTables(from: Store, to: Store, progress: CopyProgress): Promise<TableCounts> {
  const copied: TableCounts = {};
  await from.readConsistent(async () => {
    for (const spec of COPY_TABLES) {
      let n = 0;
      for await (const batch of from.tableRows(spec)) {
        await to.insertRows(spec, batch);
        n += batch.length;
        progress(spec.name, batch.length);
      }
      copied[spec.name] = n;
    }
  });
  await to.afterCopy();
  return copied;
}
