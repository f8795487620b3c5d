/**
 * Importing one file: sniff (delimiter, header, mapping, date layout), then one pass that
 * validates every record and writes it, all inside one transaction. A record is stored, found
 * to be a duplicate, or kept as a reject with its line and reason; nothing is dropped silently.
 */
import { resolveMapping, customerType, type ImportKind, type Mapping } from '../core/columns.js';
import { CsvParser, sniffDelimiter, type CsvSink } from '../core/csv.js';
import { DateSniffer, dateReaderFor, DateFormatError, type DateReader } from '../core/dates.js';
import { MoneyParser, currencyExponent, isCurrencyCode, lineAmount, symbolFits, decimalParts } from '../core/money.js';
import { RapportError, UsageError } from '../errors.js';
import type { DB } from '../store/db.js';
import { getMeta, setMeta } from '../store/db.js';
import {
  CustomerWriter,
  RejectWriter,
  TRANSACTION_COLUMNS,
  contentString,
  TransactionWriter,
  finishImport,
  findCompleteImportByHash,
  insertImport,
  type ImportCounts,
  type ImportRecord,
  type TransactionRow,
  type CustomerRow,
} from '../store/importStore.js';
import { TextReader, type SourceFile } from './source.js';

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
  currency: string | null;
  preview: Record<string, unknown>[];
  seconds: number;
}

export type Progress = (bytesRead: number, size: number) => void;

const MAX_ID = 200;
const MAX_TEXT = 2000;
/** Rejects kept in memory for the record of a refused import (its rows are not stored). */
const REFUSED_REJECTS_KEPT = 10_000;
const SNIFF_RECORDS = 2000;

class Refused extends Error {}
class DryRunDone extends Error {}

interface Reject {
  line: number;
  field: string | null;
  reason: string;
  raw: string;
}

export function importFile(db: DB, source: SourceFile, options: ImportOptions, progress?: Progress): FileResult {
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const base = emptyResult(source.name, options);

  if (!options.dryRun) {
    const earlier = findCompleteImportByHash(db, options.kind, source.sha256);
    if (earlier) {
      return { ...base, status: 'already-imported', sameAs: earlier.id, seconds: (Date.now() - started) / 1000 };
    }
  }

  const sniff = sniffFile(source, options);
  base.delimiter = sniff.delimiter;
  base.encoding = sniff.encoding;
  base.mapping = Object.fromEntries(Object.entries(sniff.mapping.fields).map(([f, i]) => [f, sniff.headers[i]!.trim()]));
  base.extraColumns = sniff.mapping.extra.map((c) => c.name);
  base.dateLayout = sniff.dateReader?.layout ?? 'none';

  const currency = settleCurrency(db, options.currency);
  base.currency = currency;
  const record: ImportRecord = {
    kind: options.kind,
    fileName: source.name,
    fileSize: source.size,
    contentHash: source.sha256,
    mapping: base.mapping,
    options: {
      delimiter: sniff.delimiter,
      encoding: sniff.encoding,
      dateFormat: base.dateLayout,
      decimalComma: options.decimalComma,
      currency,
      maxRejects: options.maxRejects ?? null,
      maxRejectsPercent: options.maxRejectsPercent ?? null,
    },
    startedAt,
  };

  const kept: Reject[] = [];
  const reasons = new Map<string, number>();
  let counts: ImportCounts = { read: 0, imported: 0, updated: 0, duplicate: 0, rejected: 0, blankLines: 0, customersCreated: 0 };
  let importId = 0;
  try {
    db.transaction(() => {
      if (options.currency && currency && getMeta(db, 'currency') === null) setMeta(db, 'currency', currency);
      importId = insertImport(db, record, 'complete');
      const rejects = new RejectWriter(db, importId);
      const onReject = (r: Reject): void => {
        counts.rejected++;
        const key = (r.field ? r.field + ': ' : '') + r.reason.replace(/"[^"]*"/g, '…');
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
        rejects.add(r.line, r.field, r.reason, r.raw);
        if (kept.length < REFUSED_REJECTS_KEPT) kept.push(r);
        if (options.maxRejects !== undefined && counts.rejected > options.maxRejects) throw new Refused();
      };
      counts = readAll(db, source, options, sniff, importId, currency, onReject, counts, base.preview, progress);
      const limitPct = options.maxRejectsPercent;
      if (limitPct !== undefined && counts.read > 0 && (counts.rejected / counts.read) * 100 > limitPct) throw new Refused();
      finishImport(db, importId, counts);
      if (options.dryRun) throw new DryRunDone();
    }).immediate();
  } catch (e) {
    if (e instanceof DryRunDone) {
      return finish(base, 'dry-run', null, counts, reasons, started);
    }
    if (e instanceof Refused) {
      // Nothing of the file is stored; keep a record of the attempt and its rejects so they can be listed and fixed.
      const id = db.transaction(() => {
        const refusedId = insertImport(db, record, 'refused');
        finishImport(db, refusedId, counts);
        const w = new RejectWriter(db, refusedId);
        for (const r of kept) w.add(r.line, r.field, r.reason, r.raw);
        return refusedId;
      }).immediate();
      return finish(base, 'refused', id, counts, reasons, started);
    }
    throw e;
  }
  return finish(base, 'imported', importId, counts, reasons, started);
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
    currency: null,
    preview: [],
    seconds: 0,
  };
}

