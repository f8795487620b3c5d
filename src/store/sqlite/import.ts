/** The SQL of importing into SQLite: import records, batched transaction inserts with the duplicate rule, customers, rejects. The rules both stores share: ../importRules.ts. */
import fs from 'node:fs';
import { checkHash, hashKey, slotKey } from '../../core/hash.js';
import { SEP, TRANSACTION_COLUMNS, dedupeContent, type CustomerRow, type TransactionColumn } from '../../core/row.js';
import { SeenTable, type SeenState } from '../../core/seenTable.js';
import { getMeta, setMeta, type DB } from './db.js';
import { KeyMap } from './keySet.js';
import { NONE, PLACE_BITS, PLACE_SCALE, RowPacker, TEXT, contentAt, packingKinds, type PackedRows } from '../packedRows.js';
import {
  AmountTotalTooLarge,
  AMOUNT_TOTAL_KEY,
  expectedLines,
  mergeCustomer,
  nextAmountTotal,
  rejectText,
  contentOf,
  type ImportCounts,
  type ImportRecord,
  type StoredCustomer,
} from '../importRules.js';

/**
 * An earlier complete import of the same content read with the same settings (`reading`, as
 * recorded in its options). The same file read differently (another --decimal-comma,
 * --date-format, --map, ...) is not "already imported": its rows may read differently now.
 */
export function findSameImport(db: DB, kind: string, contentHash: string, reading: string): { id: number } | undefined {
  const rows = db
    .prepare(`SELECT id, options FROM imports WHERE content_hash = ? AND kind = ? AND status = 'complete' AND removed IS NULL ORDER BY id`)
    .all(contentHash, kind) as { id: number; options: string }[];
  const same = rows.find((r) => JSON.stringify((JSON.parse(r.options) as { reading?: unknown }).reading) === reading);
  return same ? { id: same.id } : undefined;
}

export function hasTransactions(db: DB): boolean {
  return db.prepare('SELECT 1 FROM transactions LIMIT 1').get() !== undefined;
}

