/**
 * The Store on PostgreSQL: the same questions as the SQLite file's SQL (src/store/sqlite/*.ts), in
 * PostgreSQL's dialect, giving the same values in the same order, so that the commands print the
 * same bytes whichever back end they talk to.
 *
 * What the translation has to keep: numbers as JS numbers (connect.ts parses int8 and numeric;
 * counts and sums come back as those), SQLite's 0/1 where it gives one, NULLs first in ascending
 * order as SQLite puts them, byte order for text (every text column is COLLATE "C"), and
 * SQLite's ASCII-only case folding (lower() and ILIKE under COLLATE "C" fold only A-Z).
 *
 * A transaction holds one connection: while it is open every method runs on it (`q`), so that the
 * statements of fn land together and none waits for a connection the transaction holds.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type postgres from 'postgres';
import type { Analysis, ValueBasis } from '../../core/analysis.js';
import type { ComplaintFacts, ComplaintInput } from '../../core/complaints.js';
import type { CustomerDay } from '../../core/measures.js';
import type { Fitted } from '../../core/model/churn.js';
import type { Cut } from '../../core/rfm.js';
import { interner } from '../../core/scale.js';
import { slotKey } from '../../core/hash.js';
import type { TransactionColumn } from '../../core/row.js';
import { replayComplaints } from '../complaintReplay.js';
import { COMPUTED_COLUMNS, COPY_TABLES } from '../copyTables.js';
import { EXPORT_COLUMNS } from '../exportColumns.js';
import { AMOUNT_TOTAL_KEY, contentOf } from '../importRules.js';
import { readingOf } from '../importReading.js';
import { removalLine, removalPlanOf } from '../removalPlan.js';
import { FILTER_COLUMNS, fromRow, SNAPSHOT_COLUMNS } from '../snapshotColumns.js';
import type { ImportSession, Store } from '../store.js';
import type {
  ComplaintEvent,
  ComplaintFilter,
  ComplaintHead,
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
  TableCounts,
  WatchlistEntry,
  WatchlistInfo,
} from '../types.js';
import { transaction, type DbFacts, type Sql } from './connect.js';
import { beginPgImport, copyText, recordPgRefusal } from './import.js';

/** A query handle: the pool, or the open transaction's connection. */
type Q = postgres.ISql;

