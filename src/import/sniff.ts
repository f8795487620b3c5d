/**
 * Sniffing a file before its import: the encoding and delimiter, the header and the mapping of
 * fields to columns, and the date layout (given, ISO, or detected from the whole column when
 * the sample does not settle it, or taken as the reading of the whole column clearly plausible
 * for a sales file; never guessed).
 */
import { columnNumber, looksLikeData, namesKnownColumn, resolveMapping } from '../core/columns.js';
import { CsvParser, sniffDelimiter } from '../core/csv.js';
import {
  DateFormatError,
  DateReadings,
  DateSniffer,
  HINT_LAYOUTS,
  READING_LEAD,
  dateReaderFor,
  layoutsReading,
  looksLikeDates,
  type DateVerdict,
  type ReadingFacts,
} from '../core/dates.js';
import { RapportError, UsageError } from '../sys/errors.js';
import { t, type Lang } from '../i18n/index.js';
import { formatNumber } from '../i18n/format.js';
import { errorText, wordPhrase } from '../i18n/phrase.js';
import { readRecords } from './reading.js';
import type { ImportOptions } from './options.js';
import { TextReader, type SourceFile } from './source.js';
import type { FileShape } from './validate.js';

/** Records of the start of the file whose dates are looked at first. */
const SNIFF_RECORDS = 2000;
/** The most columns a file may have: a spreadsheet's (Excel's 16,384). Each row's extra columns are kept as one JSON object. */
export const MAX_COLUMNS = 16_384;
/** The longest first line read while looking for the header's end (16,384 columns of 64 characters, and more). */
const MAX_HEADER_CHARS = 2 * 1024 * 1024;

/** The sample holds the whole header line (after Excel's "sep=;" line, when there is one). */
function headerEnds(sample: string): boolean {
  const sep = /^\uFEFF?sep=.\r?\n/i.exec(sample);
  return sample.indexOf('\n', sep === null ? 0 : sep[0].length) >= 0;
}

function tooManyColumns(file: string, count: string): RapportError {
  return new RapportError(t('import.tooManyColumns', { file, count }), t('import.tooManyColumnsHint'));
}

/** The start of a file as text: 64 KiB, or as much as it takes to hold the header line (up to MAX_HEADER_CHARS). */
interface Sample {
  text: string;
  /** The sample is the whole file. */
  complete: boolean;
  encoding: string;
}

/** The first record (the header, or the first row of data) and the records after it, up to SNIFF_RECORDS. */
interface Head {
  first: { fields: string[]; line: number };
  headers: string[];
  headerLine: number;
  headerRaw: string;
  firstRows: { fields: string[]; line: number }[];
}

type DateSettlement = Pick<FileShape, 'dateLayout' | 'dateEvidence' | 'dateReadings'>;

/** Reads the start of the file (and, for an undecided date column, the whole column). */
export function sniffFile(source: SourceFile, options: ImportOptions): FileShape {
  const sample = readSample(source, options);
  const { text, complete, encoding } = sample;
  // Excel's "sep=;" first line names the delimiter; the header follows it.
  const sepLine = /^sep=(.)\r?\n/i.exec(text);
  const delimiter = options.delimiter ?? sepLine?.[1] ?? sniffDelimiter(text);
  if (!complete && !headerEnds(text)) refuseEndlessHeader(source, text, delimiter);
  const head = readHead(source, sample, delimiter, sepLine !== null);
  const { headers, headerLine, headerRaw, notices, noHeader, firstRows } = settleHeader(source, options, head);
  const mapped = resolveMapping(options.kind, headers, options.map, { noHeader });
  if (!mapped.ok) throw new UsageError(t('import.fileError', { file: source.name, message: wordPhrase(mapped.message) }), wordPhrase(mapped.hint));
  notices.push(...mapped.notices.map((n) => wordPhrase(n)));
  const mapping = mapped.mapping;
  const shape: FileShape = { delimiter, encoding, headers, headerRaw, headerLine, mapping, dateLayout: null, dateEvidence: null, dateReadings: null, notices };
  return { ...shape, ...settleDates(source, options, shape, firstRows, complete) };
}

