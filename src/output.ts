/**
 * Printing data: a table for people on a terminal, CSV or JSON for machines. All data goes to
 * io.stdout; nothing here writes to stderr.
 */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { stringify } from 'csv-stringify/sync';
import type { IO } from './io.js';
import { neutralise } from './core/csvSafe.js';
import { UsageError } from './errors.js';
import { maxOf } from './core/scale.js';
import { terminalText } from './escape.js';
import { MONEY_KEYS, moneyJson, moneyValue, type MoneyUnits } from './core/moneyOut.js';
import { breakUnits, hasWide, padWidth, wrapText } from './linefit.js';
import { t, tn } from './i18n/index.js';

export type Format = 'table' | 'csv' | 'json';
export const FORMATS: Format[] = ['table', 'csv', 'json'];
/** What --format takes: the data formats, and the document formats only reports are written in. */
export type AskedFormat = Format | 'md' | 'html';
export const ASKED_FORMATS: AskedFormat[] = ['table', 'csv', 'json', 'md', 'html'];

export interface Column {
  key: string;
  header?: string;
  align?: 'left' | 'right';
  /** How a value shows in a table (CSV and JSON always carry the raw value). */
  show?: (v: unknown) => string;
  /** Long text: cut to this many characters where the table cannot wrap it to the terminal. */
  clip?: number;
  /** How a value goes into CSV and JSON, when not as it is (money as a decimal, say). */
  data?: (v: unknown) => unknown;
}

/** Long text cut for a table cell to `width` terminal columns (CSV and JSON keep it whole). */
export function clip(v: unknown, width: number): string {
  const s = v === null || v === undefined ? '' : String(v);
  return cut(s, width);
}

/** Table on a terminal, CSV when piped, unless --format says otherwise. */
export function resolveFormat(asked: string | undefined, io: IO): Format {
  if (asked === undefined) return io.stdoutIsTTY ? 'table' : 'csv';
  if (asked === 'md' || asked === 'html') throw new UsageError(t('table.format-for-reports', { format: asked }), t('table.format-hint'));
  return asked as Format;
}

export function chalkFor(io: IO): InstanceType<typeof Chalk> {
  // chalk alone does not honour NO_COLOR; the level is decided once, in io.color.
  return new Chalk({ level: io.color ? 1 : 0 });
}

/**
 * Rows to print: an array, or anything that can hand out row i on demand, so a million-row list
 * can be built a chunk at a time while it is written instead of all at once.
 */
export interface RowSource {
  readonly length: number;
  at(i: number): Record<string, unknown> | undefined;
}

/** Row i..j-1 of a source, each picked to the columns. */
function chunkOf(rows: RowSource, from: number, to: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) out.push(rows.at(i)!);
  return out;
}

/** The narrowest a column of text is wrapped to. */
const WRAP_MIN = 20;

/** Rows a table draws on a terminal unless the command's --limit says otherwise. */
export const TERMINAL_ROWS = 200;

/**
 * Rows as a table, CSV or JSON. CSV and JSON always have every row. A table on a terminal stops
 * at `terminalRows` when a command gives one (the long lists do, unless --limit was given) with a
 * line saying how many more there are: a million-row table is no use on a screen, and drawing it
 * took gigabytes.
 */
