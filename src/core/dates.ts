/**
 * Date reading. Pure: no I/O. Dates are stored as ISO text: "YYYY-MM-DD", times as "HH:MM:SS".
 *
 * ISO dates and date-times are read as they are (a zone offset is not applied: the date and time
 * are kept as the business wrote them). Anything else needs a layout: given with --date-format
 * (tokens YYYY YY MMMM MMM MM M DD D HH H hh h mm ss A), or detected from the whole column when
 * the column itself settles it (a day above 12 somewhere), or when, of the readings that read
 * every date, one is clearly the plausible one for a sales file (DateReadings: a compact span of
 * years in the past, in row order, beside the file's other dates). Otherwise we do not guess
 * between day/month, month/day and year first: the import asks.
 */
import { CoreError, phrase, type Phrase } from './words.js';
import { dayIndex, isoDay } from './measures.js';

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS[month - 1] ?? 0;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function monthFromName(name: string): number {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  if (i < 0) return 0;
  // "Sept" and full names are fine; "Mayo" is not.
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][i]!;
  const lower = name.toLowerCase();
  return lower.length === 3 || full.startsWith(lower) || lower === 'sept' ? i + 1 : 0;
}

/** Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999 (the POSIX strptime pivot). */
export function expandYear(yy: number): number {
  return yy <= 68 ? 2000 + yy : 1900 + yy;
}

/** A reader's reason before it has refused anything. */
const NOT_READ: Phrase = { key: 'core.date.empty' };

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * A reusable date reader. `parse(text)` returns true and sets `date` (and `time`, or null), or
 * returns false and sets `reason` (a phrase, worded in English where the rejects keep it).
 */
export interface DateReader {
  parse(text: string): boolean;
  date: string;
  time: string | null;
  reason: Phrase;
  /** A name for the layout, for messages: "ISO", "DD/MM/YYYY HH:mm". */
  readonly layout: string;
}

function checkParts(r: { reason: Phrase }, y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR) {
    r.reason = { key: 'core.date.year-range', vars: { year: y, min: MIN_YEAR, max: MAX_YEAR } };
    return false;
  }
  if (mo < 1 || mo > 12) {
    r.reason = { key: 'core.date.no-month', vars: { month: mo } };
    return false;
  }
  if (d < 1 || d > daysInMonth(y, mo)) {
    r.reason = { key: 'core.date.no-day', vars: { day: d, month: `${y}-${pad2(mo)}` } };
    return false;
  }
  if (h > 23 || mi > 59 || s > 59) {
    r.reason = { key: 'core.date.no-time', vars: { time: `${pad2(h)}:${pad2(mi)}:${pad2(s)}` } };
    return false;
  }
  return true;
}

/** ISO 8601: 2024-03-05, 2024-03-05T14:30, 2024-03-05 14:30:00.123+08:00, 2024-03-05T14:30:00Z. */
export class IsoDateReader implements DateReader {
  date = '';
  time: string | null = null;
  reason: Phrase = NOT_READ;
  readonly layout = 'ISO (YYYY-MM-DD)';