function readSample(source: SourceFile, options: ImportOptions): Sample {
  const reader = new TextReader(source, options.encoding);
  let sample = '';
  let complete = false;
  try {
    while (sample.length < 64 * 1024 || (!headerEnds(sample) && sample.length < MAX_HEADER_CHARS)) {
      const t = reader.next();
      if (t === null) {
        complete = true;
        break;
      }
      sample += t;
    }
  } finally {
    reader.close();
  }
  if (sample.startsWith('\uFEFF')) sample = sample.slice(1);
  if (sample.trim() === '') throw new RapportError(t('import.emptyFile', { file: source.name }), t('import.emptyFileHint'));
  return { text: sample, complete, encoding: reader.encoding };
}

/** No end to the first line within MAX_HEADER_CHARS: too many columns, or one line that is not a header. */
function refuseEndlessHeader(source: SourceFile, sample: string, delimiter: string): never {
  const columns = sample.split(delimiter).length;
  if (columns > MAX_COLUMNS) throw tooManyColumns(source.name, t('import.tooManyColumnsAtLeast', { n: formatNumber(columns), max: formatNumber(MAX_COLUMNS) }));
  throw new RapportError(t('import.headerTooLong', { file: source.name, chars: formatNumber(MAX_HEADER_CHARS) }), t('import.noHeaderHint'));
}

/** The sample's first record and the rows after it, read as the import will read them. */
function readHead(source: SourceFile, sample: Sample, delimiter: string, sepLine: boolean): Head {
  let head: Head | null = null;
  const p = new CsvParser(
    { delimiter },
    {
      record(fields, line, raw) {
        if (sepLine && line === 1) return;
        if (head === null) {
          head = {
            first: { fields, line },
            headers: fields.map((h) => h.replace(/^\uFEFF/, '').trim()),
            headerLine: line,
            headerRaw: raw.replace(/^\uFEFF/, ''),
            firstRows: [],
          };
          // The sample's rows are read as the import will read them: a stray quote costs its own line.
          p.expectFields(fields.length);
        } else if (head.firstRows.length < SNIFF_RECORDS) head.firstRows.push({ fields, line });
      },
      bad() {},
    },
  );
  // Only whole lines of the sample, unless it is the whole file.
  p.push(sample.complete ? sample.text : sample.text.slice(0, sample.text.lastIndexOf('\n') + 1));
  if (sample.complete) p.end();
  const found = head as Head | null;
  if (found === null) throw new RapportError(t('import.noHeader', { file: source.name }), t('import.noHeaderHint'));
  const width = found.first.fields.length;
  if (width > MAX_COLUMNS) throw tooManyColumns(source.name, t('import.tooManyColumnsCount', { n: formatNumber(width), max: formatNumber(MAX_COLUMNS) }));
  return found;
}

/**
 * Whether the first line is the header: not when asked (--no-header), nor when it is data and
 * every --map names a column by number; then the columns are named by number.
 */
function settleHeader(source: SourceFile, options: ImportOptions, head: Head): Omit<Head, 'first'> & { noHeader: boolean; notices: string[] } {
  const { first, firstRows } = head;
  const notices: string[] = [];
  const mapValues = Object.values(options.map);
  const dataFirst = !namesKnownColumn(options.kind, head.headers) && looksLikeData(head.headers);
  let noHeader = options.noHeader;
  if (!noHeader && dataFirst && mapValues.length > 0 && mapValues.every((v) => columnNumber(v) !== null)) {
    noHeader = true;
    notices.push(t('import.notice.dataFirstLine', undefined, 'en'));
  }
  if (noHeader) {
    firstRows.unshift(first);
    if (firstRows.length > SNIFF_RECORDS) firstRows.pop();
    return { headers: first.fields.map((_, i) => `column_${i + 1}`), headerLine: first.line - 1, headerRaw: '', firstRows, noHeader, notices };
  }
  if (dataFirst && mapValues.length === 0) {
    throw new UsageError(
      t('import.dataNotHeader', { file: source.name }),
      t('import.dataNotHeaderHint', { command: headerlessCommand(options, source.name, first.fields) }),
    );
  }
  return { headers: head.headers, headerLine: head.headerLine, headerRaw: head.headerRaw, firstRows, noHeader, notices };
}