export function importWithSizeExists(db: DB, kind: string, size: number): boolean {
  return db.prepare(`SELECT 1 FROM imports WHERE file_size = ? AND kind = ? AND status = 'complete' AND removed IS NULL LIMIT 1`).get(size, kind) !== undefined;
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

export function finishImport(db: DB, importId: number, counts: ImportCounts, contentHash: string): void {
  db.prepare(
    `UPDATE imports SET rows_read = ?, rows_imported = ?, rows_updated = ?, rows_duplicate = ?, rows_rejected = ?,
       blank_lines = ?, customers_created = ?, content_hash = ?, finished_at = ? WHERE id = ?`,
  ).run(
    counts.read,
    counts.imported,
    counts.updated,
    counts.duplicate,
    counts.rejected,
    counts.blankLines,
    counts.customersCreated,
    contentHash,
    new Date().toISOString(),
    importId,
  );
}

/**
 * A file's import is one transaction, begun and ended by hand (not db.transaction) because the
 * parsing worker makes the import asynchronous. Uncommitted, it leaves no trace after a kill.
 *
 * When the file is bigger than what the database holds (a first import, or one that more than
 * doubles the shop: the rule PostgreSQL's import uses to drop its indexes) and no other connection
 * has the database open, the import's transaction runs with a rollback journal instead of the WAL: SQLite journals only the pages that existed before it began (a page
 * past the file's old end is undone by cutting the file back to its old size), so the import's
 * new pages are written once, into the file, instead of into the WAL and then again by the
 * checkpoint at COMMIT (https://www.sqlite.org/lockingv3.html section 4, "Rollback";
 * https://www.sqlite.org/wal.html "Checkpointing"). On the 1M-line bench COMMIT went from
 * 0.9-1.0 s to 0.3 s, and the import's CPU (user+sys) from 8.2-9.9 s to 7.4-8.4 s in alternating
 * pairs at load 8-12, the system time from 1.2-1.4 s to 0.8-0.9 s. A kill at any moment
 * leaves a hot journal that the next opening plays back: the old database, whole.
 * synchronous is FULL meanwhile, the setting at which a rollback journal survives a power cut too
 * (https://www.sqlite.org/pragma.html#pragma_synchronous). The switch needs the database to
 * itself: if another connection has it open, the import keeps the WAL (and is as before).
 * Readers that come during such an import wait (busy timeout) instead of reading the old state
 * beside it, which is why it is kept to a database that holds less than the file: every other
 * import keeps the WAL, and readers read beside it.
 */
export function beginImport(db: DB, fileBytes: number): void {
  if (db.name !== ':memory:' && holdsLessThan(db, expectedLines(fileBytes))) journalMode(db, 'delete');
  if (journalModeOf(db) === 'delete') db.pragma('synchronous = FULL');
  db.exec('BEGIN IMMEDIATE');
}

/**
 * With a rollback journal COMMIT needs every reader gone; one that holds the file past the busy
 * timeout makes it fail with SQLITE_BUSY, the transaction still open, and it is tried again
 * (https://www.sqlite.org/lang_transaction.html): readers end, and the import is not lost to one.
 */
export function commitImport(db: DB): void {
  for (;;) {
    try {
      db.exec('COMMIT');
      break;
    } catch (e) {
      if (!isBusy(e) || !db.inTransaction) throw e;
    }
  }
  backToWal(db);
}

/**
 * Keys a first import may hold in memory while it writes without the dedupe index (see
 * TransactionWriter): at most 2.9M, with their rowids, in a table of at most 2^22 places of 12
 * bytes (48 MiB; 72 MiB for a moment while it doubles from 2^21; KeyMap keeps it at most 70%
 * full). A file expected to hold more keeps the index from the start; one that turns out to hold
 * more builds it when the map is full, and goes on as usual.
 */
const KEYS_HELD = 2_900_000;

/**
 * Whether this import may drop the dedupe index and build it once at its end: only into a
 * `transactions` table that holds no row, in the transaction of an import that has the database to
 * itself (the rollback-journal case of beginImport, where SQLite's transactional DDL undoes a
 * dropped index with everything else on a kill or ROLLBACK), for a file expected to fit KEYS_HELD.
 * Returns the lines expected (the size of the writer's key map) when it may, else undefined.
 */
export function deferIndexFor(db: DB, fileBytes: number): number | undefined {
  const lines = expectedLines(fileBytes);
  const may =
    db.name !== ':memory:' &&
    db.inTransaction &&
    journalModeOf(db) === 'delete' &&
    lines <= KEYS_HELD &&
    dedupeIndexSql(db) !== undefined &&
    !hasTransactions(db);
  return may ? lines : undefined;
}

/** The dedupe index's CREATE statement as the database keeps it (sqlite_schema), if it exists. */
function dedupeIndexSql(db: DB): string | undefined {
  return db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'transactions_dedupe'`).pluck().get() as string | undefined;
}

/** Whether the database holds fewer sales than `lines` (counting no further than that). */
function holdsLessThan(db: DB, lines: number): boolean {
  const held = db.prepare('SELECT count(*) FROM (SELECT 1 FROM transactions LIMIT ?)').pluck().get(lines) as number;
  return held < lines;
}

function isBusy(e: unknown): boolean {
  return String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY');
}

export function rollbackImport(db: DB): void {
  if (db.inTransaction) db.exec('ROLLBACK');
  backToWal(db);
}

/** After an import that ran with a rollback journal: the WAL again (every opening sets it too, if this one cannot). */
function backToWal(db: DB): void {
  if (db.name === ':memory:' || journalModeOf(db) !== 'delete') return;
  db.pragma('synchronous = NORMAL');
  journalMode(db, 'wal');
}

function journalModeOf(db: DB): string {
  return String(db.pragma('journal_mode', { simple: true }));
}

/** Tries once, without waiting: it fails when another connection holds the database (the mode stays). */
function journalMode(db: DB, mode: 'delete' | 'wal'): void {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma(`journal_mode = ${mode}`);
  } catch (e) {
    if (!isBusy(e)) throw e;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * The database file's pages written to disk ahead of COMMIT. An import that runs with the rollback
 * journal (beginImport) ends with COMMIT's fsync of every page it wrote: about 120 MB for the 1M-line
 * bench, 0.1-0.13 s of waiting for the disk at the end. Most of those pages reached the file
 * (SQLite's page cache spills) long before; `start` has the kernel write them out in the
 * background (fdatasync in libuv's thread pool) while the main thread still builds the dedupe index
 * and the customers' records, so COMMIT's own fsync finds little left to write. It changes nothing
 * of what is written or when the import counts as saved: COMMIT still syncs the file and its
 * journal as before (https://www.sqlite.org/atomiccommit.html, 3.11).
 *
 * The file descriptor stays open until the database is closed: closing another descriptor of a file
 * releases every POSIX lock this process holds on it, SQLite's included
 * (https://www.sqlite.org/howtocorrupt.html, 2.2.1).
 */
export class Writeback {
  private fd: number | null = null;
  private pending: Promise<void> = Promise.resolve();

  /** Starts writing the file's dirty pages to disk, for an import that runs with the rollback journal; errors are left to COMMIT's own sync. */
  start(db: DB): void {
    if (db.name === ':memory:' || journalModeOf(db) !== 'delete') return;
    try {
      this.fd ??= fs.openSync(db.name, 'r');
    } catch {
      return;
    }
    const fd = this.fd;
    const earlier = this.pending;
    this.pending = new Promise<void>((resolve) => fs.fdatasync(fd, () => resolve())).then(() => earlier);
  }

  /** Resolves when the syncs started so far have ended. */
  synced(): Promise<void> {
    return this.pending;
  }

  /** Once the database is closed (see above): waits for a sync under way and closes the descriptor. */
  async close(): Promise<void> {
    await this.pending;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** The record of a refused import and (some of) its rejects; none of its rows. Returns its id. */
export function recordRefusal(
  db: DB,
  record: ImportRecord,
  counts: ImportCounts,
  rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
): number {
  return db
    .transaction(() => {
      const id = insertImport(db, record, 'refused');
      finishImport(db, id, counts, record.contentHash);
      const w = new RejectWriter(db, id);
      for (const r of rejects) w.add(r.line, r.field, r.reason, r.raw);
      return id;
    })
    .immediate();
}

export class RejectWriter {
  private readonly stmt;
  constructor(
    db: DB,
    private readonly importId: number,
  ) {
    this.stmt = db.prepare('INSERT INTO rejects (import_id, line, field, reason, raw) VALUES (?, ?, ?, ?, ?)');
  }
  add(line: number, field: string | null, reason: string, raw: string): void {
    this.stmt.run(this.importId, line, field === null ? null : rejectText(field), rejectText(reason), rejectText(raw));
  }
}

/**
 * SQLite: checks and records the absolute total with `added`, the absolute total of this import's
 * rows (the rows above `firstNewId`), which the writer adds up as it binds them: counting them
 * again from the table read back every new row (0.1-0.5 s per million).
 */
export function keepAmountTotal(db: DB, firstNewId: number, added: bigint): void {
  const sum = (where: string): bigint => {
    try {
      return db.prepare(`SELECT coalesce(sum(abs(amount)), 0) FROM transactions WHERE ${where}`).safeIntegers().pluck().get(firstNewId) as bigint;
    } catch (e) {
      // SQLite's integer sum stops at 2^63 with "integer overflow": far past the limit.
      if (e instanceof Error && /integer overflow/.test(e.message)) throw new AmountTotalTooLarge(2n ** 63n);
      throw e;
    }
  };
  const kept = getMeta(db, AMOUNT_TOTAL_KEY);
  const total = nextAmountTotal(kept === null ? sum('id <= ?') : BigInt(kept), added);
  setMeta(db, AMOUNT_TOTAL_KEY, String(total));
}

/** Rows per INSERT statement: 50 was the fastest in the team's measurements (25 and 100 were no faster here). */
const BATCH = 50;

/** Contents whose occurrence count is kept in memory before the temp table takes over (at most ~25 MB). */
const SEEN_IN_MEMORY = 1_000_000;

/**
 * Inserts transactions in multi-row statements and applies the duplicate rule.
 *
 * The rule: the n-th row with a given content in a file is a duplicate when the database already
 * holds n rows with that content; otherwise it is stored. So re-importing a file adds nothing, an
 * overlapping export adds only its new rows, and two identical lines in one file are both kept.
 *
 * How: each content has a chain of slots, keys slotKey(content, 0), slotKey(content, 1), ...; a
 * stored row sits in the first free slot of its content's chain (dedupe_key, unique). A 53-bit
 * key is enough because a slot's stored content is compared before a row is called a duplicate:
 * a hash collision costs one extra slot, never a lost row. In the common case (slot 0 free) a
 * batch is one statement; only conflicts walk the chain, and the per-content state lives in a
 * fixed-size table in memory, then a temp table.
 *
 * Rows arrive packed (store/packedRows.ts: their content strings as UTF-8 bytes, and a number per value)
 * with their slot-0 keys; a statement binds the bytes of its rows once, as a blob, and numbers.
 *
 * A first import (`deferIndex`, see deferIndexFor) drops the unique dedupe index in its transaction
 * and creates it again at its end with the very statement sqlite_schema held: inserting 1M rows
 * with the index took 2.3-2.6 s, without it 0.94 s plus 0.76-0.80 s to create it after (better-
 * sqlite3 alone, the same table). Without the index INSERT OR IGNORE would store a repeated key,
 * so meanwhile the writer keeps every key it stored with its row's rowid in an exact map (KeyMap)
 * and does what the index did: before a batch's statement it marks the rows whose key is taken
 * (by a stored row or an earlier row of the same batch: exactly those INSERT OR IGNORE would have
 * ignored) and binds NULL for their key, which the statement's WHERE leaves out; the others get
 * the next rowids in their order, as they would have. The marked rows are then settled one by
 * one as after an indexed batch, the duplicate rule's walk reading a taken slot's row by its
 * rowid instead of through the index. So the rows, their ids, the duplicates and the counts are
 * those of the indexed import in every case. The index comes back at the end of the file, or
 * when the map would pass KEYS_HELD keys (then the import carries on through the index).
 */
export class TransactionWriter {
  inserted = 0;
  duplicate = 0;
  /** Rows given one by one (add), packed until BATCH of them are written together. */
  private readonly pending: RowPacker;
  private readonly pendingLines: number[] = [];
  private readonly pendingKeys: number[] = [];
  private readonly cols: number[];
  /** For each bound value of a row: 1 when it is a text's place in the blob (store/packedRows.ts), 0 a number. */
  private readonly placed: Uint8Array;
  /** Values per row in PackedRows.values. */
  private readonly packedWidth: number;
  /** Parameters per row: the packed values, line, slot-0 key. */
  private readonly width: number;
  private readonly params: unknown[];
  /** The blob of a statement's rows (the named parameter @rows). */
  private readonly blob: { rows: Uint8Array | null } = { rows: null };
  private readonly many;
  /** The batch statement while the index is dropped: a row bound with a NULL key is left out (see TransactionWriter). */
  private readonly manyFree;
  private readonly one;
  private readonly lookup;
  private readonly byId;
  /** Notes that this import held a stored row too (a duplicate), so removing the row's own import keeps it. */
  private readonly alsoHeld;
  private readonly tempSeenGet;
  private readonly tempSeenSet;
  private readonly seen: SeenTable;
  /** --no-dedupe: every row is stored, in the first free slot of its chain. */
  private readonly keepAll: boolean;
  /** After a batch that was all duplicates, rows go one by one (a doomed batch INSERT costs as much as a real one). */
  private rowByRow = false;
  private spilled = false;
  private readonly insertedSince;
  private readonly insertCustomers;
  private readonly upsertProducts;
  private readonly maxId;
  /** Highest rowid so far: the rows of one batch get consecutive rowids above it. */
  private lastId: number;
  /** The highest rowid before this import: its rows are above it. */
  readonly firstId: number;
  /** Where amount sits among the bound values of a row. */
  private readonly amountAt: number;
  /** The absolute total of the amounts stored so far, in a float while it is an exact safe integer, then carried into the bigint. */
  private amountSum = 0;
  private amountSumBig = 0n;
  /** While the dedupe index is dropped (deferIndex): the keys stored so far with their rows (rowid - firstId), and the statement that creates the index. */
  private keys: KeyMap | null = null;
  private readonly keysHeld: number;
  private indexSql = '';
  /** The indexes after it in sqlite_schema, made again after it so that the schema keeps its order (sqlite3 .dump lists them by it). */
  private laterIndexes: { name: string; sql: string }[] = [];

  /**
   * `present`: the columns this file can fill; the others are left NULL without binding them.
   * `seenInMemory`: occurrence counts kept in memory before the temp table (tests lower it).
   * `deferIndex`: the lines expected, when deferIndexFor allows this import to build the dedupe index at its end.
   * `keysHeld`: keys held without the index before it comes back (KEYS_HELD; tests lower it).
   */
  constructor(
    private readonly db: DB,
    private readonly importId: number,
    present: readonly TransactionColumn[],
    options: { keepAll?: boolean; seenInMemory?: number; deferIndex?: number; keysHeld?: number } = {},
  ) {
    this.keepAll = options.keepAll === true;
    this.keysHeld = options.keysHeld ?? KEYS_HELD;
    this.seen = new SeenTable(options.seenInMemory ?? SEEN_IN_MEMORY);
    const kinds = packingKinds(present);
    this.pending = new RowPacker(kinds, BATCH);
    this.cols = TRANSACTION_COLUMNS.map((c, i) => (kinds[i] !== NONE ? i : -1)).filter((i) => i >= 0);
    this.placed = Uint8Array.from(this.cols, (i) => (kinds[i] === TEXT ? 1 : 0));
    this.amountAt = this.cols.indexOf(TRANSACTION_COLUMNS.indexOf('amount'));
    this.packedWidth = this.cols.length;
    this.width = this.cols.length + 2;
    this.params = new Array(BATCH * this.width);
    const names = [...this.cols.map((i) => TRANSACTION_COLUMNS[i]), 'line', 'dedupe_key'].join(', ');
    // The VALUES rows' columns are column1, column2, ...; a text is cut out of the blob @rows.
    const values = this.cols.map((_, j) =>
      this.placed[j] ? `CAST(substr(@rows, column${j + 1} >> ${PLACE_BITS}, column${j + 1} & ${PLACE_SCALE - 1}) AS TEXT)` : `column${j + 1}`,
    );
    values.push(`column${this.width - 1}`, `column${this.width}`);
    // import_id is our own integer, so it can sit in the SQL as a literal: one parameter less per row.
    const insert = (rows: number, where = ''): string =>
      `INSERT OR IGNORE INTO transactions (${names}, import_id) SELECT ${values.join(', ')}, ${Number(importId)}
       FROM (VALUES ${Array(rows)
         .fill('(' + Array(this.width).fill('?').join(',') + ')')
         .join(',')})${where}`;
    this.many = db.prepare(insert(BATCH));
    this.manyFree = db.prepare(insert(BATCH, ` WHERE column${this.width} IS NOT NULL`));
    this.one = db.prepare(insert(1));
    const stored = `SELECT ${TRANSACTION_COLUMNS.join(', ')}, id, import_id, line FROM transactions`;
    this.lookup = db.prepare(`${stored} WHERE dedupe_key = ?`);
    this.byId = db.prepare(`${stored} WHERE id = ?`);
    this.alsoHeld = db.prepare(`INSERT INTO transaction_duplicates (transaction_id, import_id, line) VALUES (?, ${Number(importId)}, ?)`);
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS dedupe_seen (key INTEGER, chk INTEGER, count INTEGER NOT NULL, next INTEGER NOT NULL, PRIMARY KEY (key, chk));
             DELETE FROM temp.dedupe_seen;`);
    this.tempSeenGet = db.prepare('SELECT count, next FROM temp.dedupe_seen WHERE key = ? AND chk = ?');
    this.tempSeenSet = db.prepare(
      'INSERT INTO temp.dedupe_seen (key, chk, count, next) VALUES (?, ?, ?, ?) ON CONFLICT (key, chk) DO UPDATE SET count = excluded.count, next = excluded.next',
    );
    this.maxId = db.prepare('SELECT coalesce(max(id), 0) FROM transactions').pluck();
    this.insertedSince = db.prepare('SELECT line FROM transactions WHERE id > ?').pluck();
    this.insertCustomers = db.prepare(
      `INSERT INTO customers (id, import_id) SELECT value, ${Number(importId)} FROM json_each(?) WHERE true ON CONFLICT (id) DO NOTHING`,
    );
    this.upsertProducts = db.prepare(
      `INSERT INTO products (code, name, import_id) SELECT value ->> 0, value ->> 1, ${Number(importId)} FROM json_each(?) WHERE true
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, import_id = excluded.import_id WHERE name <> excluded.name`,
    );
    this.lastId = this.maxId.get() as number;
    this.firstId = this.lastId;
    if (options.deferIndex !== undefined) {
      this.indexSql = dedupeIndexSql(db)!;
      this.laterIndexes = db
        .prepare(
          `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
           AND rowid > (SELECT rowid FROM sqlite_schema WHERE name = 'transactions_dedupe') ORDER BY rowid`,
        )
        .all() as { name: string; sql: string }[];
      this.keys = new KeyMap(Math.min(options.deferIndex, this.keysHeld));
      db.exec('DROP INDEX transactions_dedupe');
    }
  }

  /** Creates the dedupe index if this writer dropped it (at the end of the file, or when its key map is full). */
  restoreIndex(): void {
    if (this.keys === null) return;
    this.keys = null;
    // Its sort with a 4 MiB page cache (the sorter's memory) instead of 16 MiB, as measures.ts
    // sorts: on the bench's 1M rows 432-621 ms of CPU against 542-835 ms (alternating runs, load
    // 10-13), and 7 fresh pages faulted instead of 4,114 (costly on the bench machine).
    const cache = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma('cache_size = -4096');
    try {
      this.db.exec(this.indexSql);
    } finally {
      this.db.pragma(`cache_size = ${cache}`);
    }
    for (const later of this.laterIndexes) this.db.exec(`DROP INDEX "${later.name}"; ${later.sql}`);
  }

  /** The index back before the key map would pass keysHeld (KEYS_HELD) keys with `rows` more: memory stays bounded. */
  private keepKeysBounded(rows: number): void {
    if (this.keys !== null && this.keys.size + rows > this.keysHeld) this.restoreIndex();
  }

  /** The stored row in the slot of `key`, if any: by its rowid in the key map while the index is dropped, else through the index. */
  private storedAt(key: number): Stored | undefined {
    if (this.keys === null) return this.lookup.get(key) as Stored | undefined;
    const at = this.keys.get(key);
    return at < 0 ? undefined : (this.byId.get(this.firstId + at) as Stored);
  }

  /** One row: its content string, source line, and slot-0 key (slotKey(date, content, 0)). */
  add(content: string, line: number, key: number): void {
    this.pending.add(content);
    this.pendingLines.push(line);
    this.pendingKeys.push(key);
    if (this.pendingLines.length === BATCH) this.flush();
  }

  /** Writes the rows given by add (a last statement of fewer than BATCH rows goes row by row). */
  flush(): void {
    if (this.pendingLines.length === 0) return;
    const rows = this.pending.take();
    const lines = Float64Array.from(this.pendingLines);
    const keys = Float64Array.from(this.pendingKeys);
    this.pendingLines.length = 0;
    this.pendingKeys.length = 0;
    this.write(rows, lines, keys);
  }

  /** Packed rows (store/packedRows.ts) with their source lines and slot-0 keys: BATCH rows per statement, a last few row by row. */
  write(rows: PackedRows, lines: Float64Array, keys: Float64Array): void {
    this.flush();
    for (let from = 0; from < rows.count; from += BATCH) {
      const to = Math.min(from + BATCH, rows.count);
      if (to - from === BATCH && !this.rowByRow) {
        this.writeMany(rows, from, lines, keys);
        continue;
      }
      const before = this.inserted;
      this.keepKeysBounded(to - from);
      for (let i = from; i < to; i++) this.settle(rows, i, lines[i]!, keys[i]!);
      // Mostly new rows again: back to whole batches.
      if (this.inserted - before > (to - from) / 2) this.rowByRow = false;
    }
  }

  private writeMany(rows: PackedRows, from: number, lines: Float64Array, keys: Float64Array): void {
    this.keepKeysBounded(BATCH);
    const p = this.params;
    const start = rows.starts[from]!;
    this.blob.rows = rows.bytes.subarray(start, rows.starts[from + BATCH]);
    for (let i = 0; i < BATCH; i++) this.fill(p, i * this.width, rows, from + i, start, lines[from + i]!, keys[from + i]!);
    if (this.keys !== null) {
      this.writeFree(rows, from, lines, keys);
      return;
    }
    const info = this.many.run(p, this.blob);
    if (info.changes === BATCH) {
      for (let i = 0; i < BATCH; i++) this.addAmount(p[i * this.width + this.amountAt] as number);
      this.inserted += BATCH;
      this.lastId = Number(info.lastInsertRowid);
    } else {
      this.resolveBatch(rows, from, lines, keys);
      if (info.changes === 0) this.rowByRow = true;
    }
  }

  /**
   * writeMany without the index, its parameters filled: the rows whose slot-0 key is taken (by a
   * stored row or an earlier row of this batch: those INSERT OR IGNORE leaves out) get a NULL key
   * and stay out of the statement; the others take the next rowids in order. Then the taken ones
   * are settled in order, as resolveBatch does after an indexed batch.
   */
  private writeFree(rows: PackedRows, from: number, lines: Float64Array, keys: Float64Array): void {
    const p = this.params;
    const map = this.keys!;
    const keyAt = this.width - 1;
    let free = 0;
    for (let i = 0; i < BATCH; i++) {
      if (map.add(keys[from + i]!, this.lastId + free + 1 - this.firstId)) free++;
      else p[i * this.width + keyAt] = null;
    }
    if (free > 0) this.manyFree.run(p, this.blob);
    this.inserted += free;
    this.lastId += free;
    for (let i = 0; i < BATCH; i++) {
      if (p[i * this.width + keyAt] !== null) this.addAmount(p[i * this.width + this.amountAt] as number);
    }
    if (free === BATCH) return;
    for (let i = 0; i < BATCH; i++) {
      if (p[i * this.width + keyAt] === null) this.settle(rows, from + i, lines[from + i]!, keys[from + i]!);
    }
    if (free === 0) this.rowByRow = true;
  }

  /** A batch had conflicts: the rows it stored are the ones above lastId; settle the others. */
  private resolveBatch(rows: PackedRows, from: number, lines: Float64Array, keys: Float64Array): void {
    const went = new Set(this.insertedSince.all(this.lastId) as number[]);
    this.inserted += went.size;
    // The batch's values are still in this.params (settle binds its own array).
    for (let i = 0; i < BATCH; i++) {
      if (went.has(lines[from + i]!)) this.addAmount(this.params[i * this.width + this.amountAt] as number);
      else this.settle(rows, from + i, lines[from + i]!, keys[from + i]!);
    }
    this.lastId = this.maxId.get() as number;
  }

  /**
   * Stores the row or counts it a duplicate, walking its content's chain of slots. A walk resumes
   * where the last occurrence of the same content in this file ended, so n identical rows cost n
   * lookups, not n^2 / 2. With `keepAll` (--no-dedupe) it goes straight to the first free slot.
   */
  private settle(rows: PackedRows, i: number, line: number, key0: number): void {
    const content = contentAt(rows, i);
    const dedupe = dedupeContent(content);
    const date = dateOf(content);
    const k = hashKey(dedupe);
    const check = checkHash(dedupe);
    let state = this.seenGet(k, check);
    let slot0: Stored | undefined;
    if (state === undefined) {
      // No conflict for this content yet in this file, so an earlier occurrence in this file, if
      // any, went into slot 0 through the fast path.
      slot0 = this.storedAt(key0);
      const earlier = slot0 !== undefined && slot0.import_id === this.importId && slot0.line !== line && contentOf(slot0) === dedupe;
      state = earlier ? { count: 1, next: 1 } : { count: 0, next: 0 };
    }
    const occurrence = state.count + 1;
    let matches = state.count;
    for (let slot = state.next; ; slot++) {
      const key = slot === 0 ? key0 : slotKey(date, dedupe, slot);
      const stored = slot === 0 && slot0 !== undefined ? slot0 : this.storedAt(key);
      if (stored === undefined) {
        this.insertOne(rows, i, line, key);
        this.seenSet(k, check, { count: occurrence, next: slot + 1 });
        return;
      }
      if (!this.keepAll && contentOf(stored) === dedupe && ++matches === occurrence) {
        this.duplicate++;
        this.alsoHeld.run(stored.id, line);
        this.seenSet(k, check, { count: occurrence, next: slot + 1 });
        return;
      }
    }
  }

  /** Stores row i in the slot of `key`, known to be free. */
  private insertOne(rows: PackedRows, i: number, line: number, key: number): void {
    const p = new Array(this.width);
    const start = rows.starts[i]!;
    this.fill(p, 0, rows, i, start, line, key);
    this.lastId = Number(this.one.run(p, { rows: rows.bytes.subarray(start, rows.starts[i + 1]) }).lastInsertRowid);
    this.keys?.add(key, this.lastId - this.firstId);
    this.addAmount(p[this.amountAt] as number);
    this.inserted++;
  }

  /**
   * The duplicate rule's state for contents that met a conflict in this file: in memory for the
   * first SEEN_IN_MEMORY contents, then in a temp table, so memory stays bounded for any file.
   */
  private seenGet(k: number, check: number): SeenState | undefined {
    const inMemory = this.seen.get(k, check);
    if (inMemory !== undefined || !this.spilled) return inMemory;
    const row = this.tempSeenGet.get(k, check) as { count: number; next: number } | undefined;
    return row;
  }

  private seenSet(k: number, check: number, state: SeenState): void {
    if (!this.seen.set(k, check, state)) {
      this.spilled = true;
      this.tempSeenSet.run(k, check, state.count, state.next);
    }
  }

  /** The absolute total of the amounts this writer stored, in minor units. */
  storedAmountTotal(): bigint {
    return this.amountSumBig + BigInt(this.amountSum);
  }

  private addAmount(amount: number): void {
    const a = amount < 0 ? -amount : amount;
    if (!Number.isSafeInteger(this.amountSum + a)) {
      this.amountSumBig += BigInt(this.amountSum);
      this.amountSum = 0;
    }
    this.amountSum += a;
  }

  /**
   * Row i's parameters at p[o]: its packed values (NaN is NULL; a text's place counted from `start`,
   * where the statement's blob begins), its line and key. amount, quantity and unit_price are bound
   * as numbers (exact: they left the validator as numbers), which skips SQLite's text-to-number
   * affinity (0.3 s per million rows).
   */
  private fill(p: unknown[], o: number, rows: PackedRows, i: number, start: number, line: number, key: number): void {
    const values = rows.values;
    const placed = this.placed;
    const shift = start * PLACE_SCALE;
    let k = i * this.packedWidth;
    for (let c = 0; c < placed.length; c++, k++) {
      const v = values[k]!;
      p[o + c] = v !== v ? null : placed[c] ? v - shift : v;
    }
    p[o + placed.length] = line;
    p[o + placed.length + 1] = key;
  }

  /** Keeps the names a file gives its products ([code, name] pairs, one statement per batch). */
  nameProducts(pairs: readonly [string, string][]): void {
    if (pairs.length > 0) this.upsertProducts.run(JSON.stringify(pairs));
  }

  /**
   * Creates a bare customer record for every id in `ids` that has none: the ids are held until
   * CUSTOMERS_HELD have come (or the file ends, createHeldCustomers), then inserted sorted, as one
   * JSON array. Sorted, each insert lands beside the last in the customers' id index; in the
   * file's order every id went to a random page of it, and on the 1M-row bench (100,000
   * customers) that cost 0.9 s against 0.3 s sorted. Returns the records created now.
   */
  createMissingCustomers(ids: readonly string[]): number {
    for (const id of ids) this.heldCustomers.push(id);
    return this.heldCustomers.length >= CUSTOMERS_HELD ? this.createHeldCustomers() : 0;
  }

  /** Creates the records of the ids still held (see createMissingCustomers); returns how many were created. */
  createHeldCustomers(): number {
    const ids = this.heldCustomers;
    if (ids.length === 0) return 0;
    this.heldCustomers = [];
    ids.sort();
    return this.insertCustomers.run(JSON.stringify(ids)).changes;
  }

  private heldCustomers: string[] = [];
}

/** Customer ids held before their records are created (bounds memory: a few MB). */
const CUSTOMERS_HELD = 100_000;

function dateOf(content: string): string {
  const cut = content.indexOf(SEP);
  return content.slice(cut + 1, content.indexOf(SEP, cut + 1));
}

type Stored = Record<TransactionColumn, string | number | null> & { id: number; import_id: number; line: number };

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

  constructor(
    db: DB,
    private readonly importId: number,
  ) {
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
    const { record: merged, change } = mergeCustomer(old, row);
    if (change === 'new') {
      this.insert.run(
        row.id,
        merged.name,
        merged.email,
        merged.phone,
        merged.type,
        merged.account_manager,
        merged.created_date,
        merged.attributes,
        this.importId,
      );
      this.inserted++;
      return;
    }
    if (change === 'same') {
      this.duplicate++;
      return;
    }
    this.update.run(
      merged.name,
      merged.email,
      merged.phone,
      merged.type,
      merged.account_manager,
      merged.created_date,
      merged.attributes,
      this.importId,
      row.id,
    );
    this.updated++;
  }
}
