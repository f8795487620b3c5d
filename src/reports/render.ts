/** Drawing a report: terminal text, Markdown, one self-contained HTML page. CSV and JSON in the command. */
import stringWidth from 'string-width';
import { formatMoney } from '../core/money.js';
import { padEndWidth, pyramid as pyramidLines, sparkline } from '../text/charts.js';
import { currentLang, t, tn } from '../i18n/index.js';
import { categoryName, exitPatternName, riskName, segmentName, stageName, tierName } from '../i18n/domain.js';
import { formatDate, formatMoneyFor, formatNumber } from '../i18n/format.js';
import type { Chart, Kind, Report, ReportColumn, ReportTable } from './model.js';
import { maxOf, minOf } from '../core/scale.js';
import { fenceFor, markdownLine, markdownText, oneLine, terminalText } from '../text/escape.js';

/**
 * Money in a Chinese reader's document carries its currency in each cell (¥1,234.50), so the
 * header does not name it; English keeps plain amounts under a header that names the currency.
 */
export const moneyInCells = (r: Pick<Report, 'currency'>): boolean => currentLang() === 'zh-CN' && r.currency !== null;

export function formatValue(kind: Kind, v: unknown, r: Pick<Report, 'exponent' | 'currency'>, decimals: number | null = null): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return kind === 'date' ? formatDate(String(v)) : String(v);
  switch (kind) {
    case 'money':
      return moneyInCells(r) ? formatMoneyFor(Math.round(v), r.exponent, r.currency) : formatMoney(Math.round(v), r.exponent);
    case 'share':
      return `${(v * 100).toFixed(1)}%`;
    case 'int':
      return Math.round(v).toLocaleString('en-US');
    default:
      if (decimals !== null) return formatNumber(v, decimals, 'en');
      return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
  }
}

/** The most decimals a number column shows: its values are rounded to a tenth or so, never finer than this. */
const MAX_DECIMALS = 3;
const columnDecimals = new WeakMap<ReportTable, Map<string, number>>();

/**
 * How many decimals a number column shows: as many as its most precise value, in every row, so
 * an expected count of 31.0 reads 31.0 beside 30.6, not 31 (the data, CSV and JSON, keep the number).
 */
function decimalsOf(table: ReportTable, key: string): number {
  let known = columnDecimals.get(table);
  if (known === undefined) columnDecimals.set(table, (known = new Map()));
  let d = known.get(key);
  if (d === undefined) {
    d = 0;
    for (const row of table.rows) {
      const v = row[key];
      if (typeof v !== 'number' || Number.isInteger(v)) continue;
      const text = String(Math.round(v * 10 ** MAX_DECIMALS) / 10 ** MAX_DECIMALS);
      const point = text.indexOf('.');
      if (point >= 0) d = Math.max(d, text.length - point - 1);
    }
    known.set(key, d);
  }
  return d;
}

const header = (c: ReportTable['columns'][number], r: Report): string =>
  c.kind === 'money' && r.currency && !moneyInCells(r) ? `${c.header} (${r.currency})` : c.header;

/**
 * A cell as a person reads it: codes the data keeps in English (tier platinum, stage formation,
 * category price) by their names in the reader's language, then formatted by the column's kind.
 */
export function cellText(table: ReportTable, c: ReportColumn, v: unknown, r: Pick<Report, 'exponent' | 'currency'>): string {
  return formatValue(c.kind, typeof v === 'string' ? codeName(table.name, c.key, v) : v, r, c.kind === 'number' ? decimalsOf(table, c.key) : null);
}

/**
 * A table without the columns that are empty in every row (a shop with no product names, no
 * channels): they say nothing and take room, in every medium a person reads. CSV and JSON keep them.
 */
export function usedColumns(tb: ReportTable, r: Pick<Report, 'exponent' | 'currency'>): ReportTable {
  const columns = tb.columns.filter((c) => tb.rows.some((row) => cellText(tb, c, row[c.key], r) !== ''));
  return columns.length === 0 || columns.length === tb.columns.length ? tb : { ...tb, columns };
}

