/**
 * Importing one file: sniff (delimiter, header, mapping, date layout), then one pass that
 * validates every record and writes it, all inside one transaction. A record is stored, found
 * to be a duplicate, or kept as a reject with its line and reason; nothing is dropped silently.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resolveMapping, type ImportKind } from '../core/columns.js';
import { CsvParser, sniffDelimiter } from '../core/csv.js';
import { DateFormatError, DateSniffer, dateReaderFor } from '../core/dates.js';
import { currencyExponent, isKnownCurrency } from '../core/money.js';
import { SEP, TRANSACTION_COLUMNS } from '../core/row.js';
import { RapportError, UsageError, type ExitCode } from '../errors.js';
import type { DB } from '../store/db.js';
import { deleteMeta, getMeta, setMeta } from '../store/db.js';
import {
  CustomerWriter,
  RejectWriter,
  beginImport,
  commitImport,
  recordRefusal,
  rollbackImport,
  TransactionWriter,
  finishImport,
  findSameImport,
  hasTransactions,
  importWithSizeExists,
  insertImport,
  type ImportCounts,
  type ImportRecord,
} from '../store/importStore.js';
import { produceTransactions, RS, type Batch, type ProduceStats, type SourceRef } from './produce.js';
import { readRecords } from './reading.js';
import { TextReader, hashFile, type SourceFile } from './source.js';
import { customerChecker, presentColumns, type CheckSettings, type FileShape, type Reject } from './validate.js';

export interface ImportOptions {
  kind: ImportKind;
  map: Record<string, string>;
  dateFormat?: string;
  decimalComma: boolean;
  currency?: string;
  encoding?: string;
  delimiter?: string;
  /** Refuse the file when rejects exceed this many rows... */
  maxRejects?: number;
  /** ...or this percentage of the rows read. */
  maxRejectsPercent?: number;
  dryRun: boolean;
  /** --no-dedupe: store every row, even one the database already holds (exports known not to overlap). */
  keepAll: boolean;
  /** Rows to show in a dry run. */
  preview: number;
}

export interface FileResult {
  file: string;
  status: 'imported' | 'already-imported' | 'refused' | 'dry-run';
  importId: number | null;
  /** The earlier import of the same content, for already-imported. */
  sameAs: number | null;
  counts: ImportCounts;
  reasons: { reason: string; count: number }[];
  mapping: Record<string, string>;
  extraColumns: string[];
  delimiter: string;
  encoding: string;
  dateLayout: string;
  /** Why a detected (non-ISO) date layout was chosen: "day first: "25/04/2024" on line 14". */
  dateEvidence: string | null;
  /** Things the user should look at, though nothing was refused. */
  warnings: string[];
  currency: string | null;
  preview: Record<string, unknown>[];
  seconds: number;
}

export type Progress = (bytesRead: number, size: number) => void;

/** Rejects kept in memory for the record of a refused import (its rows are not stored). */
const REFUSED_REJECTS_KEPT = 10_000;
const SNIFF_RECORDS = 2000;
/** Files at least this big are parsed in a worker thread, overlapping with the inserts. */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;

class Refused extends Error {}

