/**
 * The one printer. A command says what it shows (rows with their column specs, one record, a JSON
 * value, a drawing for people, a document, a stream of rows) and the printer picks the medium from
 * the global options: a table (or the command's own drawing) on a terminal, CSV when piped, JSON
 * when asked; a document (a report) is Markdown when piped, or Markdown or HTML when asked. No
 * command looks at --format itself; the table, CSV and JSON writers are output.ts's.
 */
import type { Chalk } from 'chalk';
import { stringify } from 'csv-stringify/sync';
import type { IO } from './io.js';
import type { MoneyUnits } from '../core/moneyOut.js';
import { breathe, pacer } from '../sys/signals.js';
import { chalkFor, csvValue, printRecord, printRows, resolveFormat, type AskedFormat, type Column, type Format, type RowSource } from './output.js';

/** What a command prints in one medium. */
export type Shape =
  /** Rows under column specs: a table, CSV, or a JSON array of objects. */
  | { rows: RowSource; columns: Column[]; terminalRows?: number | null; units?: MoneyUnits | null }
  /** One record: key/value lines, a one-row CSV, or a JSON object. */
  | { record: Record<string, unknown>; labels?: Record<string, string>; units?: MoneyUnits | null }
  /** A JSON document, indented (or on one line), as the command built it. */
  | { value: unknown; oneLine?: boolean }
  /** A drawing for people on a terminal (a card, sections with headings), drawn with the printer's pens. */
  | { draw: (pen: Pen) => void }
  /** A document already written in its medium's language (a report's Markdown or HTML), written as it is. */
  | { document: string };

/** A shape, or how to make it: made only when its medium is the one printed (a CSV table that may not exist). */
export type Showing = Shape | (() => Shape);

/**
 * What a command shows: one shape for every medium (`data`), or a shape per medium where they
 * differ (a JSON document beside CSV rows and a drawing for people); a medium not named gets `data`.
 * Markdown and HTML are the media of documents (`show(..., 'document')`) only.
 */
export interface Shown {
  data?: Showing;
  table?: Showing;
  csv?: Showing;
  json?: Showing;
  md?: Showing;
  html?: Showing;
}

/** What is shown: data (a table for people, CSV for programs) or a document (a report: Markdown when piped). */
export type Kind = 'data' | 'document';

/** What a drawing writes with: text lines, tables and records in the terminal's rule, and colour. */
export interface Pen {
  readonly io: IO;
  readonly chalk: InstanceType<typeof Chalk>;
  /** Text as it is (the caller ends its lines). */
  write(text: string): void;
  /** One line of text. */
  line(text?: string): void;
  rows(columns: Column[], rows: RowSource, terminalRows?: number | null): void;
  record(record: Record<string, unknown>, labels?: Record<string, string>): void;
}

interface Where {
  io: IO;
  format?: string;
}

/**
 * The medium a run prints in: a table on a terminal, else CSV for data and Markdown for a
 * document, unless --format says otherwise (Markdown and HTML only for documents).
 */
export function mediumOf(where: Where, kind: Kind = 'data'): AskedFormat {
  if (kind === 'document') return (where.format as AskedFormat | undefined) ?? (where.io.stdoutIsTTY ? 'table' : 'md');
  return resolveFormat(where.format, where.io);
}

/** True when what is printed is read by a person (a table, a Markdown or HTML document), not parsed by a program. */
export function forPeople(where: Where, kind: Kind = 'data'): boolean {
  const medium = mediumOf(where, kind);
  return medium !== 'csv' && medium !== 'json';
}

function penFor(io: IO): Pen {
  return {
    io,
    chalk: chalkFor(io),
    write: (text) => void io.stdout.write(text),
    line: (text = '') => void io.stdout.write(text + '\n'),
    rows: (columns, rows, terminalRows = null) => printRows(io, 'table', columns, rows, terminalRows),
    record: (record, labels = {}) => printRecord(io, 'table', record, labels),
  };
}

/** Prints what a command shows in the medium the run asked for. */
export function show(where: Where, shown: Shown, kind: Kind = 'data'): void {
  const medium = mediumOf(where, kind);
  const showing = shown[medium] ?? shown.data;
  if (showing === undefined) return;
  // Markdown and HTML documents are for people: anything else in them is drawn as for a terminal.
  printShape(where.io, medium === 'md' || medium === 'html' ? 'table' : medium, typeof showing === 'function' ? showing() : showing);
}

function printShape(io: IO, format: Format, shape: Shape): void {
  if ('draw' in shape) return shape.draw(penFor(io));
  if ('document' in shape) return void io.stdout.write(shape.document);
  if ('value' in shape) return void io.stdout.write((shape.oneLine === true ? JSON.stringify(shape.value) : JSON.stringify(shape.value, null, 2)) + '\n');
  if ('record' in shape) return printRecord(io, format, shape.record, shape.labels ?? {}, shape.units ?? null);
  printRows(io, format, shape.columns, shape.rows, shape.terminalRows ?? null, shape.units ?? null);
}

/**
 * Rows streamed to a program, a batch at a time (an export of a million rows never sits in memory):
 * each row its values in the order of `keys`. CSV writes `keys` as its header; JSON one object
 * per row, on a line of its own, in one array.
 */
export interface RowStream {
  keys: readonly string[];
  batches: AsyncIterable<unknown[][]>;
  /** How a CSV cell is written when not as csvValue writes it (a phone number for Excel). */
  csvCell?: (key: string, v: unknown) => string | number;
  /** CSV: start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  bom?: boolean;
}

/**
 * Streams rows to a program, in CSV unless --format json (a stream is never a table). Each
 * medium's stream is made only when it is the one printed; between rows the event loop gets a
 * turn every 20 ms, so a signal caught while --out is written is handled within that (and a slow
 * reader of stdout drains). Returns how many rows were written.
 */
export async function showStream(where: Where, streams: { csv: () => Promise<RowStream>; json: () => Promise<RowStream> }): Promise<number> {
  return where.format === 'json' ? jsonStream(where.io, await streams.json()) : csvStream(where.io, await streams.csv());
}

async function csvStream(io: IO, s: RowStream): Promise<number> {
  const pace = pacer();
  const cellOf = s.csvCell ?? ((_key: string, v: unknown) => csvValue(v));
  let n = 0;
  let chunk: unknown[][] = [];
  io.stdout.write((s.bom === true ? '\ufeff' : '') + stringify([s.keys.map(csvValue)]));
  for await (const batch of s.batches) {
    for (const row of batch) {
      chunk.push(s.keys.map((k, i) => cellOf(k, row[i])));
      if (chunk.length >= 1000) {
        io.stdout.write(stringify(chunk));
        chunk = [];
      }
      n++;
      if (pace.due()) await breathe();
    }
  }
  io.stdout.write(stringify(chunk));
  return n;
}

async function jsonStream(io: IO, s: RowStream): Promise<number> {
  const pace = pacer();
  let n = 0;
  io.stdout.write('[');
  for await (const batch of s.batches) {
    for (const row of batch) {
      io.stdout.write((n === 0 ? '\n  ' : ',\n  ') + JSON.stringify(Object.fromEntries(s.keys.map((k, i) => [k, row[i] ?? null]))));
      n++;
      if (pace.due()) await breathe();
    }
  }
  io.stdout.write(n === 0 ? ']\n' : '\n]\n');
  return n;
}