function codeName(table: string, key: string, v: string): string {
  if (v === '(new)' && (key === 'from' || key === 'to')) return t('report.new');
  if (v === '(nobody named)' && key === 'staff') return t('report.nobody');
  if (key === 'tier') return tierName(v);
  if (key === 'risk_level') return riskName(v);
  if (key === 'category') return categoryName(v);
  if (key === 'name' || key === 'from' || key === 'to') {
    if (table === 'tiers' || table === 'tier_changes') return tierName(v);
    if (table === 'stages' || table === 'stage_moves' || table === 'stage_changes') return stageName(v);
    if (table === 'segments' || table === 'segment_changes') return segmentName(v);
    if (table === 'exit_patterns') return exitPatternName(v);
  }
  return v;
}

// ---------- terminal ----------

const SHADES = ' ░▒▓█';

/** A label in a text chart: one line, controls shown (the chart goes to a terminal or a Markdown code block). */
const label = (s: string): string => terminalText(oneLine(s));

function textBars(ch: Extract<Chart, { type: 'bars' | 'funnel' }>, r: Report): string[] {
  const items = ch.type === 'bars' ? ch.bars : ch.steps;
  const kind: Kind = ch.type === 'bars' ? ch.kind : 'int';
  // Shares are drawn against 100%, counts and money against the largest.
  const top =
    kind === 'share'
      ? 1
      : maxOf(
          items.map((b) => Math.abs(b.value)),
          0,
        );
  const labels = items.map((b) => label(b.label));
  const width = maxOf(
    labels.map((l) => stringWidth(l)),
    0,
  );
  return items.map(
    (b, i) =>
      `${padEndWidth(labels[i]!, width)}  ${'█'.repeat(top > 0 ? Math.round((Math.abs(b.value) / top) * 30) : 0).padEnd(30)}  ${formatValue(kind, b.value, r)}`,
  );
}

/**
 * The cohort grid, its months cut at the right when `room` (the terminal's columns, less the
 * chart's indent) cannot hold them all: a shop whose last cohorts are old has one column per month
 * since, 50 in three years, and a wrapped grid could not be read. The months left out are named;
 * the table below the chart has every one.
 */
function textHeatmap(ch: Extract<Chart, { type: 'heatmap' }>, room: number | null): string[] {
  const rows = ch.rows.map(label);
  const width = maxOf(
    rows.map((x) => stringWidth(x)),
    0,
  );
  // Every column as wide as its widest heading (two at least), one space between: 9 10 11 stay apart.
  const all = ch.columns.map(label);
  const cw = maxOf(
    all.map((h) => h.length),
    2,
  );
  const fits = room === null ? all.length : Math.max(1, Math.floor((room - width - 2 + 1) / (cw + 1)));
  const heads = all.slice(0, fits);
  const cut = all.length > heads.length ? [t('report.chart.heatmap-cut', { from: all[heads.length]!, to: all.at(-1)! })] : [];
  return [
    `${''.padEnd(width)}  ${heads.map((h) => h.padStart(cw)).join(' ')}`,
    ...rows.map(
      (row, i) =>
        `${padEndWidth(row, width)}  ${ch.cells[i]!.slice(0, heads.length)
          .map((v) => (v === null ? ' ' : SHADES[Math.min(4, Math.ceil(v * 4))]!).repeat(cw))
          .join(' ')}`,
    ),
    t('report.chart.heatmap-legend', { shades: SHADES.slice(1).split('').join(' ') }),
    ...cut,
  ];
}

/** A chart as text lines; `room` is the width a terminal gives it (null: a document, as wide as it needs). */
function textChart(ch: Chart, r: Report, room: number | null = null): string[] {
  switch (ch.type) {
    case 'pyramid': {
      // Bars by share of revenue; a tier with net refunds draws none.
      return pyramidLines(
        ch.levels.map((l) => ({
          label: label(l.label),
          share: Math.max(0, l.share),
          text: t('report.chart.pyramid-line', {
            share: (l.share * 100).toFixed(1).padStart(5),
            count: String(l.customers).padStart(7),
            customers: tn('report.chart.customers', l.customers),
          }),
        })),
        30,
      );
    }
    case 'bars':
    case 'funnel':
      return textBars(ch, r);
    case 'heatmap':
      return textHeatmap(ch, room);
    case 'trend':
      return ch.points.length === 0
        ? [t('report.no-data')]
        : [`${label(ch.points[0]!.label)} ${sparkline(ch.points.map((p) => p.value))} ${label(ch.points[ch.points.length - 1]!.label)}`];
    case 'check': {
      // One row a week: the bar is what happened, the figure in brackets what the model expected.
      const top = maxOf(
        ch.weeks.flatMap((w) => [w.actual, w.predicted ?? 0]),
        0,
      );
      const out: string[] = [];
      for (const w of ch.weeks) {
        if (w.label === ch.cutoff) out.push(`── ${t('report.chart.cutoff-line', { date: label(formatDate(ch.cutoff)) })} ──`);
        const bar = '█'.repeat(top > 0 ? Math.round((w.actual / top) * 30) : 0).padEnd(30);
        out.push(
          `${label(w.label)}  ${bar}  ${String(w.actual).padStart(5)}${w.predicted === null ? '' : `  ${t('report.chart.expected', { n: w.predicted.toFixed(1) })}`}`,
        );
      }
      return out;
    }
  }
}

