/**
 * Printing data: a table for people on a terminal, CSV or JSON for machines. All data goes to
 * io.stdout; nothing here writes to stderr.
 */
import { Chalk } from 'chalk';
import stringWidth from 'string-width';
import { stringify } from 'csv-stringify/sync';
import type { IO } from './io.js';
import { neutralise } from '../core/csvSafe.js';
import { UsageError } from '../sys/errors.js';
import { maxOf } from '../core/scale.js';
import { terminalText } from '../text/escape.js';
import { MONEY_KEYS, moneyJson, moneyValue, type MoneyUnits } from '../core/moneyOut.js';
import { breakUnits, padWidth, wrapText } from '../text/linefit.js';
import { t, tn } from '../i18n/index.js';

export type Format = 'table' | 'csv' | 'json';
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
  /**
   * A column a narrow terminal may leave out, and in which order: 1 goes first, then 2, and so on.
   * A column without one (ids, the sort key, risk, money) is always shown; a command declares
   * which of its columns matter least, and planTable does the rest, for every command alike.
   */
  drop?: number;
  /** Text cut in the middle, keeping its end (a file's path keeps its base name). */
  cutMiddle?: boolean;
  /** A name the reader types back (a setting's key): never cut, as ids are not. */
  neverCut?: boolean;
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

/** A table fitted to `width` (planTable's plan): the columns left, their cells wrapped or cut to their widths, the headings wrapped, and the headings of the columns hidden. */
function fitToWidth(
  cols: Column[],
  head: string[],
  cells: string[][],
  width: number,
  whole: boolean,
): { cols: Column[]; cells: string[][]; head: string[]; hidden: string[] } {
  const plan = planTable(cols, head, cells, width);
  const left = cols.map((_, i) => !plan.hidden.includes(i));
  const hidden = plan.hidden.map((i) => head[i]!);
  const widths = plan.widths.filter((_, i) => left[i]);
  const keptCols = cols.filter((_, i) => left[i]);
  const keptCells = cells.map((row) => row.filter((_, i) => left[i]));
  const keptHead = head.filter((_, i) => left[i]);
  // Text wider than its column is wrapped between words (or Chinese characters) when the plan
  // wraps, else cut with an ellipsis; a heading wraps between its words when they fit.
  widths.forEach((w, i) => {
    const fitCell = (text: string): string =>
      displayWidth(text) <= w
        ? text
        : plan.wrap
          ? whole
            ? wrapText(text, w)
            : wrapLines(text, w)
          : keptCols[i]!.cutMiddle === true
            ? cutMiddle(text, w)
            : cut(text, w);
    for (const row of keptCells) row[i] = fitCell(row[i]!);
    if (displayWidth(keptHead[i]!) > w)
      keptHead[i] = maxOf(keptHead[i]!.split(/\s+/).map(displayWidth), 0) <= w ? wrapText(keptHead[i]!, w) : cut(keptHead[i]!, w);
  });
  return { cols: keptCols, cells: keptCells, head: keptHead, hidden };
}

/** Machine formats are written a chunk of rows at a time: a 100,000-customer list never sits in memory as one string. */
const CHUNK = 1000;

function writeJsonRows(io: IO, columns: Column[], rows: RowSource): void {
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
}