export async function importFile(db: DB, source: SourceFile, options: ImportOptions, progress?: Progress): Promise<FileResult> {
  const started = Date.now();
  const base = emptyResult(source.name, options);

  // What the user asked for about how to read the file: the same content read the same way is a no-op.
  const reading = {
    map: options.map,
    dateFormat: options.dateFormat ?? null,
    decimalComma: options.decimalComma,
    currency: options.currency?.toUpperCase() ?? null,
    encoding: options.encoding ?? null,
    delimiter: options.delimiter ?? null,
    keepAll: options.keepAll,
  };
  // The same file imported before? Only a file of the same size can be, so only then is it
  // hashed up front; otherwise the hash is taken while the import reads it (0.2 s per 80 MB saved).
  let contentHash = source.sha256;
  if (!options.dryRun) {
    if (contentHash === null && importWithSizeExists(db, options.kind, source.size)) contentHash = hashFile(source.path);
    const earlier = contentHash === null ? undefined : findSameImport(db, options.kind, contentHash, JSON.stringify(reading));
    if (earlier) return { ...base, status: 'already-imported', sameAs: earlier.id, seconds: (Date.now() - started) / 1000 };
  }

  const shape = sniffFile(source, options);
  base.delimiter = shape.delimiter;
  base.encoding = shape.encoding;
  base.mapping = Object.fromEntries(Object.entries(shape.mapping.fields).map(([f, i]) => [f, shape.headers[i]!]));
  base.extraColumns = shape.mapping.extra.map((c) => c.name);
  base.dateLayout = shape.dateLayout ?? 'none';
  base.dateEvidence = shape.dateEvidence;
  const { currency, allowed } = settleCurrency(db, options.currency);
  base.currency = currency;
  const record: ImportRecord = {
    kind: options.kind,
    fileName: source.name,
    fileSize: source.size,
    contentHash: contentHash ?? '',
    mapping: base.mapping,
    options: {
      reading,
      delimiter: shape.delimiter,
      encoding: shape.encoding,
      header: shape.headerRaw,
      dateFormat: base.dateLayout,
      decimalComma: options.decimalComma,
      currency,
      maxRejects: options.maxRejects ?? null,
      maxRejectsPercent: options.maxRejectsPercent ?? null,
    },
    startedAt: new Date().toISOString(),
  };

  const counts: ImportCounts = { read: 0, imported: 0, updated: 0, duplicate: 0, rejected: 0, blankLines: 0, customersCreated: 0 };
  const kept: Reject[] = [];
  const reasons = new Map<string, number>();
  // One transaction for the whole file: a kill at any point leaves the database as it was.
  beginImport(db);
  try {
    if (options.currency && currency && getMeta(db, 'currency') === null) {
      setMeta(db, 'currency', currency);
      deleteMeta(db, 'currency_marks');
    }
    const importId = insertImport(db, record, 'complete');
    const rejects = new RejectWriter(db, importId);
    const onReject = (r: Reject): void => {
      counts.rejected++;
      const key = (r.field ? r.field + ': ' : '') + r.reason.replace(/"[^"]*"/g, '…');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
      rejects.add(r.line, r.field, r.reason, r.raw);
      if (kept.length < REFUSED_REJECTS_KEPT) kept.push(r);
    };
    const settings: CheckSettings = { decimalComma: options.decimalComma, currency, allowedCurrencies: allowed };
    const written =
      options.kind === 'transactions'
        ? await importTransactions(db, importId, source, shape, settings, options, onReject, base.preview, progress)
        : importCustomers(db, importId, source, shape, onReject, base.preview, options.preview, progress);
    const { sha256, currencies, dateConflict, unterminatedLine, ...written2 } = written;
    if (unterminatedLine !== null && (written2.read ?? 0) > 0) {
      base.warnings.push(`the file does not end with a newline: check that its last line (${unterminatedLine}) is complete`);
    }
    if (dateConflict) {
      const col = shape.headers[shape.mapping.fields[options.kind === 'transactions' ? 'date' : 'created']!];
      const other = shape.dateLayout!.replace(/[DM]/g, (c) => (c === 'D' ? 'M' : 'D'));
      throw new UsageError(
        `${source.name}: dates in column "${col}" contradict each other: ${shape.dateEvidence}, but "${dateConflict.value}" on line ${dateConflict.line} reads only the other way`,
        `give the layout with --date-format ${shape.dateLayout} or --date-format ${other}; the dates that do not fit it become rejects`,
      );
    }
    Object.assign(counts, written2);
    record.contentHash = contentHash ?? sha256 ?? '';
    // Currency marks in a database without a currency: one currency left is now the database's;
    // several ("$") are remembered, so a later file cannot bring another.
    if (currency === null && currencies) {
      if (currencies.length === 1) {
        setMeta(db, 'currency', currencies[0]!);
        deleteMeta(db, 'currency_marks');
      } else setMeta(db, 'currency_marks', JSON.stringify(currencies));
      base.currency = currencies.length === 1 ? currencies[0]! : null;
    }
    // Judged on the whole file, so the refusal's record lists every reject (up to REFUSED_REJECTS_KEPT).
    const pct = options.maxRejectsPercent;
    if (options.maxRejects !== undefined && counts.rejected > options.maxRejects) throw new Refused();
    if (pct !== undefined && counts.read > 0 && (counts.rejected / counts.read) * 100 > pct) throw new Refused();
    finishImport(db, importId, counts, record.contentHash);
    if (options.dryRun) {
      rollbackImport(db);
      return finish(base, 'dry-run', null, counts, reasons, started);
    }
    commitImport(db);
    return finish(base, 'imported', importId, counts, reasons, started);
  } catch (e) {
    rollbackImport(db);
    if (!(e instanceof Refused)) throw e;
    // Nothing was stored: the record says so, whatever the rolled-back pass had counted.
    Object.assign(counts, { imported: 0, updated: 0, duplicate: 0, customersCreated: 0 });
    if (options.dryRun) return finish(base, 'refused', null, counts, reasons, started);
    // Nothing of the file is stored; keep a record of the attempt and its rejects so they can be listed and fixed.
    return finish(base, 'refused', recordRefusal(db, record, counts, kept), counts, reasons, started);
  }
}