/** The database's currency; --currency sets it on first use and must match it after that. */
function settleCurrency(db: DB, asked: string | undefined): string | null {
  const stored = getMeta(db, 'currency');
  if (asked === undefined) return stored;
  const code = asked.toUpperCase();
  if (!isCurrencyCode(code)) throw new UsageError(`--currency ${asked}: expected an ISO 4217 code such as EUR, USD, GBP, CNY`);
  if (stored !== null && stored !== code) {
    throw new RapportError(`this database holds amounts in ${stored}; refusing to mix in ${code}`, 'one currency per database: use another --db for other currencies');
  }
  return code;
}

interface Sniff {
  delimiter: string;
  encoding: string;
  headers: string[];
  headerLine: number;
  mapping: Mapping;
  dateReader: DateReader | null;
}

/** Reads the start of the file (and, for an undecided date column, the whole column). */
function sniffFile(source: SourceFile, options: ImportOptions): Sniff {
  const reader = new TextReader(source, options.encoding);
  let sample = '';
  try {
    while (sample.length < 64 * 1024) {
      const t = reader.next();
      if (t === null) break;
      sample += t;
    }
  } finally {
    reader.close();
  }
  if (sample.startsWith('\uFEFF')) sample = sample.slice(1);
  if (sample.trim() === '') throw new RapportError(`${source.name}: the file is empty`, 'export the data with a header row and at least one row');
  const delimiter = options.delimiter ?? sniffDelimiter(sample);
  let headers: string[] | null = null;
  let headerLine = 0;
  const firstRows: { fields: string[]; line: number }[] = [];
  const p = new CsvParser({ delimiter }, {
    record(fields, line) {
      if (headers === null) {
        headers = fields;
        headerLine = line;
      } else if (firstRows.length < SNIFF_RECORDS) firstRows.push({ fields, line });
    },
    bad() {},
  });
  // Only whole lines of the sample (the last may be cut).
  const cut = sample.length < 64 * 1024 ? sample.length : sample.lastIndexOf('\n') + 1;
  p.push(sample.slice(0, cut));
  if (cut === sample.length) p.end();
  if (headers === null) throw new RapportError(`${source.name}: no header row found`, 'the first line must name the columns');
  const hdrs: string[] = (headers as string[]).map((h) => h.replace(/^\uFEFF/, '').trim());
  const mapped = resolveMapping(options.kind, hdrs, options.map);
  if (!mapped.ok) throw new UsageError(`${source.name}: ${mapped.message}`, mapped.hint);
  const mapping = mapped.mapping;
  const dateField = options.kind === 'transactions' ? 'date' : 'created';
  const dateIdx = mapping.fields[dateField];
  let dateReader: DateReader | null = null;
  if (options.dateFormat) {
    try {
      dateReader = dateReaderFor(options.dateFormat);
    } catch (e) {
      if (e instanceof DateFormatError) throw new UsageError(e.message);
      throw e;
    }
  } else if (dateIdx !== undefined) {
    const sniffer = new DateSniffer();
    for (const r of firstRows) sniffer.see(r.fields[dateIdx] ?? '', r.line);
    let verdict = sniffer.verdict();
    if (verdict.kind === 'undecided' && firstRows.length >= SNIFF_RECORDS) {
      // The sample did not settle it: read the whole date column before deciding.
      const whole = new DateSniffer();
      scanColumn(source, options.encoding, delimiter, dateIdx, headerLine, (v, line) => whole.see(v, line));
      verdict = whole.verdict();
    }
    const col = hdrs[dateIdx];
    if (verdict.kind === 'unknown') {
      throw new UsageError(
        `${source.name}: cannot tell the layout of dates like "${verdict.example}" in column "${col}"`,
        'give it with --date-format, e.g. --date-format DD-MMM-YYYY or --date-format "MMM D, YYYY"',
      );
    }
    if (verdict.kind === 'undecided') {
      throw new UsageError(
        `${source.name}: dates like ${verdict.example} in column "${col}" could be day-first or month-first, and no date in the file settles it`,
        `say which with --date-format ${verdict.candidates[0]} or --date-format ${verdict.candidates[1]}`,
      );
    }
    dateReader = dateReaderFor(verdict.layout);
  }
  return { delimiter, encoding: options.encoding ?? 'utf-8', headers: hdrs, headerLine, mapping, dateReader };
}