/** The date column's layout: given (--date-format), or read from the sample, or from the whole column when the sample leaves it open. */
function settleDates(source: SourceFile, options: ImportOptions, shape: FileShape, firstRows: Head['firstRows'], complete: boolean): DateSettlement {
  if (options.dateFormat) {
    try {
      dateReaderFor(options.dateFormat);
    } catch (e) {
      if (e instanceof DateFormatError) throw new UsageError(errorText(e), t('import.dateFormatHint'));
      throw e;
    }
    return { dateLayout: options.dateFormat, dateEvidence: null, dateReadings: null };
  }
  const dateIdx = shape.mapping.fields[options.kind === 'transactions' ? 'date' : 'created'];
  if (dateIdx === undefined) return { dateLayout: null, dateEvidence: null, dateReadings: null };
  const sniffer = new DateSniffer();
  for (const r of firstRows) sniffer.see(r.fields[dateIdx] ?? '', r.line);
  let verdict: DateVerdict = sniffer.verdict();
  let dateReadings: ReadingFacts[] | null = null;
  if (verdict.kind === 'undecided') ({ verdict, dateReadings } = readWholeColumn(source, options, shape, dateIdx, firstRows, complete, verdict));
  if (verdict.kind !== 'layout')
    refuseUnsettledDates(
      source,
      shape.headers[dateIdx],
      firstRows.map((r) => r.fields[dateIdx] ?? ''),
      verdict,
    );
  return { dateLayout: verdict.layout, dateEvidence: verdict.layout !== 'ISO' ? verdict.evidence : null, dateReadings };
}

/**
 * Validity alone did not settle the layout: read the whole column (the sample may not be all of
 * it) every way still open, with the file's other date columns, and judge which is plausible.
 */
function readWholeColumn(
  source: SourceFile,
  options: ImportOptions,
  shape: FileShape,
  dateIdx: number,
  firstRows: Head['firstRows'],
  complete: boolean,
  undecided: Extract<DateVerdict, { kind: 'undecided' }>,
): { verdict: DateVerdict; dateReadings: ReadingFacts[] | null } {
  const wholeInSample = complete && firstRows.length < SNIFF_RECORDS;
  const others = shape.mapping.extra.filter((c) => looksLikeDates(firstRows.map((r) => r.fields[c.index] ?? ''))).map((c) => c.index);
  const readings = undecided.conflict ? null : new DateReadings(undecided.candidates, options.today ?? new Date().toISOString().slice(0, 10), others.length);
  const whole = wholeInSample ? null : new DateSniffer();
  const see = (fields: string[], line: number): void => {
    whole?.see(fields[dateIdx] ?? '', line);
    readings?.see(
      fields[dateIdx] ?? '',
      others.map((i) => fields[i] ?? ''),
    );
  };
  if (wholeInSample) for (const r of firstRows) see(r.fields, r.line);
  else readRecords(source, shape, { row: see, reject: () => {} });
  const verdict = whole ? whole.verdict() : undecided;
  const chosen = verdict.kind === 'undecided' && !verdict.conflict ? (readings?.choose(verdict.candidates) ?? null) : null;
  if (chosen === null) return { verdict, dateReadings: null };
  return { verdict: { kind: 'layout', layout: chosen[0]!.layout, evidence: readingsEvidence(chosen, 'en') }, dateReadings: chosen };
}

