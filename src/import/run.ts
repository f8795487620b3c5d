/**
 * Importing one file: sniff (delimiter, header, mapping, date layout), then one pass that
 * validates every record and writes it, all inside one transaction. A record is stored, found
 * to be a duplicate, or kept as a reject with its line and reason; nothing is dropped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ImportKind } from '../core/columns.js';
import { currencyExponent, exactText, isKnownCurrency, type RoundRule } from '../core/money.js';
import { CsvParser } from '../core/csv.js';
import { DateSniffer, HINT_LAYOUTS, layoutsReading, swapDayMonth, type ReadingFacts } from '../core/dates.js';
import { NUMERIC_COLUMNS, SEP, TRANSACTION_COLUMNS } from '../core/row.js';
import { RapportError, UsageError } from '../sys/errors.js';
import { t } from '../i18n/index.js';
import { catchingSignals, onInterrupt } from '../sys/signals.js';
import { AmountTotalTooLarge, type ImportCounts, type ImportRecord } from '../store/importRules.js';
import { contentAt } from '../store/packedRows.js';
import type { ImportSession, Store } from '../store/store.js';
import { inWorker, warmUp } from './parallel.js';
import { produceTransactions, type Batch, type ProduceStats, type SourceRef } from './produce.js';
import { readRecords } from './reading.js';
import { sniffFile } from './sniff.js';
import type { ImportOptions } from './options.js';
import { hashFile, type SourceFile } from './source.js';
import { customerChecker, presentColumns, type CheckSettings, type FileShape, type Reject, type RoundingStats } from './validate.js';

export type { ImportOptions } from './options.js';

export interface FileResult {
  file: string;
  status: 'imported' | 'already-imported' | 'refused' | 'dry-run';
  /** Why a refused file was refused: more rejects than --max-rejects, or every row rejected (nothing to import). */
  refusal: 'max-rejects' | 'all-rejected' | null;
  /** For a file whose every row was rejected over its dates: the layouts that read all the rejected dates kept. */
  dateLayoutsThatRead: string[];
  importId: number | null;
  /** The earlier import of the same content, for already-imported. */
  sameAs: number | null;
  counts: ImportCounts;
  /**
   * The most common reasons, each with its value elided (…) so alike rows count together, and
   * the first such row: its line and its reason with the value ("field: reason" as the key is).
   */
  reasons: { reason: string; count: number; firstLine: number; first: string }[];
  mapping: Record<string, string>;
  extraColumns: string[];
  delimiter: string;
  encoding: string;
  dateLayout: string;
  /** Why a detected (non-ISO) date layout was chosen: "day first: "25/04/2024" on line 14". */
  dateEvidence: string | null;
  /** When the layout was chosen as the plausible reading of ambiguous dates: each reading's facts, the chosen first. */
  dateReadings: ReadingFacts[] | null;
  /**
   * The amounts of the rows that passed the checks, for transactions: the file's exact sum beside
   * the stored one (exact decimal texts), the rows --round rounded, and the rows rejected only
   * for decimals finer than the currency's (which --round would have kept). Null for customers.
   */
  rounding: { rule: RoundRule | null; rounded: number; needsRounding: number; exponent: number; fileSum: string; storedSum: string } | null;
  /** Things the user should look at, though nothing was refused. */
  warnings: string[];
  /** How the file was read where rapport chose (a column matched by a word in its name, no header row). */
  notices: string[];
  currency: string | null;
  preview: Record<string, unknown>[];
  seconds: number;
}

export type Progress = (bytesRead: number, size: number) => void;

/** Rejects by reason (its value elided): how many, and the first. */
type Reasons = Map<string, { count: number; firstLine: number; first: string }>;

/** Rejects kept in memory for the record of a refused import (its rows are not stored). */
const REFUSED_REJECTS_KEPT = 10_000;
/** Files at least this big are parsed in a worker thread, overlapping with the inserts. */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Called before the store is opened: a transactions import whose first file is big enough for the
 * parsing worker starts that worker now (parallel.ts warmUp), so that it is ready when the file is.
 */
export function warmUpParsing(files: readonly string[], options: ImportOptions, cwd: string): void {
  const first = files[0];
  if (options.kind !== 'transactions' || first === undefined || first === '-') return;
  try {
    if (fs.statSync(path.resolve(cwd, first)).size >= WORKER_MIN_BYTES) warmUp();
  } catch {
    // Not there, not readable: openSource says so.
  }
}

class Refused extends Error {
  constructor(readonly why: 'max-rejects' | 'all-rejected') {
    super(why);
  }
}