function finish(base: FileResult, status: FileResult['status'], id: number | null, counts: ImportCounts, reasons: Map<string, number>, started: number): FileResult {
  return {
    ...base,
    status,
    importId: id,
    counts,
    reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count).slice(0, 10),
    seconds: (Date.now() - started) / 1000,
  };
}

function emptyResult(file: string, options: ImportOptions): FileResult {
  return {
    file,
    status: 'imported',
    importId: null,
    sameAs: null,
    counts: { read: 0, imported: 0, updated: 0, duplicate: 0, rejected: 0, blankLines: 0, customersCreated: 0 },
    reasons: [],
    mapping: {},
    extraColumns: [],
    delimiter: options.delimiter ?? ',',
    encoding: options.encoding ?? 'utf-8',
    dateLayout: options.dateFormat ?? 'ISO',
    dateEvidence: null,
    warnings: [],
    currency: null,
    preview: [],
    seconds: 0,
  };
}

/**
 * The database's currency, and the currencies a currency mark in this file may stand for.
 * --currency sets the currency on first use and must match it after that; without one, marks
 * seen in earlier files narrow what later files may use.
 */
function settleCurrency(db: DB, asked: string | undefined): { currency: string | null; allowed: string[] | null } {
  const stored = getMeta(db, 'currency');
  const marks = getMeta(db, 'currency_marks');
  const fromMarks = marks === null ? null : (JSON.parse(marks) as string[]);
  if (asked === undefined) return { currency: stored, allowed: stored !== null ? [stored] : fromMarks };
  const code = asked.toUpperCase();
  if (!isKnownCurrency(code)) throw new UsageError(`--currency ${asked}: not an ISO 4217 currency code`, 'e.g. --currency EUR, --currency USD, --currency GBP, --currency CNY');
  if (stored !== null && stored !== code) {
    throw new RapportError(`this database holds amounts in ${stored}; refusing to mix in ${code}`, 'one currency per database: use another --db for other currencies');
  }
  if (stored === null && fromMarks !== null && !fromMarks.includes(code)) {
    throw new RapportError(`earlier imports had amounts marked as ${fromMarks.join(' or ')}; refusing to mix in ${code}`, 'one currency per database: use another --db for other currencies');
  }
  // Amounts imported before any --currency were read with 2 decimals; a currency with another
  // minor unit would mix scales in one column.
  if (stored === null && currencyExponent(code) !== 2 && hasTransactions(db)) {
    throw new RapportError(
      `this database already holds amounts read with 2 decimals and no currency; ${code} has ${currencyExponent(code)}`,
      'start a new database (--db) for this currency',
    );
  }
  return { currency: code, allowed: [code] };
}

