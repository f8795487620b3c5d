/**
 * A streaming CSV reader over decoded text (RFC 4180 with the leniencies real exports need).
 *
 * Why our own and not csv-parse: the import is measured against sqlite3's `.import`, and parsing
 * was two thirds of a tuned importer's time in the team's measurements. Nearly every line of a sales
 * export has no quote at all, so a line without '"' is split with String#split; only lines with
 * a quote go through the state machine. test/core/csv.test.ts checks it against csv-parse on
 * generated inputs.
 *
 * Leniencies: a quote inside an unquoted field is literal (`24" screen`); text after a closing
 * quote is kept (`"a"b` -> `ab`) on a record of one line; CRLF, LF.
 *
 * A quoted field that runs over a line break is taken as one only when it is plausibly a
 * multi-line field: the record it makes has the header's number of fields, no line inside it is
 * a row of its own, and every quote that closes a field in it is followed by the delimiter or the
 * end of the line. A stray quote (`C1,…,"Large mug`) breaks the last rule wherever it ends: the
 * quote it meets later opens a field of another row (`C2,…,"Special" blend`), so text follows it.
 * Otherwise, and for a quote open at the end or after `maxRecordChars`, only the line the quote
 * opened on is lost: it is a bad record and the lines after it are read again.
 */
import { CoreError, phrase } from './words.js';

export interface CsvSink {
  /** One record: its fields, the line it starts on, and its raw text (for rejects). */
  record(fields: string[], line: number, raw: string): void;
  /** A record that could not be read at all (unterminated quote, too long). */
  bad(raw: string, line: number, reason: string): void;
}

export interface CsvOptions {
  delimiter: string;
  /**
   * The header's field count. A record that spans lines but does not come out with this many
   * fields is taken for a stray quote: its first line is given up and the lines after it are
   * read again as records of their own, so one bad quote cannot swallow the rows below it.
   */
  expectedFields?: number;
  /** Longest record, in characters, before an open quote is given up. */
  maxRecordChars?: number;
}

const QUOTE = 34;

export class CsvParser {
  /** Physical lines consumed so far. */
  lines = 0;
  blankLines = 0;
  /** The input did not end with a newline (its last line may be truncated). */
  endedWithoutNewline = false;
  private carry = '';
  private readonly delim: string;
  private readonly maxRecordChars: number;
  private expectedFields: number | undefined;
  // State of a record that spans lines (a quoted field with a newline in it).
  private pending = false;
  private inQuotes = false;
  private fields: string[] = [];
  private cur = '';
  private startLine = 0;
  private rawLines: string[] = [];
  private rawChars = 0;
  /** Text followed a closing quote in the record being read (`"a"b`): a stray quote's mark when the record spans lines. */
  private looseClose = false;

  constructor(
    options: CsvOptions,
    private readonly sink: CsvSink,
  ) {
    if (options.delimiter.length !== 1 || options.delimiter === '"' || options.delimiter === '\n') {
      throw new CoreError(phrase('core.csv.bad-delimiter'));
    }
    this.delim = options.delimiter;
    this.maxRecordChars = options.maxRecordChars ?? 16 * 1024 * 1024;
    this.expectedFields = options.expectedFields;
  }

  /** Sets the header's field count once the header is read (see CsvOptions.expectedFields). */
  expectFields(n: number): void {
    this.expectedFields = n;
  }