/** Documents show at most `max` rows of a table; CSV and JSON carry them all. */
function shown(t: ReportTable, max: number): { rows: ReportTable['rows']; more: number } {
  return t.rows.length > max ? { rows: t.rows.slice(0, max), more: t.rows.length - max } : { rows: t.rows, more: 0 };
}
const moreLine = (n: number): string => t('report.more', { n: n.toLocaleString('en-US') });
/** Sections with nothing to show, as one line each: "Complaints: No complaints logged by …". */
const notShown = (r: Report): string[] =>
  r.sections.filter((s) => s.omitted !== undefined).map((s) => t('report.omitted', { title: s.title, why: s.omitted! }));
const notShownTitle = (): string => t('report.not-shown');

/** A table's caption: its stable name, in words. */
function caption(table: ReportTable): string {
  switch (table.name) {
    case 'watchlist':
      return t('report.table.watchlist');
    case 'all_high_risk':
      return t('report.table.all_high_risk');
    case 'new_at_risk':
      return t('report.table.new_at_risk');
    case 'came_back':
      return t('report.table.came_back');
    case 'risk_spread':
      return t('report.table.risk_spread');
    case 'model_check':
      return t('report.table.model_check');
    case 'tiers':
      return t('report.table.tiers');
    case 'stages':
      return t('report.table.stages');
    case 'exit_patterns':
      return t('report.table.exit_patterns');
    case 'stage_moves':
      return t('report.table.stage_moves');
    case 'segments':
      return t('report.table.segments');
    case 'tier_changes':
      return t('report.table.tier_changes');
    case 'stage_changes':
      return t('report.table.stage_changes');
    case 'segment_changes':
      return t('report.table.segment_changes');
    case 'cohorts':
      return t('report.table.cohorts');
    case 'complaints_by_category':
      return t('report.table.complaints_by_category');
    case 'overdue':
      return t('report.table.overdue');
    case 'staff':
      return t('report.table.staff');
    case 'staff_sales':
      return t('report.table.staff_sales');
    case 'products':
      return t('report.table.products');
    default:
      return table.name.replace(/_/g, ' ');
  }
}

/** `width`: the terminal's (or --width's) columns, which a chart keeps within; null when it has none. */
export function renderText(
  r: Report,
  table: (t: ReportTable) => void,
  bold: (s: string) => string,
  write: (s: string) => void,
  max = 25,
  width: number | null = null,
): void {
  write(bold(terminalText(r.title)) + '\n');
  for (const s of r.sections) {
    if (s.omitted !== undefined) continue;
    write(`\n${bold(terminalText(s.title))}\n`);
    for (const h of s.headline ?? [])
      write(t('report.headline-line', { label: terminalText(h.label), value: bold(terminalText(h.value)), detail: terminalText(h.detail) }) + '\n');
    for (const l of s.lines ?? []) write(terminalText(l) + '\n');
    if (s.chart)
      write(
        `${t('report.chart-title', { title: terminalText(s.chart.title) })}\n${textChart(s.chart, r, width === null ? null : width - 2)
          .map((l) => '  ' + l + '\n')
          .join('')}`,
      );
    for (const tb of s.tables ?? []) {
      if ((s.tables?.length ?? 0) > 1) write(`${t('report.chart-title', { title: caption(tb) })}\n`);
      const { rows, more } = shown(tb, max);
      table({ ...tb, rows });
      if (more > 0) write(moreLine(more) + '\n');
    }
  }
  const omitted = notShown(r);
  if (omitted.length > 0) write(`\n${bold(notShownTitle())}\n${omitted.map((l) => terminalText(l) + '\n').join('')}`);
}

