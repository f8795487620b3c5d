/**
 * The one printer. A command says what it shows (rows with their column specs, one record, a JSON
 * value, a drawing for people) and the printer picks the medium from the global options: a table
 * (or the command's own drawing) on a terminal, CSV when piped, JSON when asked. No command looks
 * at --format itself; the table, CSV and JSON writers are output.ts's.
 */
import type { Chalk } from 'chalk';
import type { IO } from './io.js';
import type { MoneyUnits } from '../core/moneyOut.js';
import { chalkFor, printRecord, printRows, resolveFormat, type Column, type Format, type RowSource } from './output.js';

/** What a command prints in one medium. */
export type Shape =
  /** Rows under column specs: a table, CSV, or a JSON array of objects. */
  | { rows: RowSource; columns: Column[]; terminalRows?: number | null; units?: MoneyUnits | null }
  /** One record: key/value lines, a one-row CSV, or a JSON object. */
  | { record: Record<string, unknown>; labels?: Record<string, string>; units?: MoneyUnits | null }
  /** A JSON document, indented (or on one line), as the command built it. */
  | { value: unknown; oneLine?: boolean }
  /** A drawing for people on a terminal (a card, sections with headings), drawn with the printer's pens. */
  | { draw: (pen: Pen) => void };

/**
 * What a command shows: one shape for every medium (`data`), or a shape per medium where they
 * differ (a JSON document beside CSV rows and a drawing for people); a medium not named gets `data`.
 */
export interface Shown {
  data?: Shape;
  table?: Shape;
  csv?: Shape;
  json?: Shape;
}

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

/** The medium a run prints in: a table on a terminal, CSV when piped, unless --format says otherwise. */
export function mediumOf(where: Where): Format {
  return resolveFormat(where.format, where.io);
}

/** True when what is printed is read by a person (a table), not parsed by a program. */
export function forPeople(where: Where): boolean {
  return mediumOf(where) === 'table';
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
export function show(where: Where, shown: Shown): void {
  const format = mediumOf(where);
  const shape = shown[format] ?? shown.data;
  if (shape === undefined) return;
  printShape(where.io, format, shape);
}

function printShape(io: IO, format: Format, shape: Shape): void {
  if ('draw' in shape) return shape.draw(penFor(io));
  if ('value' in shape) return void io.stdout.write((shape.oneLine === true ? JSON.stringify(shape.value) : JSON.stringify(shape.value, null, 2)) + '\n');
  if ('record' in shape) return printRecord(io, format, shape.record, shape.labels ?? {}, shape.units ?? null);
  printRows(io, format, shape.columns, shape.rows, shape.terminalRows ?? null, shape.units ?? null);
}
