import { currencyExponent } from '../core/money.js';
import { openForRead, type Context } from '../cli/context.js';
import { show, type Pen } from '../cli/printer.js';
import type { Store } from '../store/store.js';
import { personTime } from '../i18n/times.js';
import { t } from '../i18n/index.js';
import { formatDate, formatMoneyFor, formatNumber } from '../i18n/format.js';

export async function runStatus(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    // Which store it is, first: a SQLite file or a shared PostgreSQL database (its URL without a password).
    const s = { store: db.kind, ...(await db.status(db.location)) };
    const last = (await db.listImports(5)).map((i) => ({
      id: i.id,
      kind: i.kind,
      file: i.file_name,
      status: i.removed === null ? i.status : 'removed',
      imported: i.rows_imported,
      rejected: i.rows_rejected,
      finished_at: i.finished_at,
    }));
    const units = { currency: s.currency, exponent: currencyExponent(s.currency) };
    show(ctx, {
      json: { record: { ...s, last_imports: last }, units },
      csv: { record: { ...s }, units },
      table: { draw: (pen) => drawStatus(pen, s, last) },
    });
    return 0;
  } finally {
    await db.close();
  }
}

/** The status for a person: the store's figures in words, then the last imports. */
type Figures = Awaited<ReturnType<Store['status']>> & { store: Store['kind'] };
type LastImport = { id: number; kind: string; file: string; status: string; imported: number; rejected: number; finished_at: string | null };

function drawStatus(pen: Pen, s: Figures, last: LastImport[]): void {
  const exp = currencyExponent(s.currency);
  const money = (v: number): string => formatMoneyFor(v, exp, s.currency);
  const n = (v: number): string => formatNumber(v);
  pen.record(
    {
      database: t('status.where', { where: s.database, store: s.store === 'postgres' ? t('status.store.postgres') : t('status.store.sqlite') }),
      customers: n(s.customers),
      transactions: n(s.transactions),
      without_customer:
        s.lines_without_customer > 0
          ? t('status.without-customer-lines', { lines: n(s.lines_without_customer), money: money(s.net_revenue_without_customer) })
          : t('status.none'),
      dates: s.first_date ? t('status.date-range', { first: formatDate(s.first_date), last: formatDate(s.last_date ?? '') }) : t('status.no-dates'),
      net_revenue: money(s.net_revenue),
      refunds_amount: money(s.refunds_amount),
      refund_lines: n(s.refund_lines),
      imports: s.refused_imports > 0 ? t('status.imports-refused', { imports: s.imports, refused: s.refused_imports }) : s.imports,
      rejected_rows:
        s.rejected_rows_refused > 0 ? t('status.rejected-refused', { rejected: n(s.rejected_rows), refused: n(s.rejected_rows_refused) }) : n(s.rejected_rows),
    },
    {
      database: t('status.label.database'),
      customers: t('status.label.customers'),
      transactions: t('status.label.transactions'),
      without_customer: t('status.label.without-customer'),
      dates: t('status.label.dates'),
      net_revenue: t('status.label.net-revenue'),
      refunds_amount: t('status.label.refunds-amount'),
      refund_lines: t('status.label.refund-lines'),
      imports: t('status.label.imports'),
      rejected_rows: t('status.label.rejected-rows'),
    },
  );
  if (last.length > 0) {
    pen.line(`\n${t('status.last-imports')}`);
    pen.rows(
      [
        { key: 'id', header: t('status.col.id'), align: 'right' },
        // On a narrow terminal as in `rapport imports`: the finished time goes first, then the kind,
        // and a long path is cut in its middle, so the file's own name stays.
        { key: 'kind', header: t('status.col.kind'), show: (v) => importKindName(String(v)), drop: 2 },
        { key: 'file', header: t('status.col.file'), cutMiddle: true },
        { key: 'status', header: t('status.col.status'), show: (v) => importStatusName(String(v)) },
        { key: 'imported', header: t('status.col.imported'), align: 'right' },
        { key: 'rejected', header: t('status.col.rejected'), align: 'right' },
        { key: 'finished_at', header: t('status.col.finished'), show: (v) => personTime(v as string | null, new Date(), pen.io.env.TZ), drop: 1 },
      ],
      last,
    );
  }
}

/** An import's kind and status for a person (the codes stay in CSV and JSON). */
function importKindName(code: string): string {
  switch (code) {
    case 'transactions':
      return t('status.kind.transactions');
    case 'customers':
      return t('status.kind.customers');
    default:
      return code;
  }
}

function importStatusName(code: string): string {
  switch (code) {
    case 'complete':
      return t('status.state.complete');
    case 'refused':
      return t('status.state.refused');
    case 'removed':
      return t('status.state.removed');
    default:
      return code;
  }
}