// ---------- Markdown ----------

// Every text goes in as text (escape.ts): no HTML, link, image or fence break can come from the
// data, and a cell or a label is one line. Only the Markdown written here is Markdown.
export function renderMarkdown(r: Report, max = 25): string {
  const out: string[] = [`# ${markdownLine(r.title)}`, ''];
  for (const s of r.sections) {
    if (s.omitted !== undefined) continue;
    out.push(`## ${markdownLine(s.title)}`, '');
    for (const h of s.headline ?? [])
      out.push(`- ${t('report.headline-line', { label: markdownText(h.label), value: `**${markdownText(h.value)}**`, detail: markdownText(h.detail) })}`);
    if (s.headline) out.push('');
    for (const l of s.lines ?? []) out.push(markdownLine(l), '');
    if (s.chart) {
      // Inside a code block nothing is Markdown or HTML; the fence is one no label can close.
      const chart = textChart(s.chart, r);
      const fence = fenceFor(chart);
      out.push(`*${markdownText(s.chart.title)}*`, '', fence, ...chart, fence, '');
    }
    for (const whole of s.tables ?? []) {
      const tb = usedColumns(whole, r);
      if (tb.rows.length === 0) {
        out.push(`*${markdownText(t('report.table-none', { table: caption(tb) }))}*`, '');
        continue;
      }
      if ((s.tables?.length ?? 0) > 1) out.push(`**${markdownText(caption(tb))}**`, '');
      const { rows, more } = shown(tb, max);
      out.push(`| ${tb.columns.map((c) => markdownText(header(c, r))).join(' | ')} |`);
      out.push(`|${tb.columns.map((c) => (c.kind === 'text' || c.kind === 'date' ? ' --- ' : ' ---: ')).join('|')}|`);
      for (const row of rows) out.push(`| ${tb.columns.map((c) => markdownText(cellText(tb, c, row[c.key], r))).join(' | ')} |`);
      out.push('');
      if (more > 0) out.push(`*${markdownText(moreLine(more))}*`, '');
    }
  }
  const omitted = notShown(r);
  if (omitted.length > 0) out.push(`## ${notShownTitle()}`, '', ...omitted.map((l) => `- ${markdownText(l)}`), '');
  return out.join('\n');
}

// ---------- HTML ----------

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A sentence of the page, escaped, with each date kept on one line: at 390 px "on 2026-08-01"
 * broke after its first hyphen (2026- / 08-01), as a Chinese date may between its characters.
 */
const prose = (s: string): string => esc(s).replace(/\b\d{4}-\d{2}-\d{2}\b|\d{4}年\d{1,2}月(?:\d{1,2}日)?/g, '<span class="date">$&</span>');

// Colours that read on white paper and on a phone in the sun: no pale grey for the largest tier.
const TIER_COLOURS: Record<string, string> = { platinum: '#4b5d6b', gold: '#b8901a', iron: '#6f8796', lead: '#9fb0bb' };

/** A bar's width as a percentage of its track, from a value and the top of the scale. */
const pct = (v: number, top: number): string => `${top > 0 ? Math.min(100, Math.max(0, (v / top) * 100)).toFixed(1) : '0'}%`;

/**
 * Bar charts are HTML, not SVG: their text is page text, so it keeps its size on a phone (an SVG
 * 640 units wide drawn 360 px wide shrank 12 px labels to 6.7 px) and wraps instead of overflowing.
 */
function barRows(items: { label: string; value: number; text: string; colour?: string }[], top: number, centred: boolean): string {
  return items
    .map(
      (b) =>
        `<div class="bar-row"><span class="bar-label">${esc(b.label)}</span><span class="bar-track${centred ? ' centred' : ''}"><span class="bar" style="width:${pct(Math.abs(b.value), top)}${b.colour ? `;background:${b.colour}` : ''}"></span></span><span class="bar-value">${esc(b.text)}</span></div>`,
    )
    .join('');
}