/** Rows fetched at a time from a long result (customer days, exports): bounded client memory. */
const CURSOR_ROWS = 10_000;
const EXPORT_BATCH = 1000;
/** How long a confirmed write waits for a row lock before it tells the person it is waiting. */
const WAIT_NOTICE = '500ms';

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  /** Where queries go: the pool, or the connection of the transaction in progress. */
  private q: Q;
  /** Who may do what here (set on opening): an import by a role that may only read is told so. */
  facts?: DbFacts;

  constructor(
    readonly sql: Sql,
    /** The URL without any password (describePg). */
    readonly location: string,
    /** Imports are previews (--dry-run): rolled back, on copies when the role may only read. */
    readonly preview = false,
  ) {
    this.q = sql;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }

  private get inTransaction(): boolean {
    return this.q !== this.sql;
  }

  /** Runs fn in a new transaction, with every method of this store on its connection meanwhile. */
  private async begin<T>(fn: (tx: Q) => Promise<T>, options = ''): Promise<T> {
    return (await transaction(
      this.sql,
      async (tx) => {
        this.q = tx;
        try {
          return await fn(tx);
        } finally {
          this.q = this.sql;
        }
      },
      options,
    )) as T;
  }

  /** Statements that must land together: in the open transaction, else in one of their own. */
  private atomic<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this.q) : this.begin(fn);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.inTransaction ? fn() : this.begin(() => fn());
  }

  /**
   * PostgreSQL waits for row locks by itself; the first try gives up after WAIT_NOTICE so that
   * the person is told, then the write is tried again (from the start: the first try was rolled
   * back) with no limit on the wait.
   */
  async writeWhenFree<T>(fn: () => Promise<T>, onWait: () => void): Promise<T> {
    if (this.inTransaction) return fn();
    try {
      return await this.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL lock_timeout = '${WAIT_NOTICE}'`);
        return fn();
      });
    } catch (e) {
      if ((e as { code?: unknown }).code !== '55P03') throw e;
    }
    onWait();
    return this.begin(async (tx) => {
      await tx.unsafe(`SET LOCAL lock_timeout = 0`);
      return fn();
    });
  }

  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.q<{ value: string }[]>`SELECT value FROM meta WHERE key = ${key}`;
    return row?.value ?? null;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.q`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  }
  async customerCount(): Promise<number> {
    return this.one<number>(this.q`SELECT count(*) FROM customers`.values());
  }

  async storedSettings(): Promise<Record<string, string>> {
    const rows = await this.q<{ key: string; value: string }[]>`SELECT key, value FROM settings ORDER BY key`;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
  async storeSetting(key: string, value: string): Promise<void> {
    await this.q`INSERT INTO settings (key, value, updated_at) VALUES (${key}, ${value}, ${new Date().toISOString()})
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;
  }
  async removeSetting(key: string): Promise<boolean> {
    return (await this.q`DELETE FROM settings WHERE key = ${key}`).count > 0;
  }

  // Imports
  beginImport(): Promise<ImportSession> {
    return beginPgImport(this.sql, this.location, this.preview, this.facts);
  }
  async findSameImport(kind: string, contentHash: string, reading: string): Promise<{ id: number } | undefined> {
    const rows = await this.q<{ id: number; options: string }[]>`
      SELECT id, options FROM imports WHERE content_hash = ${contentHash} AND kind = ${kind} AND status = 'complete' AND removed IS NULL ORDER BY id`;
    const same = rows.find((r) => JSON.stringify((JSON.parse(r.options) as { reading?: unknown }).reading) === reading);
    return same ? { id: same.id } : undefined;
  }
  async importWithSizeExists(kind: string, size: number): Promise<boolean> {
    return (await this.q`SELECT 1 FROM imports WHERE file_size = ${size} AND kind = ${kind} AND status = 'complete' AND removed IS NULL LIMIT 1`).length > 0;
  }
  async hasTransactions(): Promise<boolean> {
    return (await this.q`SELECT 1 FROM transactions LIMIT 1`).length > 0;
  }
  recordRefusal(
    record: ImportRecord,
    counts: ImportCounts,
    rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  ): Promise<number> {
    return recordPgRefusal(this.sql, record, counts, rejects, this.location);
  }

  async status(location: string): Promise<Status> {
    const [t] = await this.q<
      { n: number; first: string | null; last: string | null; net: number; refunds: number; refunded: number; anon: number; anon_net: number }[]
    >`
      SELECT count(*) AS n, min(date) AS first, max(date) AS last, coalesce(sum(amount), 0) AS net,
             count(*) FILTER (WHERE amount < 0) AS refunds, coalesce(sum(LEAST(amount, 0)), 0) AS refunded,
             count(*) FILTER (WHERE customer_id = '') AS anon, coalesce(sum(amount) FILTER (WHERE customer_id = ''), 0) AS anon_net
      FROM transactions`;
    const [i] = await this.q<{ customers: number; imports: number; refused: number; rejected: number; rejected_refused: number }[]>`
      SELECT (SELECT count(*) FROM customers) AS customers,
             count(*) FILTER (WHERE status = 'complete') AS imports,
             count(*) FILTER (WHERE status = 'refused') AS refused,
             coalesce(sum(rows_rejected) FILTER (WHERE status = 'complete'), 0) AS rejected,
             coalesce(sum(rows_rejected) FILTER (WHERE status = 'refused'), 0) AS rejected_refused
      FROM imports WHERE removed IS NULL`;
    return {
      database: location,
      currency: await this.getMeta('currency'),
      customers: i!.customers,
      transactions: t!.n,
      first_date: t!.first,
      last_date: t!.last,
      net_revenue: t!.net,
      lines_without_customer: t!.anon,
      net_revenue_without_customer: t!.anon_net,
      refund_lines: t!.refunds,
      refunds_amount: t!.refunded,
      imports: i!.imports,
      refused_imports: i!.refused,
      rejected_rows: i!.rejected,
      rejected_rows_refused: i!.rejected_refused,
    };
  }
  async listImports(limit: number | null): Promise<ImportRow[]> {
    const rows = limit === null ? await this.q`SELECT * FROM imports ORDER BY id DESC` : await this.q`SELECT * FROM imports ORDER BY id DESC LIMIT ${limit}`;
    return [...rows] as unknown as ImportRow[];
  }
  async importExists(id: number): Promise<boolean> {
    return (await this.q`SELECT 1 FROM imports WHERE id = ${id}`).length > 0;
  }
  async importReading(id: number): Promise<ImportReading | null> {
    const [row] = await this.q<{ kind: string; options: string }[]>`SELECT kind, options FROM imports WHERE id = ${id}`;
    return row === undefined ? null : readingOf(row.kind, row.options);
  }
  async listRejects(importId: number | null, limit: number | null): Promise<RejectRow[]> {
    const q = this.q;
    const rows = await q`
      SELECT r.import_id, i.file_name, r.line, r.field, r.reason, r.raw
      FROM rejects r JOIN imports i ON i.id = r.import_id
      ${importId === null ? q`` : q`WHERE r.import_id = ${importId}`}
      ORDER BY r.import_id, r.line ${limit === null ? q`` : q`LIMIT ${limit}`}`;
    return [...rows] as unknown as RejectRow[];
  }

  /**
   * Customers the import created that nothing else refers to (sqlite/removeImport.ts's ALONE). NOT EXISTS
   * rather than NOT IN: PostgreSQL plans it as an anti-join on the (customer_id, date) index.
   */
  private alone(q: Q, id: number): postgres.PendingQuery<postgres.Row[]> {
    return q`
      SELECT c.id FROM customers c
      WHERE c.import_id = ${id}
        AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.customer_id = c.id AND t.import_id <> ${id})
        AND NOT EXISTS (SELECT 1 FROM transactions t JOIN transaction_duplicates d ON d.transaction_id = t.id WHERE t.customer_id = c.id AND t.import_id = ${id})
        AND NOT EXISTS (SELECT 1 FROM complaints k WHERE k.customer_id = c.id)
        AND c.name IS NULL AND c.email IS NULL AND c.phone IS NULL AND c.type IS NULL
        AND c.account_manager IS NULL AND c.created_date IS NULL AND c.attributes IS NULL`;
  }

  /** The import's rows a remaining import also held, with the earliest such import and its line (sqlite/removeImport.ts's HEIRS). */
  private async heirs(q: Q, id: number): Promise<{ transaction_id: number; import_id: number; line: number; amount: number }[]> {
    return [
      ...(await q<{ transaction_id: number; import_id: number; line: number; amount: number }[]>`
        SELECT DISTINCT ON (d.transaction_id) d.transaction_id, d.import_id, d.line, t.amount
        FROM transaction_duplicates d JOIN transactions t ON t.id = d.transaction_id
        WHERE t.import_id = ${id}
        ORDER BY d.transaction_id, d.import_id`),
    ];
  }

  async removalPlan(importId: number): Promise<RemovalPlan | null> {
    const q = this.q;
    const [rec] = await q<{ id: number; kind: string; file_name: string; status: string; removed: string | null }[]>`
      SELECT id, kind, file_name, status, removed FROM imports WHERE id = ${importId}`;
    if (rec === undefined) return null;
    const [all] = await q<{ n: number; net: number }[]>`SELECT count(*) AS n, coalesce(sum(amount), 0) AS net FROM transactions WHERE import_id = ${importId}`;
    const heirs = await this.heirs(q, importId);
    const rejects = await this.one<number>(q`SELECT count(*) FROM rejects WHERE import_id = ${importId}`.values());
    const customers = rec.kind === 'transactions' ? await this.one<number>(q`SELECT count(*) FROM (${this.alone(q, importId)}) a`.values()) : 0;
    const saw = async (table: 'snapshots' | 'model_fits'): Promise<string[]> =>
      all!.n === 0 ? [] : (await q`SELECT as_of FROM ${q(table)} WHERE data_version >= ${importId} ORDER BY as_of`.values()).map((r) => r[0] as string);
    return removalPlanOf(importId, { record: rec, all: all!, heirs, rejects, customers, snapshots: await saw('snapshots'), fits: await saw('model_fits') });
  }

  /**
   * Removes the import as planned, in one transaction. The PostgreSQL import applies the duplicate
   * rule by counting stored rows of equal content, not by SQLite's chains of slots, so there are
   * no chains to pack again: deleting the rows is all.
   */
  async removeImport(plan: RemovalPlan, now = new Date()): Promise<string> {
    const id = plan.importId;
    const line = removalLine(plan, now);
    await this.atomic(async (q) => {
      // Rows another remaining import also held stay, as the earliest such import's.
      await q`
        WITH pick AS (
          SELECT DISTINCT ON (d.transaction_id) d.transaction_id, d.import_id, d.line
          FROM transaction_duplicates d JOIN transactions t ON t.id = d.transaction_id
          WHERE t.import_id = ${id}
          ORDER BY d.transaction_id, d.import_id
        ), moved AS (
          UPDATE transactions t SET import_id = p.import_id, line = p.line FROM pick p WHERE t.id = p.transaction_id
        )
        DELETE FROM transaction_duplicates d USING pick p WHERE d.transaction_id = p.transaction_id AND d.import_id = p.import_id`;
      await q`DELETE FROM transaction_duplicates WHERE import_id = ${id}`;
      await q`DELETE FROM transactions WHERE import_id = ${id}`;
      await q`DELETE FROM rejects WHERE import_id = ${id}`;
      // The amounts' running total is counted again by the next import.
      await q`DELETE FROM meta WHERE key = ${AMOUNT_TOTAL_KEY}`;
      if (plan.kind === 'transactions') {
        await q`DELETE FROM customers WHERE id IN (${this.alone(q, id)})`;
        // Bare records it created that keep sales from other imports go to the earliest of those (sqlite/removeImport.ts).
        await q`
          UPDATE customers c SET import_id = (SELECT min(t.import_id) FROM transactions t WHERE t.customer_id = c.id)
          WHERE c.import_id = ${id}
            AND EXISTS (SELECT 1 FROM transactions t WHERE t.customer_id = c.id AND t.import_id <> ${id})
            AND c.name IS NULL AND c.email IS NULL AND c.phone IS NULL AND c.type IS NULL
            AND c.account_manager IS NULL AND c.created_date IS NULL AND c.attributes IS NULL`;
      }
      await q`DELETE FROM products p WHERE p.import_id = ${id} AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.product = p.code)`;
      if (plan.transactions + plan.kept > 0) {
        await q`DELETE FROM snapshots WHERE data_version >= ${id}`;
        await q`DELETE FROM model_fits WHERE data_version >= ${id}`;
      }
      await q`UPDATE imports SET removed = ${line} WHERE id = ${id}`;
    });
    return line;
  }

  // Measures

  /**
   * One row a (customer, day), folded on the server from its (customer, day, invoice) groups as
   * measures.ts folds them: net and gross summed, an invoice counted when its group has a line
   * of 0 or more, the day a purchase when any group has one. Streamed through a cursor.
   */
  async customerDays(asOf: string, fn: (day: CustomerDay) => void): Promise<void> {
    const dateOf = interner();
    await this.q`
      SELECT customer_id, date, sum(net), sum(gross), count(*) FILTER (WHERE positive AND has_invoice), bool_or(positive)
      FROM (SELECT customer_id, date, external_id IS NOT NULL AS has_invoice, sum(amount) AS net, sum(GREATEST(amount, 0)) AS gross, bool_or(amount >= 0) AS positive
            FROM transactions
            WHERE date <= ${asOf} AND customer_id <> ''
            GROUP BY customer_id, date, external_id) g
      GROUP BY customer_id, date
      ORDER BY customer_id, date`
      .values()
      .cursor(CURSOR_ROWS, (rows) => {
        for (const [customerId, date, net, gross, invoices, purchased] of rows as unknown as [string, string, number, number, number, boolean][]) {
          fn({ customerId, date: dateOf(date), net, gross, refunds: gross - net, invoices, purchased });
        }
      });
  }
  async purchaseDaysBetween(from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.q`
      SELECT customer_id, count(DISTINCT date) FROM transactions
      WHERE date > ${from} AND date <= ${to} AND amount >= 0 AND customer_id <> '' GROUP BY customer_id ORDER BY customer_id`.values();
    return new Map(rows as unknown as [string, number][]);
  }
  async lastTransactionDate(): Promise<string | null> {
    return this.one<string | null>(this.q`SELECT max(date) FROM transactions`.values());
  }
  async firstTransactionDate(): Promise<string | null> {
    return this.one<string | null>(this.q`SELECT min(date) FROM transactions`.values());
  }
  async netByMonth(from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.q`SELECT substr(date, 1, 7), sum(amount) FROM transactions WHERE date >= ${from} AND date <= ${to} GROUP BY 1 ORDER BY 1`.values();
    return new Map(rows as unknown as [string, number][]);
  }
  async salesByMonth(asOf: string, fn: (customerId: string, month: string, amount: number) => void): Promise<void> {
    await this.q`SELECT customer_id, substr(date, 1, 7), amount FROM transactions WHERE date <= ${asOf}`.values().cursor(CURSOR_ROWS, (rows) => {
      for (const [c, m, a] of rows as unknown as [string, string, number][]) fn(c, m, a);
    });
  }
  async customerStaff(asOf: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    // One row a customer: the member of staff who served most lines, ties to the first in order.
    await this.q`
      SELECT DISTINCT ON (customer_id) customer_id, staff
      FROM (SELECT customer_id, staff, count(*) AS n FROM transactions
            WHERE date <= ${asOf} AND customer_id <> '' AND staff IS NOT NULL AND staff <> '' AND amount > 0
            GROUP BY customer_id, staff) s
      ORDER BY customer_id, n DESC, staff`
      .values()
      .cursor(CURSOR_ROWS, (rows) => {
        for (const [customer, staff] of rows as unknown as [string, string][]) out.set(customer, staff);
      });
    const managers = await this.q`SELECT id, account_manager FROM customers WHERE account_manager IS NOT NULL AND account_manager <> ''`.values();
    for (const [id, manager] of managers as unknown as [string, string][]) out.set(id, manager);
    return out;
  }
  async staffSales(from: string, to: string): Promise<StaffSales[]> {
    const rows = await this.q`
      SELECT staff, count(*), sum(amount), count(*) FILTER (WHERE customer_id = ''), coalesce(sum(amount) FILTER (WHERE customer_id = ''), 0)
      FROM transactions WHERE date > ${from} AND date <= ${to} AND staff IS NOT NULL AND staff <> '' GROUP BY staff ORDER BY sum(amount) DESC, staff`.values();
    return (rows as unknown as [string, number, number, number, number][]).map(([staff, lines, net, linesWithoutCustomer, netWithoutCustomer]) => ({
      staff,
      lines,
      net,
      linesWithoutCustomer,
      netWithoutCustomer,
    }));
  }
  async productSales(from: string, to: string, limit: number): Promise<ProductSales[]> {
    // products.code is its key: grouping by the name too changes nothing but lets it be selected.
    const rows = await this.q`
      SELECT t.product, p.name, count(*), sum(t.amount), coalesce(sum(t.amount) FILTER (WHERE t.customer_id = ''), 0)
      FROM transactions t LEFT JOIN products p ON p.code = t.product
      WHERE t.date > ${from} AND t.date <= ${to} AND t.product IS NOT NULL
      GROUP BY t.product, p.name ORDER BY sum(t.amount) DESC, t.product LIMIT ${limit}`.values();
    return (rows as unknown as [string, string | null, number, number, number][]).map(([product, name, lines, net, netWithoutCustomer]) => ({
      product,
      name,
      lines,
      net,
      netWithoutCustomer,
    }));
  }
  async purchasesAroundCutoff(cutoff: string, asOf: string): Promise<CutoffPurchases[]> {
    const rows = await this.q<CutoffPurchases[]>`
      SELECT min(date) AS "first", max(CASE WHEN date <= ${cutoff} THEN date END) AS "last",
             count(DISTINCT CASE WHEN date <= ${cutoff} THEN date END) AS days, count(DISTINCT CASE WHEN date > ${cutoff} THEN date END) AS "after"
      FROM transactions WHERE date <= ${asOf} AND amount >= 0 AND customer_id <> ''
      GROUP BY customer_id HAVING min(date) <= ${cutoff} ORDER BY customer_id`;
    return [...rows];
  }

  // Customers
  async customerNames(): Promise<Map<string, Pick<CustomerRecord, 'name' | 'type'>>> {
    const out = new Map<string, Pick<CustomerRecord, 'name' | 'type'>>();
    await this.q`SELECT id, name, type FROM customers WHERE name IS NOT NULL OR type IS NOT NULL`.values().cursor(CURSOR_ROWS, (rows) => {
      for (const [id, name, type] of rows as unknown as [string, string | null, string | null][]) out.set(id, { name, type });
    });
    return out;
  }
  async customerRecord(id: string): Promise<CustomerRecord | null> {
    const [row] = await this.q<CustomerRecord[]>`SELECT id, name, email, phone, type, account_manager, created_date FROM customers WHERE id = ${id}`;
    return row ?? null;
  }
  async similarCustomerIds(id: string): Promise<string[]> {
    const rows = await this.q`SELECT id FROM customers WHERE lower(trim(id)) = lower(trim(${id}::text COLLATE "C")) ORDER BY id LIMIT 3`.values();
    return rows.map((r) => r[0] as string);
  }
  async customerTransactions(id: string, asOf: string): Promise<CustomerTransaction[]> {
    const rows = await this.q<CustomerTransaction[]>`
      SELECT t.date, t.time, t.amount, t.quantity, t.product, p.name AS product_name, t.channel, t.external_id
      FROM transactions t LEFT JOIN products p ON p.code = t.product
      WHERE t.customer_id = ${id} AND t.date <= ${asOf} ORDER BY t.date, t.time NULLS FIRST, t.id`;
    return [...rows];
  }
  /**
   * As complaints.ts's findCustomers: ILIKE under COLLATE "C" folds only ASCII letters, which is
   * what SQLite's LIKE does; backslash escapes the pattern's wildcards in both.
   */
  async findCustomers(text: string, limit = 20): Promise<FoundCustomer[]> {
    const like = `%${text.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const digits = text.replace(/\D/g, '');
    const phoneDigits = digits.length >= 4 ? `%${digits}%` : null;
    const rows = await this.q<FoundCustomer[]>`
      SELECT id, name, email, phone FROM customers
      WHERE id ILIKE ${like}::text COLLATE "C" OR name ILIKE ${like}::text COLLATE "C" OR email ILIKE ${like}::text COLLATE "C" OR phone ILIKE ${like}::text COLLATE "C"
         OR translate(phone, ' -+()', '') LIKE ${phoneDigits}::text
      ORDER BY (lower(id) = lower(${text.trim()}::text COLLATE "C")) DESC, id LIMIT ${limit}`;
    return [...rows];
  }
  async createCustomer(c: NewCustomer): Promise<void> {
    await this
      .q`INSERT INTO customers (id, name, email, phone, type, created_date) VALUES (${c.id}, ${c.name}, ${c.email}, ${c.phone}, ${c.type}, ${c.createdDate})`;
  }
  async boughtBetween(customerId: string, from: string, to: string): Promise<boolean> {
    return (await this.q`SELECT 1 FROM transactions WHERE customer_id = ${customerId} AND date > ${from} AND date <= ${to} AND amount >= 0 LIMIT 1`).length > 0;
  }

  // Complaints
  insertComplaint(input: ComplaintInput, createdAt: string, dueAt: string): Promise<number> {
    return this.atomic(async (q) => {
      const reasonable = input.reasonable === null ? null : input.reasonable ? 1 : 0;
      const [row] = await q<{ id: number }[]>`
        INSERT INTO complaints (customer_id, created_at, category, priority, product, summary, how, why, staff, other_issues, reasonable, wanted, status, assignee, due_at)
        VALUES (${input.customerId}, ${createdAt}, ${input.category}, ${input.priority}, ${input.product}, ${input.summary}, ${input.how}, ${input.why}, ${input.staff},
                ${input.otherIssues}, ${reasonable}, ${input.wanted}, 'open', ${input.assignee}, ${dueAt})
        RETURNING id`;
      await this.addEvent(row!.id, createdAt, 'logged', null, 'open', null);
      await this.recordDue(row!.id, createdAt, dueAt);
      return row!.id;
    });
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
    await this.q`INSERT INTO complaint_events (complaint_id, at, kind, from_status, to_status, text, satisfied)
      VALUES (${id}, ${at}, ${kind}, ${from}, ${to}, ${text}, ${satisfied === null ? null : satisfied ? 1 : 0})`;
  }
  async lastEventAt(id: number): Promise<string> {
    return this.one<string>(this.q`SELECT max(at) FROM complaint_events WHERE complaint_id = ${id}`.values());
  }
  async getComplaint(id: number): Promise<ComplaintRow | null> {
    const [row] = await this.q<
      ComplaintRow[]
    >`SELECT c.*, k.name AS customer_name FROM complaints c LEFT JOIN customers k ON k.id = c.customer_id WHERE c.id = ${id}`;
    return row ?? null;
  }
  async checkComplaintsWritable(): Promise<void> {
    // The lock a write takes, asked for in a transaction of its own: the server's own refusal
    // (permission denied, a read-only server) becomes the same one line the write would give.
    if (!this.inTransaction) await this.begin((tx) => tx`LOCK TABLE complaints IN ROW EXCLUSIVE MODE`);
  }
  async complaintForChange(id: number): Promise<ComplaintRow | null> {
    // FOR UPDATE OF c: a second writer's read waits here until this transaction ends.
    const [row] = await this.q<
      ComplaintRow[]
    >`SELECT c.*, k.name AS customer_name FROM complaints c LEFT JOIN customers k ON k.id = c.customer_id WHERE c.id = ${id} FOR UPDATE OF c`;
    return row ?? null;
  }
  async complaintEvents(id: number): Promise<EventRow[]> {
    return [...(await this.q<EventRow[]>`SELECT at, kind, from_status, to_status, text FROM complaint_events WHERE complaint_id = ${id} ORDER BY id`)];
  }
  async listComplaints(f: ComplaintFilter = {}): Promise<ComplaintRow[]> {
    const q = this.q;
    const rows = await q<ComplaintRow[]>`
      SELECT c.*, k.name AS customer_name FROM complaints c LEFT JOIN customers k ON k.id = c.customer_id
      WHERE true ${f.status ? q`AND c.status = ${f.status}` : q``} ${f.customerId ? q`AND c.customer_id = ${f.customerId}` : q``} ${f.category ? q`AND c.category = ${f.category}` : q``}
      ORDER BY c.id`;
    return [...rows];
  }
  /** Set columns of one complaint (names from a fixed list in the caller). */
  async setComplaintFields(id: number, fields: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    await this.q`UPDATE complaints SET ${this.q(fields as Record<string, postgres.SerializableParameter>, keys)} WHERE id = ${id}`;
  }
  /** As complaints.ts's complaintsAt: each complaint's history replayed up to `at`. */
  async complaintsAt(at: string): Promise<ComplaintFacts[]> {
    const q = this.q;
    const rows = await q<ComplaintHead[]>`SELECT id, customer_id, category, created_at FROM complaints WHERE created_at <= ${at} ORDER BY id`;
    const events = await q<ComplaintEvent[]>`SELECT complaint_id, at, kind, to_status, satisfied FROM complaint_events WHERE at <= ${at} ORDER BY at, id`;
    // complaint_due has no id: rows are only ever inserted, so ctid order is insertion order,
    // which is what SQLite's rowid gives.
    const due = await q`SELECT complaint_id, due_at FROM complaint_due WHERE at <= ${at} ORDER BY at, ctid`.values();
    return replayComplaints(rows, events, new Map(due as unknown as [number, string][]));
  }
  async recordDue(id: number, at: string, due: string): Promise<void> {
    await this.q`INSERT INTO complaint_due (complaint_id, at, due_at) VALUES (${id}, ${at}, ${due})`;
  }

  // Snapshots and fits
  async dataVersion(): Promise<number> {
    return this.one<number>(
      this.q`SELECT coalesce(max(id), 0) FROM imports WHERE kind = 'transactions' AND status = 'complete' AND removed IS NULL AND rows_imported > 0`.values(),
    );
  }

  /**
   * Saves (or replaces) the snapshot for analysis.asOf in one transaction, its customers through
   * COPY: no statement per row and no parameter limit, whatever the number of customers.
   */
  saveSnapshot(analysis: Analysis, settings: Record<string, string>): Promise<number> {
    return this.atomic(async (q) => {
      await q`DELETE FROM snapshots WHERE as_of = ${analysis.asOf}`; // its customers go with it (ON DELETE CASCADE)
      const [row] = await q<{ id: number }[]>`
        INSERT INTO snapshots (as_of, created_at, settings, data_version, customers, population_gap_days, value_basis, cuts)
        VALUES (${analysis.asOf}, ${new Date().toISOString()}, ${JSON.stringify(settings)}, ${await this.dataVersion()}, ${analysis.customers.length},
                ${analysis.populationGapDays}, ${analysis.valueBasis}, ${JSON.stringify(analysis.cuts)})
        RETURNING id`;
      const id = row!.id;
      const customers = analysis.customers;
      const fields = SNAPSHOT_COLUMNS.map((c) => c[1]);
      function* lines(): Generator<string> {
        for (let start = 0; start < customers.length; start += EXPORT_BATCH) {
          let chunk = '';
          for (const c of customers.slice(start, start + EXPORT_BATCH)) {
            chunk += String(id);
            for (const f of fields) chunk += '\t' + copyValue(c[f]);
            chunk += '\n';
          }
          yield chunk;
        }
      }
      const into = await q.unsafe(`COPY snapshot_customers (snapshot_id, ${SNAPSHOT_COLUMNS.map((c) => c[0]).join(', ')}) FROM STDIN`).writable();
      await pipeline(Readable.from(lines()), into);
      return id;
    });
  }
  async listSnapshots(): Promise<SnapshotInfo[]> {
    const rows = await this.q<(Omit<SnapshotInfo, 'settings'> & { settings: string })[]>`
      SELECT id, as_of, created_at, customers, data_version, settings, value_basis FROM snapshots ORDER BY as_of`;
    return rows.map((r) => ({ ...r, settings: JSON.parse(r.settings) as Record<string, string> }));
  }
  async findSnapshot(asOf: string): Promise<SnapshotInfo | null> {
    return (await this.listSnapshots()).find((s) => s.as_of === asOf) ?? null;
  }
  /** As sqlite/snapshots.ts's loadSnapshot: customers in customer_id order, the filter applied in SQL. */
  async loadSnapshot(id: number, filter: SnapshotFilter = {}): Promise<Analysis> {
    const q = this.q;
    const [head] = await q<{ as_of: string; population_gap_days: number | null; value_basis: ValueBasis; cuts: string }[]>`
      SELECT as_of, population_gap_days, value_basis, cuts FROM snapshots WHERE id = ${id}`;
    let where = q``;
    for (const [key, column] of FILTER_COLUMNS) {
      const v = filter[key];
      if (v === undefined || v === null) continue;
      where = q`${where} AND ${q(column)} = ANY(${typeof v === 'string' ? [v] : [...v]}::text[])`;
    }
    const strings = interner();
    const intern = (v: unknown): unknown => (typeof v === 'string' ? strings(v) : v);
    const customers: ReturnType<typeof fromRow>[] = [];
    await q`SELECT ${q(SNAPSHOT_COLUMNS.map((c) => c[0]))} FROM snapshot_customers WHERE snapshot_id = ${id} ${where} ORDER BY customer_id`
      .values()
      .cursor(CURSOR_ROWS, (rows) => {
        for (const r of rows) customers.push(fromRow(r as unknown[], intern));
      });
    return { asOf: head!.as_of, valueBasis: head!.value_basis, populationGapDays: head!.population_gap_days, cuts: JSON.parse(head!.cuts) as Cut[], customers };
  }
  async snapshotRank(id: number, value: number): Promise<{ above: number; total: number }> {
    const [row] = await this.q<{ above: number; total: number }[]>`
      SELECT count(*) FILTER (WHERE value > ${value}::double precision) AS above, count(*) AS total FROM snapshot_customers WHERE snapshot_id = ${id}`;
    return { above: row!.above, total: row!.total };
  }
  saveFit(fit: Fitted, settings: Record<string, string>): Promise<number> {
    return this.atomic(async (q) => {
      await q`DELETE FROM model_fits WHERE as_of = ${fit.asOf}`;
      const [row] = await q<{ id: number }[]>`
        INSERT INTO model_fits (as_of, created_at, settings, data_version, fit)
        VALUES (${fit.asOf}, ${new Date().toISOString()}, ${JSON.stringify(settings)}, ${await this.dataVersion()}, ${JSON.stringify(fit)})
        RETURNING id`;
      return row!.id;
    });
  }
  async findFit(asOf: string): Promise<SavedFit | null> {
    const [row] = await this.q<{ id: number; as_of: string; created_at: string; settings: string; data_version: number; fit: string }[]>`
      SELECT id, as_of, created_at, settings, data_version, fit FROM model_fits WHERE as_of = ${asOf}`;
    if (!row) return null;
    return { ...row, settings: JSON.parse(row.settings) as Record<string, string>, fit: JSON.parse(row.fit) as Fitted };
  }

  /** As watchlists.ts: the list replaces any for its date; its customers through COPY. */
  saveWatchlist(list: NewWatchlist): Promise<number> {
    return this.atomic(async (q) => {
      await q`DELETE FROM watchlists WHERE as_of = ${list.asOf}`;
      const [row] = await q<{ id: number }[]>`
        INSERT INTO watchlists (as_of, created_at, horizon_days, method, customers)
        VALUES (${list.asOf}, ${new Date().toISOString()}, ${list.horizonDays}, ${list.method}, ${list.entries.length}) RETURNING id`;
      const id = row!.id;
      const entries = list.entries;
      function* lines(): Generator<string> {
        for (let start = 0; start < entries.length; start += EXPORT_BATCH) {
          let chunk = '';
          for (const e of entries.slice(start, start + EXPORT_BATCH))
            chunk += [id, copyCell(e.customer_id), copyValue(e.risk), copyCell(e.level), copyValue(e.expected_purchases)].join('\t') + '\n';
          yield chunk;
        }
      }
      const into = await q.unsafe('COPY watchlist_customers (watchlist_id, customer_id, risk, level, expected_purchases) FROM STDIN').writable();
      await pipeline(Readable.from(lines()), into);
      return id;
    });
  }
  async listWatchlists(): Promise<WatchlistInfo[]> {
    return [...(await this.q<WatchlistInfo[]>`SELECT id, as_of, created_at, horizon_days, method, customers FROM watchlists ORDER BY as_of`)];
  }
  async loadWatchlist(id: number): Promise<WatchlistEntry[]> {
    return [
      ...(await this.q<
        WatchlistEntry[]
      >`SELECT customer_id, risk, level, expected_purchases FROM watchlist_customers WHERE watchlist_id = ${id} ORDER BY customer_id`),
    ];
  }

  // Exports
  async *exportRows(table: ExportTable): AsyncIterable<Record<string, unknown>[]> {
    const q = this.q;
    const columns: readonly string[] = EXPORT_COLUMNS[table];
    for await (const rows of q`SELECT ${q(columns as string[])} FROM ${q(table)} ORDER BY id`.cursor(EXPORT_BATCH)) {
      yield rows.map((r) => ({ ...r }));
    }
  }

  // Copying a whole store (rapport copy)
  /** One snapshot of the database for every read in fn (repeatable read, read only). */
  readConsistent<T>(fn: () => Promise<T>): Promise<T> {
    return this.inTransaction ? fn() : this.begin(() => fn(), 'isolation level repeatable read read only');
  }
  async tableCounts(): Promise<TableCounts> {
    const counts: TableCounts = {};
    for (const t of COPY_TABLES) counts[t.name] = await this.one<number>(this.q.unsafe(`SELECT count(*) FROM ${t.name}`).values());
    return counts;
  }
  async *tableRows(spec: CopyTable): AsyncIterable<Record<string, unknown>[]> {
    const query = this.q.unsafe(`SELECT ${spec.columns.join(', ')} FROM ${spec.name} ORDER BY ${spec.order.join(', ')}`);
    for await (const rows of query.cursor(EXPORT_BATCH)) yield rows.map((r) => ({ ...r }));
  }
  /**
   * Writes rows as they are, ids kept, through COPY. A transaction's dedupe_key here is its
   * content's slot-0 key (import.ts), whatever slot it had in a SQLite file.
   */
  async insertRows(spec: CopyTable, rows: readonly Record<string, unknown>[]): Promise<void> {
    const computed = COMPUTED_COLUMNS[spec.name] ?? [];
    let text = '';
    for (const row of rows) {
      text += spec.columns.map((c) => copyCell(row[c])).join('\t');
      if (computed.length > 0) text += '\t' + String(slotKey(row.date as string, contentOf(row as Record<TransactionColumn, string | number | null>), 0));
      text += '\n';
    }
    const into = await this.q.unsafe(`COPY ${spec.name} (${[...spec.columns, ...computed].join(', ')}) FROM STDIN`).writable();
    await pipeline(Readable.from([text]), into);
  }
  /** Identity columns continue after the highest id copied (an explicit id does not move them). */
  async afterCopy(): Promise<void> {
    for (const t of COPY_TABLES) {
      if (t.order.length !== 1 || t.order[0] !== 'id' || t.name === 'customers') continue;
      await this.q.unsafe(`SELECT setval(pg_get_serial_sequence('${t.name}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM ${t.name}`);
    }
  }

  /** The single value of a one-row, one-column result. */
  private async one<T>(query: Promise<unknown[][]>): Promise<T> {
    const rows = await query;
    return rows[0]![0] as T;
  }
}

/** A copied value in COPY's text format: text as import.ts writes it (NUL and lone surrogates as U+FFFD), numbers as copyValue. */
function copyCell(v: unknown): string {
  return typeof v === 'string' ? copyText(v) : copyValue(v);
}

/** A value in COPY's text format: \N for null, backslash escapes for the characters that end a field or a line. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isNaN(v) ? '\\N' : Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : '-Infinity';
  return String(v).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
