/**
 * Sniffing a file before its import: the encoding and delimiter, the header and the mapping of
 * fields to columns, and the date layout (given, ISO, or detected from the whole column when
 * the sample does not settle it; never guessed).
 */
import { resolveMapping } from '../core/columns.js';
import { CsvParser, sniffDelimiter } from '../core/csv.js';
import { DateFormatError, DateSniffer, dateReaderFor } from '../core/dates.js';
import { RapportError, UsageError } from '../errors.js';
import { readRecords } from './reading.js';
import type { ImportOptions } from './run.js';
import { TextReader, type SourceFile } from './source.js';
import type { FileShape } from './validate.js';

/** Records of the start of the file whose dates are looked at first. */
const SNIFF_RECORDS = 2000;

/** Reads the start of the file (and, for an undecided date column, the whole column). */
export function sniffFile(source: SourceFile, options: ImportOptions): FileShape {
  const reader = new TextReader(source, options.encoding);
  let sample = '';
  let complete = false;
  try {
    while (sample.length < 64 * 1024) {
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
  const encoding = reader.encoding;
  if (sample.startsWith('\uFEFF')) sample = sample.slice(1);
  if (sample.trim() === '') throw new RapportError(`${source.name}: the file is empty`, 'export the data with a header row and at least one row');
  // Excel's "sep=;" first line names the delimiter; the header follows it.
  const sepLine = /^sep=(.)\r?\n/i.exec(sample);
  const delimiter = options.delimiter ?? sepLine?.[1] ?? sniffDelimiter(sample);
  let headers: string[] | null = null;
  let headerLine = 0;
  let headerRaw = '';
  const firstRows: { fields: string[]; line: number }[] = [];
  const p = new CsvParser({ delimiter }, {
    record(fields, line, raw) {
      if (sepLine && line === 1) return;
      if (headers === null) {
        headers = fields.map((h) => h.replace(/^\uFEFF/, '').trim());
        headerLine = line;
        headerRaw = raw.replace(/^\uFEFF/, '');
      } else if (firstRows.length < SNIFF_RECORDS) firstRows.push({ fields, line });
    },
    bad() {},
  });
  // Only whole lines of the sample, unless it is the whole file.
  p.push(complete ? sample : sample.slice(0, sample.lastIndexOf('\n') + 1));
  if (complete) p.end();
  if (headers === null) throw new RapportError(`${source.name}: no header row found`, 'the first line must name the columns');
  const hdrs: string[] = headers;
  const mapped = resolveMapping(options.kind, hdrs, options.map);
  if (!mapped.ok) throw new UsageError(`${source.name}: ${mapped.message}`, mapped.hint);
  const mapping = mapped.mapping;
  const dateIdx = mapping.fields[options.kind === 'transactions' ? 'date' : 'created'];
  let dateLayout: string | null = null;
  let dateEvidence: string | null = null;
  if (options.dateFormat) {
    try {
      dateReaderFor(options.dateFormat);
    } catch (e) {
      if (e instanceof DateFormatError) throw new UsageError(e.message, 'e.g. --date-format DD/MM/YYYY, --date-format "M/D/YYYY h:mm A", --date-format DD-MMM-YY, --date-format excel');
      throw e;
    }
    dateLayout = options.dateFormat;
  } else if (dateIdx !== undefined) {
    const sniffer = new DateSniffer();
    for (const r of firstRows) sniffer.see(r.fields[dateIdx] ?? '', r.line);
    let verdict = sniffer.verdict();
    if (verdict.kind === 'undecided' && (!complete || firstRows.length >= SNIFF_RECORDS)) {
      // The sample did not settle it: read the whole date column before deciding.
      const whole = new DateSniffer();
      const shape: FileShape = { delimiter, encoding, headers: hdrs, headerRaw, headerLine, mapping, dateLayout: null, dateEvidence: null };
      readRecords(source, shape, { row: (fields, line) => whole.see(fields[dateIdx] ?? '', line), reject: () => {} });
      verdict = whole.verdict();
    }
    const col = hdrs[dateIdx];
    if (verdict.kind === 'unknown') {
      const serial = /^\d{5}(\.\d+)?$/.test(verdict.example);
      throw new UsageError(
        `${source.name}: cannot tell the layout of dates like "${verdict.example}" in column "${col}"`,
        serial
          ? 'these look like Excel serial day numbers: add --date-format excel'
          : 'give it with --date-format, e.g. --date-format DD-MMM-YYYY or --date-format "MMM D, YYYY" (or excel for serial numbers)',
      );
    }
    if (verdict.kind === 'undecided') {
      const choices = verdict.candidates.map((c) => `--date-format ${c}`).join(' or ');
      if (verdict.conflict) {
        throw new UsageError(
          `${source.name}: dates in column "${col}" contradict each other: ${verdict.example}`,
          `give the layout with ${choices}; the dates that do not fit it become rejects`,
        );
      }
      throw new UsageError(
        `${source.name}: dates like ${verdict.example} in column "${col}" can be read more than one way, and no date in the file settles it`,
        `say which with ${choices}`,
      );
    }
    dateLayout = verdict.layout;
    if (dateLayout !== 'ISO') dateEvidence = verdict.evidence;
  }
  return { delimiter, encoding, headers: hdrs, headerRaw, headerLine, mapping, dateLayout, dateEvidence };
}