function htmlPyramid(ch: Extract<Chart, { type: 'pyramid' }>): string {
  const top = maxOf(
    ch.levels.map((l) => l.share),
    0,
  );
  // The labels are the tiers' names in the reader's language; the colours are the tiers'.
  const colours = new Map(Object.entries(TIER_COLOURS).map(([code, colour]) => [tierName(code), colour]));
  const items = ch.levels.map((l) => ({
    label: l.label,
    value: Math.max(0, l.share),
    text: t('report.chart.pyramid-html', {
      share: (l.share * 100).toFixed(1),
      count: l.customers.toLocaleString('en-US'),
      customers: tn('report.chart.customers', l.customers),
    }),
    colour: colours.get(l.label),
  }));
  return `<div class="chart pyramid" role="img" aria-label="${esc(ch.title)}">${barRows(items, top, true)}</div>`;
}

function htmlBars(ch: Extract<Chart, { type: 'bars' | 'funnel' }>, r: Report): string {
  const items = ch.type === 'bars' ? ch.bars : ch.steps;
  const kind: Kind = ch.type === 'bars' ? ch.kind : 'int';
  const top =
    kind === 'share'
      ? 1
      : maxOf(
          items.map((b) => Math.abs(b.value)),
          0,
        );
  return `<div class="chart ${ch.type}" role="img" aria-label="${esc(ch.title)}">${barRows(
    items.map((b) => ({ label: b.label, value: b.value, text: formatValue(kind, b.value, r) })),
    top,
    ch.type === 'funnel',
  )}</div>`;
}

function htmlHeatmap(ch: Extract<Chart, { type: 'heatmap' }>): string {
  // A table of shaded cells: the numbers stay text, the months stay on one line.
  const head = `<tr><th scope="col">${esc(t('report.col.cohort'))}</th>${ch.columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr>`;
  const rows = ch.rows.map(
    (row, i) =>
      `<tr><th scope="row">${esc(row)}</th>${ch.cells[i]!.map((v) => (v === null ? '<td></td>' : `<td style="background:rgba(63,124,172,${(0.08 + 0.92 * v).toFixed(3)})${v > 0.55 ? ';color:#fff' : ''}">${Math.round(v * 100)}</td>`)).join('')}</tr>`,
  );
  // In a scroller, as the data tables are: a shop whose last cohorts are old has a column per month since (25 at 390 px ran off a phone's page).
  return `<div class="scroll"><table class="chart heatmap" aria-label="${esc(ch.title)}"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div><p class="legend">${esc(t('report.chart.heatmap-html-legend'))}</p>`;
}

