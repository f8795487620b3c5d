import { moneyValue } from '../core/moneyOut.js';
import { stringify } from 'csv-stringify/sync';
import { openForAnalysis, openForChange, type Context } from '../cli/context.js';
import { ExitCode, UsageError } from '../sys/errors.js';
import { moneyOf, settleAsOf } from '../app/run.js';
import { check, parseCondition } from '../reports/alerts.js';
import { notice, noticer } from '../cli/io.js';
import { chalkFor, csvValue, printRows, type AskedFormat } from '../cli/output.js';
import { buildReport, type ReportName, type ReportOptions } from '../reports/build.js';
import type { Report, ReportTable } from '../reports/model.js';
import { cellText, moneyInCells, renderHtml, renderMarkdown, renderText } from '../reports/render.js';
import { currentLang, setLang, t } from '../i18n/index.js';
import { formatMoneyFor } from '../i18n/format.js';
import { reportLang } from '../reports/lang.js';
import { keepWatchlist } from '../app/watchlist.js';
import type { NewWatchlist } from '../store/types.js';

export interface ReportCommandOptions extends ReportOptions {
  name: ReportName;
  /** CSV: which of the report's tables (default its first). */
  table: string | null;
  /** Keep the churn list the report prints (churn, summary); false with --no-save. */
  keepList?: boolean;
  failIf: string[];
  /** --lang as given (the global flag); RAPPORT_LANG, the report.lang setting and the locale come after it. */
  lang?: string;
}

/** All the report's tables by name, for CSV and for the error that lists them. */
function tables(r: Report): ReportTable[] {
  return r.sections.flatMap((s) => s.tables ?? []);
}

export async function runReport(o: ReportCommandOptions, ctx: Context): Promise<number> {
  const asked: AskedFormat = ctx.format ?? (ctx.io.stdoutIsTTY ? 'table' : 'md');
  const db = await openForAnalysis(ctx);
  const langBefore = currentLang();
  try {
    const lang = reportLang(o.lang, ctx.io.env, (await db.storedSettings())['report.lang']);
    setLang(lang);
    o = { ...o, asOf: await settleAsOf(db, o.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    const money = await moneyOf(db);
    const conditions = o.failIf.map((text) => parseCondition(text, money.exponent));
    // CSV and JSON are for programs: their titles and headers stay English whatever the reader's language.
    setLang(asked === 'json' || asked === 'csv' ? 'en' : lang);
    // The churn list the report prints is kept for later scorecards (unless --no-save).
    let list: NewWatchlist | null = null;
    const keep = o.keepList === false ? undefined : (l: NewWatchlist): void => void (list = l);
    const report = await buildReport(db, o.name, { ...o, keep });
    const churn = conditions.length === 0 ? null : o.name === 'churn' ? report : await buildReport(db, 'churn', o);
    const complaints = churn === null ? null : await buildReport(db, 'complaints', o);
    setLang(lang);
    const alerts = churn === null || complaints === null ? [] : check(conditions, churn, complaints, (m) => formatMoneyFor(m, money.exponent, money.currency));
    // The comparison section is left out (omitted) when there is no earlier snapshot.
    if (churn !== null && conditions.some((x) => x.kind === 'new-high-risk') && !churn.sections.some((s) => s.omitted === undefined && s.tables?.some((x) => x.name === 'new_at_risk'))) {
      notice(ctx.io, t('report.note.no-earlier-for-alert'));
    }
    const code = write(report, o, ctx, asked);
    if (list !== null) await keepWatchlist(() => openForChange(ctx), list, noticer(ctx.io));
    // Alerts are errors for cron's mail: on stderr even under --quiet.
    for (const a of alerts) ctx.io.stderr.write(`rapport: ${t('report.alert.line', { alert: a })}\n`);
    return code !== 0 ? code : alerts.length > 0 ? ExitCode.alert : 0;
  } finally {
    setLang(langBefore);
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
      const tb = o.table === null ? all[0] : all.find((x) => x.name === o.table);
      if (tb === undefined) throw new UsageError(t('report.error.no-table', { report: o.name, table: String(o.table) }), t('report.error.no-table-hint', { tables: all.map((x) => x.name).join(', ') }));
      if (o.table === null && all.length > 1) notice(ctx.io, t('report.note.first-table', { table: tb.name, tables: all.map((x) => x.name).join(', ') }));
      // Money as decimals in the currency, named in a last column (core/moneyOut.ts).
      const money = tb.columns.some((c) => c.kind === 'money');
      const cell = (c: ReportTable['columns'][number], v: unknown): unknown => (c.kind === 'money' ? moneyValue(v, report) : v);
      out.write(stringify([[...tb.columns.map((c) => c.key), ...(money ? ['currency'] : [])], ...tb.rows.map((row) => [...tb.columns.map((c) => csvValue(cell(c, row[c.key]))), ...(money ? [report.currency ?? ''] : [])])]));
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
      (tb) =>
        printRows(
          ctx.io,
          'table',
          tb.columns.map((col) => ({ key: col.key, drop: col.drop, header: col.kind === 'money' && report.currency && !moneyInCells(report) ? `${col.header} ${report.currency}` : col.header, align: col.kind === 'text' || col.kind === 'date' ? 'left' : 'right', show: (v: unknown) => cellText(tb, col, v, report) })),
          tb.rows,
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
