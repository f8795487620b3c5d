/** Drawing a report: terminal text, Markdown, one self-contained HTML page. CSV and JSON in the command. */
import { formatMoney } from '../core/money.js';
import { pyramid as pyramidLines, sparkline } from '../charts.js';
import type { Chart, Kind, Report, ReportTable } from './model.js';
import { maxOf, minOf } from '../core/scale.js';
import { fenceFor, markdownLine, markdownText, oneLine, terminalText } from '../escape.js';

export function formatValue(kind: Kind, v: unknown, r: Pick<Report, 'exponent'>): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  switch (kind) {
    case 'money':
      return formatMoney(Math.round(v), r.exponent);
    case 'share':
      return `${(v * 100).toFixed(1)}%`;
    case 'int':
      return Math.round(v).toLocaleString('en-US');
    default:
      return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Math.round(v * 1000) / 1000);
  }
}

const header = (t: ReportTable, c: ReportTable['columns'][number], r: Report): string => (c.kind === 'money' && r.currency ? `${c.header} (${r.currency})` : c.header);

// ---------- terminal ----------

const SHADES = ' ░▒▓█';

/** A label in a text chart: one line, controls shown (the chart goes to a terminal or a Markdown code block). */
const label = (s: string): string => terminalText(oneLine(s));

function textChart(ch: Chart, r: Report): string[] {
  switch (ch.type) {
    case 'pyramid': {
      const top = maxOf(ch.levels.map((l) => l.customers), 0);
      return pyramidLines(
        ch.levels.map((l) => ({ label: label(l.label), share: top > 0 ? l.customers / top : 0, text: `${String(l.customers).padStart(7)} customers  ${(l.share * 100).toFixed(1).padStart(5)}% of revenue` })),
        30,
      );
    }
    case 'bars':
    case 'funnel': {
      const items = ch.type === 'bars' ? ch.bars : ch.steps;
      const kind: Kind = ch.type === 'bars' ? ch.kind : 'int';
      // Shares are drawn against 100%, counts and money against the largest.
      const top = kind === 'share' ? 1 : maxOf(items.map((b) => Math.abs(b.value)), 0);
      const labels = items.map((b) => label(b.label));
      const width = maxOf(labels.map((l) => l.length), 0);
      return items.map((b, i) => `${labels[i]!.padEnd(width)}  ${'█'.repeat(top > 0 ? Math.round((Math.abs(b.value) / top) * 30) : 0).padEnd(30)}  ${formatValue(kind, b.value, r)}`);
    }
    case 'heatmap': {
      const rows = ch.rows.map(label);
      const width = maxOf(rows.map((x) => x.length), 0);
      return [
        `${''.padEnd(width)}  ${ch.columns.map((c) => label(c).padStart(2).slice(-2)).join('')}`,
        ...rows.map((row, i) => `${row.padEnd(width)}  ${ch.cells[i]!.map((v) => (v === null ? '  ' : SHADES[Math.min(4, Math.ceil(v * 4))]!.repeat(2))).join('')}`),
        `(each cell: share of the cohort buying, ${SHADES.slice(1).split('').join(' ')} up to 25/50/75/100%)`,
      ];
    }
    case 'trend':
      return ch.points.length === 0 ? ['(no data)'] : [`${label(ch.points[0]!.label)} ${sparkline(ch.points.map((p) => p.value))} ${label(ch.points[ch.points.length - 1]!.label)}`];
  }
}

/** Documents show at most `max` rows of a table; CSV and JSON carry them all. */
function shown(t: ReportTable, max: number): { rows: ReportTable['rows']; more: number } {
  return t.rows.length > max ? { rows: t.rows.slice(0, max), more: t.rows.length - max } : { rows: t.rows, more: 0 };
}
const moreLine = (n: number): string => `… and ${n.toLocaleString('en-US')} more (--format csv --table NAME or --format json has them all)`;
const caption = (t: ReportTable): string => t.name.replace(/_/g, ' ');

export function renderText(r: Report, table: (t: ReportTable) => void, bold: (s: string) => string, write: (s: string) => void, max = 25): void {
  write(bold(terminalText(r.title)) + '\n');
  for (const s of r.sections) {
    write(`\n${bold(terminalText(s.title))}\n`);
    for (const l of s.lines ?? []) write(terminalText(l) + '\n');
    if (s.chart) for (const l of textChart(s.chart, r)) write('  ' + l + '\n');
    for (const t of s.tables ?? []) {
      if ((s.tables?.length ?? 0) > 1) write(`${caption(t)}:\n`);
      const { rows, more } = shown(t, max);
      table({ ...t, rows });
      if (more > 0) write(moreLine(more) + '\n');
    }
  }
}