async function importTransactions(
  db: DB,
  importId: number,
  source: SourceFile,
  shape: FileShape,
  settings: CheckSettings,
  options: ImportOptions,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
  progress: Progress | undefined,
): Promise<Partial<ImportCounts> & Pick<ProduceStats, 'sha256' | 'currencies' | 'dateConflict' | 'unterminatedLine'>> {
  const writer = new TransactionWriter(db, importId, presentColumns(shape), { keepAll: options.keepAll });
  const previewRows = options.preview;
  let created = 0;
  const consume = (b: Batch): void => {
    for (const r of b.rejects) onReject(r);
    created += writer.createMissingCustomers(b.customers);
    if (b.count > 0) {
      const contents = b.contents.split(RS);
      for (let i = 0; i < b.count; i++) {
        if (preview.length < previewRows) preview.push(previewRow(contents[i]!, b.lines[i]!));
        writer.add(contents[i]!, b.lines[i]!, b.keys[i]!);
      }
    }
    progress?.(b.bytesRead, source.size);
  };
  const ref: SourceRef = { name: source.name, path: source.path, size: source.size };
  const stats = source.size >= WORKER_MIN_BYTES ? await inWorker(ref, shape, settings, consume) : produceTransactions(ref, shape, settings, consume);
  writer.flush();
  return {
    read: stats.read,
    blankLines: stats.blankLines,
    imported: writer.inserted,
    duplicate: writer.duplicate,
    customersCreated: created,
    sha256: stats.sha256,
    currencies: stats.currencies,
    dateConflict: stats.dateConflict,
    unterminatedLine: stats.unterminatedLine,
  };
}

const NUMERIC = new Set(['amount', 'quantity', 'unit_price']);

function previewRow(content: string, line: number): Record<string, unknown> {
  const v = content.split(SEP);
  const row: Record<string, unknown> = { line };
  TRANSACTION_COLUMNS.forEach((c, i) => (row[c] = v[i] === '' ? null : NUMERIC.has(c) ? Number(v[i]) : v[i]));
  return row;
}

/**
 * Where the compiled worker is. Under the test runner this module is TypeScript source, and a
 * worker thread cannot load .ts, so it uses the build in dist/ (`npm test` builds first).
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return path.resolve(path.dirname(here), '../../dist/import/worker.js');
  return path.join(path.dirname(here), 'worker.js');
}

function inWorker(source: SourceRef, shape: FileShape, settings: CheckSettings, consume: (b: Batch) => void): Promise<ProduceStats> {
  const control = new SharedArrayBuffer(4);
  const consumed = new Int32Array(control);
  // A smaller young generation keeps the worker's heap (and the process's peak RSS) down; measured
  // no slower on the 1M-row bench.
  const worker = new Worker(workerFile(), { workerData: { source, shape, settings, control }, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  return new Promise<ProduceStats>((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(e);
    };
    worker.on('message', (m: { type: string; batch?: Batch; stats?: ProduceStats; message?: string; hint?: string; exitCode?: number; stack?: string }) => {
      if (settled) return;
      try {
        if (m.type === 'batch') {
          consume(m.batch!);
          Atomics.add(consumed, 0, 1);
          Atomics.notify(consumed, 0);
        } else if (m.type === 'done') {
          settled = true;
          void worker.terminate();
          resolve(m.stats!);
        } else {
          const err = new RapportError(m.message!, m.hint, m.exitCode as ExitCode);
          if (m.stack) err.stack = m.stack;
          fail(err);
        }
      } catch (e) {
        fail(e);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the parsing worker stopped (exit ${code})`)));
  });
}

function importCustomers(
  db: DB,
  importId: number,
  source: SourceFile,
  shape: FileShape,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
  previewRows: number,
  progress: Progress | undefined,
): Partial<ImportCounts> & Pick<ProduceStats, 'sha256' | 'currencies' | 'dateConflict' | 'unterminatedLine'> {
  const checker = customerChecker(shape);
  const writer = new CustomerWriter(db, importId);
  const stats = readRecords(source, shape, {
    row(fields, line, raw) {
      const row = checker.check(fields, line, raw, onReject);
      if (row === null) return;
      if (preview.length < previewRows) {
        preview.push({ line, customer_id: row.id, name: row.name, email: row.email, phone: row.phone, type: row.type, account_manager: row.accountManager, created: row.createdDate });
      }
      writer.add(row);
    },
    reject: onReject,
    progress: (b) => progress?.(b, source.size),
  }, { hash: true });
  progress?.(source.size, source.size);
  return { read: stats.read, blankLines: stats.blankLines, imported: writer.inserted, updated: writer.updated, duplicate: writer.duplicate, sha256: stats.sha256, currencies: null, dateConflict: checker.dateConflict(), unterminatedLine: stats.unterminatedLine };
}

/** Reads the start of the file (and, for an undecided date column, the whole column). */
function sniffFile(source: SourceFile, options: ImportOptions): FileShape {
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