  parse(text: string): boolean {
    const s = text.length > 0 && (text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32) ? text.trim() : text;
    const n = s.length;
    if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return this.fail(s);
    const y = num(s, 0, 4);
    const mo = num(s, 5, 2);
    const d = num(s, 8, 2);
    if (y < 0 || mo < 0 || d < 0) return this.fail(s);
    let h = 0;
    let mi = 0;
    let sec = 0;
    let hasTime = false;
    if (n > 10) {
      const sep = s.charCodeAt(10);
      if ((sep !== 84 /* T */ && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return this.looseTime(s, y, mo, d);
      h = num(s, 11, 2);
      mi = num(s, 14, 2);
      if (h < 0 || mi < 0) return this.fail(s);
      let i = 16;
      if (i < n && s.charCodeAt(i) === 58) {
        sec = num(s, 17, 2);
        if (sec < 0) return this.fail(s);
        i = 19;
        if (i < n && s.charCodeAt(i) === 46) {
          i++;
          while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        }
      }
      if (i < n && !/^(Z|[+-]\d\d(:?\d\d)?)$/.test(s.slice(i))) return this.looseTime(s, y, mo, d); // "09:05 PM"
      hasTime = true;
    }
    if (!checkParts(this, y, mo, d, h, mi, sec)) return false;
    this.date = n === 10 ? s : s.slice(0, 10);
    this.time = hasTime ? `${pad2(h)}:${pad2(mi)}:${pad2(sec)}` : null;
    return true;
  }

  /** The slower reading of a time after an ISO date: a one-digit hour ("2024-03-05 9:30"), AM/PM. */
  private looseTime(s: string, y: number, mo: number, d: number): boolean {
    const m = /^.{10}[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?(Z|[+-]\d\d(:?\d\d)?)?$/.exec(s);
    if (!m) return this.fail(s);
    let h = Number(m[1]);
    if (m[4] !== undefined) {
      if (h < 1 || h > 12) return this.fail(s);
      h = (h % 12) + (m[4].toLowerCase() === 'pm' ? 12 : 0);
    }
    const mi = Number(m[2]);
    const sec = m[3] === undefined ? 0 : Number(m[3]);
    if (!checkParts(this, y, mo, d, h, mi, sec)) return false;
    this.date = s.slice(0, 10);
    this.time = `${pad2(h)}:${pad2(mi)}:${pad2(sec)}`;
    return true;
  }

  private fail(s: string): boolean {
    this.reason = s === '' ? { key: 'core.date.empty' } : { key: 'core.date.not-iso', vars: { value: s } };
    return false;
  }
}

/** Excel's serial day numbers (1 is 1900-01-01; the 1900 leap-day bug makes day 0 1899-12-30 for serials after 60). */
export class ExcelDateReader implements DateReader {
  date = '';
  time: string | null = null;
  reason: Phrase = NOT_READ;
  readonly layout = 'excel';

  parse(text: string): boolean {
    const s = text.trim();
    if (!/^\d{1,7}(\.\d+)?$/.test(s)) {
      this.reason = s === '' ? { key: 'core.date.empty' } : { key: 'core.date.not-serial', vars: { value: s } };
      return false;
    }
    // Time of day to the second, then the day: 45123.999999 rounds to midnight of the next day.
    const seconds = Math.round(Number(s) * 86_400);
    const days = Math.floor(seconds / 86_400);
    if (days === 60) {
      this.reason = { key: 'core.date.excel-leap', vars: { value: s } };
      return false;
    }
    // Serials count from 1900-01-01 = 1; after the phantom 1900-02-29 (60) they are one ahead.
    const ms = Date.UTC(1899, 11, days < 60 ? 31 : 30) + days * 86_400_000;
    const iso = new Date(ms).toISOString();
    const y = Number(iso.slice(0, 4));
    if (days < 1 || y < MIN_YEAR || y > MAX_YEAR) {
      this.reason = { key: 'core.date.serial-range', vars: { value: s, min: MIN_YEAR, max: MAX_YEAR } };
      return false;
    }
    this.date = iso.slice(0, 10);
    const secs = seconds - days * 86_400;
    this.time = secs > 0 ? `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}` : null;
    return true;
  }
}

/** Non-negative integer from `len` digits at `at`, or -1. */
function num(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

type Part = 'Y4' | 'Y2' | 'M' | 'MON' | 'D' | 'H24' | 'H12' | 'm' | 's' | 'A';

const TOKENS: [string, Part, string][] = [
  ['YYYY', 'Y4', '(\\d{4})'],
  ['YY', 'Y2', '(\\d{2})'],
  ['MMMM', 'MON', '([A-Za-z]{3,9}\\.?)'],
  ['MMM', 'MON', '([A-Za-z]{3,4}\\.?)'],
  ['MM', 'M', '(\\d{1,2})'],
  ['M', 'M', '(\\d{1,2})'],
  ['DD', 'D', '(\\d{1,2})'],
  ['D', 'D', '(\\d{1,2})'],
  ['HH', 'H24', '(\\d{1,2})'],
  ['H', 'H24', '(\\d{1,2})'],
  ['hh', 'H12', '(\\d{1,2})'],
  ['h', 'H12', '(\\d{1,2})'],
  ['mm', 'm', '(\\d{2})'],
  ['ss', 's', '(\\d{2})'],
  ['A', 'A', '([AaPp][Mm])'],
  ['a', 'A', '([AaPp][Mm])'],
];

/** Thrown for a --date-format that cannot be used; the command turns it into a usage error. */
export class DateFormatError extends CoreError {}

/**
 * A reader for an explicit layout such as "DD/MM/YYYY HH:mm" or "M/D/YYYY" or "DD-MMM-YY".
 * Day, month and hour fields accept one or two digits ("3/7/2024" reads with "DD/MM/YYYY").
 * A date-only layout also accepts a trailing time ("H:mm", "H:mm:ss", with AM/PM or not), so a
 * column where only some values carry a time still reads.
 */
export class FormatDateReader implements DateReader {
  date = '';
  time: string | null = null;
  reason: Phrase = NOT_READ;
  private readonly re: RegExp;
  private readonly parts: Part[] = [];
  private readonly hasTime: boolean;

  constructor(readonly layout: string) {
    let re = '';
    let i = 0;
    let hasYear = false;
    let hasMonth = false;
    let hasDay = false;
    while (i < layout.length) {
      const tok = TOKENS.find(([t]) => layout.startsWith(t, i));
      if (tok) {
        const [t, part, pattern] = tok;
        this.parts.push(part);
        re += pattern;
        i += t.length;
        if (part === 'Y4' || part === 'Y2') hasYear = true;
        if (part === 'M' || part === 'MON') hasMonth = true;
        if (part === 'D') hasDay = true;
        continue;
      }
      const ch = layout[i]!;
      if (/[A-Za-z]/.test(ch)) {
        throw new DateFormatError(phrase('core.date-format.unknown-token', { layout, rest: layout.slice(i) }));
      }
      re += ch === ' ' ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
    if (!hasYear || !hasMonth || !hasDay) {
      throw new DateFormatError(phrase('core.date-format.incomplete', { layout }));
    }
    this.hasTime = this.parts.includes('H24') || this.parts.includes('H12');
    if (this.parts.includes('H12') && !this.parts.includes('A')) {
      throw new DateFormatError(phrase('core.date-format.needs-ampm', { layout }));
    }
    const tail = this.hasTime ? '' : '(?:[T ]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:\\s*([AaPp][Mm]))?)?';
    this.re = new RegExp('^' + re + tail + '$');
  }

  parse(text: string): boolean {
    const s = text.trim();
    const m = this.re.exec(s);
    if (!m) {
      this.reason = s === '' ? { key: 'core.date.empty' } : { key: 'core.date.not-layout', vars: { value: s, layout: this.layout } };
      return false;
    }
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let sec = 0;
    let pm: boolean | null = null;
    let timeSeen = this.hasTime;
    for (let k = 0; k < this.parts.length; k++) {
      const v = m[k + 1]!;
      switch (this.parts[k]) {
        case 'Y4':
          y = Number(v);
          break;
        case 'Y2':
          y = expandYear(Number(v));
          break;
        case 'M':
          mo = Number(v);
          break;
        case 'MON':
          mo = monthFromName(v.replace(/\.$/, ''));
          if (mo === 0) {
            this.reason = { key: 'core.date.not-month-name', vars: { value: v } };
            return false;
          }
          break;
        case 'D':
          d = Number(v);
          break;
        case 'H24':
          h = Number(v);
          break;
        case 'H12':
          h = Number(v);
          break;
        case 'm':
          mi = Number(v);
          break;
        case 's':
          sec = Number(v);
          break;
        case 'A':
          pm = v.toLowerCase() === 'pm';
          break;
      }
    }
    if (pm !== null) {
      if (h < 1 || h > 12) {
        this.reason = { key: 'core.date.hour-12', vars: { hour: h } };
        return false;
      }
      h = (h % 12) + (pm ? 12 : 0);
    }
    if (!this.hasTime && m[this.parts.length + 1] !== undefined) {
      h = Number(m[this.parts.length + 1]);
      mi = Number(m[this.parts.length + 2]);
      sec = m[this.parts.length + 3] !== undefined ? Number(m[this.parts.length + 3]) : 0;
      const ampm = m[this.parts.length + 4];
      if (ampm !== undefined) {
        if (h < 1 || h > 12) {
          this.reason = { key: 'core.date.hour-12', vars: { hour: h } };
          return false;
        }
        h = (h % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
      }
      timeSeen = true;
    }
    if (!checkParts(this, y, mo, d, h, mi, sec)) return false;
    this.date = `${y}-${pad2(mo)}-${pad2(d)}`;
    this.time = timeSeen ? `${pad2(h)}:${pad2(mi)}:${pad2(sec)}` : null;
    return true;
  }
}

/**
 * Watches the values of a date column and settles its layout, or says why it cannot.
 * Feed it values with `see`; `verdict()` tells the layout, or that more data is needed, or
 * that the column is ambiguous / unreadable.
 */
export type DateVerdict =
  | { kind: 'layout'; layout: string | 'ISO'; evidence: string }
  | { kind: 'undecided'; example: string; candidates: string[]; conflict: boolean }
  | { kind: 'unknown'; example: string };

const NUMERIC = /^(\d{1,4})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:([ T]+)(\d{1,2}):(\d{2})(:\d{2})?(\s*[AaPp][Mm])?)?$/;
/** "14-Jan-15", "3 March 2024", "14/Jan/2015": a number, a month name, a number (with an optional time after). */
const NAMED = /^(\d{1,4})([-/. ])([A-Za-z]{3,9})\.?\2(\d{1,4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$/;
const YMD = /^(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(:\d{2})?)?$/;

export class DateSniffer {
  private iso = 0;
  private numeric = 0;
  private ymd = 0;
  private other = 0;
  private firstOver12: { value: string; line: number } | null = null;
  private secondOver12: { value: string; line: number } | null = null;
  private example = '';
  private otherExample = '';
  private sep = '/';
  private yearDigits = 4;
  private readonly iso8601 = new IsoDateReader();
  /** Month-name dates ("14-Jan-15"): the values of the number before and after the month. */
  private named = 0;
  private namedExample = '';
  private namedSep = '-';
  private namedLong = false;
  private readonly namedFirst = new Map<number, string>();
  private readonly namedLast = new Map<number, string>();
  private namedFirstDigits = 0;
  private namedLastDigits = 0;

  see(value: string, line: number): void {
    const v = value.trim();
    if (v === '') return;
    // ISO by its shape: "2024-02-30" is an ISO date that does not exist (a reject), not another layout.
    if (this.iso8601.parse(v) || /^\d{4}-\d{2}-\d{2}(?:$|[T ])/.test(v)) {
      this.iso++;
      return;
    }
    const y = YMD.exec(v);
    if (y) {
      this.ymd++;
      this.sep = y[2]!;
      return;
    }
    const n = NAMED.exec(v);
    if (n && monthFromName(n[3]!) > 0) {
      this.named++;
      if (!this.namedExample) this.namedExample = v;
      this.namedSep = n[2]!;
      if (n[3]!.length > 4) this.namedLong = true;
      this.namedFirstDigits = Math.max(this.namedFirstDigits, n[1]!.length);
      this.namedLastDigits = Math.max(this.namedLastDigits, n[4]!.length);
      if (this.namedFirst.size < 100 && !this.namedFirst.has(Number(n[1]))) this.namedFirst.set(Number(n[1]), `"${v}" on line ${line}`);
      if (this.namedLast.size < 100 && !this.namedLast.has(Number(n[4]))) this.namedLast.set(Number(n[4]), `"${v}" on line ${line}`);
      return;
    }
    const m = NUMERIC.exec(v);
    if (m && m[1]!.length <= 2) {
      this.numeric++;
      if (!this.example) this.example = v;
      this.sep = m[2]!;
      if (m[4]!.length === 2) this.yearDigits = 2;
      if (Number(m[1]) > 12 && !this.firstOver12) this.firstOver12 = { value: v, line };
      if (Number(m[3]) > 12 && !this.secondOver12) this.secondOver12 = { value: v, line };
      return;
    }
    this.other++;
    if (!this.otherExample) this.otherExample = v;
  }

  /**
   * Month-name dates: the month is named, so only which number is the day and which the year is
   * open. A four-digit number, or one above 31, is the year. With two two-digit numbers the column
   * settles it when one takes many values (a day: 1-31, at least 13 of them) and the other few (a
   * year: at most a third as many values): "14-Jan-15" then reads D-MMM-YY, never guessed from one date.
   */
  private namedVerdict(): DateVerdict {
    const s = this.namedSep;
    const mon = this.namedLong ? 'MMMM' : 'MMM';
    const last = this.namedLastDigits === 4 ? 'YYYY' : 'YY';
    const first = this.namedFirstDigits === 4 ? 'YYYY' : 'YY';
    const dayFirst = `D${s}${mon}${s}${last}`;
    const yearFirst = `${first}${s}${mon}${s}D`;
    const over31 = (m: Map<number, string>): string | undefined => [...m].find(([k]) => k > 31)?.[1];
    if (this.namedLastDigits === 4 || over31(this.namedLast)) {
      return {
        kind: 'layout',
        layout: dayFirst,
        evidence: `day first, year last: ${this.namedLastDigits === 4 ? 'a four-digit year' : over31(this.namedLast)!}`,
      };
    }
    if (this.namedFirstDigits === 4 || over31(this.namedFirst)) {
      return { kind: 'layout', layout: yearFirst, evidence: `year first: ${this.namedFirstDigits === 4 ? 'a four-digit year' : over31(this.namedFirst)!}` };
    }
    const a = this.namedFirst.size;
    const b = this.namedLast.size;
    if (a >= 13 && b * 3 <= a) {
      return { kind: 'layout', layout: dayFirst, evidence: `day first: the first number takes ${a} values, the last (a two-digit year) ${b}` };
    }
    if (b >= 13 && a * 3 <= b) {
      return { kind: 'layout', layout: yearFirst, evidence: `year first: the last number takes ${b} values (a day), the first (a two-digit year) ${a}` };
    }
    return { kind: 'undecided', example: this.namedExample, candidates: [dayFirst, yearFirst], conflict: false };
  }

  verdict(): DateVerdict {
    // Unknown only when nothing in the column is a date we know: otherwise the odd values are rejects.
    if (this.other > 0 && this.iso + this.numeric + this.ymd + this.named === 0) {
      return { kind: 'unknown', example: this.otherExample };
    }
    const best = Math.max(this.iso, this.numeric, this.ymd, this.named);
    if (best === 0) return { kind: 'layout', layout: 'ISO', evidence: 'no dates seen' };
    if (best === this.named && best > this.iso) return this.namedVerdict();
    if (best === this.iso) return { kind: 'layout', layout: 'ISO', evidence: 'ISO dates' };
    const yy = this.yearDigits === 4 ? 'YYYY' : 'YY';
    const s = this.sep;
    if (best === this.ymd) return { kind: 'layout', layout: `YYYY${s}M${s}D`, evidence: 'year first' };
    const dm = `D${s}M${s}${yy}`;
    const md = `M${s}D${s}${yy}`;
    if (this.firstOver12 && this.secondOver12) {
      // Both orders occur: the column is inconsistent; a layout must be given and the odd rows rejected.
      return {
        kind: 'undecided',
        example: `"${this.firstOver12.value}" (line ${this.firstOver12.line}) is day-first but "${this.secondOver12.value}" (line ${this.secondOver12.line}) is month-first`,
        candidates: [dm, md],
        conflict: true,
      };
    }
    // With a two-digit year the first part may be the year too (24/03/05 in Japan): never settled.
    if (this.yearDigits === 2) return { kind: 'undecided', example: this.example, candidates: [dm, md, `YY${s}M${s}D`], conflict: false };
    if (this.firstOver12) return { kind: 'layout', layout: dm, evidence: `day first: "${this.firstOver12.value}" on line ${this.firstOver12.line}` };
    if (this.secondOver12) return { kind: 'layout', layout: md, evidence: `month first: "${this.secondOver12.value}" on line ${this.secondOver12.line}` };
    return { kind: 'undecided', example: this.example, candidates: [dm, md], conflict: false };
  }
}

/** The same numeric layout with day and month swapped: "D/M/YYYY" -> "M/D/YYYY". */
export function swapDayMonth(layout: string): string {
  return layout.replace(/[DM]/g, (c) => (c === 'D' ? 'M' : 'D'));
}

export function dateReaderFor(layout: string): DateReader {
  if (layout === 'ISO' || /^iso$/i.test(layout)) return new IsoDateReader();
  if (/^excel$/i.test(layout)) return new ExcelDateReader();
  return new FormatDateReader(layout);
}

/** Layouts a --date-format hint may offer when the sniffer cannot settle a column (each is checked against the column before it is offered). */
export const HINT_LAYOUTS = [
  'D-MMM-YY',
  'D-MMM-YYYY',
  'D MMM YYYY',
  'D MMMM YYYY',
  'MMM D, YYYY',
  'MMMM D, YYYY',
  'D.M.YYYY',
  'D/M/YYYY',
  'M/D/YYYY',
  'YYYY/M/D',
  'D/M/YY',
  'M/D/YY',
];

/** The layouts that read every one of `values` (empty ones aside): only these are worth offering. */
export function layoutsReading(values: readonly string[], layouts: readonly string[]): string[] {
  const sample = values.map((v) => v.trim()).filter((v) => v !== '');
  if (sample.length === 0) return [];
  return layouts.filter((layout) => {
    const r = dateReaderFor(layout);
    return sample.every((v) => r.parse(v));
  });
}

/**
 * How plausible one reading of a date column is for a sales file, each part from 0 (implausible)
 * to 1, and their mean, the score.
 */
export interface ReadingFacts {
  layout: string;
  /** Non-empty dates read. */
  dates: number;
  /** The earliest and latest date under this reading (ISO). */
  first: string;
  last: string;
  /** Share of neighbouring rows in date order (rising or falling, whichever more are). */
  inOrder: number;
  /** Share of dates after today. */
  future: number;
  /** 1 for a span of up to SPAN_YEARS years, SPAN_YEARS / span beyond. */
  compact: number;
  /** 1 when the latest date is within RECENT_YEARS of today, RECENT_YEARS / years away beyond. */
  recent: number;
  /** Share of rows whose other date columns fall within a year of this date, on one side (a ship date after its order date); null when the file has none. */
  besideOther: number | null;
  score: number;
}

/** Fewer dates than this are weak evidence: the import asks instead of choosing. */
export const READING_MIN_DATES = 20;
/** The best reading is taken only when its score leads every other reading's by this much... */
export const READING_LEAD = 0.1;
/** ...and is itself plausible. */
export const READING_FLOOR = 0.6;
const SPAN_YEARS = 10;
const RECENT_YEARS = 5;
const YEAR_DAYS = 365.25;

/** One candidate layout's reading of the column, built row by row in O(1) memory. */
class Reading {
  readonly reader: DateReader;
  readsAll = true;
  n = 0;
  min = Infinity;
  max = -Infinity;
  prev = NaN;
  pairs = 0;
  up = 0;
  down = 0;
  future = 0;
  /** Per other date column: rows with both dates, and how many of them fall within a year after / before. */
  readonly beside: { n: number; after: number; before: number }[];

  constructor(
    readonly layout: string,
    otherColumns: number,
  ) {
    this.reader = dateReaderFor(layout);
    this.beside = Array.from({ length: otherColumns }, () => ({ n: 0, after: 0, before: 0 }));
  }
}

/**
 * Reads a date column every way the sniffer left open (D/M/YY, M/D/YY, YY/M/D, ...) and scores
 * each reading that reads every date by how a person judges a sales file: the dates span a few
 * years, end near today, come in or near row order, none in the future, and sit beside the
 * file's other dates (a ship date within a year after its order date). `choose` takes the best
 * reading only when the evidence is clear: at least READING_MIN_DATES dates, a score of at least
 * READING_FLOOR, ahead of every other reading by READING_LEAD.
 */
export class DateReadings {
  private readonly readings: Reading[];
  private readonly today: number;
  private readonly iso = new IsoDateReader();

  /** `today` is the import's clock (ISO); `otherColumns` how many other date columns `see` is given. */
  constructor(candidates: readonly string[], today: string, otherColumns = 0) {
    this.readings = candidates.map((c) => new Reading(c, otherColumns));
    this.today = dayIndex(today);
  }

  /** One row: its date, and its other date columns' values (same order as the constructor's count). */
  see(value: string, others: readonly string[] = []): void {
    if (value.trim() === '') return;
    for (const r of this.readings) {
      if (!r.readsAll) continue;
      if (!r.reader.parse(value)) {
        r.readsAll = false;
        continue;
      }
      const d = dayIndex(r.reader.date);
      r.n++;
      if (d < r.min) r.min = d;
      if (d > r.max) r.max = d;
      if (d > this.today + 1) r.future++;
      if (r.prev === r.prev) {
        r.pairs++;
        if (d >= r.prev) r.up++;
        if (d <= r.prev) r.down++;
      }
      r.prev = d;
      for (let k = 0; k < others.length && k < r.beside.length; k++) {
        const o = others[k]!.trim();
        if (o === '') continue;
        // An ISO date is read as ISO; any other is read the way this reading reads the column.
        const reader = /^\d{4}-\d{2}-\d{2}/.test(o) ? this.iso : r.reader;
        if (!reader.parse(o)) continue;
        const diff = dayIndex(reader.date) - d;
        const b = r.beside[k]!;
        b.n++;
        if (diff >= 0 && diff <= 366) b.after++;
        if (diff <= 0 && diff >= -366) b.before++;
      }
    }
  }

  /** The facts of every reading that read every date, best first. */
  facts(): ReadingFacts[] {
    return this.readings
      .filter((r) => r.readsAll && r.n > 0)
      .map((r) => {
        const inOrder = r.pairs === 0 ? 1 : Math.max(r.up, r.down) / r.pairs;
        const future = r.future / r.n;
        const span = (r.max - r.min) / YEAR_DAYS;
        const compact = span <= SPAN_YEARS ? 1 : SPAN_YEARS / span;
        const away = Math.abs(this.today - r.max) / YEAR_DAYS;
        const recent = away <= RECENT_YEARS ? 1 : RECENT_YEARS / away;
        const sides = r.beside.filter((b) => b.n > 0).map((b) => Math.max(b.after, b.before) / b.n);
        const besideOther = sides.length === 0 ? null : sides.reduce((a, b) => a + b, 0) / sides.length;
        const parts = [inOrder, 1 - future, compact, recent, ...(besideOther === null ? [] : [besideOther])];
        const score = parts.reduce((a, b) => a + b, 0) / parts.length;
        return { layout: r.layout, dates: r.n, first: isoDay(r.min), last: isoDay(r.max), inOrder, future, compact, recent, besideOther, score };
      })
      .sort((a, b) => b.score - a.score);
  }

  /**
   * The reading to take among `candidates` (each must have been read), with the others' facts
   * after it; null when the evidence does not settle it (the import then asks).
   */
  choose(candidates: readonly string[]): ReadingFacts[] | null {
    if (!candidates.every((c) => this.readings.some((r) => r.layout === c))) return null;
    const facts = this.facts().filter((f) => candidates.includes(f.layout));
    const best = facts[0];
    if (best === undefined || best.dates < READING_MIN_DATES || best.score < READING_FLOOR) return null;
    if (facts.length > 1 && best.score - facts[1]!.score < READING_LEAD) return null;
    return facts;
  }
}

/** Whether a column's sampled values are dates (nine in ten of the non-empty ones have a date's shape). */
export function looksLikeDates(values: readonly string[]): boolean {
  let n = 0;
  let dates = 0;
  for (const v of values) {
    const s = v.trim();
    if (s === '') continue;
    n++;
    if (/^\d{4}-\d{2}-\d{2}/.test(s) || NUMERIC.test(s) || YMD.test(s) || NAMED.test(s)) dates++;
  }
  return n > 0 && dates >= n * 0.9;
}