/** Refuses a date column no layout reads, or more than one does: the hint offers the layouts that read the sample. */
function refuseUnsettledDates(source: SourceFile, col: string | undefined, sampled: string[], verdict: Exclude<DateVerdict, { kind: 'layout' }>): never {
  if (verdict.kind === 'unknown') {
    const serial = /^\d{5}(\.\d+)?$/.test(verdict.example);
    const fits = layoutsReading(sampled, HINT_LAYOUTS);
    throw new UsageError(
      t('import.unknownLayout', { file: source.name, example: verdict.example, column: String(col) }),
      serial
        ? t('import.excelSerialHint')
        : fits.length > 0
          ? t('import.layoutsFitHint', { choices: fits.map((f) => `--date-format ${quoteLayout(f)}`).join(t('import.or')), n: sampled.length })
          : t('import.layoutTokensHint'),
    );
  }
  const fits = layoutsReading(sampled, verdict.candidates);
  const offered = fits.length > 0 ? fits : verdict.candidates;
  const choices = offered.map((c) => `--date-format ${quoteLayout(c)}`).join(t('import.or'));
  if (verdict.conflict) {
    throw new UsageError(
      t('import.dateConflict', { file: source.name, column: String(col), example: verdict.example }),
      t('import.giveLayoutHint', { choices }),
    );
  }
  throw new UsageError(t('import.ambiguousDates', { file: source.name, example: verdict.example, column: String(col) }), t('import.sayWhichHint', { choices }));
}

/**
 * Why a reading of the dates was taken over the others (DateReadings): the chosen reading's
 * facts, then the others'. In English for the import's record, in the reader's language on stderr.
 */
export function readingsEvidence(facts: readonly ReadingFacts[], lang?: Lang): string {
  const pct = (x: number): string => String(Math.round(x * 100));
  const one = (f: ReadingFacts): string =>
    t(
      'import.dateChoice.reading',
      {
        layout: f.layout,
        first: f.first,
        last: f.last,
        inOrder: pct(f.inOrder),
        future: pct(f.future),
        beside: f.besideOther === null ? '' : t('import.dateChoice.beside', { share: pct(f.besideOther) }, lang),
        score: f.score.toFixed(2),
      },
      lang,
    );
  const [chosen, ...others] = facts;
  if (others.length === 0) return t('import.dateChoice.only', { chosen: one(chosen!) }, lang);
  return t(
    'import.dateChoice.evidence',
    { chosen: one(chosen!), others: others.map(one).join(t('import.dateChoice.separator', undefined, lang)), lead: READING_LEAD.toFixed(2) },
    lang,
  );
}

function quoteLayout(layout: string): string {
  return /[\s,]/.test(layout) ? `"${layout}"` : layout;
}

/**
 * The command for a file whose first line is data: columns numbered from what the first line's
 * cells look like (a date is the date; of the other numbers, one with decimals, else the last, is
 * the amount; the first remaining column the customer). Only numbers are shown, never the cells.
 */
function headerlessCommand(options: ImportOptions, name: string, cells: string[]): string {
  const v = cells.map((c) => c.trim());
  const isDate = (c: string): boolean => /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(c) || /^\d{1,2}[-/ ][A-Za-z]{3,9}[-/ ]\d{2,4}$/.test(c);
  const isNumber = (c: string): boolean => /^[-+]?\d[\d,]*(\.\d+)?$/.test(c);
  const date = v.findIndex(isDate);
  const numbers = v.map((c, i) => i).filter((i) => i !== date && isNumber(v[i]!));
  const decimal = numbers.find((i) => v[i]!.includes('.'));
  const amount = decimal ?? (numbers.length > 1 ? numbers[numbers.length - 1] : numbers.find((i) => i !== 0));
  const customer = v.findIndex((_, i) => i !== date && i !== amount);
  const quoted = /^[\w./-]+$/.test(name) ? name : `'${name.replace(/'/g, "'\\''")}'`;
  const maps =
    options.kind === 'customers'
      ? [`--map customer_id=${customer < 0 ? 1 : customer + 1}`]
      : [
          `--map customer_id=${customer < 0 ? 'N' : customer + 1}`,
          `--map amount=${amount === undefined ? 'N' : amount + 1}`,
          `--map date=${date < 0 ? 'N' : date + 1}`,
        ];
  const delim = options.delimiter === '\t' ? ' --delimiter tab' : options.delimiter ? ` --delimiter '${options.delimiter}'` : '';
  return t('import.headerlessCommand', { command: `rapport import ${options.kind} ${quoted} --no-header ${maps.join(' ')}${delim}` });
}