export async function importFile(db: Store, source: SourceFile, options: ImportOptions, progress?: Progress): Promise<FileResult> {
  const started = Date.now();
  const base = emptyResult(source.name, options);
  const reading = readingAsked(options);
  // The same file imported before? Only a file of the same size can be, so only then is it
  // hashed up front; otherwise the hash is taken while the import reads it (0.2 s per 80 MB saved).
  let contentHash = source.sha256;
  if (!options.dryRun) {
    if (contentHash === null && (await db.importWithSizeExists(options.kind, source.size))) contentHash = hashFile(source.path);
    const earlier = contentHash === null ? undefined : await db.findSameImport(options.kind, contentHash, JSON.stringify(reading));
    if (earlier) return { ...base, status: 'already-imported', sameAs: earlier.id, seconds: (Date.now() - started) / 1000 };
  }
  const shape = sniffFile(source, options);
  describeShape(base, shape);
  const { currency, allowed } = await settleCurrency(db, options.currency);
  base.currency = currency;
  const record = importRecord(source, options, shape, reading, base.mapping, currency, contentHash);
  const settings: CheckSettings = { decimalComma: options.decimalComma, currency, allowedCurrencies: allowed, round: options.round ?? null };
  const run: Run = { db, source, options, shape, settings, base, record, contentHash, progress, started, counts: emptyCounts(), kept: [], reasons: new Map() };
  // One transaction for the whole file: a kill at any point leaves the database as it was.
  const session = await db.beginImport(source.size);
  // A caught signal (while the parsing worker feeds batches) rolls the file back before the process ends.
  const forget = onInterrupt(() => session.abandon());
  try {
    return await importInSession(run, session);
  } catch (e) {
    await session.rollback();
    if (!(e instanceof Refused)) throw e;
    return await recordRefused(run, e.why);
  } finally {
    forget();
  }
}

/** One file's import as its steps share it. */
interface Run {
  db: Store;
  source: SourceFile;
  options: ImportOptions;
  shape: FileShape;
  settings: CheckSettings;
  base: FileResult;
  record: ImportRecord;
  contentHash: string | null;
  progress: Progress | undefined;
  started: number;
  counts: ImportCounts;
  /** Rejects kept for the record of a refused import (up to REFUSED_REJECTS_KEPT). */
  kept: Reject[];
  reasons: Reasons;
}

/** What the user asked for about how to read the file: the same content read the same way is a no-op. */
function readingAsked(options: ImportOptions): Record<string, unknown> {
  return {
    map: options.map,
    dateFormat: options.dateFormat ?? null,
    decimalComma: options.decimalComma,
    // Only when given, so that imports recorded before --no-header existed read the same.
    ...(options.noHeader ? { noHeader: true } : {}),
    ...(options.round ? { round: options.round } : {}),
    currency: options.currency?.toUpperCase() ?? null,
    encoding: options.encoding ?? null,
    delimiter: options.delimiter ?? null,
    keepAll: options.keepAll,
  };
}

/** The result's account of how the file is read. */
function describeShape(base: FileResult, shape: FileShape): void {
  base.delimiter = shape.delimiter;
  base.encoding = shape.encoding;
  base.mapping = Object.fromEntries(Object.entries(shape.mapping.fields).map(([f, i]) => [f, shape.headers[i]!]));
  base.extraColumns = shape.mapping.extra.map((c) => c.name);
  base.dateLayout = shape.dateLayout ?? 'none';
  base.dateEvidence = shape.dateEvidence;
  base.dateReadings = shape.dateReadings;
  base.notices = shape.notices;
}

function importRecord(
  source: SourceFile,
  options: ImportOptions,
  shape: FileShape,
  reading: Record<string, unknown>,
  mapping: Record<string, string>,
  currency: string | null,
  contentHash: string | null,
): ImportRecord {
  return {
    kind: options.kind,
    fileName: source.name,
    fileSize: source.size,
    contentHash: contentHash ?? '',
    mapping,
    options: {
      reading,
      delimiter: shape.delimiter,
      encoding: shape.encoding,
      header: shape.headerRaw,
      dateFormat: shape.dateLayout ?? 'none',
      decimalComma: options.decimalComma,
      ...(options.round ? { round: options.round } : {}),
      currency,
      maxRejects: options.maxRejects ?? null,
      maxRejectsPercent: options.maxRejectsPercent ?? null,
    },
    startedAt: new Date().toISOString(),
  };
}