// ---------- Markdown ----------

// Every text goes in as text (escape.ts): no HTML, link, image or fence break can come from the
// data, and a cell or a label is one line. Only the Markdown written here is Markdown.
export function renderMarkdown(r: Report, max = 25): string {
  const out: string[] = [`# ${markdownLine(r.title)}`, ''];
  for (const s of r.sections) {
    out.push(`## ${markdownLine(s.title)}`, '');
    for (const l of s.lines ?? []) out.push(markdownLine(l), '');
    if (s.chart) {
      // Inside a code block nothing is Markdown or HTML; the fence is one no label can close.
      const chart = textChart(s.chart, r);
      const fence = fenceFor(chart);
      out.push(fence, ...chart, fence, '');
    }
    for (const t of s.tables ?? []) {
      if (t.rows.length === 0) {
        out.push(`*${markdownText(caption(t))}: none*`, '');
        continue;
      }
      if ((s.tables?.length ?? 0) > 1) out.push(`**${markdownText(caption(t))}**`, '');
      const { rows, more } = shown(t, max);
      out.push(`| ${t.columns.map((c) => markdownText(header(t, c, r))).join(' | ')} |`);
      out.push(`|${t.columns.map((c) => (c.kind === 'text' || c.kind === 'date' ? ' --- ' : ' ---: ')).join('|')}|`);
      for (const row of rows) out.push(`| ${t.columns.map((c) => markdownText(formatValue(c.kind, row[c.key], r))).join(' | ')} |`);
      out.push('');
      if (more > 0) out.push(`*${markdownText(moreLine(more))}*`, '');
    }
  }
  return out.join('\n');
}

// ---------- HTML ----------

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const TIER_COLOURS: Record<string, string> = { platinum: '#5b6770', gold: '#c9a227', iron: '#7d8f99', lead: '#b7c0c6' };

