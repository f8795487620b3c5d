/**
 * The Store on a SQLite file (the default back end): each method calls the synchronous function
 * beside it in src/store/sqlite/, so the SQL and its measured tuning stay where they were. better-sqlite3
 * is synchronous, so a transaction opened here cannot interleave with another call: the process
 * runs one command at a time.
 */
import type { Analysis } from '../../core/analysis.js';
import type { ComplaintInput } from '../../core/complaints.js';
import type { CustomerDay } from '../../core/measures.js';
import type { Fitted } from '../../core/model/churn.js';
import type { CustomerRow, TransactionColumn } from '../../core/row.js';
import * as complaints from './complaints.js';
import * as customers from './customers.js';
import { getMeta, setCurrency, setMeta, writeWhenFree, type DB } from './db.js';
import * as copying from './copy.js';
import { exportRows } from './exports.js';
import { findFit, saveFit } from './fits.js';
import * as imports from './import.js';
import * as measures from './measures.js';
import * as queries from './queries.js';
import { removalPlan, removeImport } from './removeImport.js';
import { removeSetting, storedSettings, storeSetting } from './settings.js';
import * as snapshots from './snapshots.js';
import * as watchlists from './watchlists.js';
import { RapportError } from '../../sys/errors.js';
import { t } from '../../i18n/index.js';
import type { CustomerSink, ImportSession, RejectSink, Store, TransactionSink } from '../store.js';
import type {
  ComplaintFilter,
  CopyTable,
  ExportTable,
  ImportCounts,
  ImportRecord,
  ImportReading,
  ImportRow,
  NewCustomer,
  NewWatchlist,
  RejectRow,
  RemovalPlan,
  SnapshotFilter,
  Status,
  TableCounts,
  WatchlistEntry,
  WatchlistInfo,
} from '../types.js';

