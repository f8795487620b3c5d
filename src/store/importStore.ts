/** The SQL of importing: import records, batched transaction inserts with the duplicate rule, customers, rejects. */
import { hash64 } from '../core/hash.js';
import type { DB } from './db.js';

export interface ImportRecord {
  kind: 'transactions' | 'customers';
  fileName: string;
  fileSize: number;
  contentHash: string;
  mapping: Record<string, string>;
  options: Record<string, unknown>;
  startedAt: string;
}

export interface ImportCounts {
  read: number;
  imported: number;
  updated: number;
  duplicate: number;
  rejected: number;
  blankLines: number;
  customersCreated: number;
}

export function findCompleteImportByHash(db: DB, kind: string, contentHash: string): { id: number; file_name: string; finished_at: string } | undefined {
  return db
    .prepare(`SELECT id, file_name, finished_at FROM imports WHERE content_hash = ? AND kind = ? AND status = 'complete' ORDER BY id LIMIT 1`)
    .get(contentHash, kind) as { id: number; file_name: string; finished_at: string } | undefined;
}

export function insertImport(db: DB, rec: ImportRecord, status: 'complete' | 'refused'): number {
  const info = db
    .prepare(
      `INSERT INTO imports (kind, file_name, file_size, content_hash, mapping, options, status, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(rec.kind, rec.fileName, rec.fileSize, rec.contentHash, JSON.stringify(rec.mapping), JSON.stringify(rec.options), status, rec.startedAt);
  return Number(info.lastInsertRowid);
}

export function finishImport(db: DB, importId: number, counts: ImportCounts): void {
  db.prepare(
    `UPDATE imports SET rows_read = ?, rows_imported = ?, rows_updated = ?, rows_duplicate = ?, rows_rejected = ?,
       blank_lines = ?, customers_created = ?, finished_at = ? WHERE id = ?`,
  ).run(counts.read, counts.imported, counts.updated, counts.duplicate, counts.rejected, counts.blankLines, counts.customersCreated, new Date().toISOString(), importId);
}

export class RejectWriter {
  private readonly stmt;
  constructor(db: DB, private readonly importId: number) {
    this.stmt = db.prepare('INSERT INTO rejects (import_id, line, field, reason, raw) VALUES (?, ?, ?, ?, ?)');
  }
  add(line: number, field: string | null, reason: string, raw: string): void {
    this.stmt.run(this.importId, line, field, reason, raw);
  }
}

/** One transaction row, normalised, ready to store. */
export interface TransactionRow {
  customerId: string;
  date: string;
  time: string | null;
  amount: number;
  quantity: number | null;
  unitPrice: number | null;
  product: string | null;
  channel: string | null;
  staff: string | null;
  paymentMethod: string | null;
  externalId: string | null;
  extra: string | null;
  line: number;
  /** The normalised content the duplicate rule hashes. */
  content: string;
}

const COLUMNS = 'customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra, import_id, line, dedupe_key';
const WIDTH = 15;
/** Rows per INSERT statement: 50 was the fastest measured (shared/perf-notes.md). */
const BATCH = 50;

/**
 * Inserts transactions in multi-row statements, applying the duplicate rule:
 * a row's key is hash(content, n) where n counts the same content earlier in this file
 * (the first occurrence uses hash(content)). A key already in the database means the row was
 * imported before. So re-importing a file adds nothing, an overlapping export adds only its new
 * rows, and two identical lines in one file are both kept.
 * In the common case (no key already present) a batch costs one statement; only batches with a
 * conflict look rows up one by one, keeping occurrence counts in a temp table, not in memory.
 */
export class TransactionWriter {
  inserted = 0;
  duplicate = 0;
  private readonly rows: TransactionRow[] = [];
  private readonly keys: bigint[] = [];
  private readonly params: unknown[] = new Array(BATCH * WIDTH);
  private readonly many;
  private readonly one;
  private readonly lookup;
  private readonly seenGet;
  private readonly seenSet;
  private readonly minRowId: number;

  constructor(
    private readonly db: DB,
    private readonly importId: number,
  ) {
    const values = Array.from({ length: BATCH }, () => '(' + Array(WIDTH).fill('?').join(',') + ')').join(',');
    this.many = db.prepare(`INSERT OR IGNORE INTO transactions (${COLUMNS}) VALUES ${values}`);
    this.one = db.prepare(`INSERT OR IGNORE INTO transactions (${COLUMNS}) VALUES (${Array(WIDTH).fill('?').join(',')})`);
    this.lookup = db.prepare('SELECT import_id, line FROM transactions WHERE dedupe_key = ?');
    db.exec('CREATE TEMP TABLE IF NOT EXISTS dedupe_seen (key INTEGER PRIMARY KEY, occurrence INTEGER NOT NULL); DELETE FROM temp.dedupe_seen;');
    this.seenGet = db.prepare('SELECT occurrence FROM temp.dedupe_seen WHERE key = ?').pluck();
    this.seenSet = db.prepare('INSERT INTO temp.dedupe_seen (key, occurrence) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET occurrence = excluded.occurrence');
    this.minRowId = Number((db.prepare('SELECT coalesce(max(id), 0) FROM transactions').pluck().get() as number | bigint));
  }

  add(row: TransactionRow): void {
    this.rows.push(row);
    this.keys.push(hash64(row.content));
    if (this.rows.length === BATCH) this.flush();
  }

  flush(): void {
    const n = this.rows.length;
    if (n === 0) return;
    if (n === BATCH) {
      const p = this.params;
      for (let i = 0; i < n; i++) this.fill(p, i * WIDTH, this.rows[i]!, this.keys[i]!);
      const changes = this.many.run(p).changes;
      if (changes === n) this.inserted += n;
      else this.resolve();
    } else {
      const p = new Array(WIDTH);
      for (let i = 0; i < n; i++) {
        this.fill(p, 0, this.rows[i]!, this.keys[i]!);
        if (this.one.run(p).changes !== 1) this.resolveRow(this.rows[i]!, this.keys[i]!);
        else this.inserted++;
      }
    }
    this.rows.length = 0;
    this.keys.length = 0;
  }

  /** A batch had conflicts: find which rows went in, and settle the others. */
  private resolve(): void {
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      const stored = this.lookup.get(this.keys[i]!) as { import_id: number; line: number };
      if (stored.import_id === this.importId && stored.line === row.line) this.inserted++;
      else this.resolveRow(row, this.keys[i]!);
    }
  }

  /** The row's first-occurrence key is taken: decide which occurrence this row is. */
  private resolveRow(row: TransactionRow, key: bigint): void {
    let previous = this.seenGet.get(key) as number | undefined;
    if (previous === undefined) {
      // Not counted yet: at most one earlier occurrence in this file, and it was inserted under `key`.
      const stored = this.lookup.get(key) as { import_id: number; line: number };
      previous = stored.import_id === this.importId ? 1 : 0;
    }
    const occurrence = previous + 1;
    this.seenSet.run(key, occurrence);
    if (occurrence === 1) {
      this.duplicate++;
      return;
    }
    const p = new Array(WIDTH);
    this.fill(p, 0, row, hash64(row.content + '\u001e' + occurrence));
    if (this.one.run(p).changes === 1) this.inserted++;
    else this.duplicate++;
  }

  private fill(p: unknown[], o: number, r: TransactionRow, key: bigint): void {
    p[o] = r.customerId;
    p[o + 1] = r.date;
    p[o + 2] = r.time;
    p[o + 3] = r.amount;
    p[o + 4] = r.quantity;
    p[o + 5] = r.unitPrice;
    p[o + 6] = r.product;
    p[o + 7] = r.channel;
    p[o + 8] = r.staff;
    p[o + 9] = r.paymentMethod;
    p[o + 10] = r.externalId;
    p[o + 11] = r.extra;
    p[o + 12] = this.importId;
    p[o + 13] = r.line;
    p[o + 14] = key;
  }

  /** Creates a bare customer record for every customer id this import brought that has none. */
  createMissingCustomers(): number {
    this.flush();
    return this.db
      .prepare(
        `INSERT INTO customers (id, import_id)
         SELECT DISTINCT customer_id, ? FROM transactions WHERE id > ? AND import_id = ?
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(this.importId, this.minRowId, this.importId).changes;
  }
}

export interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
  accountManager: string | null;
  createdDate: string | null;
  attributes: Record<string, string> | null;
}

interface StoredCustomer {
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
  account_manager: string | null;
  created_date: string | null;
  attributes: string | null;
}

/**
 * Upserts customers by id. A value in the file replaces the stored one; an empty cell leaves the
 * stored value alone (a partial export never erases data). Extra columns merge into attributes.
 */
export class CustomerWriter {
  inserted = 0;
  updated = 0;
  duplicate = 0;
  private readonly get;
  private readonly insert;
  private readonly update;

  constructor(db: DB, private readonly importId: number) {
    this.get = db.prepare('SELECT name, email, phone, type, account_manager, created_date, attributes FROM customers WHERE id = ?');
    this.insert = db.prepare(
      `INSERT INTO customers (id, name, email, phone, type, account_manager, created_date, attributes, import_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.update = db.prepare(
      `UPDATE customers SET name = ?, email = ?, phone = ?, type = ?, account_manager = ?, created_date = ?, attributes = ?, import_id = ?
       WHERE id = ?`,
    );
  }

  add(row: CustomerRow): void {
    const old = this.get.get(row.id) as StoredCustomer | undefined;
    const attrs = row.attributes && Object.keys(row.attributes).length > 0 ? row.attributes : null;
    if (!old) {
      this.insert.run(row.id, row.name, row.email, row.phone, row.type, row.accountManager, row.createdDate, attrs ? JSON.stringify(attrs) : null, this.importId);
      this.inserted++;
      return;
    }
    const merged = {
      name: row.name ?? old.name,
      email: row.email ?? old.email,
      phone: row.phone ?? old.phone,
      type: row.type ?? old.type,
      account_manager: row.accountManager ?? old.account_manager,
      created_date: row.createdDate ?? old.created_date,
      attributes: mergeAttributes(old.attributes, attrs),
    };
    const same = (Object.keys(merged) as (keyof StoredCustomer)[]).every((k) => merged[k] === old[k]);
    if (same) {
      this.duplicate++;
      return;
    }
    this.update.run(merged.name, merged.email, merged.phone, merged.type, merged.account_manager, merged.created_date, merged.attributes, this.importId, row.id);
    this.updated++;
  }
}

function mergeAttributes(old: string | null, incoming: Record<string, string> | null): string | null {
  if (!incoming) return old;
  const base = old ? (JSON.parse(old) as Record<string, string>) : {};
  for (const [k, v] of Object.entries(incoming)) base[k] = v;
  return JSON.stringify(base);
}
