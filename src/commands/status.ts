import { currencyExponent, formatMoney } from '../core/money.js';
import { openForRead, type Context } from '../context.js';
import { printRecord, printRows, resolveFormat } from '../output.js';
import { listImports, status } from '../store/queries.js';
import { personTime } from '../core/times.js';

export function runStatus(ctx: Context): number {
  const db = openForRead(ctx);
  try {
    const s = status(db, ctx.dbPath);
    const last = listImports(db, 5).map((i) => ({
      id: i.id,
      kind: i.kind,
      file: i.file_name,
      status: i.status,
      imported: i.rows_imported,
      rejected: i.rows_rejected,
      finished_at: i.finished_at,
    }));
    const format = resolveFormat(ctx.format, ctx.io);
    if (format === 'json') {
      printRecord(ctx.io, 'json', { ...s, last_imports: last });
      return 0;
    }
    if (format === 'csv') {
      printRecord(ctx.io, 'csv', { ...s });
      return 0;
    }
    const exp = currencyExponent(s.currency);
    printRecord(
      ctx.io,
      'table',
      {
        database: s.database,
        customers: s.customers,
        transactions: s.transactions,
        dates: s.first_date ? `${s.first_date} to ${s.last_date}` : '(none)',
        net_revenue: `${formatMoney(s.net_revenue, exp)}${s.currency ? ' ' + s.currency : ''}`,
        refunds: s.refunds,
        imports: s.refused_imports > 0 ? `${s.imports} (and ${s.refused_imports} refused)` : s.imports,
        rejected_rows: s.rejected_rows,
      },
      { net_revenue: 'net revenue', rejected_rows: 'rejected rows (all imports)' },
    );
    if (last.length > 0) {
      ctx.io.stdout.write('\nlast imports:\n');
      printRows(ctx.io, 'table', [{ key: 'id', align: 'right' }, { key: 'kind' }, { key: 'file' }, { key: 'status' }, { key: 'imported', align: 'right' }, { key: 'rejected', align: 'right' }, { key: 'finished_at', header: 'finished', show: (v) => personTime(v as string | null, new Date(), ctx.io.env.TZ) }], last);
    }
    return 0;
  } finally {
    db.close();
  }
}