/** Reads, checks and writes the file inside the import's transaction; commits it, or rolls a dry run back. */
async function importInSession(run: Run, session: ImportSession): Promise<FileResult> {
  const { options, base, record, counts, reasons, started } = run;
  if (options.currency && run.settings.currency && (await session.getMeta('currency')) === null) await session.setCurrency(run.settings.currency);
  const importId = await session.insertImport(record, 'complete');
  const rejects = session.rejects(importId);
  const onReject = (r: Reject): void => {
    counts.rejected++;
    const first = (r.field ? r.field + ': ' : '') + r.reason;
    const key = first.replace(/"[^"]*"/g, '…');
    const seen = reasons.get(key);
    if (seen === undefined) reasons.set(key, { count: 1, firstLine: r.line, first });
    else seen.count++;
    rejects.add(r.line, r.field, r.reason, r.raw);
    if (run.kept.length < REFUSED_REJECTS_KEPT) run.kept.push(r);
  };
  const written =
    options.kind === 'transactions'
      ? await importTransactions(session, importId, run.source, run.shape, run.settings, options, onReject, base.preview, run.progress)
      : await importCustomers(session, importId, run.source, run.shape, onReject, base.preview, options.preview, run.progress);
  await rejects.finish();
  const { sha256, currencies, dateConflict, unterminatedLine, rounding, ...written2 } = written;
  if (rounding !== null) base.rounding = roundingSummary(rounding, run.settings.currency, options);
  if (unterminatedLine !== null && (written2.read ?? 0) > 0) base.warnings.push(t('import.notice.noFinalNewline', { line: unterminatedLine }, 'en'));
  if (dateConflict) refuseDateConflict(run, dateConflict);
  Object.assign(counts, written2);
  record.contentHash = run.contentHash ?? sha256 ?? '';
  // Currency marks in a database without a currency: one currency left is now the database's;
  // several ("$") are remembered, so a later file cannot bring another.
  if (run.settings.currency === null && currencies) {
    if (currencies.length === 1) await session.setCurrency(currencies[0]!);
    else await session.setMeta('currency_marks', JSON.stringify(currencies));
    base.currency = currencies.length === 1 ? currencies[0]! : null;
  }
  const refusal = refusalOf(counts, options);
  if (refusal !== null) throw new Refused(refusal);
  await session.finishImport(importId, counts, record.contentHash);
  if (options.dryRun) {
    await session.rollback();
    return finish(base, 'dry-run', null, counts, reasons, started);
  }
  await session.commit();
  return finish(base, 'imported', importId, counts, reasons, started);
}

/** The file's exact sum beside the stored one, in the currency the amounts were read with (a mark settles one only after the file). */
function roundingSummary(rounding: RoundingStats, currency: string | null, options: ImportOptions): NonNullable<FileResult['rounding']> {
  const exponent = currencyExponent(currency);
  const stored = BigInt(rounding.storedSum);
  const excess = { units: BigInt(rounding.excess.units), scale: rounding.excess.scale };
  return {
    rule: options.round ?? null,
    rounded: rounding.rounded,
    needsRounding: rounding.needsRounding,
    exponent,
    fileSum: exactText(stored, excess, exponent),
    storedSum: exactText(stored, { units: 0n, scale: 0 }, exponent),
  };
}

/** A date that contradicts the detected layout: the file is refused rather than half-guessed. */
function refuseDateConflict(run: Run, conflict: { value: string; line: number }): never {
  const { shape, options, source } = run;
  const col = shape.headers[shape.mapping.fields[options.kind === 'transactions' ? 'date' : 'created']!];
  const other = swapDayMonth(shape.dateLayout!);
  throw new UsageError(
    t('import.dateConflictLine', { file: source.name, column: String(col), evidence: String(shape.dateEvidence), value: conflict.value, line: conflict.line }),
    t('import.giveLayoutHint', { choices: `--date-format ${shape.dateLayout}${t('import.or')}--date-format ${other}` }),
  );
}

/** Why the whole file is refused, judged on the whole file (so the refusal's record lists every reject), or null. */
function refusalOf(counts: ImportCounts, options: ImportOptions): Refused['why'] | null {
  const pct = options.maxRejectsPercent;
  if (options.maxRejects !== undefined && counts.rejected > options.maxRejects) return 'max-rejects';
  if (pct !== undefined && counts.read > 0 && (counts.rejected / counts.read) * 100 > pct) return 'max-rejects';
  // Rows and not one of them good: a failure (exit code 4), not an import of nothing.
  if (counts.rejected > 0 && counts.rejected === counts.read) return 'all-rejected';
  return null;
}

