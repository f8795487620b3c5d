import { currencyExponent, formatMoney } from '../core/money.js';
import { openForRead, type Context } from '../context.js';
import { printRecord, printRows, resolveFormat } from '../output.js';
import { personTime } from '../core/times.js';

export async function runStatus(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const s = await db.status(ctx.dbPath);
    const last = (await db.listImports(5)).map((i) => ({
      id: i.id,
      kind: i.kind,
      file: i.file_name,
      status: i.removed === null ? i.status : 'removed',
      imported: i.rows_imported,
      rejected: i.rows_rejected,
      finished_at: i.finished_at,
    }));
    const format = resolveFormat(ctx.format, ctx.io);
    const units = { currency: s.currency, exponent: currencyExponent(s.currency) };
    if (format === 'json') {
      printRecord(ctx.io, 'json', { ...s, last_imports: last }, {}, units);
      return 0;
    }
    if (format === 'csv') {
      printRecord(ctx.io, 'csv', { ...s }, {}, units);
      return 0;
    }
    const exp = currencyExponent(s.currency);
    const money = (v: number): string => `${formatMoney(v, exp)}${s.currency ? ' ' + s.currency : ''}`;
    const n = (v: number): string => v.toLocaleString('en-US');
    printRecord(
      ctx.io,
      'table',
      {
        database: s.database,
        customers: n(s.customers),
        transactions: n(s.transactions),
        without_customer: s.lines_without_customer > 0 ? `${n(s.lines_without_customer)} lines, ${money(s.net_revenue_without_customer)}` : 'none',
        dates: s.first_date ? `${s.first_date} to ${s.last_date}` : '(none)',
        net_revenue: money(s.net_revenue),
        refunds_amount: money(s.refunds_amount),
        refund_lines: n(s.refund_lines),
        imports: s.refused_imports > 0 ? `${s.imports} (and ${s.refused_imports} refused)` : s.imports,
        rejected_rows: s.rejected_rows_refused > 0 ? `${n(s.rejected_rows)} (and ${n(s.rejected_rows_refused)} in refused imports, not stored)` : n(s.rejected_rows),
      },
      {
        transactions: 'transactions (lines)',
        without_customer: 'of which without a customer',
        net_revenue: 'net revenue',
        refunds_amount: 'refunds (money, in the net)',
        refund_lines: 'refund lines',
        rejected_rows: 'rejected rows (all imports)',
      },
    );
    if (last.length > 0) {
      ctx.io.stdout.write('\nlast imports:\n');
      printRows(ctx.io, 'table', [{ key: 'id', align: 'right' }, { key: 'kind' }, { key: 'file' }, { key: 'status' }, { key: 'imported', align: 'right' }, { key: 'rejected', align: 'right' }, { key: 'finished_at', header: 'finished', show: (v) => personTime(v as string | null, new Date(), ctx.io.env.TZ) }], last);
    }
    return 0;
  } finally {
    await db.close();
  }
}