export function printRows(io: IO, format: Format, columns: Column[], rows: RowSource, terminalRows: number | null = null, units: MoneyUnits | null = null): void {
  // Machine formats are written a chunk of rows at a time: a 100,000-customer list never sits
  // in memory as one string.
  const CHUNK = 1000;
  if (format !== 'table' && units !== null && columns.some((c) => MONEY_KEYS.has(c.key))) {
    // Money as decimals in the currency, and the currency named (core/moneyOut.ts): converted as
    // each cell is written, with no copy of the row.
    const withMoney: Column[] = columns.map((c) => (MONEY_KEYS.has(c.key) ? { ...c, data: (v: unknown) => moneyValue(v, units) } : c));
    const currency = columns.some((c) => c.key === 'currency') ? [] : [{ key: 'currency', data: () => units.currency }];
    return printRows(io, format, [...withMoney, ...currency], rows);
  }
  if (format === 'json') {
    if (rows.length === 0) {
      io.stdout.write('[]\n');
      return;
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      // One object per line: still one JSON array, and half the time of indented objects.
      const part = chunkOf(rows, i, Math.min(rows.length, i + CHUNK)).map((r) => '  ' + JSON.stringify(pick(r, columns)));
      io.stdout.write((i === 0 ? '[\n' : ',\n') + part.join(',\n'));
    }
    io.stdout.write('\n]\n');
    return;
  }
  if (format === 'csv') {
    io.stdout.write(stringify([], { header: true, columns: columns.map((c) => c.key) }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      io.stdout.write(stringify(chunkOf(rows, i, Math.min(rows.length, i + CHUNK)).map((r) => columns.map((c) => csvValue(cell(r, c))))));
    }
    return;
  }
  if (rows.length === 0) {
    io.stdout.write(t('table.none') + '\n');
    return;
  }
  const c = chalkFor(io);
  const shown = io.stdoutIsTTY && terminalRows !== null ? Math.min(rows.length, terminalRows) : rows.length;
  let cols = columns;
  // A table is for people, wherever it goes (a terminal, | less, a file): its text is shown
  // under the terminal's rule even where the stream is not guarded.
  // The data's own text is escaped before a column's show() colours it, so rapport's colours
  // (a risk level in red) reach the terminal and the data's control characters never do.
  const safe = (v: unknown): unknown => (typeof v === 'string' ? terminalText(v) : v);
  let cells = chunkOf(rows, 0, shown).map((r) => columns.map((col) => (col.show ? col.show(safe(r[col.key])) : terminalText(display(r[col.key])))));
  const width = io.stdoutIsTTY && io.width ? io.width : null;
  let hidden: string[] = [];
  if (width !== null) {
    // On a terminal a column that is empty in every row says nothing and takes room: left out.
    const used = cols.map((_, i) => cells.some((row) => row[i] !== ''));
    if (used.some((u) => !u) && used.some((u) => u)) {
      cols = cols.filter((_, i) => used[i]);
      cells = cells.map((row) => row.filter((_, i) => used[i]));
    }
  }
  const head = cols.map((col) => col.header ?? col.key);
  const plan = width === null ? null : planTable(cols, head, cells, width);
  if (plan !== null) {
    for (const [i, w] of plan.cut) {
      for (const row of cells) row[i] = cut(row[i]!, w);
      head[i] = cut(head[i]!, w);
    }
    hidden = plan.hidden.map((i) => head[i]!);
    if (plan.hidden.length > 0) {
      const keep = cols.map((_, i) => !plan.hidden.includes(i));
      cols = cols.filter((_, i) => keep[i]);
      cells = cells.map((row) => row.filter((_, i) => keep[i]));
      head.splice(0, head.length, ...head.filter((_, i) => keep[i]));
    }
  } else {
    // No width known (a table written to a file or a pipe): long text is cut only where its column says so.
    cols.forEach((col, i) => {
      if (col.clip !== undefined) for (const row of cells) row[i] = clip(row[i], col.clip);
    });
  }
  if (plan !== null && plan.widths !== null) {
    // The table library wraps at spaces only: text with Chinese in it, which has none, is
    // wrapped here, between its characters, to the column's width (less its padding).
    plan.widths.forEach((w, i) => {
      if (w === null) return;
      for (const row of cells) if (hasWide(row[i]!)) row[i] = wrapText(row[i]!, w - 2);
      if (hasWide(head[i]!)) head[i] = wrapText(head[i]!, w - 2);
    });
  }
  const table = new Table({
    head: head.map((h) => c.bold(h)),
    colAligns: cols.map((col) => col.align ?? 'left'),
    style: { head: [], border: [], compact: true },
    // The rule under the header stays without colour too: bold alone cannot set it apart then.
    ...(plan !== null && plan.widths !== null ? { colWidths: plan.widths, wordWrap: true } : {}),
  });
  for (const row of cells) table.push(row);
  io.stdout.write(table.toString() + '\n');
  if (shown < rows.length) io.stdout.write(tn('table.more', rows.length - shown, { count: (rows.length - shown).toLocaleString('en-US') }) + '\n');
  if (hidden.length > 0) io.stdout.write(t('table.hidden', { columns: hidden.join(t('table.list-separator')) }) + '\n');
}

/**
 * Which text a terminal may cut: 2 for prose (names, reasons, paths: cut first), 1 for short
 * codes (a tier, a stage, a segment: cut only when prose alone cannot make room), 0 for numbers,
 * ids, dates and times, which are never cut.
 */
function cuttable(col: Column, cells: string[][], i: number): 0 | 1 | 2 {
  if (col.align === 'right') return 0;
  if (/(^|_)(id|at|date|as_of|month|cohort)$|^(date|id)$/.test(col.key)) return 0;
  if (cells.every((row) => /^[\d\s.,:%/+-]*$/.test(row[i]!))) return 0;
  // Text whose every cell is one short token is a code, not prose.
  return cells.some((row) => /\s/.test(row[i]!.trim()) || displayWidth(row[i]!) > 16) ? 2 : 1;
}

/**
 * Text cut to `width` display columns with an ellipsis. A colour code (a risk level in red) is
 * kept whole, never cut in two, and a cut inside colour ends it, so the next cell is not coloured.
 */
function cut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let coloured = false;
  for (const [token] of text.matchAll(/\x1b\[[0-9;]*m|[^]/gu)) {
    if (token.startsWith('\x1b[')) {
      out += token;
      coloured = token !== '\x1b[0m' && token !== '\x1b[39m';
      continue;
    }
    if (displayWidth(out + token) > width - 1) break;
    out += token;
  }
  return out + '…' + (coloured ? '\x1b[39m' : '');
}

/** The narrowest a cut column gets: a few characters and the ellipsis. */
const CUT_MIN = 6;

/**
 * How a table fits `width` terminal columns: widths for wrapping long text between words when
 * that fits (each wrapped column at least 20 wide, or its longest word); else the widest text
 * columns cut with an ellipsis, one character at a time, as gh does; ids, dates and numbers are
 * never cut. When even that cannot fit, the rightmost columns are left out, and the caller says so.
 */
export function planTable(cols: Column[], head: string[], cells: string[][], width: number): { widths: (number | null)[] | null; cut: [number, number][]; hidden: number[] } {
  const natural = head.map((h, i) => maxOf(cells.map((row) => displayWidth(row[i]!)), displayWidth(h)));
  // The longest piece a line cannot break inside: a word, or one Chinese character (with the punctuation that keeps to it).
  const longestWord = (text: string): number => maxOf(text.split(/\s+/).flatMap(breakUnits).map(displayWidth), 0);
  const floors = head.map((h, i) => Math.max(maxOf(cells.map((row) => longestWord(row[i]!)), longestWord(h)), Math.min(natural[i]!, WRAP_MIN)));
  const fit = fitColumns(natural, floors, width);
  if (fit === 'fits') return { widths: null, cut: [], hidden: [] };
  if (fit !== 'too wide') return { widths: fit, cut: [], hidden: [] };
  // Cutting: every column at its natural width (headers may be cut too), text cut from the widest.
  const canCut = cols.map((col, i) => cuttable(col, cells, i));
  const hidden: number[] = [];
  const shownWidth = (w: readonly number[]): number => w.reduce((a, x, i) => a + (hidden.includes(i) ? 0 : x + 3), 0) + 1;
  // First which columns can be shown at all, with every cuttable one at its narrowest: when even
  // that is too wide, the rightmost column still shown is left out (never the first).
  const narrowest = natural.map((x, i) => (canCut[i]! > 0 ? Math.min(x, CUT_MIN) : x));
  while (shownWidth(narrowest) > width) {
    const last = natural.map((_, i) => i).filter((i) => i > 0 && !hidden.includes(i)).pop();
    if (last === undefined) break;
    hidden.push(last);
  }
  // Then the shown columns from their natural widths, the widest prose cut first, codes after.
  const w = natural.slice();
  while (shownWidth(w) > width) {
    let widest = -1;
    for (const level of [2, 1]) {
      for (let i = 0; i < w.length; i++) if (canCut[i] === level && !hidden.includes(i) && w[i]! > CUT_MIN && (widest < 0 || w[i]! > w[widest]!)) widest = i;
      if (widest >= 0) break;
    }
    if (widest < 0) break;
    w[widest]!--;
  }
  const cuts: [number, number][] = [];
  w.forEach((x, i) => {
    if (x < natural[i]! && !hidden.includes(i)) cuts.push([i, x]);
  });
  return { widths: null, cut: cuts, hidden: hidden.sort((a, b) => a - b) };
}

/** Columns a string takes on a terminal, as the table library measures it (escape codes none, wide characters two). */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

/**
 * Column widths for cli-table3 (content plus a space each side) that fit a table into `width`
 * terminal columns, or 'fits' when it fits as it is, or 'too wide' when it cannot fit even with
 * every column at its floor (its longest word: cells wrap between words, never inside one).
 * Each column gets its floor, and the room left is shared in proportion to how much more each
 * would take: long text gets the room, a column that is wide only for its header little. Null
 * for a column that keeps its natural width.
 */
export function fitColumns(natural: readonly number[], floors: readonly number[], width: number): (number | null)[] | 'fits' | 'too wide' {
  const n = natural.length;
  const budget = width - (n + 1) - 2 * n; // a border between columns and at each end, a space of padding each side
  if (natural.reduce((a, b) => a + b, 0) <= budget) return 'fits';
  const room = budget - floors.reduce((a, b) => a + b, 0);
  if (room < 0) return 'too wide';
  const slack = natural.map((x, i) => x - floors[i]!);
  const totalSlack = slack.reduce((a, b) => a + b, 0);
  const share = slack.map((x) => (x * room) / totalSlack);
  const w = floors.map((f, i) => f + Math.floor(share[i]!));
  // the characters the rounding left over, to the largest remainders
  let left = room - share.reduce((a, x) => a + Math.floor(x), 0);
  const order = share.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (w[i]! < natural[i]!) {
      w[i]!++;
      left--;
    }
  }
  return w.map((x, i) => (x >= natural[i]! ? null : x + 2));
}

