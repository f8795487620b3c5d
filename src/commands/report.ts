import { stringify } from 'csv-stringify/sync';
import { openForRead, type Context } from '../context.js';
import { UsageError } from '../errors.js';
import { notice } from '../io.js';
import { chalkFor, csvValue, printRows, type AskedFormat } from '../output.js';
import { buildReport, type ReportName, type ReportOptions } from '../reports/build.js';
import type { Report, ReportTable } from '../reports/model.js';
import { formatValue, renderHtml, renderMarkdown, renderText } from '../reports/render.js';

export interface ReportCommandOptions extends ReportOptions {
  name: ReportName;
  /** CSV: which of the report's tables (default its first). */
  table: string | null;
}

/** All the report's tables by name, for CSV and for the error that lists them. */
function tables(r: Report): ReportTable[] {
  return r.sections.flatMap((s) => s.tables ?? []);
}

export function runReport(o: ReportCommandOptions, ctx: Context): number {
  const asked: AskedFormat = ctx.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'md');
  const db = openForRead(ctx);
  try {
    const report = buildReport(db, o.name, o);
    const out = ctx.io.stdout;
    if (asked === 'json') {
      out.write(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    if (asked === 'csv') {
      const all = tables(report);
      const t = o.table === null ? all[0] : all.find((x) => x.name === o.table);
      if (t === undefined) throw new UsageError(`the ${o.name} report has no table "${o.table}"`, `its tables: ${all.map((x) => x.name).join(', ')}`);
      if (o.table === null && all.length > 1) notice(ctx.io, `the ${t.name} table; the report has more: ${all.map((x) => x.name).join(', ')} (--table NAME, or --format json for all)`);
      out.write(stringify([t.columns.map((c) => c.key), ...t.rows.map((row) => t.columns.map((c) => csvValue(row[c.key])))]));
      return 0;
    }
    if (asked === 'md') {
      out.write(renderMarkdown(report));
      return 0;
    }
    if (asked === 'html') {
      out.write(renderHtml(report));
      return 0;
    }
    const c = chalkFor(ctx.io);
    renderText(
      report,
      (t) =>
        printRows(
          ctx.io,
          'table',
          t.columns.map((col) => ({ key: col.key, header: col.kind === 'money' && report.currency ? `${col.header} ${report.currency}` : col.header, align: col.kind === 'text' || col.kind === 'date' ? 'left' : 'right', show: (v: unknown) => formatValue(col.kind, v, report) })),
          t.rows,
        ),
      (s) => c.bold(s),
      (s) => void out.write(s),
    );
    return 0;
  } finally {
    db.close();
  }
}
