import { moneyValue } from '../core/moneyOut.js';
import { openForAnalysis, openForChange, type Context } from '../cli/context.js';
import { ExitCode, UsageError } from '../sys/errors.js';
import { moneyOf, settleAsOf } from '../app/run.js';
import { check, parseCondition } from '../reports/alerts.js';
import { notice, noticer } from '../cli/io.js';
import type { Column } from '../cli/output.js';
import { forPeople, show, type Shape, type Shown } from '../cli/printer.js';
import { buildReport, type ReportName, type ReportOptions } from '../reports/build.js';
import type { Chart, Report, ReportTable } from '../reports/model.js';
import { cellText, moneyInCells, renderHtml, renderMarkdown, renderText } from '../reports/render.js';
import { currentLang, setLang, t } from '../i18n/index.js';
import { formatMoneyFor, formatNumber } from '../i18n/format.js';
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
  const db = await openForAnalysis(ctx);
  const langBefore = currentLang();
  try {
    const lang = reportLang(o.lang, ctx.io.env, (await db.storedSettings())['report.lang']);
    setLang(lang);
    o = { ...o, asOf: await settleAsOf(db, o.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    const money = await moneyOf(db);
    const conditions = o.failIf.map((text) => parseCondition(text, money.exponent));
    // CSV and JSON are for programs: their titles and headers stay English whatever the reader's language.
    setLang(forPeople(ctx, 'document') ? lang : 'en');
    // The churn list the report prints is kept for later scorecards (unless --no-save).
    let list: NewWatchlist | null = null;
    const keep = o.keepList === false ? undefined : (l: NewWatchlist): void => void (list = l);
    const report = await buildReport(db, o.name, { ...o, keep });
    const churn = conditions.length === 0 ? null : o.name === 'churn' ? report : await buildReport(db, 'churn', o);
    const complaints = churn === null ? null : await buildReport(db, 'complaints', o);
    setLang(lang);
    // Data older than the report's week: said on stderr too (settleAsOf has said it when every customer looks gone).
    const stale = report.stale;
    if (stale != null && !stale.everyoneGone)
      notice(
        ctx.io,
        t('analysis.warning', { text: t('report.stale-period-warning', { last: stale.newestSale, days: formatNumber(stale.daysBefore), asOf: o.asOf }) }),
      );
    const alerts = churn === null || complaints === null ? [] : check(conditions, churn, complaints, (m) => formatMoneyFor(m, money.exponent, money.currency));
    // The comparison section is left out (omitted) when there is no earlier snapshot.
    if (
      churn !== null &&
      conditions.some((x) => x.kind === 'new-high-risk') &&
      !churn.sections.some((s) => s.omitted === undefined && s.tables?.some((x) => x.name === 'new_at_risk'))
    ) {
      notice(ctx.io, t('report.note.no-earlier-for-alert'));
    }
    show(ctx, shownOf(report, o, ctx), 'document');
    if (list !== null) await keepWatchlist(() => openForChange(ctx), list, noticer(ctx.io));
    // Alerts are errors for cron's mail: on stderr even under --quiet.
    for (const a of alerts) ctx.io.stderr.write(`rapport: ${t('report.alert.line', { alert: a })}\n`);
    return alerts.length > 0 ? ExitCode.alert : 0;
  } finally {
    setLang(langBefore);
    await db.close();
  }
}

/** The report in every medium: JSON and one CSV table for programs, Markdown, HTML or a terminal's text for people. */
function shownOf(report: Report, o: ReportCommandOptions, ctx: Context): Shown {
  return {
    json: { value: moneyInReport(report) },
    csv: () => csvTable(report, o, ctx),
    md: () => ({ document: renderMarkdown(report, o.limit) }),
    html: () => ({ document: renderHtml(report, o.limit) }),
    table: {
      draw: (pen) =>
        renderText(
          report,
          (tb) =>
            pen.rows(
              tb.columns.map((col) => ({
                key: col.key,
                drop: col.drop,
                header: col.kind === 'money' && report.currency && !moneyInCells(report) ? `${col.header} ${report.currency}` : col.header,
                align: col.kind === 'text' || col.kind === 'date' ? 'left' : 'right',
                show: (v: unknown) => cellText(tb, col, v, report),
              })),
              tb.rows,
              null, // already cut to --limit, with its own count of the rest
            ),
          (s) => pen.chalk.bold(s),
          (s) => pen.write(s),
          o.limit,
          // A chart keeps within the width a table is fitted to (src/cli/output.ts).
          (pen.io.stdoutIsTTY || pen.io.widthAsked === true) && pen.io.width ? pen.io.width : null,
        ),
    },
  };
}

/** CSV holds one of the report's tables (--table, default the first), its money as decimals in the currency, named in a last column (core/moneyOut.ts). */
function csvTable(report: Report, o: ReportCommandOptions, ctx: Context): Shape {
  const all = tables(report);
  const tb = o.table === null ? all[0] : all.find((x) => x.name === o.table);
  if (tb === undefined)
    throw new UsageError(
      t('report.error.no-table', { report: o.name, table: String(o.table) }),
      t('report.error.no-table-hint', { tables: all.map((x) => x.name).join(', ') }),
    );
  if (o.table === null && all.length > 1) notice(ctx.io, t('report.note.first-table', { table: tb.name, tables: all.map((x) => x.name).join(', ') }));
  const money = tb.columns.some((c) => c.kind === 'money');
  const columns: Column[] = tb.columns.map((c) => (c.kind === 'money' ? { key: c.key, data: (v: unknown) => moneyValue(v, report) } : { key: c.key }));
  return { rows: tb.rows, columns: money ? [...columns, { key: 'currency', data: () => report.currency ?? '' }] : columns };
}

/**
 * The report as JSON for programs: money columns of its tables, and the points of a money chart
 * (net revenue by month), as decimals in the currency (named in the report's `currency`).
 */
function moneyInReport(report: Report): unknown {
  const table = (t: ReportTable): ReportTable => {
    const money = t.columns.filter((c) => c.kind === 'money').map((c) => c.key);
    if (money.length === 0) return t;
    return { ...t, rows: t.rows.map((r) => ({ ...r, ...Object.fromEntries(money.map((k) => [k, moneyValue(r[k], report) as string | number | null])) })) };
  };
  const decimal = <P extends { value: number }>(p: P): unknown => ({ ...p, value: moneyValue(p.value, report) });
  const chart = (c: Chart): unknown => {
    if (c.type === 'trend' && c.kind === 'money') return { ...c, points: c.points.map(decimal) };
    if (c.type === 'bars' && c.kind === 'money') return { ...c, bars: c.bars.map(decimal) };
    return c;
  };
  return {
    ...report,
    sections: report.sections.map((s) => ({
      ...s,
      ...(s.tables === undefined ? {} : { tables: s.tables.map(table) }),
      ...(s.chart === undefined ? {} : { chart: chart(s.chart) }),
    })),
  };
}