/** One record as key/value lines (table), a one-row CSV, or a JSON object. */
export function printRecord(io: IO, format: Format, record: Record<string, unknown>, labels: Record<string, string> = {}, units: MoneyUnits | null = null): void {
  if (format !== 'table' && units !== null) {
    // Money as decimals in the currency, and the currency named (core/moneyOut.ts).
    return printRecord(io, format, { ...(moneyJson(record, units) as Record<string, unknown>), currency: units.currency }, labels);
  }
  if (format === 'json') {
    io.stdout.write(JSON.stringify(record, null, 2) + '\n');
    return;
  }
  if (format === 'csv') {
    const keys = Object.keys(record).filter((k) => typeof record[k] !== 'object' || record[k] === null);
    io.stdout.write(stringify([keys.map((k) => csvValue(record[k]))], { header: true, columns: keys }));
    return;
  }
  const c = chalkFor(io);
  const keys = Object.keys(record).filter((k) => typeof record[k] !== 'object' || record[k] === null);
  const width = maxOf(keys.map((k) => displayWidth(labels[k] ?? k)));
  for (const k of keys) io.stdout.write(`${c.bold(padWidth(labels[k] ?? k, width))}  ${terminalText(display(record[k]))}\n`);
}

function pick(r: Record<string, unknown>, columns: Column[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of columns) o[c.key] = cell(r, c) ?? null;
  return o;
}

/** A cell's value for CSV and JSON: as stored, or as the column turns it into data. */
function cell(r: Record<string, unknown>, c: Column): unknown {
  return c.data === undefined ? r[c.key] : c.data(r[c.key]);
}

/** A CSV cell: numbers as numbers, text neutralised against formula injection (core/csvSafe.ts). */
export function csvValue(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return String(v);
  return neutralise(String(v));
}

function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  return String(v);
}
