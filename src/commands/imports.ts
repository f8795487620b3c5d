import { openForRead, type Context } from '../context.js';
import { printRows, resolveFormat, TERMINAL_ROWS, type Column } from '../output.js';
import { listImports } from '../store/queries.js';
import { personTime } from '../core/times.js';

const COLUMNS: Column[] = [
  { key: 'id', align: 'right' },
  { key: 'kind' },
  { key: 'file_name', header: 'file' },
  { key: 'status' },
  { key: 'rows_read', header: 'read', align: 'right' },
  { key: 'rows_imported', header: 'imported', align: 'right' },
  { key: 'rows_updated', header: 'updated', align: 'right' },
  { key: 'rows_duplicate', header: 'duplicate', align: 'right' },
  { key: 'rows_rejected', header: 'rejected', align: 'right' },
  { key: 'customers_created', header: 'new customers', align: 'right' },
  { key: 'started_at' },
  { key: 'finished_at' },
];

export function runImports(options: { limit: number | null }, ctx: Context): number {
  const db = openForRead(ctx);
  try {
    const rows = listImports(db, options.limit);
    const format = resolveFormat(ctx.format, ctx.io);
    const now = new Date();
    const when = (v: unknown): string => personTime(v as string | null, now, ctx.io.env.TZ);
    // On a terminal: local time to the minute and how long ago; CSV and JSON keep ISO 8601 in UTC.
    const tableColumns = COLUMNS.map((c) => (c.key.endsWith('_at') ? { ...c, header: c.key === 'started_at' ? 'started' : 'finished', show: when } : c));
    const columns = format === 'table' ? tableColumns : [...COLUMNS, { key: 'file_size' }, { key: 'content_hash' }, { key: 'mapping' }, { key: 'options' }];
    // In JSON the mapping and options are objects, not JSON text inside JSON; CSV keeps the text.
    const shaped = format === 'json' ? rows.map((r) => ({ ...r, mapping: JSON.parse(r.mapping) as unknown, options: JSON.parse(r.options) as unknown })) : rows;
    printRows(ctx.io, format, columns, shaped as unknown as Record<string, unknown>[], options.limit === null ? TERMINAL_ROWS : null);
    return 0;
  } finally {
    db.close();
  }
}