function svgChart(ch: Chart, r: Report): string {
  const W = 640;
  switch (ch.type) {
    case 'pyramid': {
      const top = maxOf(ch.levels.map((l) => l.customers), 1);
      const h = 34;
      const rows = ch.levels.map((l, i) => {
        const w = Math.max(8, (l.customers / top) * 360);
        const x = 200 - w / 2;
        return `<rect x="${x.toFixed(1)}" y="${i * (h + 6)}" width="${w.toFixed(1)}" height="${h}" fill="${TIER_COLOURS[l.label] ?? '#888'}"/><text x="420" y="${i * (h + 6) + 22}">${esc(l.label)}: ${l.customers.toLocaleString('en-US')} customers, ${(l.share * 100).toFixed(1)}% of revenue</text>`;
      });
      return `<svg class="chart pyramid" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${W + 140} ${ch.levels.length * (h + 6)}" width="100%">${rows.join('')}</svg>`;
    }
    case 'bars':
    case 'funnel': {
      const items = ch.type === 'bars' ? ch.bars : ch.steps;
      const kind: Kind = ch.type === 'bars' ? ch.kind : 'int';
      const top = kind === 'share' ? 1 : maxOf(items.map((b) => Math.abs(b.value)), 1e-9);
      const h = 22;
      const rows = items.map((b, i) => {
        const w = (Math.abs(b.value) / top) * 380;
        const x = ch.type === 'funnel' ? 160 + (380 - w) / 2 : 160;
        return `<text x="150" y="${i * (h + 4) + 16}" text-anchor="end">${esc(b.label)}</text><rect x="${x.toFixed(1)}" y="${i * (h + 4)}" width="${w.toFixed(1)}" height="${h}" fill="#3f7cac"/><text x="550" y="${i * (h + 4) + 16}">${esc(formatValue(kind, b.value, r))}</text>`;
      });
      return `<svg class="chart ${ch.type}" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${W} ${Math.max(1, items.length) * (h + 4)}" width="100%">${rows.join('')}</svg>`;
    }
    case 'heatmap': {
      const cw = Math.min(40, 520 / Math.max(1, ch.columns.length));
      const h = 20;
      const cells = ch.rows.flatMap((row, i) => [
        `<text x="70" y="${(i + 1) * h + 14}" text-anchor="end">${esc(row)}</text>`,
        ...ch.cells[i]!.map((v, j) =>
          v === null
            ? ''
            : `<rect x="${80 + j * cw}" y="${(i + 1) * h}" width="${cw - 1}" height="${h - 1}" fill="rgba(63,124,172,${(0.08 + 0.92 * v).toFixed(3)})"><title>${esc(row)} +${j}: ${(v * 100).toFixed(0)}%</title></rect><text x="${80 + j * cw + cw / 2}" y="${(i + 1) * h + 14}" text-anchor="middle" font-size="9" fill="${v > 0.55 ? '#fff' : '#1d2329'}">${Math.round(v * 100)}</text>`,
        ),
      ]);
      const head = ch.columns.map((c, j) => `<text x="${80 + j * cw + cw / 2}" y="14" text-anchor="middle" font-size="10">${esc(c)}</text>`);
      const legend = `<text x="80" y="${(ch.rows.length + 1) * h + 16}" font-size="10">% of each cohort buying; columns: months since the first purchase</text>`;
      return `<svg class="chart heatmap" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${80 + ch.columns.length * cw + 10} ${(ch.rows.length + 1) * h + 24}" width="100%">${head.join('')}${cells.join('')}${legend}</svg>`;
    }
    case 'trend': {
      if (ch.points.length === 0) return '<p>(no data)</p>';
      // The axis starts at zero (or below, for a month of net refunds), labelled at both ends.
      const max = maxOf(ch.points.map((p) => p.value), 0);
      const min = minOf(ch.points.map((p) => p.value), 0);
      const span = max - min || 1;
      const left = 90;
      const step = ch.points.length > 1 ? (W - left - 20) / (ch.points.length - 1) : 0;
      const y = (v: number): number => 10 + (1 - (v - min) / span) * 160;
      const path = ch.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${(left + i * step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
      const labels = [ch.points[0]!, ch.points[ch.points.length - 1]!].map((p, k) => `<text x="${k === 0 ? left : W - 20}" y="192" text-anchor="${k === 0 ? 'start' : 'end'}">${esc(p.label)}</text>`);
      const axis = `<line x1="${left - 4}" y1="${y(min)}" x2="${left - 4}" y2="${y(max)}" stroke="#b7c0c6"/><text x="${left - 8}" y="${y(max) + 4}" text-anchor="end" font-size="10">${esc(formatValue(ch.kind, max, r))}</text><text x="${left - 8}" y="${y(min) + 4}" text-anchor="end" font-size="10">${esc(formatValue(ch.kind, min, r))}</text>`;
      return `<svg class="chart trend" role="img" aria-label="${esc(ch.title)}" viewBox="0 0 ${W} 200" width="100%">${axis}<path d="${path}" fill="none" stroke="#3f7cac" stroke-width="2"/>${labels.join('')}</svg>`;
    }
  }
}

/** One page: no scripts, no external resources (the Content-Security-Policy forbids them), print-friendly. */
export function renderHtml(r: Report, max = 25): string {
  const body: string[] = [`<h1>${esc(r.title)}</h1>`];
  for (const s of r.sections) {
    body.push(`<section><h2>${esc(s.title)}</h2>`);
    for (const l of s.lines ?? []) body.push(`<p>${esc(l)}</p>`);
    if (s.chart) body.push(`<figure><figcaption>${esc(s.chart.title)}</figcaption>${svgChart(s.chart, r)}</figure>`);
    for (const t of s.tables ?? []) {
      if (t.rows.length === 0) {
        body.push(`<p class="none">${esc(caption(t))}: none</p>`);
        continue;
      }
      const { rows, more } = shown(t, max);
      const cap = (s.tables?.length ?? 0) > 1 ? `<caption>${esc(caption(t))}</caption>` : '';
      body.push(
        `<div class="wide"><table data-table="${esc(t.name)}">${cap}<thead><tr>${t.columns.map((c) => `<th class="${c.kind}">${esc(header(t, c, r))}</th>`).join('')}</tr></thead><tbody>${rows
          .map((row) => `<tr>${t.columns.map((c) => `<td class="${c.kind}">${esc(formatValue(c.kind, row[c.key], r))}</td>`).join('')}</tr>`)
          .join('')}</tbody></table></div>`,
      );
      if (more > 0) body.push(`<p class="none">${esc(moreLine(more))}</p>`);
    }
    body.push('</section>');
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2329; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6eaee; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td.int, td.money, td.share, td.number, th.int, th.money, th.share, th.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: .5rem 0 1rem; } figcaption { font-size: .85rem; color: #5b6770; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2329; }
.none { color: #5b6770; font-style: italic; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.wide { overflow-x: auto; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
