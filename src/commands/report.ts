import { moneyValue } from '../core/moneyOut.js';
import { stringify } from 'csv-stringify/sync';
import { openForAnalysis, type Context } from '../context.js';
import { ExitCode, UsageError } from '../errors.js';
import { moneyOf, warnIfStale } from '../analysis/run.js';
import { check, parseCondition } from '../reports/alerts.js';
import { notice } from '../io.js';
import { chalkFor, csvValue, printRows, type AskedFormat } from '../output.js';
import { buildReport, type ReportName, type ReportOptions } from '../reports/build.js';
import type { Report, ReportTable } from '../reports/model.js';
import { formatValue, renderHtml, renderMarkdown, renderText } from '../reports/render.js';

export interface ReportCommandOptions extends ReportOptions {
  name: ReportName;
  /** CSV: which of the report's tables (default its first). */
  table: string | null;
  failIf: string[];
}

/** All the report's tables by name, for CSV and for the error that lists them. */
function tables(r: Report): ReportTable[] {
  return r.sections.flatMap((s) => s.tables ?? []);
}

export async function runReport(o: ReportCommandOptions, ctx: Context): Promise<number> {
  const asked: AskedFormat = ctx.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'md');
  const db = await openForAnalysis(ctx);
  try {
    await warnIfStale(db, o.asOf, ctx.io);
    const money = await moneyOf(db);
    const conditions = o.failIf.map((text) => parseCondition(text, money.exponent));
    const report = await buildReport(db, o.name, o);
    const churn = conditions.length === 0 ? null : o.name === 'churn' ? report : await buildReport(db, 'churn', o);
    const alerts = churn === null ? [] : check(conditions, churn, await buildReport(db, 'complaints', o), (m) => money.format(m) + (money.currency ? ' ' + money.currency : ''));
    if (churn !== null && conditions.some((x) => x.kind === 'new-high-risk') && !churn.sections.some((s) => s.lines?.some((l) => l.startsWith('Compared with')))) {
      notice(ctx.io, 'note: no earlier snapshot to compare with, so new-high-risk cannot hold this time');
    }
    const code = write(report, o, ctx, asked);
    // Alerts are errors for cron's mail: on stderr even under --quiet.
    for (const a of alerts) ctx.io.stderr.write(`rapport: alert: ${a}\n`);
    return code !== 0 ? code : alerts.length > 0 ? ExitCode.alert : 0;
  } finally {
    await db.close();
  }
}

function write(report: Report, o: ReportCommandOptions, ctx: Context, asked: AskedFormat): number {
  {
    const out = ctx.io.stdout;
    if (asked === 'json') {
      out.write(JSON.stringify(moneyInReport(report), null, 2) + '\n');
      return 0;
    }
    if (asked === 'csv') {
      const all = tables(report);
      const t = o.table === null ? all[0] : all.find((x) => x.name === o.table);
      if (t === undefined) throw new UsageError(`the ${o.name} report has no table "${o.table}"`, `its tables: ${all.map((x) => x.name).join(', ')}`);
      if (o.table === null && all.length > 1) notice(ctx.io, `the ${t.name} table; the report has more: ${all.map((x) => x.name).join(', ')} (--table NAME, or --format json for all)`);
      // Money as decimals in the currency, named in a last column (core/moneyOut.ts).
      const money = t.columns.some((c) => c.kind === 'money');
      const cell = (c: ReportTable['columns'][number], v: unknown): unknown => (c.kind === 'money' ? moneyValue(v, report) : v);
      out.write(stringify([[...t.columns.map((c) => c.key), ...(money ? ['currency'] : [])], ...t.rows.map((row) => [...t.columns.map((c) => csvValue(cell(c, row[c.key]))), ...(money ? [report.currency ?? ''] : [])])]));
      return 0;
    }
    if (asked === 'md') {
      out.write(renderMarkdown(report, o.limit));
      return 0;
    }
    if (asked === 'html') {
      out.write(renderHtml(report, o.limit));
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
          null, // already cut to --limit, with its own count of the rest
        ),
      (s) => c.bold(s),
      (s) => void out.write(s),
      o.limit,
    );
    return 0;
  }
}

/** The report as JSON for programs: money columns of its tables as decimals in the currency (named in the report's `currency`). */
function moneyInReport(report: Report): Report {
  const table = (t: ReportTable): ReportTable => {
    const money = t.columns.filter((c) => c.kind === 'money').map((c) => c.key);
    if (money.length === 0) return t;
    return { ...t, rows: t.rows.map((r) => ({ ...r, ...Object.fromEntries(money.map((k) => [k, moneyValue(r[k], report) as string | number | null])) })) };
  };
  return { ...report, sections: report.sections.map((s) => (s.tables === undefined ? s : { ...s, tables: s.tables.map(table) })) };
}