function scanColumn(source: SourceFile, encoding: string | undefined, delimiter: string, idx: number, headerLine: number, see: (v: string, line: number) => void): void {
  const reader = new TextReader(source, encoding);
  const p = new CsvParser({ delimiter }, {
    record(fields, line) {
      if (line > headerLine) see(fields[idx] ?? '', line);
    },
    bad() {},
  });
  try {
    for (let t = reader.next(); t !== null; t = reader.next()) p.push(t);
    p.end();
  } finally {
    reader.close();
  }
}

/** The main pass: every record of the file through validation into the writers. */
function readAll(
  db: DB,
  source: SourceFile,
  options: ImportOptions,
  sniff: Sniff,
  importId: number,
  currency: string | null,
  onReject: (r: Reject) => void,
  counts: ImportCounts,
  preview: Record<string, unknown>[],
  progress: Progress | undefined,
): ImportCounts {
  const reader = new TextReader(source, options.encoding);
  const width = sniff.headers.length;
  const validate = options.kind === 'transactions'
    ? transactionValidator(db, importId, options, sniff, currency, onReject, preview)
    : customerValidator(db, importId, sniff, onReject, preview, options.preview);
  const sink: CsvSink = {
    record(fields, line, raw) {
      if (line <= sniff.headerLine) return;
      if (fields.length !== width) {
        if (fields.every((f) => f.trim() === '')) {
          counts.blankLines++;
          return;
        }
        counts.read++;
        const truncated = parser.endedWithoutNewline && fields.length < width ? ' (the last line looks cut short)' : '';
        onReject({ line, field: null, raw, reason: `expected ${width} fields, found ${fields.length}${truncated}` });
        return;
      }
      counts.read++;
      validate.row(fields, line, raw);
    },
    bad(raw, line, reason) {
      counts.read++;
      onReject({ line, field: null, raw, reason });
    },
  };
  const parser = new CsvParser({ delimiter: sniff.delimiter }, sink);
  try {
    let text = reader.next();
    if (text !== null && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let lastReport = 0;
    while (text !== null) {
      parser.push(text);
      if (progress && reader.bytesRead - lastReport >= 4 * 1024 * 1024) {
        lastReport = reader.bytesRead;
        progress(reader.bytesRead, source.size);
      }
      text = reader.next();
    }
    parser.end();
    counts.blankLines += parser.blankLines;
    progress?.(source.size, source.size);
  } finally {
    reader.close();
  }
  const written = validate.done();
  return { ...counts, ...written };
}

interface Validator {
  row(fields: string[], line: number, raw: string): void;
  done(): { imported: number; updated: number; duplicate: number; customersCreated: number };
}

const TEXT_FIELDS = ['product', 'channel', 'staff', 'payment_method', 'external_id'] as const;

/** A string of 1-15 plain digits (optionally signed) as a number, else NaN. */
function plainInteger(s: string): number {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (n === i || n - i > 15) return NaN;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + c - 48;
  }
  return s.charCodeAt(0) === 45 ? (v === 0 ? 0 : -v) : v;
}

