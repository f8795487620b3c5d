/**
 * The rows and values the Store (store.ts) takes and gives, in one place. Both back ends (sqlite/
 * and pg/) answer in these shapes, field for field, so a caller never knows which one it asked.
 * Fields in snake_case are rows as stored (a table's column names); camelCase ones are values built
 * from them.
 */
import type { ValueBasis } from '../core/analysis.js';
import type { Fitted } from '../core/model/churn.js';
import type { Category, CounterCustomer, Priority, Status as ComplaintStatus } from '../core/complaints.js';
import type { EXPORT_COLUMNS } from './exportColumns.js';
// The import's own types live with the rules both stores share (importRules.ts); used from here.
import type { ImportCounts, ImportRecord, StoredCustomer } from './importRules.js';

export type { ImportCounts, ImportRecord };

export type StoreKind = 'sqlite' | 'postgres';

/** An ordered, named schema migration (sqlite/migrations.ts, pg/migrations.ts: same ids and names). */
export interface Migration {
  id: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table others refer to (SQLite cannot change a CHECK in place): it
   * runs with foreign keys off, which SQLite allows only outside a transaction, and checks them
   * before it commits (https://www.sqlite.org/lang_altertable.html#otheralter, the 12 steps).
   */
  rebuilds?: true;
}

// Status, imports and rejects

export interface Status {
  database: string;
  currency: string | null;
  customers: number;
  transactions: number;
  first_date: string | null;
  last_date: string | null;
  net_revenue: number;
  /** Sales lines without a customer (customer_id NO_CUSTOMER) and their net amount: part of the above. */
  lines_without_customer: number;
  net_revenue_without_customer: number;
  /** Lines with a negative amount (a count, not money), and what they took back (minor units, negative). */
  refund_lines: number;
  refunds_amount: number;
  imports: number;
  refused_imports: number;
  /** Rows rejected by the imports that stored rows (as their summaries said). */
  rejected_rows: number;
  /** Rows rejected by refused imports, which stored nothing. */
  rejected_rows_refused: number;
}

export interface ImportRow {
  id: number;
  kind: string;
  file_name: string;
  status: string;
  rows_read: number;
  rows_imported: number;
  rows_updated: number;
  rows_duplicate: number;
  rows_rejected: number;
  customers_created: number;
  started_at: string;
  finished_at: string | null;
  file_size: number;
  /** What was removed and when (rapport imports remove), or null. */
  removed: string | null;
  content_hash: string;
  mapping: string;
  options: string;
}

export interface ImportReading {
  kind: string;
  /** The header line as it was written, or null for imports that did not record it. */
  header: string | null;
  delimiter: string;
  /** The date layout the import used ("ISO", a detected or given layout, or "none"). */
  dateFormat: string;
  decimalComma: boolean;
  map: Record<string, string>;
  keepAll: boolean;
  /** The file had no header row (--no-header, or --map by number on a first line of data). */
  noHeader: boolean;
}

export interface RejectRow {
  import_id: number;
  file_name: string;
  line: number;
  field: string | null;
  reason: string;
  raw: string;
}

/** What taking an import back (rapport imports remove ID) would take away, or took. */
export interface RemovalPlan {
  importId: number;
  kind: string;
  fileName: string;
  status: string;
  /** The line the record keeps once removed, or null while it has not been. */
  removed: string | null;
  /** Its transactions that go (no remaining import also held them). */
  transactions: number;
  /** Their net amount, minor units. */
  net: number;
  /** Its transactions that stay, handed to the earliest remaining import that also held them (as a duplicate). */
  kept: number;
  /** Those imports, by id. */
  keptBy: number[];
  rejects: number;
  /** Customer records created by this import that nothing else refers to. */
  customers: number;
  /** Snapshots and model fits that saw its rows (removed with them). */
  snapshots: string[];
  fits: string[];
}

// Measures

export interface StaffSales {
  staff: string;
  lines: number;
  net: number;
  linesWithoutCustomer: number;
  netWithoutCustomer: number;
}

export interface ProductSales {
  product: string;
  name: string | null;
  lines: number;
  net: number;
  netWithoutCustomer: number;
}

export interface CutoffPurchases {
  first: string;
  last: string;
  days: number;
  after: number;
}

// Customers

/** A customer record as the card shows it (the file's extra attributes left out). */
export type CustomerRecord = { id: string } & Omit<StoredCustomer, 'attributes'>;

export interface CustomerTransaction {
  date: string;
  time: string | null;
  amount: number;
  quantity: number | null;
  product: string | null;
  /** The product's name, when a file gave one (a description column beside the code). */
  product_name: string | null;
  channel: string | null;
  external_id: string | null;
}

export interface FoundCustomer {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** A customer created at the counter (complaints/flow.ts asks for these), with the day it was made. */
export interface NewCustomer extends CounterCustomer {
  createdDate: string;
}

// Complaints

export interface ComplaintRow {
  id: number;
  customer_id: string;
  customer_name: string | null;
  created_at: string;
  category: Category;
  priority: Priority;
  product: string | null;
  summary: string;
  how: string | null;
  why: string | null;
  staff: string | null;
  other_issues: string | null;
  reasonable: number | null;
  wanted: string | null;
  status: ComplaintStatus;
  assignee: string | null;
  due_at: string;
  resolved_at: string | null;
  resolution: string | null;
  compensation: number | null;
  satisfied: number | null;
  closed_at: string | null;
}

export interface EventRow {
  at: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  text: string | null;
}

export interface ComplaintFilter {
  status?: ComplaintStatus | null;
  customerId?: string | null;
  category?: Category | null;
}

/** A complaint as complaintsAt reads it, and one event of its history (complaintReplay.ts). */
export interface ComplaintHead {
  id: number;
  customer_id: string;
  category: Category;
  created_at: string;
}
export interface ComplaintEvent {
  complaint_id: number;
  at: string;
  kind: string;
  to_status: ComplaintStatus | null;
  satisfied: number | null;
}

// Snapshots, fits and watchlists

export interface SnapshotInfo {
  id: number;
  as_of: string;
  created_at: string;
  customers: number;
  data_version: number;
  settings: Record<string, string>;
  value_basis: ValueBasis;
}

/** Each field: one value or several (any of them); null or absent: no condition. */
export interface SnapshotFilter {
  tier?: string | readonly string[] | null;
  stage?: string | readonly string[] | null;
  exitPattern?: string | readonly string[] | null;
  segment?: string | null;
  customerId?: string | null;
}

export interface SavedFit {
  id: number;
  as_of: string;
  created_at: string;
  settings: Record<string, string>;
  data_version: number;
  fit: Fitted;
}

/**
 * Watchlists: the churn list a person was given as of a date (customer, risk, level, expected
 * purchases), one per as-of date, so that a later report can say how it turned out (issue 26).
 */
export interface WatchlistInfo {
  id: number;
  as_of: string;
  created_at: string;
  horizon_days: number;
  method: string;
  customers: number;
}

export interface WatchlistEntry {
  customer_id: string;
  risk: number;
  level: string;
  expected_purchases: number | null;
}

export interface NewWatchlist {
  asOf: string;
  horizonDays: number;
  method: string;
  entries: readonly WatchlistEntry[];
}

// Exports and copies

/** A table `rapport export` writes (exportColumns.ts). */
export type ExportTable = keyof typeof EXPORT_COLUMNS;

/** One of rapport's tables as `rapport copy` moves it (copyTables.ts). */
export interface CopyTable {
  name: string;
  /** The columns copied, as both schemas name them. */
  columns: readonly string[];
  /** The order rows are read in: the key, so a copy is the same whatever the back end. */
  order: readonly string[];
}

/** Rows per table, by table name. */
export type TableCounts = Record<string, number>;