  push(text: string): void {
    const buf = this.carry.length > 0 ? this.carry + text : text;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf('\n', pos);
      if (nl < 0) break;
      const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(buf.slice(pos, end));
      pos = nl + 1;
    }
    this.carry = pos === 0 ? buf : buf.slice(pos);
    // A line longer than the record limit with no newline yet: give it up now, so memory stays
    // bounded whatever the input. The rest of that line, up to its newline, is dropped with it.
    if (this.carry.length > this.maxRecordChars) {
      if (this.pending) {
        const raw = this.rawLines.join('\n');
        this.sink.bad(
          raw.slice(0, this.maxRecordChars),
          this.startLine,
          `quoted field opened on line ${this.startLine} is not closed within ${this.maxRecordChars} characters${raw.length > this.maxRecordChars ? this.cutNote() : ''}`,
        );
        this.resetPending();
      } else if (!this.skipRestOfLine) {
        this.sink.bad(this.carry.slice(0, this.maxRecordChars), this.lines + 1, `line is longer than ${this.maxRecordChars} characters${this.cutNote()}`);
      }
      this.carry = '';
      this.skipRestOfLine = true;
    }
  }

  /** Said in the reason of a reject whose raw text is not whole, so nobody takes it for the line. */
  private cutNote(): string {
    return `; raw text cut: only its first ${this.maxRecordChars.toLocaleString('en-US')} characters are kept, the rest of the line was dropped`;
  }

  /** Set after a too-long line was given up: the rest of it, up to the next newline, is dropped into that reject. */
  private skipRestOfLine = false;

  end(): void {
    if (this.carry.length > 0) {
      this.endedWithoutNewline = true;
      const last = this.carry.endsWith('\r') ? this.carry.slice(0, -1) : this.carry;
      this.carry = '';
      this.line(last);
    }
    // Recovering may leave another record open (a second stray quote), so until none is.
    while (this.pending) this.recover(`a quote opened on line ${this.startLine} is never closed`);
  }

  /** Gives up the first line of the open record as bad and reads the lines after it again. */
  private recover(reason: string): void {
    const [first, ...rest] = this.rawLines;
    const start = this.startLine;
    this.resetPending();
    this.sink.bad(first ?? '', start, reason);
    this.lines = start;
    for (const l of rest) this.line(l);
  }

  private line(text: string): void {
    this.lines++;
    if (this.skipRestOfLine) {
      this.skipRestOfLine = false;
      return;
    }
    if (this.pending) {
      this.rawLines.push(text);
      this.rawChars += text.length + 1;
      if (this.scan(text, 0)) this.finishPending();
      else if (this.rawChars > this.maxRecordChars)
        this.recover(`a quote opened on line ${this.startLine} is not closed within ${this.maxRecordChars} characters`);
      return;
    }
    if (text.length === 0) {
      this.blankLines++;
      return;
    }
    if (text.indexOf('"') < 0) {
      this.sink.record(text.split(this.delim), this.lines, text);
      return;
    }
    this.fields = [];
    this.cur = '';
    this.inQuotes = false;
    this.looseClose = false;
    if (this.scan(text, 0)) {
      const fields = this.fields;
      this.fields = [];
      this.sink.record(fields, this.lines, text);
    } else {
      this.pending = true;
      this.startLine = this.lines;
      this.rawLines = [text];
      this.rawChars = text.length;
    }
  }

  /** Reads fields from `line` at `i`; true when the record ends on this line. */
  private scan(line: string, i: number): boolean {
    const d = this.delim;
    const n = line.length;
    for (;;) {
      if (this.inQuotes) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          this.cur += line.slice(i) + '\n';
          return false;
        }
        this.cur += line.slice(i, q);
        if (line.charCodeAt(q + 1) === QUOTE) {
          this.cur += '"';
          i = q + 2;
          continue;
        }
        this.inQuotes = false;
        i = q + 1;
        const j = line.indexOf(d, i);
        const end = j < 0 ? n : j;
        if (end > i) {
          this.cur += line.slice(i, end);
          this.looseClose = true;
        }
        this.fields.push(this.cur);
        this.cur = '';
        if (j < 0) return true;
        i = j + 1;
      } else {
        if (line.charCodeAt(i) === QUOTE) {
          this.inQuotes = true;
          i++;
          continue;
        }
        const j = line.indexOf(d, i);
        if (j < 0) {
          this.fields.push(line.slice(i));
          return true;
        }
        this.fields.push(line.slice(i, j));
        i = j + 1;
      }
    }
  }

  private finishPending(): void {
    const want = this.expectedFields;
    if (this.looseClose) {
      this.recover(`a quote opened on line ${this.startLine} closes only on line ${this.lines}, with text after it: a stray quote`);
      return;
    }
    if (want !== undefined && this.fields.length !== want) {
      this.recover(`a quote opened on line ${this.startLine} closes only on line ${this.lines}, giving ${this.fields.length} fields instead of ${want}`);
      return;
    }
    // A line inside the quoted field that is a whole record by itself (no quote, the header's
    // number of fields, three or more) is a row the stray quote swallowed, not text of a note.
    if (want !== undefined && want >= 3) {
      for (let i = 1; i < this.rawLines.length - 1; i++) {
        const l = this.rawLines[i]!;
        if (l.indexOf('"') < 0 && l.split(this.delim).length === want) {
          this.recover(`a quote opened on line ${this.startLine} runs over line ${this.startLine + i}, which is a row of its own`);
          return;
        }
      }
    }
    const fields = this.fields;
    const raw = this.rawLines.join('\n');
    const line = this.startLine;
    this.resetPending();
    this.sink.record(fields, line, raw);
  }

  private resetPending(): void {
    this.pending = false;
    this.inQuotes = false;
    this.fields = [];
    this.cur = '';
    this.rawLines = [];
    this.rawChars = 0;
  }
}

/** Parses a small text whole (headers, samples, tests). */
export function parseAll(text: string, delimiter: string): string[][] {
  const out: string[][] = [];
  const p = new CsvParser({ delimiter }, { record: (f) => out.push(f), bad: () => {} });
  p.push(text);
  p.end();
  return out;
}

const CANDIDATES = [',', ';', '\t', '|'];

/**
 * Picks the delimiter from the first lines of a file: the candidate that splits the header into
 * the most fields while the following lines agree with the header's count.
 */
export function sniffDelimiter(sample: string): string {
  // Drop a possibly partial last line.
  const cut = sample.lastIndexOf('\n');
  const text = cut > 0 ? sample.slice(0, cut + 1) : sample;
  let best = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const rows = parseAll(text, d).slice(0, 50);
    if (rows.length === 0) continue;
    const width = rows[0]!.length;
    if (width < 2) continue;
    const agree = rows.filter((r) => r.length === width).length / rows.length;
    const score = agree * 1000 + width;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