function writeCsvRows(io: IO, columns: Column[], rows: RowSource): void {
  io.stdout.write(stringify([], { header: true, columns: columns.map((c) => c.key) }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    io.stdout.write(stringify(chunkOf(rows, i, Math.min(rows.length, i + CHUNK)).map((r) => columns.map((c) => csvValue(cell(r, c))))));
  }
}

/**
 * Rows as a table, CSV or JSON. CSV and JSON always have every row. A table on a terminal stops
 * at `terminalRows` when a command gives one (the long lists do, unless --limit was given) with a
 * line saying how many more there are: a million-row table is no use on a screen, and drawing it
 * took gigabytes.
 */
export function printRows(
  io: IO,
  format: Format,
  columns: Column[],
  rows: RowSource,
  terminalRows: number | null = null,
  units: MoneyUnits | null = null,
): void {
  if (format !== 'table' && units !== null && columns.some((c) => MONEY_KEYS.has(c.key))) {
    // Money as decimals in the currency, and the currency named (core/moneyOut.ts): converted as
    // each cell is written, with no copy of the row.
    const withMoney: Column[] = columns.map((c) => (MONEY_KEYS.has(c.key) ? { ...c, data: (v: unknown) => moneyValue(v, units) } : c));
    const currency = columns.some((c) => c.key === 'currency') ? [] : [{ key: 'currency', data: () => units.currency }];
    return printRows(io, format, [...withMoney, ...currency], rows);
  }
  if (format === 'json') return writeJsonRows(io, columns, rows);
  if (format === 'csv') return writeCsvRows(io, columns, rows);
  if (rows.length === 0) {
    io.stdout.write(t('table.none') + '\n');
    return;
  }
  const c = chalkFor(io);
  const shown = io.stdoutIsTTY && terminalRows !== null ? Math.min(rows.length, terminalRows) : rows.length;
  // --width fits the table to that width with every cell whole; else a terminal's own width.
  const whole = io.widthAsked === true;
  const width = (io.stdoutIsTTY || whole) && io.width ? io.width : null;
  // A table is for people, wherever it goes (a terminal, | less, a file): its text is shown
  // under the terminal's rule even where the stream is not guarded.
  // The data's own text is escaped before a column's show() colours it, so rapport's colours
  // (a risk level in red) reach the terminal and the data's control characters never do.
  const safe = (v: unknown): unknown => (typeof v === 'string' ? terminalText(v) : v);
  // A cell longer than a screenful is cut with a marker before anything measures it: a 200,000-
  // character rejected line took 30-60 s to wrap (issue 24); --width or --format csv give it whole.
  const bound = (text: string): string => (whole ? text : cut(text, CELL_MAX));
  const all = chunkOf(rows, 0, shown).map((r) => columns.map((col) => bound(col.show ? col.show(safe(r[col.key])) : terminalText(display(r[col.key])))));
  // A column that is empty in every row says nothing and takes room: left out of every table.
  const used = columns.map((_, i) => all.some((row) => row[i] !== ''));
  const keep = used.some((u) => u) ? used : used.map(() => true);
  let cols = columns.filter((_, i) => keep[i]);
  let cells = all.map((row) => row.filter((_, i) => keep[i]));
  let head = cols.map((col) => col.header ?? col.key);
  let hidden: string[] = [];
  if (width !== null) {
    ({ cols, cells, head, hidden } = fitToWidth(cols, head, cells, width, whole));
  } else {
    // No width known (a table written to a file or a pipe): long text is cut only where its column says so.
    cols.forEach((col, i) => {
      if (col.clip !== undefined) for (const row of cells) row[i] = clip(row[i], col.clip);
    });
  }
  drawTable(
    io,
    head.map((h) =>
      h
        .split('\n')
        .map((l) => c.bold(l))
        .join('\n'),
    ),
    cells,
    cols.map((col) => col.align ?? 'left'),
  );
  if (shown < rows.length) io.stdout.write(tn('table.more', rows.length - shown, { count: (rows.length - shown).toLocaleString('en-US') }) + '\n');
  if (hidden.length > 0) io.stdout.write(t('table.hidden', { columns: hidden.join(t('table.list-separator')) }) + '\n');
}

/**
 * A table drawn in box-drawing lines, each cell already wrapped or cut to fit: one pass over what
 * is printed. (cli-table3 measured a cell's whole text again for every line it drew, so a cell of
 * 40,000 characters over 400 lines took 30 s.) Written a row at a time.
 */
function drawTable(io: IO, head: string[], cells: string[][], aligns: ('left' | 'right')[]): void {
  const split = (row: string[]): { lines: string[][]; widths: number[][] } => {
    const lines = row.map((x) => x.split('\n'));
    return { lines, widths: lines.map((ls) => ls.map(displayWidth)) };
  };
  const headed = split(head);
  const body = cells.map(split);
  const widths = head.map((_, i) =>
    Math.max(
      maxOf(headed.widths[i]!, 0),
      maxOf(
        body.map((r) => maxOf(r.widths[i]!, 0)),
        0,
      ),
    ),
  );
  const rule = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r + '\n';
  const draw = (r: { lines: string[][]; widths: number[][] }): string => {
    const height = maxOf(
      r.lines.map((ls) => ls.length),
      1,
    );
    let out = '';
    for (let k = 0; k < height; k++) {
      out += '│';
      for (let i = 0; i < widths.length; i++) {
        const text = r.lines[i]![k] ?? '';
        const pad = ' '.repeat(widths[i]! - (r.widths[i]![k] ?? 0));
        out += ' ' + (aligns[i] === 'right' ? pad + text : text + pad) + ' │';
      }
      out += '\n';
    }
    return out;
  };
  io.stdout.write(rule('┌', '┬', '┐') + draw(headed) + rule('├', '┼', '┤'));
  for (let i = 0; i < body.length; i += 1000)
    io.stdout.write(
      body
        .slice(i, i + 1000)
        .map(draw)
        .join(''),
    );
  io.stdout.write(rule('└', '┴', '┘'));
}

/** A cell wrapped to `width`, at most CELL_LINES lines of it, the last ending in an ellipsis when there was more. */
function wrapLines(text: string, width: number): string {
  const lines = wrapText(text, width).split('\n');
  if (lines.length <= CELL_LINES) return lines.join('\n');
  return [...lines.slice(0, CELL_LINES - 1), cut(lines[CELL_LINES - 1]! + '…', width)].join('\n');
}

/** The most lines a wrapped cell takes on a terminal (--width shows it whole). */
const CELL_LINES = 10;

/** The most display columns a table cell takes before it is cut (a few lines of a wide terminal). */
export const CELL_MAX = 500;

/**
 * Which text a terminal may cut: 2 for prose (names, reasons, paths: cut first), 1 for short
 * codes (a tier, a stage, a segment: cut only when prose alone cannot make room), 0 for numbers,
 * ids, dates and times, which are never cut.
 */
function cuttable(col: Column, cells: string[][], i: number): 0 | 1 | 2 {
  if (col.align === 'right' || col.neverCut === true) return 0;
  if (/(^|_)(id|at|date|as_of|month|cohort)$|^(date|id)$/.test(col.key)) return 0;
  if (cells.every((row) => /^[\d\s.,:%/+-]*$/.test(row[i]!))) return 0;
  // Text whose every cell is one short token is a code, not prose.
  return cells.some((row) => /\s/.test(row[i]!.trim()) || displayWidth(row[i]!) > 16) ? 2 : 1;
}

/** One character's or colour code's place in a text: the code, and the columns it takes. */
const PIECES = /\x1b\[[0-9;]*m|[^]/gu;

/**
 * Text cut to `width` display columns with an ellipsis. A colour code (a risk level in red) is
 * kept whole, never cut in two, and a cut inside colour ends it, so the next cell is not coloured.
 * Linear, and it reads no further than the cut: a 200,000-character cell costs what its first
 * `width` characters cost.
 */
function cut(text: string, width: number): string {
  if (text.length <= width && isPlain(text)) return text;
  let out = '';
  let used = 0;
  let kept = -1; // where the text stands when it is cut: at most width - 1 columns, and the ellipsis
  let colouredAtKept = false;
  let coloured = false;
  for (const [token] of text.matchAll(PIECES)) {
    if (token.startsWith('\x1b[')) {
      out += token;
      coloured = token !== '\x1b[0m' && token !== '\x1b[39m';
      continue;
    }
    const w = charWidth(token);
    if (used + w > width - 1 && kept < 0) {
      kept = out.length;
      colouredAtKept = coloured;
    }
    used += w;
    if (used > width) return out.slice(0, kept) + '…' + (colouredAtKept ? '\x1b[39m' : '');
    out += token;
  }
  return text;
}

/**
 * Text cut to `width` display columns in the middle, keeping its end: a path keeps its base name
 * ("/srv/exports/…/orders-2024.csv"), with at least a few characters of its start.
 */
function cutMiddle(text: string, width: number): string {
  const chars = [...text];
  const base = chars.length - Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) - 1;
  const room = width - 1;
  const tailWant = Math.min(room - Math.min(4, Math.floor(room / 3)), Math.max(base + 1, Math.ceil(room / 2)));
  let from = chars.length;
  let tw = 0;
  while (from > 0 && tw + charWidth(chars[from - 1]!) <= tailWant) tw += charWidth(chars[--from]!);
  let to = 0;
  let hw = 0;
  while (to < from && hw + charWidth(chars[to]!) <= room - tw) hw += charWidth(chars[to++]!);
  return chars.slice(0, to).join('') + '…' + chars.slice(from).join('');
}

/** Text with no wide character, combining mark or escape code: its length is its width. */
function isPlain(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function charWidth(ch: string): number {
  return isPlain(ch) ? 1 : stringWidth(ch);
}

/** The longest piece a line cannot break inside: a word, or one Chinese character (with the punctuation that keeps to it). */
function longestWord(text: string): number {
  return maxOf(text.split(/\s+/).flatMap(breakUnits).map(displayWidth), 0);
}

/** The narrowest a cut column gets: a few characters and the ellipsis. */
const CUT_MIN = 6;
/** Prose cut no narrower than this before a droppable column is left out instead. */
const SNUG = 16;

/** A table's layout at a width: each column's width, whether text wider than it wraps (else it is cut), and the columns left out. */
export interface TablePlan {
  widths: number[];
  wrap: boolean;
  hidden: number[];
}

/**
 * How a table fits `width` terminal columns, one rule for every command, tried in this order
 * with the columns still shown:
 * 1. as it is;
 * 2. long text wrapped between words (each wrapped column at least 20 wide, or its longest word);
 * 3. headings wrapped between their words;
 * and when none fits, the column the command marked to go first (`drop`) is left out and the
 * three tried again: a column that matters little goes before any text is cut. With none left to
 * drop: prose cut to 16 columns, then to 6, then codes, then headings; as a last resort the
 * rightmost column left out (never the first). Ids, dates, numbers, money
 * and every column without `drop` are never cut or left out before that last resort.
 */
export function planTable(cols: Column[], head: string[], cells: string[][], width: number): TablePlan {
  const content = head.map((_, i) =>
    maxOf(
      cells.map((row) => displayWidth(row[i]!)),
      0,
    ),
  );
  const natural = head.map((h, i) => Math.max(content[i]!, displayWidth(h)));
  // A heading wraps only between its words, never inside one (a Chinese heading stays whole: 客户编号, not 客户编/号).
  const headWord = head.map((h) => maxOf(h.split(/\s+/).map(displayWidth), 0));
  const canCut = cols.map((col, i) => cuttable(col, cells, i));
  // How narrow a column may be wrapped: prose to its longest word, and a long text no narrower than
  // WRAP_MIN; a code or a number (one token) to its own width. A heading wraps between its words.
  // (A short prose column such as a name keeping its whole width left no room to wrap the reasons
  // of churn's watchlist at 80 columns, so they were cut to 16 characters instead.)
  const floors = head.map((_, i) =>
    Math.max(
      canCut[i] === 2
        ? maxOf(
            cells.map((row) => longestWord(row[i]!)),
            0,
          )
        : content[i]!,
      headWord[i]!,
      canCut[i] === 2 && natural[i]! > WRAP_MIN ? WRAP_MIN : 0,
    ),
  );
  const snug = natural.map((x, i) => Math.max(canCut[i]! > 0 ? Math.min(content[i]!, SNUG) : content[i]!, Math.min(headWord[i]!, x)));
  const hidden: number[] = [];
  const shown = (): number[] => natural.map((_, i) => i).filter((i) => !hidden.includes(i));
  const total = (w: readonly number[]): number => shown().reduce((a, i) => a + w[i]! + 3, 0) + 1;
  const plan = (w: number[], wrap: boolean): TablePlan => ({ widths: w, wrap, hidden: [...hidden].sort((a, b) => a - b) });
  // Prose cut to 16 columns first, then headings wrapped between their words, then the rest.
  const proseSnug = natural.map((x, i) => (canCut[i] === 2 ? Math.max(Math.min(content[i]!, SNUG), Math.min(headWord[i]!, x)) : x));
  const headed = natural.map((x, i) => Math.max(Math.min(content[i]!, proseSnug[i]!), Math.min(headWord[i]!, x)));
  const headOnly = natural.map((x, i) => Math.max(content[i]!, Math.min(headWord[i]!, x)));
  const drops = cols
    .map((col, i) => ({ i, rank: col.drop }))
    .filter((d): d is { i: number; rank: number } => d.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || b.i - a.i)
    .map((d) => d.i);
  for (;;) {
    const idx = shown();
    if (total(natural) <= width) return plan(natural, false);
    const fit = fitColumns(
      idx.map((i) => natural[i]!),
      idx.map((i) => floors[i]!),
      width,
    );
    if (Array.isArray(fit)) {
      const w = natural.slice();
      idx.forEach((i, k) => (w[i] = fit[k] === null ? natural[i]! : fit[k]! - 2));
      return plan(w, true);
    }
    if (total(headOnly) <= width) return plan(narrowed(natural, [headOnly], canCut, width, total, hidden), false);
    const next = drops.shift();
    if (next === undefined) break;
    hidden.push(next);
  }
  // Nothing left that may go: prose cut, then harder, and as a last resort the rightmost columns left out.
  if (total(snug) <= width) return plan(narrowed(natural, [proseSnug, headed, snug], canCut, width, total, hidden), false);
  const narrow = natural.map((x, i) => (canCut[i]! > 0 ? Math.min(x, CUT_MIN) : Math.max(content[i]!, Math.min(x, CUT_MIN))));
  for (;;) {
    const idx = shown();
    if (total(narrow) <= width || idx.length <= 1) break;
    hidden.push(idx[idx.length - 1]!);
  }
  return plan(narrowed(natural, [proseSnug, headed, snug, narrow], canCut, width, total, hidden), false);
}

/**
 * Widths cut down from the natural ones until the table fits, in stages: each stage takes
 * columns down towards its floors, the widest first, prose before codes before the rest.
 */
function narrowed(
  natural: readonly number[],
  stages: (readonly number[])[],
  canCut: readonly (0 | 1 | 2)[],
  width: number,
  total: (w: readonly number[]) => number,
  hidden: readonly number[],
): number[] {
  const w = natural.slice();
  for (const floor of stages) {
    for (const level of [2, 1, 0]) {
      while (total(w) > width) {
        let widest = -1;
        for (let i = 0; i < w.length; i++)
          if (canCut[i] === level && !hidden.includes(i) && w[i]! > floor[i]! && (widest < 0 || w[i]! > w[widest]!)) widest = i;
        if (widest < 0) break;
        w[widest]!--;
      }
    }
  }
  return w;
}

/** Columns a string takes on a terminal, as the table library measures it (escape codes none, wide characters two). */
export function displayWidth(s: string): number {
  return isPlain(s) ? s.length : stringWidth(s);
}

/**
 * Column widths (content plus a space each side) that fit a table into `width`
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
export function printRecord(
  io: IO,
  format: Format,
  record: Record<string, unknown>,
  labels: Record<string, string> = {},
  units: MoneyUnits | null = null,
): void {
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