const done = Promise.resolve();
/** Rows handed over at a time by exportRows. */
const EXPORT_BATCH = 1000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;

  /** An import's early writes of the file's pages (import.ts Writeback), closed after the database. */
  private readonly writeback = new imports.Writeback();

  constructor(
    /** The open database (tests and the import reach it directly). */
    readonly db: DB,
    readonly location: string,
  ) {}

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    await this.writeback.close();
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      // Another writer kept the lock past the busy timeout: an expected failure, which a caller
      // that can do without its write (keeping a churn list) catches as such.
      if (String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw new RapportError(t('errors.busy'), t('errors.busyHint'));
      throw e;
    }
    return this.finish(fn);
  }

  async writeWhenFree<T>(fn: () => Promise<T>, onWait: () => void): Promise<T> {
    if (this.db.inTransaction) return fn();
    // The write lock is taken first (BEGIN IMMEDIATE, retried in short tries however long another
    // writer holds it); holding it, no statement of the write can meet SQLITE_BUSY.
    writeWhenFree(this.db, () => this.db.exec('BEGIN IMMEDIATE'), onWait);
    return this.finish(fn);
  }

  /** Runs fn in the transaction just begun: committed when it succeeds, rolled back when it throws. */
  private async finish<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      this.db.exec('COMMIT');
      return out;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }

  async getMeta(key: string): Promise<string | null> {
    return getMeta(this.db, key);
  }
  async setMeta(key: string, value: string): Promise<void> {
    setMeta(this.db, key, value);
  }
  async customerCount(): Promise<number> {
    return this.db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  }

  async storedSettings(): Promise<Record<string, string>> {
    return storedSettings(this.db);
  }
  async storeSetting(key: string, value: string): Promise<void> {
    storeSetting(this.db, key, value);
  }
  async removeSetting(key: string): Promise<boolean> {
    return removeSetting(this.db, key);
  }

  async beginImport(fileBytes?: number): Promise<ImportSession> {
    return new SqliteImport(this.db, fileBytes ?? 0, this.writeback);
  }
  async findSameImport(kind: string, contentHash: string, reading: string): Promise<{ id: number } | undefined> {
    return imports.findSameImport(this.db, kind, contentHash, reading);
  }
  async importWithSizeExists(kind: string, size: number): Promise<boolean> {
    return imports.importWithSizeExists(this.db, kind, size);
  }
  async hasTransactions(): Promise<boolean> {
    return imports.hasTransactions(this.db);
  }
  async recordRefusal(
    record: ImportRecord,
    counts: ImportCounts,
    rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  ): Promise<number> {
    return imports.recordRefusal(this.db, record, counts, rejects);
  }
  async status(location: string): Promise<Status> {
    return queries.status(this.db, location);
  }
  async listImports(limit: number | null): Promise<ImportRow[]> {
    return queries.listImports(this.db, limit);
  }
  async importExists(id: number): Promise<boolean> {
    return queries.importExists(this.db, id);
  }
  async importReading(id: number): Promise<ImportReading | null> {
    return queries.importReading(this.db, id);
  }
  async listRejects(importId: number | null, limit: number | null): Promise<RejectRow[]> {
    return queries.listRejects(this.db, importId, limit);
  }
  async removalPlan(importId: number): Promise<RemovalPlan | null> {
    return removalPlan(this.db, importId);
  }
  async removeImport(plan: RemovalPlan, now?: Date): Promise<string> {
    return removeImport(this.db, plan, now);
  }

  async customerDays(asOf: string, fn: (day: CustomerDay) => void): Promise<void> {
    for (const day of measures.customerDays(this.db, asOf)) fn(day);
  }
  async purchaseDaysBetween(from: string, to: string): Promise<Map<string, number>> {
    return measures.purchaseDaysBetween(this.db, from, to);
  }
  async lastTransactionDate(): Promise<string | null> {
    return measures.lastTransactionDate(this.db);
  }
  async firstTransactionDate(): Promise<string | null> {
    return measures.firstTransactionDate(this.db);
  }
  async netByMonth(from: string, to: string): Promise<Map<string, number>> {
    return measures.netByMonth(this.db, from, to);
  }
  async salesByMonth(asOf: string, fn: (customerId: string, month: string, amount: number) => void): Promise<void> {
    for (const [c, m, a] of measures.salesByMonth(this.db, asOf)) fn(c, m, a);
  }
  async customerStaff(asOf: string): Promise<Map<string, string>> {
    return measures.customerStaff(this.db, asOf);
  }
  async staffSales(from: string, to: string) {
    return measures.staffSales(this.db, from, to);
  }
  async productSales(from: string, to: string, limit: number) {
    return measures.productSales(this.db, from, to, limit);
  }
  async purchasesAroundCutoff(cutoff: string, asOf: string) {
    return measures.purchasesAroundCutoff(this.db, cutoff, asOf);
  }

  async customerNames() {
    return customers.customerNames(this.db);
  }
  async customerRecord(id: string) {
    return customers.customerRecord(this.db, id);
  }
  async similarCustomerIds(id: string) {
    return customers.similarCustomerIds(this.db, id);
  }
  async customerTransactions(id: string, asOf: string) {
    return customers.customerTransactions(this.db, id, asOf);
  }
  async findCustomers(text: string, limit?: number) {
    return complaints.findCustomers(this.db, text, limit);
  }
  async createCustomer(c: NewCustomer): Promise<void> {
    complaints.createCustomer(this.db, c);
  }
  async boughtBetween(customerId: string, from: string, to: string): Promise<boolean> {
    return complaints.boughtBetween(this.db, customerId, from, to);
  }

  async insertComplaint(input: ComplaintInput, createdAt: string, dueAt: string): Promise<number> {
    return complaints.insertComplaint(this.db, input, createdAt, dueAt);
  }
  async addEvent(
    id: number,
    at: string,
    kind: string,
    from: string | null,
    to: string | null,
    text: string | null,
    satisfied: boolean | null = null,
  ): Promise<void> {
    complaints.addEvent(this.db, id, at, kind, from, to, text, satisfied);
  }
  async lastEventAt(id: number): Promise<string> {
    return complaints.lastEventAt(this.db, id);
  }
  async getComplaint(id: number) {
    return complaints.getComplaint(this.db, id);
  }
  async checkComplaintsWritable(): Promise<void> {
    // openForChange already refused a file or folder that cannot be written.
  }
  async complaintForChange(id: number) {
    // Inside BEGIN IMMEDIATE: no other writer can change it before COMMIT.
    return complaints.getComplaint(this.db, id);
  }
  async complaintEvents(id: number) {
    return complaints.complaintEvents(this.db, id);
  }
  async listComplaints(f?: ComplaintFilter) {
    return complaints.listComplaints(this.db, f);
  }
  async setComplaintFields(id: number, fields: Record<string, unknown>): Promise<void> {
    complaints.setFields(this.db, id, fields);
  }
  async complaintsAt(at: string) {
    return complaints.complaintsAt(this.db, at);
  }
  async recordDue(id: number, at: string, due: string): Promise<void> {
    complaints.recordDue(this.db, id, at, due);
  }

  async dataVersion(): Promise<number> {
    return snapshots.dataVersion(this.db);
  }
  async saveSnapshot(analysis: Analysis, settings: Record<string, string>): Promise<number> {
    return snapshots.saveSnapshot(this.db, analysis, settings);
  }
  async listSnapshots() {
    return snapshots.listSnapshots(this.db);
  }
  async findSnapshot(asOf: string) {
    return snapshots.findSnapshot(this.db, asOf);
  }
  async loadSnapshot(id: number, filter?: SnapshotFilter) {
    return snapshots.loadSnapshot(this.db, id, filter);
  }
  async snapshotRank(id: number, value: number) {
    return snapshots.snapshotRank(this.db, id, value);
  }
  async saveFit(fit: Fitted, settings: Record<string, string>): Promise<number> {
    return saveFit(this.db, fit, settings);
  }
  async findFit(asOf: string) {
    return findFit(this.db, asOf);
  }
  async saveWatchlist(list: NewWatchlist): Promise<number> {
    return this.transaction(async () => watchlists.saveWatchlist(this.db, list));
  }
  async listWatchlists(): Promise<WatchlistInfo[]> {
    return watchlists.listWatchlists(this.db);
  }
  async loadWatchlist(id: number): Promise<WatchlistEntry[]> {
    return watchlists.loadWatchlist(this.db, id);
  }

  async *exportRows(table: ExportTable): AsyncIterable<Record<string, unknown>[]> {
    let batch: Record<string, unknown>[] = [];
    for (const row of exportRows(this.db, table)) {
      batch.push(row);
      if (batch.length === EXPORT_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  // Copying a whole store (rapport copy)
  async readConsistent<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    // Deferred: a read transaction from the first SELECT to the end, blocking no writer in WAL mode.
    this.db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }
  async tableCounts(): Promise<TableCounts> {
    return copying.tableCounts(this.db);
  }
  async *tableRows(spec: CopyTable): AsyncIterable<Record<string, unknown>[]> {
    yield* copying.tableRows(this.db, spec);
  }
  async insertRows(spec: CopyTable, rows: readonly Record<string, unknown>[]): Promise<void> {
    copying.insertRows(this.db, spec, rows);
  }
  /** AUTOINCREMENT's counters already moved past the ids written (sqlite_sequence follows an explicit id). */
  async afterCopy(): Promise<void> {}
}

/** A SQLite import: today's writers, behind the session interface. */
class SqliteImport implements ImportSession {
  /** The transaction writers of this import: one that dropped the dedupe index creates it again before COMMIT. */
  private readonly writers: imports.TransactionWriter[] = [];
  constructor(
    private readonly db: DB,
    private readonly fileBytes: number,
    private readonly writeback: imports.Writeback,
  ) {
    imports.beginImport(db, fileBytes);
  }
  async insertImport(rec: ImportRecord, status: 'complete' | 'refused'): Promise<number> {
    return imports.insertImport(this.db, rec, status);
  }
  async finishImport(importId: number, counts: ImportCounts, contentHash: string): Promise<void> {
    imports.finishImport(this.db, importId, counts, contentHash);
  }
  transactions(importId: number, present: readonly TransactionColumn[], options: { keepAll: boolean }): TransactionSink {
    const deferIndex = this.writers.length === 0 ? imports.deferIndexFor(this.db, this.fileBytes) : undefined;
    const w = new imports.TransactionWriter(this.db, importId, present, { ...options, deferIndex });
    this.writers.push(w);
    let created = 0;
    return {
      add: (content, line, key) => w.add(content, line, key),
      addPacked: (rows, lines, keys) => w.write(rows, lines, keys),
      customers: (ids) => void (created += w.createMissingCustomers(ids)),
      products: (pairs) => w.nameProducts(pairs),
      ready: () => done,
      finish: async () => {
        w.flush();
        // The pages written so far go to disk while the index is built, the index's while the
        // customers' records are made (import.ts Writeback).
        this.writeback.start(this.db);
        w.restoreIndex();
        this.writeback.start(this.db);
        created += w.createHeldCustomers();
        imports.keepAmountTotal(this.db, w.firstId, w.storedAmountTotal());
        return { inserted: w.inserted, duplicate: w.duplicate, customersCreated: created };
      },
    };
  }
  rejects(importId: number): RejectSink {
    const w = new imports.RejectWriter(this.db, importId);
    return { add: (line, field, reason, raw) => w.add(line, field, reason, raw), ready: () => done, finish: () => done };
  }
  customerRecords(importId: number): CustomerSink {
    const w = new imports.CustomerWriter(this.db, importId);
    return {
      add: (row: CustomerRow) => w.add(row),
      ready: () => done,
      finish: async () => ({ inserted: w.inserted, updated: w.updated, duplicate: w.duplicate }),
    };
  }
  async getMeta(key: string): Promise<string | null> {
    return getMeta(this.db, key);
  }
  async setMeta(key: string, value: string): Promise<void> {
    setMeta(this.db, key, value);
  }
  async setCurrency(code: string): Promise<void> {
    setCurrency(this.db, code);
  }
  async commit(): Promise<void> {
    for (const w of this.writers) w.restoreIndex();
    imports.commitImport(this.db);
  }
  async rollback(): Promise<void> {
    imports.rollbackImport(this.db);
  }
  abandon(): void {
    imports.rollbackImport(this.db);
  }
}
