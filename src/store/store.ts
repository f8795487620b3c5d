/**
 * The store: everything rapport keeps, behind one interface that the SQLite file (the default)
 * and a shared PostgreSQL database both implement. Commands and the analysis talk to a Store and
 * never see SQL or know which back end it is; all SQL lives in src/store/sqlite/ and
 * src/store/pg/. The rows and values it takes and gives are in types.ts.
 *
 * Methods are async because PostgreSQL's driver is. Anything that can be as long as the
 * transactions table (a customer's days, an export, the monthly sales) is passed to a callback
 * row by row instead of returned or yielded, so neither back end pays a promise per row and the
 * client's memory does not grow with the table.
 */
import type { Analysis } from '../core/analysis.js';
import type { ComplaintFacts, ComplaintInput } from '../core/complaints.js';
import type { CustomerDay } from '../core/measures.js';
import type { Fitted } from '../core/model/churn.js';
import type { CustomerRow, TransactionColumn } from '../core/row.js';
import type { PackedRows } from './packedRows.js';
import type {
  ComplaintFilter,
  ComplaintRow,
  CopyTable,
  CustomerRecord,
  CustomerTransaction,
  CutoffPurchases,
  EventRow,
  ExportTable,
  FoundCustomer,
  ImportCounts,
  ImportReading,
  ImportRecord,
  ImportRow,
  NewCustomer,
  NewWatchlist,
  ProductSales,
  RejectRow,
  RemovalPlan,
  SavedFit,
  SnapshotFilter,
  SnapshotInfo,
  StaffSales,
  Status,
  StoreKind,
  TableCounts,
  WatchlistEntry,
  WatchlistInfo,
} from './types.js';

/**
 * Writes one file's rows inside the import's transaction. `add` and `customers`/`products` only
 * buffer or stream; `ready()` resolves when the writer can take more (back-pressure: the parser
 * waits for it between batches); `finish()` applies the duplicate rule where the back end defers
 * it and returns the counts.
 */
export interface TransactionSink {
  /** One row: its content string (core/row.ts), source line, and slot-0 key. */
  add(content: string, line: number, key: number): void;
  /**
   * A store that takes rows packed (./packedRows.ts; SQLite does) has this: the parsing then
   * packs its batches, and they come here instead of to add.
   */
  addPacked?(rows: PackedRows, lines: Float64Array, keys: Float64Array): void;
  /** Customer ids seen in a batch: a bare record is created for each that has none. */
  customers(ids: readonly string[]): void;
  /** [code, name] pairs a file gives its products. */
  products(pairs: readonly [string, string][]): void;
  ready(): Promise<void>;
  finish(): Promise<{ inserted: number; duplicate: number; customersCreated: number }>;
}

export interface RejectSink {
  add(line: number, field: string | null, reason: string, raw: string): void;
  ready(): Promise<void>;
  finish(): Promise<void>;
}

export interface CustomerSink {
  add(row: CustomerRow): void;
  ready(): Promise<void>;
  finish(): Promise<{ inserted: number; updated: number; duplicate: number }>;
}

/** One file's import: one transaction, whole or nothing; two imports at once wait for each other. */
export interface ImportSession {
  insertImport(rec: ImportRecord, status: 'complete' | 'refused'): Promise<number>;
  finishImport(importId: number, counts: ImportCounts, contentHash: string): Promise<void>;
  transactions(importId: number, present: readonly TransactionColumn[], options: { keepAll: boolean }): TransactionSink;
  rejects(importId: number): RejectSink;
  customerRecords(importId: number): CustomerSink;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  setCurrency(code: string): Promise<void>;
  commit(): Promise<void>;
  /** Safe to call more than once, and after commit (then it does nothing). */
  rollback(): Promise<void>;
  /** For a caught signal: undo the open transaction synchronously where the back end can, else start undoing it. */
  abandon(): void;
}

export interface Store {
  readonly kind: StoreKind;
  /** Where it is, as status prints it: a file path, or the URL without any password. */
  readonly location: string;
  close(): Promise<void>;

  /** Runs fn in one transaction (writes from several statements land together or not at all). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs a write transaction however long another writer holds the lock (what a person has just
   * typed and confirmed); onWait is called once when it first has to wait.
   */
  writeWhenFree<T>(fn: () => Promise<T>, onWait: () => void): Promise<T>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  customerCount(): Promise<number>;

  // Settings
  storedSettings(): Promise<Record<string, string>>;
  storeSetting(key: string, value: string): Promise<void>;
  removeSetting(key: string): Promise<boolean>;

  // Imports
  /**
   * An import session: begins the import's transaction (taking the import lock). `fileBytes`, the
   * file's size, lets a store choose how to load a file bigger than what it holds.
   */
  beginImport(fileBytes?: number): Promise<ImportSession>;
  findSameImport(kind: string, contentHash: string, reading: string): Promise<{ id: number } | undefined>;
  importWithSizeExists(kind: string, size: number): Promise<boolean>;
  hasTransactions(): Promise<boolean>;
  /** The record of a refused import and (some of) its rejects, in its own transaction. */
  recordRefusal(
    record: ImportRecord,
    counts: ImportCounts,
    rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  ): Promise<number>;
  status(location: string): Promise<Status>;
  listImports(limit: number | null): Promise<ImportRow[]>;
  importExists(id: number): Promise<boolean>;
  importReading(id: number): Promise<ImportReading | null>;
  listRejects(importId: number | null, limit: number | null): Promise<RejectRow[]>;
  removalPlan(importId: number): Promise<RemovalPlan | null>;
  removeImport(plan: RemovalPlan, now?: Date): Promise<string>;