function text(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function transactionValidator(
  db: DB,
  importId: number,
  options: ImportOptions,
  sniff: Sniff,
  currency: string | null,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
): Validator {
  const f = sniff.mapping.fields;
  const iCustomer = f.customer_id!;
  const iDate = f.date!;
  const iTime = f.time;
  const iAmount = f.amount;
  const iQty = f.quantity;
  const iPrice = f.unit_price;
  const textCols = TEXT_FIELDS.map((name) => f[name]);
  const extra = sniff.mapping.extra;
  const exponent = currencyExponent(currency);
  const moneyOptions = { decimalComma: options.decimalComma, exponent };
  const money = new MoneyParser(moneyOptions);
  const dates = sniff.dateReader!;
  const present = TRANSACTION_COLUMNS.filter(
    (c) => c === 'customer_id' || c === 'date' || c === 'time' || c === 'amount' || (c === 'extra' ? extra.length > 0 : f[c] !== undefined),
  );
  const writer = new TransactionWriter(db, importId, present);
  const customers = new Set<string>();
  let fileSymbol: string | null = null;

  return {
    row(fields, line, raw) {
      const reject = (field: string | null, reason: string): void => onReject({ line, field, reason, raw });
      const customerId = fields[iCustomer]!.trim();
      if (customerId === '') return reject('customer_id', 'empty customer id');
      if (customerId.length > MAX_ID) return reject('customer_id', `customer id longer than ${MAX_ID} characters`);
      if (!dates.parse(fields[iDate]!)) return reject('date', dates.reason);
      // A copy, not a slice: a slice would keep the whole chunk of text it came from alive.
      if (!customers.has(customerId)) customers.add(Buffer.from(customerId).toString());
      const date = dates.date;
      let time = dates.time;
      if (iTime !== undefined && time === null) {
        const t = fields[iTime]!.trim();
        if (t !== '') {
          time = parseTime(t);
          if (time === null) return reject('time', `"${t}" is not a time of day (HH:mm or HH:mm:ss)`);
        }
      }
      let quantity: number | null = null;
      let qtyText = '';
      if (iQty !== undefined) {
        qtyText = fields[iQty]!.trim();
        if (qtyText !== '') {
          quantity = plainInteger(qtyText);
          if (quantity !== quantity) {
            const q = decimalParts(qtyText, options.decimalComma);
            if (q === null) return reject('quantity', `"${qtyText}" is not a quantity`);
            quantity = Number(q.units) / 10 ** q.scale;
          }
        }
      }
      let unitPrice: number | null = null;
      let priceText = '';
      if (iPrice !== undefined) {
        priceText = fields[iPrice]!.trim();
        if (priceText !== '') {
          unitPrice = money.parse(priceText);
          // Prices finer than the minor unit (0.125) are rounded for storage; amounts use the exact value.
          if (unitPrice !== unitPrice) unitPrice = lineAmount('1', priceText, moneyOptions);
          if (unitPrice !== unitPrice) return reject('unit_price', `"${priceText}" is not a price`);
        }
      }
      let amount: number;
      if (iAmount !== undefined && (fields[iAmount]!.trim() !== '' || quantity === null || unitPrice === null)) {
        const a = fields[iAmount]!;
        amount = money.parse(a);
        if (amount !== amount) return reject('amount', money.explain(a));
        const sym = money.symbol;
        if (sym !== null) {
          if (currency !== null) {
            if (!symbolFits(sym, currency)) return reject('amount', `"${a.trim()}" is not in ${currency}, the database's currency`);
          } else if (fileSymbol === null) fileSymbol = sym;
          else if (sym !== fileSymbol) return reject('amount', `"${a.trim()}" mixes currencies (${fileSymbol} earlier in the file)`);
        }
      } else {
        if (qtyText === '' || priceText === '') return reject(qtyText === '' ? 'quantity' : 'unit_price', 'no amount, and no quantity and unit price to compute it from');
        amount = lineAmount(qtyText, priceText, moneyOptions);
        if (amount !== amount) return reject('amount', `${qtyText} × ${priceText} cannot be stored exactly`);
      }
      // customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra
      const values: (string | number | null)[] = [customerId, date, time, amount, quantity, unitPrice, null, null, null, null, null, null];
      for (let k = 0; k < textCols.length; k++) {
        const idx = textCols[k]!;
        if (idx === undefined) continue;
        const v = text(fields[idx]);
        if (v !== null && v.length > MAX_TEXT) return reject(TEXT_FIELDS[k]!, `longer than ${MAX_TEXT} characters`);
        values[6 + k] = v;
      }
      if (extra.length > 0) {
        const o: Record<string, string> = {};
        let any = false;
        for (const c of extra) {
          const v = fields[c.index]!.trim();
          if (v !== '') {
            o[c.name] = v;
            any = true;
          }
        }
        if (any) values[11] = JSON.stringify(o);
      }
      const row: TransactionRow = { values, line, content: contentString(values) };
      if (preview.length < options.preview) {
        const shown: Record<string, unknown> = { line };
        TRANSACTION_COLUMNS.forEach((c, i) => (shown[c] = values[i]));
        preview.push(shown);
      }
      writer.add(row);
    },
    done() {
      writer.flush();
      const created = writer.createMissingCustomers(customers);
      return { imported: writer.inserted, updated: 0, duplicate: writer.duplicate, customersCreated: created };
    },
  };
}

/** "14:30", "14:30:05", "2:30 PM" -> "HH:MM:SS", or null. */
export function parseTime(t: string): string | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (m[4] !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (m[4].toLowerCase() === 'pm' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) return null;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(h)}:${p(mi)}:${p(s)}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function customerValidator(
  db: DB,
  importId: number,
  sniff: Sniff,
  onReject: (r: Reject) => void,
  preview: Record<string, unknown>[],
  previewRows: number,
): Validator {
  const f = sniff.mapping.fields;
  const writer = new CustomerWriter(db, importId);
  const dates = sniff.dateReader;
  return {
    row(fields, line, raw) {
      const reject = (field: string | null, reason: string): void => onReject({ line, field, reason, raw });
      const id = fields[f.customer_id!]!.trim();
      if (id === '') return reject('customer_id', 'empty customer id');
      if (id.length > MAX_ID) return reject('customer_id', `customer id longer than ${MAX_ID} characters`);
      const get = (name: string): string | null => (f[name] === undefined ? null : text(fields[f[name]!]));
      const row: CustomerRow = {
        id,
        name: get('name'),
        email: get('email'),
        phone: get('phone'),
        type: null,
        accountManager: get('account_manager'),
        createdDate: null,
        attributes: null,
      };
      for (const [k, v] of Object.entries({ name: row.name, phone: row.phone, account_manager: row.accountManager })) {
        if (v !== null && v.length > MAX_TEXT) return reject(k, `longer than ${MAX_TEXT} characters`);
      }
      if (row.email !== null && !EMAIL.test(row.email)) return reject('email', `"${row.email}" is not an email address`);
      const typeText = get('type');
      if (typeText !== null) {
        row.type = customerType(typeText);
        if (row.type === null) return reject('type', `"${typeText}" is not a customer type (consumer, business, channel, internal)`);
      }
      const created = get('created');
      if (created !== null && dates) {
        if (!dates.parse(created)) return reject('created', dates.reason);
        row.createdDate = dates.date;
      }
      if (sniff.mapping.extra.length > 0) {
        const attrs: Record<string, string> = {};
        for (const c of sniff.mapping.extra) {
          const v = fields[c.index]!.trim();
          if (v !== '') attrs[c.name] = v;
        }
        row.attributes = attrs;
      }
      if (preview.length < previewRows) {
        preview.push({ line, customer_id: id, name: row.name, email: row.email, phone: row.phone, type: row.type, account_manager: row.accountManager, created: row.createdDate });
      }
      writer.add(row);
    },
    done() {
      return { imported: writer.inserted, updated: writer.updated, duplicate: writer.duplicate, customersCreated: 0 };
    },
  };
}