function htmlTrend(ch: Extract<Chart, { type: 'trend' }>, r: Report): string {
  const W = 640;
  if (ch.points.length === 0) return `<p>${esc(t('report.no-data'))}</p>`;
  // The axis starts at zero (or below, for a month of net refunds), labelled at both ends.
  const max = maxOf(
    ch.points.map((p) => p.value),
    0,
  );
  const min = minOf(
    ch.points.map((p) => p.value),
    0,
  );
  const span = max - min || 1;
  // Room on the left for the axis labels at the phone's larger text (24 units: 10,454.37 takes ~125).
  const left = 150;
  const step = ch.points.length > 1 ? (W - left - 20) / (ch.points.length - 1) : 0;
  const y = (v: number): number => 14 + (1 - (v - min) / span) * 156;
  const path = ch.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${(left + i * step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const labels = [ch.points[0]!, ch.points[ch.points.length - 1]!].map(
    (p, k) => `<text x="${k === 0 ? left : W - 20}" y="196" text-anchor="${k === 0 ? 'start' : 'end'}">${esc(p.label)}</text>`,
  );
  const axis = `<line x1="${left - 4}" y1="${y(min)}" x2="${left - 4}" y2="${y(max)}" stroke="#9fb0bb"/><text x="${left - 8}" y="${y(max) + 5}" text-anchor="end">${esc(formatValue(ch.kind, max, r))}</text><text x="${left - 8}" y="${y(min) + 5}" text-anchor="end">${esc(formatValue(ch.kind, min, r))}</text>`;
  return `<svg class="chart trend" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${W} 204" width="100%">${axis}<path d="${path}" fill="none" stroke="#3f7cac" stroke-width="2.5"/>${labels.join('')}</svg>`;
}

function htmlCheck(ch: Extract<Chart, { type: 'check' }>, r: Report): string {
  const W = 640;
  if (ch.weeks.length === 0) return `<p>${esc(t('report.no-data'))}</p>`;
  const top = maxOf(
    ch.weeks.flatMap((w) => [w.actual, w.predicted ?? 0]),
    1,
  );
  const left = 90;
  const step = ch.weeks.length > 1 ? (W - left - 20) / (ch.weeks.length - 1) : 0;
  const x = (i: number): string => (left + i * step).toFixed(1);
  const y = (v: number): string => (14 + (1 - v / top) * 150).toFixed(1);
  const line = (pts: [number, number][]): string => pts.map(([i, v], k) => `${k === 0 ? 'M' : 'L'}${x(i)},${y(v)}`).join(' ');
  const actual = line(ch.weeks.map((w, i) => [i, w.actual]));
  const predicted = line(ch.weeks.flatMap((w, i): [number, number][] => (w.predicted === null ? [] : [[i, w.predicted]])));
  const c = ch.weeks.findIndex((w) => w.label === ch.cutoff);
  const cut =
    c < 0
      ? ''
      : `<line x1="${x(c)}" y1="8" x2="${x(c)}" y2="168" stroke="#9fb0bb" stroke-dasharray="4 3"/><text x="${x(c)}" y="196" text-anchor="middle">${esc(t('report.chart.cutoff', { date: formatDate(ch.cutoff) }))}</text>`;
  const axis = `<text x="${left - 8}" y="${y(top)}" text-anchor="end" dominant-baseline="middle">${esc(formatValue('int', top, r))}</text><text x="${left - 8}" y="${y(0)}" text-anchor="end" dominant-baseline="middle">0</text>`;
  const legend = `<line x1="${left}" y1="222" x2="${left + 30}" y2="222" stroke="#1d2329" stroke-width="2.5"/><text x="${left + 38}" y="227">${esc(t('report.chart.happened'))}</text><line x1="${left + 170}" y1="222" x2="${left + 200}" y2="222" stroke="#c0392b" stroke-width="2.5" stroke-dasharray="6 4"/><text x="${left + 208}" y="227">${esc(t('report.chart.model-expected'))}</text>`;
  return `<svg class="chart check" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${W} 236" width="100%">${axis}${cut}<path d="${actual}" fill="none" stroke="#1d2329" stroke-width="2.5"/><path d="${predicted}" fill="none" stroke="#c0392b" stroke-width="2.5" stroke-dasharray="6 4"/>${legend}</svg>`;
}

function htmlChart(ch: Chart, r: Report): string {
  switch (ch.type) {
    case 'pyramid':
      return htmlPyramid(ch);
    case 'bars':
    case 'funnel':
      return htmlBars(ch, r);
    case 'heatmap':
      return htmlHeatmap(ch);
    case 'trend':
      return htmlTrend(ch, r);
    case 'check':
      return htmlCheck(ch, r);
  }
}

const anchor = (i: number): string => `s${i + 1}`;

/**
 * A long cell of several clauses (a customer's churn reasons: "no purchase for 88 days, …; spend
 * down 90% …; the model puts …", 230 characters that took ten lines of a table at 1280 px) shows
 * its first clause, with how many follow; the rest opens under it (a <details>: no script, and
 * printed open). A cell under LONG_CELL columns, or of one clause, is shown whole.
 */
const LONG_CELL = 90;
function htmlCell(text: string): string {
  const first = /; |；/.exec(text);
  if (first === null || stringWidth(text) <= LONG_CELL) return esc(text);
  const rest = text.slice(first.index + first[0].length);
  const more = rest.split(/; |；/).length;
  return `<details><summary>${esc(text.slice(0, first.index))} <span class="more">${esc(tn('report.cell-more', more))}</span></summary>${esc(rest)}</details>`;
}

/** Records: text beyond the first column (the watchlist: name, tier, risk, reasons), not a label and its figures. */
const isRecords = (tb: ReportTable): boolean => tb.columns.slice(1).some((c) => c.kind === 'text');

function htmlTable(whole: ReportTable, r: Report, tables: number, max: number): string[] {
  const tb = usedColumns(whole, r);
  if (tb.rows.length === 0) return [`<p class="none">${esc(t('report.table-none', { table: caption(tb) }))}</p>`];
  const { rows, more } = shown(tb, max);
  const cap = tables > 1 ? `<caption>${esc(caption(tb))}</caption>` : '';
  const heads = tb.columns.map((c) => header(c, r));
  const texts = rows.map((row) => tb.columns.map((c) => cellText(tb, c, row[c.key], r)));
  // data-label: on a narrow screen a table of more than four columns is stacked, each row as
  // "header value" lines (the CSS below), when its rows are records or a dozen at most. A longer
  // table of a label and its figures stays a grid, tighter, scrolled sideways in its own box
  // where it is still too wide: the cohorts' 78 months were 78 cards. Up to four columns fit a
  // phone as they are.
  const stack = tb.columns.length > 4 && (isRecords(tb) || rows.length <= 12);
  const grid = tb.columns.length > 4 && !stack;
  const out = [
    `${grid ? '<div class="scroll">' : ''}<table data-table="${esc(tb.name)}"${stack ? ' class="stack"' : grid ? ' class="grid"' : ''}>${cap}<thead><tr>${tb.columns.map((c, i) => `<th class="${c.kind}">${esc(heads[i]!)}</th>`).join('')}</tr></thead><tbody>${texts
      .map(
        (cells) =>
          `<tr>${tb.columns
            .map((c, i) => {
              const text = cells[i]!;
              // A short word (a tier, a risk level: 铂金层, 高) is never broken, a character a line.
              // A month (2025-11) is not broken at its hyphen either.
              const short = (text.length <= 6 || (c.kind === 'text' && stringWidth(text) <= 8)) && !/\s/.test(text) ? ' short' : '';
              const cell = c.kind === 'text' ? htmlCell(text) : esc(text);
              return `<td class="${c.kind}${short}${cell.startsWith('<details>') ? ' long' : ''}" data-label="${esc(heads[i]!)}">${cell}</td>`;
            })
            .join('')}</tr>`,
      )
      .join('')}</tbody></table>${grid ? '</div>' : ''}`,
  ];
  if (more > 0) out.push(`<p class="none">${esc(moreLine(more))}</p>`);
  return out;
}

/** One page: no scripts, no external resources (the Content-Security-Policy forbids them), print-friendly, readable at 390 px. */
/** The page's sections: title, contents (past three sections), each section, and what was left out. */
function htmlBody(r: Report, max: number): string[] {
  const body: string[] = [`<h1>${prose(r.title)}</h1>`];
  const drawn = r.sections.map((s, i) => ({ s, id: anchor(i) })).filter(({ s }) => s.omitted === undefined);
  const omitted = notShown(r);
  if (drawn.length > 3) {
    const items = [
      ...drawn.map(({ s, id }) => `<li><a href="#${id}">${esc(s.title)}</a></li>`),
      ...(omitted.length > 0 ? [`<li><a href="#not-shown">${esc(notShownTitle())}</a></li>`] : []),
    ];
    const contents = esc(t('report.contents'));
    body.push(`<nav class="toc" aria-label="${contents}"><h2>${contents}</h2><ol>${items.join('')}</ol></nav>`);
  }
  for (const { s, id } of drawn) {
    body.push(`<section id="${id}"><h2>${esc(s.title)}</h2>`);
    if (s.headline)
      body.push(
        `<div class="headline">${s.headline.map((h) => `<div class="figure"><div class="label">${esc(h.label)}</div><div class="value">${esc(h.value)}</div><div class="detail">${prose(h.detail)}</div></div>`).join('')}</div>`,
      );
    for (const l of s.lines ?? []) body.push(`<p>${prose(l)}</p>`);
    if (s.chart) body.push(`<figure><figcaption>${esc(s.chart.title)}</figcaption>${htmlChart(s.chart, r)}</figure>`);
    for (const tb of s.tables ?? []) body.push(...htmlTable(tb, r, s.tables?.length ?? 0, max));
    body.push('</section>');
  }
  if (omitted.length > 0)
    body.push(`<section id="not-shown"><h2>${esc(notShownTitle())}</h2><ul>${omitted.map((l) => `<li>${prose(l)}</li>`).join('')}</ul></section>`);
  return body;
}

/** The page's one stylesheet (inline: the page is self-contained); `cjk` names the Chinese fonts when the page is Chinese. */
function htmlStyle(cjk: string): string {
  return `body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI",${cjk} sans-serif; color: #1d2329; max-width: 80rem; margin: 2rem auto; padding: 0 1rem; overflow-wrap: break-word; }
/* Text keeps a reading width; tables may use the whole page (a watchlist's reasons need the room). */
p, ul, figure, .headline, .toc { max-width: 60rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe0; }
/* Titles and headers break only at spaces and punctuation: never inside a Chinese word or a date (名/称, 2026年11月/26日); overflow-wrap still breaks one too long for the line. */
h1, h2, th, caption, .figure .label, .bar-label, table.stack td::before { word-break: keep-all; }
a { color: #2c5f8a; }
.toc h2 { margin-top: 1rem; } .toc ol { columns: 2 14rem; margin: .4rem 0; padding-left: 1.4rem; } .toc li { break-inside: avoid; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .8rem; margin: .8rem 0; }
.figure { border: 1px solid #d5dbe0; border-radius: 6px; padding: .6rem .8rem; background: #f7f9fa; }
.figure .label { font-size: .85rem; color: #4b5d6b; } .figure .value { font-size: 1.5rem; font-weight: 600; font-variant-numeric: tabular-nums; } .figure .detail { font-size: .85rem; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6eaee; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td.int, td.money, td.share, td.number, th.int, th.money, th.share, th.number { text-align: right; font-variant-numeric: tabular-nums; }
td.date, td.money, td.int, td.share, td.short, span.date { white-space: nowrap; }
figure { margin: .5rem 0 1rem; } figcaption, .legend { font-size: .85rem; color: #4b5d6b; }
.bar-row { display: grid; grid-template-columns: minmax(6rem, 10rem) 1fr minmax(5rem, 16rem); gap: .6rem; align-items: center; font-size: .85rem; margin: 3px 0; }
.bar-label { text-align: right; } .bar-track { display: flex; height: 1.1rem; } .bar-track.centred { justify-content: center; }
.bar { display: block; background: #3f7cac; min-width: 1px; } .bar-value { font-variant-numeric: tabular-nums; }
table.heatmap { font-size: .8rem; } table.heatmap th, table.heatmap td { padding: .15rem .3rem; text-align: center; white-space: nowrap; border: 1px solid #fff; }
table.heatmap th[scope="row"] { text-align: left; }
svg text { font: 13px system-ui,${cjk} sans-serif; fill: #1d2329; } svg.chart { max-width: 44rem; }
.none { color: #4b5d6b; font-style: italic; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.scroll { overflow-x: auto; }
td.long { width: 35%; } td summary { cursor: pointer; } td details[open] summary { margin-bottom: .2rem; } .more { color: #4b5d6b; white-space: nowrap; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .75rem; }
  svg.trend text, svg.check text { font-size: 24px; }
  .bar-row { grid-template-columns: 6.5rem 1fr; font-size: .8rem; }
  .bar-value { grid-column: 2; margin-top: -2px; }
  table.heatmap { font-size: .75rem; width: 100%; } table.heatmap th, table.heatmap td { padding: .1rem .05rem; }
  /* Data tables stack: one block per row, each cell a "header  value" line. */
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; box-sizing: border-box; }
  table.stack thead { display: none; } table.stack caption { display: block; }
  table.stack tr { border-bottom: 2px solid #d5dbe0; padding: .3rem 0; }
  table.stack td { display: flex; justify-content: space-between; gap: 1rem; border: 0; padding: .1rem 0; text-align: right; white-space: normal; }
  table.stack td::before { content: attr(data-label); color: #4b5d6b; text-align: left; white-space: nowrap; }
  table.stack td:empty { display: none; }
  table.stack td details { text-align: left; }
  /* A grid keeps its rows, tighter: figures on one line. */
  table.grid { font-size: .75rem; } table.grid th, table.grid td { padding: .2rem .25rem; }
}
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } .toc { display: none; } details::details-content { content-visibility: visible; } .more { display: none; } }
`;
}

export function renderHtml(r: Report, max = 25): string {
  const body = htmlBody(r, max);
  // Chinese text needs a font that has it: the systems' own CJK fonts, named before the generic
  // family (the page stays self-contained: nothing is downloaded).
  const zh = currentLang() === 'zh-CN';
  const cjk = zh ? ' "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",' : '';
  return `<!doctype html>
<html lang="${zh ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title>
<style>
${htmlStyle(cjk)}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