/** A refused file (already rolled back): nothing of it is stored but the record of the attempt and its rejects, to list and fix them. */
async function recordRefused(run: Run, why: Refused['why']): Promise<FileResult> {
  const { base, counts, options, reasons, started } = run;
  base.refusal = why;
  if (why === 'all-rejected') base.dateLayoutsThatRead = layoutsForRejectedDates(run.kept, run.shape, options.kind);
  // Nothing was stored: the record says so, whatever the rolled-back pass had counted.
  Object.assign(counts, { imported: 0, updated: 0, duplicate: 0, customersCreated: 0 });
  if (options.dryRun) return finish(base, 'refused', null, counts, reasons, started);
  return finish(base, 'refused', await run.db.recordRefusal(run.record, counts, run.kept), counts, reasons, started);
}

function finish(base: FileResult, status: FileResult['status'], id: number | null, counts: ImportCounts, reasons: Reasons, started: number): FileResult {
  return {
    ...base,
    status,
    importId: id,
    counts,
    reasons: [...reasons]
      .map(([reason, x]) => ({ reason, ...x }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10),
    seconds: (Date.now() - started) / 1000,
  };
}

function emptyCounts(): ImportCounts {
  return { read: 0, imported: 0, updated: 0, duplicate: 0, rejected: 0, blankLines: 0, customersCreated: 0, withoutCustomer: 0 };
}

function emptyResult(file: string, options: ImportOptions): FileResult {
  return {
    file,
    status: 'imported',
    refusal: null,
    dateLayoutsThatRead: [],
    importId: null,
    sameAs: null,
    counts: emptyCounts(),
    reasons: [],
    mapping: {},
    extraColumns: [],
    delimiter: options.delimiter ?? ',',
    encoding: options.encoding ?? 'utf-8',
    dateLayout: options.dateFormat ?? 'ISO',
    dateEvidence: null,
    dateReadings: null,
    rounding: null,
    warnings: [],
    notices: [],
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
async function settleCurrency(db: Store, asked: string | undefined): Promise<{ currency: string | null; allowed: string[] | null }> {
  const stored = await db.getMeta('currency');
  const marks = await db.getMeta('currency_marks');
  const fromMarks = marks === null ? null : (JSON.parse(marks) as string[]);
  if (asked === undefined) return { currency: stored, allowed: stored !== null ? [stored] : fromMarks };
  const code = asked.toUpperCase();
  if (!isKnownCurrency(code)) throw new UsageError(t('import.notCurrency', { value: asked }), t('import.currencyHint'));
  if (stored !== null && stored !== code) {
    throw new RapportError(t('import.otherCurrency', { stored, code }), t('import.oneCurrencyHint'));
  }
  if (stored === null && fromMarks !== null && !fromMarks.includes(code)) {
    throw new RapportError(t('import.otherMarks', { marks: fromMarks.join(t('import.or')), code }), t('import.oneCurrencyHint'));
  }
  // Amounts imported before any --currency were read with 2 decimals; a currency with another
  // minor unit would mix scales in one column.
  if (stored === null && currencyExponent(code) !== 2 && (await db.hasTransactions())) {
    throw new RapportError(t('import.otherExponent', { code, digits: currencyExponent(code) }), t('import.newDbHint'));
  }
  return { currency: code, allowed: [code] };
}

async function importTransactions(
  session: ImportSession,
  importId: number,
  source: SourceFile,
  shape: FileShape,
  settings: CheckSettings,
  options: ImportOptions,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
  progress: Progress | undefined,
): Promise<Partial<ImportCounts> & Pick<ProduceStats, 'sha256' | 'currencies' | 'dateConflict' | 'unterminatedLine'> & { rounding: RoundingStats | null }> {
  const writer = session.transactions(importId, presentColumns(shape), { keepAll: options.keepAll });
  const previewRows = options.preview;
  // A store that takes rows packed gets them so from the parsing (store/packedRows.ts).
  const packed = writer.addPacked !== undefined;
  const consume = (b: Batch): Promise<void> => {
    for (const r of b.rejects) onReject(r);
    writer.customers(b.customers);
    writer.products(b.products);
    if (b.packed !== null) {
      for (let i = 0; i < b.count && preview.length < previewRows; i++) preview.push(previewRow(contentAt(b.packed, i), b.lines[i]!));
      writer.addPacked!(b.packed, b.lines, b.keys);
    } else if (b.count > 0) {
      const contents = b.contents;
      for (let i = 0; i < b.count; i++) {
        if (preview.length < previewRows) preview.push(previewRow(contents[i]!, b.lines[i]!));
        writer.add(contents[i]!, b.lines[i]!, b.keys[i]!);
      }
    }
    progress?.(b.bytesRead, source.size);
    return writer.ready();
  };
  const ref: SourceRef = { name: source.name, path: source.path, size: source.size };
  // With the worker, the main thread gets control between batches, so a signal is caught there and
  // the file rolled back; the synchronous path (small files) is ended by the signal's default action.
  const stats =
    source.size >= WORKER_MIN_BYTES
      ? await catchingSignals(() => inWorker(ref, shape, settings, consume, packed))
      : produceTransactions(
          ref,
          shape,
          settings,
          (b) => {
            // Small files are parsed in one go: the sink buffers them, and a failure surfaces at finish().
            consume(b).catch(() => undefined);
          },
          packed,
        );
  const written = await writer.finish().catch((e: unknown) => {
    if (e instanceof AmountTotalTooLarge) {
      throw new RapportError(
        t('import.totalTooLarge', { file: source.name, total: e.total.toLocaleString('en-US'), max: Number.MAX_SAFE_INTEGER.toLocaleString('en-US') }),
        t('import.totalTooLargeHint'),
      );
    }
    throw e;
  });
  return {
    read: stats.read,
    blankLines: stats.blankLines,
    imported: written.inserted,
    duplicate: written.duplicate,
    customersCreated: written.customersCreated,
    withoutCustomer: stats.withoutCustomer,
    sha256: stats.sha256,
    currencies: stats.currencies,
    dateConflict: stats.dateConflict,
    unterminatedLine: stats.unterminatedLine,
    rounding: stats.rounding,
  };
}

function previewRow(content: string, line: number): Record<string, unknown> {
  const v = content.split(SEP);
  const row: Record<string, unknown> = { line };
  TRANSACTION_COLUMNS.forEach((c, i) => (row[c] = v[i] === '' ? null : NUMERIC_COLUMNS.has(c) ? Number(v[i]) : v[i]));
  return row;
}

async function importCustomers(
  session: ImportSession,
  importId: number,
  source: SourceFile,
  shape: FileShape,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
  previewRows: number,
  progress: Progress | undefined,
): Promise<Partial<ImportCounts> & Pick<ProduceStats, 'sha256' | 'currencies' | 'dateConflict' | 'unterminatedLine'> & { rounding: null }> {
  const checker = customerChecker(shape);
  const writer = session.customerRecords(importId);
  const stats = readRecords(
    source,
    shape,
    {
      row(fields, line, raw) {
        const row = checker.check(fields, line, raw, onReject);
        if (row === null) return;
        if (preview.length < previewRows) {
          preview.push({
            line,
            customer_id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            type: row.type,
            account_manager: row.accountManager,
            created: row.createdDate,
          });
        }
        writer.add(row);
      },
      reject: onReject,
      progress: (b) => progress?.(b, source.size),
    },
    { hash: true },
  );
  progress?.(source.size, source.size);
  const written = await writer.finish();
  return {
    read: stats.read,
    blankLines: stats.blankLines,
    imported: written.inserted,
    updated: written.updated,
    duplicate: written.duplicate,
    sha256: stats.sha256,
    currencies: null,
    dateConflict: checker.dateConflict(),
    unterminatedLine: stats.unterminatedLine,
    rounding: null,
  };
}

/**
 * The date layouts that read every date of the rejects kept, when dates were why rows were
 * rejected: what to offer a user whose --date-format rejected a whole file, tried before offered.
 */
function layoutsForRejectedDates(kept: readonly Reject[], shape: FileShape, kind: ImportKind): string[] {
  const field = kind === 'transactions' ? 'date' : 'created';
  const idx = shape.mapping.fields[field];
  if (idx === undefined) return [];
  const values: string[] = [];
  const parser = new CsvParser({ delimiter: shape.delimiter }, { record: (fields) => void values.push(fields[idx] ?? ''), bad() {} });
  for (const r of kept) {
    if (r.field !== field) continue;
    parser.push(r.raw + '\n');
    if (values.length >= 2000) break;
  }
  parser.end();
  if (values.length === 0) return [];
  const sniffer = new DateSniffer();
  values.forEach((v, i) => sniffer.see(v, i + 1));
  const verdict = sniffer.verdict();
  const candidates = verdict.kind === 'layout' ? [verdict.layout] : verdict.kind === 'undecided' ? verdict.candidates : HINT_LAYOUTS;
  return layoutsReading(values, candidates);
}