  // Measures (all up to an as-of date; later rows ignored)
  /** Every customer's days up to asOf in (customer, date) order, one call a day, computed on the server. */
  customerDays(asOf: string, fn: (day: CustomerDay) => void): Promise<void>;
  purchaseDaysBetween(from: string, to: string): Promise<Map<string, number>>;
  lastTransactionDate(): Promise<string | null>;
  firstTransactionDate(): Promise<string | null>;
  netByMonth(from: string, to: string): Promise<Map<string, number>>;
  /** Every transaction up to asOf as (customer, YYYY-MM, amount), in no particular order. */
  salesByMonth(asOf: string, fn: (customerId: string, month: string, amount: number) => void): Promise<void>;
  customerStaff(asOf: string): Promise<Map<string, string>>;
  staffSales(from: string, to: string): Promise<StaffSales[]>;
  productSales(from: string, to: string, limit: number): Promise<ProductSales[]>;
  purchasesAroundCutoff(cutoff: string, asOf: string): Promise<CutoffPurchases[]>;

  // Customers
  customerNames(): Promise<Map<string, Pick<CustomerRecord, 'name' | 'type'>>>;
  customerRecord(id: string): Promise<CustomerRecord | null>;
  similarCustomerIds(id: string): Promise<string[]>;
  customerTransactions(id: string, asOf: string): Promise<CustomerTransaction[]>;
  findCustomers(text: string, limit?: number): Promise<FoundCustomer[]>;
  createCustomer(c: NewCustomer): Promise<void>;
  boughtBetween(customerId: string, from: string, to: string): Promise<boolean>;

  // Complaints
  insertComplaint(input: ComplaintInput, createdAt: string, dueAt: string): Promise<number>;
  addEvent(id: number, at: string, kind: string, from: string | null, to: string | null, text: string | null, satisfied?: boolean | null): Promise<void>;
  lastEventAt(id: number): Promise<string>;
  getComplaint(id: number): Promise<ComplaintRow | null>;
  /**
   * The complaint as stored now, read inside the open write transaction and held against other
   * writers until it ends (SQLite's write lock already is; PostgreSQL locks the row): what a change
   * is checked against, so that two people changing it at once cannot both win.
   */
  complaintForChange(id: number): Promise<ComplaintRow | null>;
  /**
   * Throws the error a write to the complaints would meet for want of rights (a PostgreSQL role that
   * may only read, a read-only server), before a person at the counter types answers it could not
   * save. SQLite refuses a read-only file or folder when the store is opened to change it.
   */
  checkComplaintsWritable(): Promise<void>;
  complaintEvents(id: number): Promise<EventRow[]>;
  listComplaints(f?: ComplaintFilter): Promise<ComplaintRow[]>;
  setComplaintFields(id: number, fields: Record<string, unknown>): Promise<void>;
  complaintsAt(at: string): Promise<ComplaintFacts[]>;
  recordDue(id: number, at: string, due: string): Promise<void>;

  // Snapshots and fits
  dataVersion(): Promise<number>;
  saveSnapshot(analysis: Analysis, settings: Record<string, string>): Promise<number>;
  listSnapshots(): Promise<SnapshotInfo[]>;
  findSnapshot(asOf: string): Promise<SnapshotInfo | null>;
  loadSnapshot(id: number, filter?: SnapshotFilter): Promise<Analysis>;
  snapshotRank(id: number, value: number): Promise<{ above: number; total: number }>;
  saveFit(fit: Fitted, settings: Record<string, string>): Promise<number>;
  findFit(asOf: string): Promise<SavedFit | null>;
  /** Saves (or replaces) the churn list given as of its date (sqlite/watchlists.ts, pg/store.ts). */
  saveWatchlist(list: NewWatchlist): Promise<number>;
  listWatchlists(): Promise<WatchlistInfo[]>;
  /** A saved list's customers in customer_id order. */
  loadWatchlist(id: number): Promise<WatchlistEntry[]>;

  // Exports
  /** Every row of a table in id order, in batches (values as stored: numbers, text, null). */
  exportRows(table: ExportTable): AsyncIterable<Record<string, unknown>[]>;

  // Copying a whole store (rapport copy --to; src/store/copyTables.ts)
  /** Runs fn on one consistent state of the store (a read transaction). */
  readConsistent<T>(fn: () => Promise<T>): Promise<T>;
  /** Rows in each of rapport's tables. */
  tableCounts(): Promise<TableCounts>;
  /** Every row of a table in its key order, in batches, as stored. */
  tableRows(spec: CopyTable): AsyncIterable<Record<string, unknown>[]>;
  /** Writes rows as they are (ids kept) in the transaction in progress; computed columns are computed here. */
  insertRows(spec: CopyTable, rows: readonly Record<string, unknown>[]): Promise<void>;
  /** After a copy, in its transaction: id counters continue after the copied rows. */
  afterCopy(): Promise<void>;
}
