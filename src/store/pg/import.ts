/**
 * Importing into PostgreSQL: one transaction per file, rows streamed with COPY ... FROM STDIN
 * straight into the transactions table, then the duplicate rule applied on the server: the rows
 * this file added that the rule calls duplicates are deleted again in one statement, before
 * anyone can see them. Implements ImportSession (src/store/store.ts).
 *
 * One connection carries the whole file (a transaction cannot span two), and a connection in COPY
 * mode runs nothing else: what needs a statement (the import record, a batch of rejects or
 * customer records, finishing) first ends the COPY in progress; the next row opens another.
 *
 * The file's rows are the rows with ids above the highest id when its COPY began: imports take
 * turns (an advisory lock), and nothing else adds transactions.
 *
 * A file bigger than what the table holds (a first import, a chain's history) is loaded with the
 * table's secondary indexes dropped and built again after the COPY, in the same transaction: one
 * sort per index instead of a million random insertions each (the (customer_id, date) index alone
 * cost 7.8 s per million rows inserted one by one, on this machine under load). Readers of
 * transactions wait for such an import to end instead of reading around it.
 */
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type postgres from 'postgres';
import { DEDUPE_COLUMNS, SEP, TRANSACTION_COLUMNS, type CustomerRow, type TransactionColumn } from '../../core/row.js';
import { wellFormed } from '../../core/unicode.js';
import {
  AMOUNT_TOTAL_KEY,
  expectedLines,
  mergeCustomer,
  nextAmountTotal,
  rejectText,
  type ImportCounts,
  type ImportRecord,
  type StoredCustomer,
} from '../importRules.js';
import type { CustomerSink, ImportSession, RejectSink, TransactionSink } from '../store.js';
import { isLost, pgFault, transaction, type DbFacts, type Sql } from './connect.js';
import { LOCK_CLASS, LOCK_IMPORT } from './sql.js';

type Tx = postgres.TransactionSql;

/** Text kept in memory before it is written to the COPY stream. */
const CHUNK = 256 * 1024;
/** Customer records merged per round trip; rejects written per statement. */
const CUSTOMER_BATCH = 1000;
const REJECT_BATCH = 1000;
/** Customer ids sent per statement (each one ends the COPY in progress; the next row opens another). */
const CUSTOMER_IDS = 20_000;

const COPY_COLUMNS = [...TRANSACTION_COLUMNS, 'import_id', 'line', 'dedupe_key'];
/**
 * The reason an abandoned COPY sends the server in its CopyFail message. It goes to the server's
 * log only: the error the server answers with is caught in abort() and nobody at rapport sees it.
 */
const COPY_FAIL_REASON = 'import rolled back';
/** The content columns that are never NULL: the join's keys; the others are compared NULL-safely. */
const NOT_NULL: readonly TransactionColumn[] = ['customer_id', 'date', 'amount'];

/**
 * COPY's text format for one value: NULL as \N; backslash, tab, newline and carriage return
 * escaped. PostgreSQL text cannot hold U+0000, so it is stored as U+FFFD (as SQLite stores a
 * lone surrogate); lone surrogates become U+FFFD too, as in the SQLite store.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r\0\ud800-\udfff]/.test(value)) return value;
  return pgText(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Text as PostgreSQL can hold it: lone surrogates and U+0000 as U+FFFD. */
function pgText(s: string): string {
  return wellFormed(s).replace(/\0/g, '\ufffd');
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const LETTER_N = 0x4e;
/** The letter after the backslash that escapes each byte COPY's text format must not hold as it is. */
const ESCAPED = new Map([
  [BACKSLASH, BACKSLASH],
  [TAB, 0x74],
  [NEWLINE, 0x6e],
  [RETURN, 0x72],
]);
/** SEP in UTF-8: one byte, which no other character's encoding contains. */
const SEP_BYTE = 0x1f;
/** U+FFFD in UTF-8: what U+0000 is stored as (see copyText). */
const REPLACEMENT = [0xef, 0xbf, 0xbd] as const;
/** Bytes at most for a row's tail after its content: the import id, line and key (safe integers) with their separators. */
const TAIL_ROOM = 3 * 17 + 4;

/**
 * COPY text built as bytes, a chunk at a time: each content string encoded once into UTF-8 (a
 * lone surrogate becomes U+FFFD there, as wellFormed makes it), then copied byte by byte with its
 * separators turned into tabs, \N for each empty value after the first (customer_id's '' is the
 * sale without a customer), U+0000 as U+FFFD and backslash, tab, newline and carriage return
 * escaped: copyText's rules, without splitting the content into strings (that and the
 * concatenations were the main thread's largest cost on the 1M-line bench: 3.4 s, with 3.3 s of
 * garbage collection, of 7 s). The line and key go in as digits, not through strings (a 16-digit
 * key's String() and the tail's template cost 0.6 s per million rows, writing digits 0.06 s).
 */
class CopyText {
  private out = Buffer.allocUnsafe(2 * CHUNK);
  private scratch = Buffer.allocUnsafe(CHUNK);
  length = 0;

  /** A row: its content string, then the import id, the line and the dedupe key. */
  add(content: string, importId: number, line: number, key: number): void {
    // Every UTF-16 unit is at most 3 bytes of UTF-8, every byte at most 3 bytes escaped.
    if (this.scratch.length < content.length * 3) this.scratch = Buffer.allocUnsafe(content.length * 3);
    const n = this.scratch.write(content, 0);
    this.room(n * 3 + TAIL_ROOM);
    const src = this.scratch;
    const out = this.out;
    let o = this.length;
    let afterSep = false;
    for (let k = 0; k < n; k++) {
      const byte = src[k]!;
      if (byte > SEP_BYTE && byte !== BACKSLASH) {
        out[o++] = byte;
        afterSep = false;
        continue;
      }
      if (byte === SEP_BYTE) {
        if (afterSep) {
          out[o++] = BACKSLASH;
          out[o++] = LETTER_N;
        }
        out[o++] = TAB;
        afterSep = true;
        continue;
      }
      afterSep = false;
      const letter = ESCAPED.get(byte);
      if (letter !== undefined) {
        out[o++] = BACKSLASH;
        out[o++] = letter;
      } else if (byte === 0) {
        for (const b of REPLACEMENT) out[o++] = b;
      } else {
        out[o++] = byte;
      }
    }
    if (afterSep) {
      out[o++] = BACKSLASH;
      out[o++] = LETTER_N;
    }
    out[o++] = TAB;
    o = digits(out, o, importId);
    out[o++] = TAB;
    o = digits(out, o, line);
    out[o++] = TAB;
    o = digits(out, o, key);
    out[o++] = NEWLINE;
    this.length = o;
  }

  /** The text so far, handed over: the next rows go into a new buffer. */
  take(): Buffer {
    const chunk = this.out.subarray(0, this.length);
    this.out = Buffer.allocUnsafe(2 * CHUNK);
    this.length = 0;
    return chunk;
  }

  clear(): void {
    this.length = 0;
  }

  /** Makes room for n more bytes. */
  private room(n: number): void {
    if (this.length + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.length + n));
    this.out.copy(bigger, 0, 0, this.length);
    this.out = bigger;
  }
}

/** Writes a non-negative safe integer's decimal digits at `at`; answers where they end. */
function digits(out: Buffer, at: number, value: number): number {
  let end = at;
  let v = value;
  do {
    end++;
    v = Math.floor(v / 10);
  } while (v > 0);
  v = value;
  for (let i = end - 1; i >= at; i--) {
    const q = Math.floor(v / 10);
    out[i] = DIGIT_0 + (v - q * 10); // not (DIGIT_0 + v): past 2^53 that sum would round
    v = q;
  }
  return end;
}

/**
 * The absolute total of the amounts in content strings (core/row.ts: amount is the fourth value,
 * a safe integer as String(n)), exact: summed as a number while that stays exact, then carried
 * into a bigint.
 */
export class AmountTotal {
  private carried = 0n;
  private sum = 0;

  add(content: string): void {
    const start = content.indexOf(SEP, content.indexOf(SEP, content.indexOf(SEP) + 1) + 1) + 1;
    const amount = Math.abs(Number(content.slice(start, content.indexOf(SEP, start))));
    if (this.sum + amount > Number.MAX_SAFE_INTEGER) {
      this.carried += BigInt(this.sum);
      this.sum = 0;
    }
    this.sum += amount;
  }

  total(): bigint {
    return this.carried + BigInt(this.sum);
  }
}

/** The COPY into transactions: opened when rows are written, ended before any other statement. */
class Copy {
  /** What waits to be written. */
  private readonly text = new CopyText();
  private stream: Writable | null = null;
  private failed: Promise<never> | null = null;
  /** Why the COPY failed, once it has (the connection lost, the server refusing a row). */
  private failure: unknown = null;
  /** One stream operation at a time, in the order asked (two callers must not both open a COPY). */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly tx: Tx,
    /** Runs once, before the first COPY opens. */
    private prepare: (() => Promise<void>) | null,
  ) {}

  /** A row: its content string (core/row.ts), then the import id, line and dedupe key. */
  add(content: string, importId: number, line: number, key: number): void {
    this.text.add(content, importId, line, key);
  }

  /** Writes what is buffered once there is a chunk of it, waiting while the server catches up (back-pressure). */
  ready(): Promise<void> {
    return this.inTurn(async () => {
      if (this.text.length >= CHUNK) await this.write();
    });
  }

  /** Ends the COPY in progress, with everything buffered, so that a statement can run. */
  close(): Promise<void> {
    return this.inTurn(async () => {
      await this.write();
      const stream = this.stream;
      if (stream === null) return;
      this.stream = null;
      stream.end();
      await Promise.race([finished(stream), this.failed!]);
    });
  }

  /** Abandons the COPY in progress (CopyFail): the server ends it with an error, and the connection can run statements again. */
  async abort(): Promise<void> {
    this.text.clear();
    const stream = this.stream;
    if (stream === null) return;
    this.stream = null;
    // On a lost connection there is no one to tell: postgres 3.4 would write to a closed socket.
    if (this.failure !== null && isLost(this.failure)) return;
    try {
      stream.destroy(new Error(COPY_FAIL_REASON));
    } catch {
      return; // the connection closed as the COPY was abandoned: the server rolls back by itself
    }
    await this.failed!.catch(() => {});
  }

  private inTurn(fn: () => Promise<void>): Promise<void> {
    const p = this.turn.then(fn);
    this.turn = p.catch(() => {});
    return p;
  }

  private async write(): Promise<void> {
    if (this.text.length === 0) return;
    if (this.stream === null) await this.open();
    const chunk = this.text.take();
    const stream = this.stream!;
    if (this.failure !== null) throw this.failure;
    let more: boolean;
    try {
      more = stream.write(chunk);
    } catch (e) {
      // postgres 3.4 writes to the socket it has already dropped when the connection closed.
      throw this.failure ?? e;
    }
    if (!more) await Promise.race([new Promise<void>((r) => stream.once('drain', r)), this.failed!]);
  }

  private async open(): Promise<void> {
    if (this.prepare) {
      await this.prepare();
      this.prepare = null;
    }
    const q = this.tx.unsafe(`COPY transactions (${COPY_COLUMNS.join(', ')}) FROM STDIN`);
    // postgres 3.4 settles a COPY that the server refuses after its last data only by rejecting
    // the query (already resolved with the stream), and never finishes the stream: catch that.
    const query = q as unknown as { reject: (e: unknown) => void };
    this.failed = new Promise<never>((_, reject) => {
      const own = query.reject;
      query.reject = (e: unknown) => {
        reject(e);
        own(e);
      };
    });
    this.failed.catch((e: unknown) => (this.failure = e));
    this.stream = (await q.writable()) as Writable;
    this.stream.on('error', () => {});
  }
}

/**
 * Begins a file's import: a transaction held open on one connection, with the import lock taken
 * (a second import waits here for the first to end, then sees its rows). `where` names the
 * database in messages (a URL, shown without any password).
 */
export async function beginPgImport(sql: Sql, where = '', preview = false, facts?: DbFacts): Promise<ImportSession> {
  let decide!: (d: 'commit' | 'rollback') => void;
  const decision = new Promise<'commit' | 'rollback'>((r) => (decide = r));
  let opened!: (tx: Tx) => void;
  const txReady = new Promise<Tx>((r) => (opened = r));
  const ROLLBACK = Symbol('rollback');
  const done = transaction(sql, async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int4, ${LOCK_IMPORT}::int4)`;
    if (preview) await shadowIfReadOnly(tx);
    opened(tx);
    if ((await decision) === 'rollback') throw ROLLBACK;
  }).then(
    () => 'committed' as const,
    (e: unknown) => {
      if (e === ROLLBACK) return 'rolled back' as const;
      throw e;
    },
  );
  // `done` settles first only when BEGIN or the lock fails (it rejects); it cannot resolve before
  // opened(tx) has run, as the transaction waits for the decision after it.
  const tx = await Promise.race([txReady, done.then(() => txReady)]).catch((e: unknown) => {
    throw fault(e, where, facts);
  });
  return new PgImportSession(tx, decide, done, where, facts);
}

/** The tables an import writes, and those among them with an identity column. */
const WRITTEN = ['imports', 'transactions', 'customers', 'rejects', 'meta', 'products', 'transaction_duplicates'];
const WITH_ID = new Set(['imports', 'transactions', 'rejects']);

/**
 * A preview (--dry-run) by a role that may read rapport's tables but not write them: the tables
 * an import writes are copied into temporary tables of the same names, which this session finds
 * first (pg_temp comes before every schema), dropped at the transaction's end. The import then
 * runs as it would, against the stored rows, and nothing outside the session changes. The copy
 * costs a read of those tables (a role that may write previews in place and rolls back).
 */
async function shadowIfReadOnly(tx: Tx): Promise<void> {
  const [row] = await tx<{ write: boolean }[]>`
    SELECT bool_and(has_table_privilege(to_regclass(t), 'INSERT') AND has_table_privilege(to_regclass(t), 'UPDATE') AND has_table_privilege(to_regclass(t), 'DELETE')) AS write
    FROM unnest(${WRITTEN}::text[]) t`;
  if (row!.write) return;
  for (const table of WRITTEN) {
    // Named with its schema: once the copy exists, the bare name is the copy's.
    const [source] = await tx<
      { name: string }[]
    >`SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(${table})`;
    const from = source!.name;
    await tx.unsafe(`CREATE TEMP TABLE ${table} (LIKE ${from} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP`);
    await tx.unsafe(`INSERT INTO pg_temp.${table} SELECT * FROM ${from}`);
    if (WITH_ID.has(table)) {
      const [top] = await tx.unsafe<{ top: number }[]>(`SELECT coalesce(max(id), 0) + 1 AS top FROM pg_temp.${table}`);
      await tx.unsafe(`ALTER TABLE pg_temp.${table} ALTER COLUMN id RESTART WITH ${Number(top!.top)}`);
    }
  }
}

/** `facts`: a role that may only read is told so, with the --dry-run hint, not given a GRANT to ask for. */
function fault(e: unknown, where: string, facts?: DbFacts): unknown {
  return (where !== '' && pgFault(e, where, process.env, undefined, undefined, facts)) || e;
}

class PgImportSession implements ImportSession {
  private copy: Copy | null = null;
  private ended = false;
  /** The file's size, from its import record: how many rows to expect. */
  fileSize = 0;

  constructor(
    readonly tx: Tx,
    private readonly decide: (d: 'commit' | 'rollback') => void,
    private readonly done: Promise<'committed' | 'rolled back'>,
    private readonly where: string,
    private readonly facts?: DbFacts,
  ) {}

  /** The COPY into transactions (one per session). */
  openCopy(prepare: () => Promise<void>): Copy {
    this.copy ??= new Copy(this.tx, prepare);
    return this.copy;
  }

  /** A failure of p as one line where it is an expected one. */
  async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      throw fault(e, this.where, this.facts);
    }
  }

  /** Runs a statement once no COPY is in progress; failures as one line where they are expected. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.guard(
      (async () => {
        await this.copy?.close();
        return fn(this.tx);
      })(),
    );
  }

  insertImport(rec: ImportRecord, status: 'complete' | 'refused'): Promise<number> {
    this.fileSize = rec.fileSize;
    return this.run((tx) => insertImport(tx, rec, status));
  }

  finishImport(importId: number, counts: ImportCounts, contentHash: string): Promise<void> {
    return this.run((tx) => finishImport(tx, importId, counts, contentHash));
  }

  transactions(importId: number, _present: readonly TransactionColumn[], options: { keepAll: boolean }): TransactionSink {
    return new PgTransactionSink(this, importId, options.keepAll);
  }

  /** Rejects wait in memory, a batch at a time, and go in with one statement per batch. */
  rejects(importId: number): RejectSink {
    let pending: { line: number; field: string | null; reason: string; raw: string }[] = [];
    const flush = (): Promise<void> => {
      const batch = pending;
      pending = [];
      return batch.length === 0 ? Promise.resolve() : this.run((tx) => insertRejects(tx, importId, batch));
    };
    return {
      add: (line, field, reason, raw) => void pending.push({ line, field, reason, raw }),
      ready: () => (pending.length >= REJECT_BATCH ? flush() : Promise.resolve()),
      finish: flush,
    };
  }

  customerRecords(importId: number): CustomerSink {
    return new PgCustomerSink(this, importId);
  }

  getMeta(key: string): Promise<string | null> {
    return this.run(async (tx) => (await tx<{ value: string }[]>`SELECT value FROM meta WHERE key = ${key}`)[0]?.value ?? null);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.run(
      async (tx) => void (await tx`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    );
  }

  setCurrency(code: string): Promise<void> {
    return this.run(async (tx) => {
      await tx`INSERT INTO meta (key, value) VALUES ('currency', ${code}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
      await tx`DELETE FROM meta WHERE key = 'currency_marks'`;
    });
  }

  async commit(): Promise<void> {
    await this.run(async () => {});
    this.ended = true;
    this.decide('commit');
    await this.guard(this.done);
  }

  async rollback(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.copy?.abort();
    this.decide('rollback');
    // A failed statement or a broken connection has already undone the transaction on the server.
    await this.done.catch(() => {});
  }

  abandon(): void {
    if (this.ended) return;
    this.ended = true;
    // The server rolls back when ROLLBACK arrives, or when the connection drops as the process ends.
    this.decide('rollback');
    this.done.catch(() => {});
  }
}

class PgTransactionSink implements TransactionSink {
  private readonly names = new Map<string, string>();
  private ids: string[] = [];
  private created = 0;
  private readonly copy: Copy;
  private rows = 0;
  /** The highest id before this file's COPY: the file's rows are above it. */
  private before = 0;
  /** Secondary indexes dropped for a bulk load, to build again when the rows are in. */
  private dropped: string[] = [];
  /** The absolute total of the amounts sent, counted as they go (no second reading of the rows on the server). */
  private readonly amounts = new AmountTotal();

  constructor(
    private readonly session: PgImportSession,
    private readonly importId: number,
    private readonly keepAll: boolean,
  ) {
    this.copy = session.openCopy(() => this.prepare());
  }

  add(content: string, line: number, key: number): void {
    this.rows++;
    this.amounts.add(content);
    this.copy.add(content, Number(this.importId), line, key);
  }

  /** Ids wait in memory, a batch at a time; the file's reader sends each id about once. */
  customers(ids: readonly string[]): void {
    for (const id of ids) this.ids.push(id);
  }

  /** The latest name a file gives a code wins; products are few, so they wait in memory. */
  products(pairs: readonly [string, string][]): void {
    for (const [code, name] of pairs) this.names.set(code, name);
  }

  ready(): Promise<void> {
    return this.ids.length >= CUSTOMER_IDS ? this.session.run((tx) => this.createCustomers(tx)) : this.session.guard(this.copy.ready());
  }

  /** A bare record for each id that has none (INSERT ... ON CONFLICT DO NOTHING counts the new ones). */
  private async createCustomers(tx: Tx): Promise<void> {
    const ids = JSON.stringify(this.ids);
    this.ids = [];
    if (ids === '[]') return;
    this.created += (
      await tx`INSERT INTO customers (id, import_id) SELECT id, ${this.importId} FROM json_array_elements_text(${ids}::text::json) AS j(id) ON CONFLICT (id) DO NOTHING`
    ).count;
  }

  /** Before the first row: where the file's rows will start, and whether to load them in bulk. */
  private async prepare(): Promise<void> {
    const tx = this.session.tx;
    this.before = (await tx<{ top: number }[]>`SELECT coalesce(max(id), 0) AS top FROM transactions`)[0]!.top;
    const expected = expectedLines(this.session.fileSize);
    const held = (await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM transactions WHERE id <= ${this.before} LIMIT ${expected}) x`)[0]!.n;
    if (expected < 100_000 || held >= expected) return;
    // Only the table's owner may drop its indexes: a role granted the rights to write (docs/postgresql.md) loads with them in place.
    const [own] = await tx<{ owner: boolean }[]>`SELECT pg_has_role(relowner, 'USAGE') AS owner FROM pg_class WHERE oid = 'transactions'::regclass`;
    if (!own!.owner) return;
    const indexes = await tx<{ name: string; def: string }[]>`
      SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      JOIN pg_index x ON x.indexrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
      WHERE i.schemaname = current_schema() AND i.tablename = 'transactions' AND NOT x.indisprimary`;
    for (const i of indexes) await tx.unsafe(`DROP INDEX ${quoteIdent(i.name)}`);
    this.dropped = indexes.map((i) => i.def);
  }

  finish(): Promise<{ inserted: number; duplicate: number; customersCreated: number }> {
    const id = Number(this.importId);
    return this.session.run(async (tx) => {
      if (this.dropped.length > 0) {
        // One process per index, each sorting in memory: parallel workers (the server's default of
        // two) took 40% more CPU for the three indexes of the 1M-line bench (3.5-4.1 s against
        // 2.5-2.6 s) and hardly less time on two cores; 1 GB sorted no faster than 256 MB.
        await tx`SET LOCAL maintenance_work_mem = '256MB'`;
        await tx`SET LOCAL max_parallel_maintenance_workers = 0`;
        for (const def of this.dropped) await tx.unsafe(def);
        this.dropped = [];
      }
      await this.createCustomers(tx);
      let duplicate = 0;
      let added = this.amounts.total();
      if (!this.keepAll && this.before !== 0 && this.rows !== 0) {
        const [gone] = await tx.unsafe<{ n: number; amounts: string }[]>(dedupeDelete(this.before, id));
        duplicate = gone!.n;
        added -= BigInt(gone!.amounts);
      }
      await this.keepAmountTotal(tx, added);
      await this.nameProducts(tx, id);
      return { inserted: this.rows - duplicate, duplicate, customersCreated: this.created };
    });
  }

  /**
   * Checks and records the stored amounts' absolute total (importRules.ts MAX_AMOUNT_TOTAL), given
   * the absolute total of the file's stored rows (`added`, counted by the client as the rows went
   * out, less the duplicates deleted). Reading the file's rows again on the server for it cost
   * 0.3 s per million rows. sum() of a bigint is numeric, exact; abs() cannot overflow (every
   * amount is a safe integer), and summing bigints is a quarter faster than casting each to
   * numeric first.
   */
  private async keepAmountTotal(tx: Tx, added: bigint): Promise<void> {
    const [kept] = await tx<{ value: string }[]>`SELECT value FROM meta WHERE key = ${AMOUNT_TOTAL_KEY}`;
    // Without a kept total, the stored rows' own; into an empty table that is 0, not asked: the
    // sum over no rows read all the file's rows (a table loaded in this transaction has no
    // statistics, so the planner scans it rather than the key), 0.18 s per million rows.
    const before =
      kept?.value ??
      (this.before === 0
        ? '0'
        : (await tx<{ s: string }[]>`SELECT coalesce(sum(abs(amount)), 0)::text AS s FROM transactions WHERE id <= ${this.before}`)[0]!.s);
    const total = nextAmountTotal(BigInt(before), added);
    await tx`INSERT INTO meta (key, value) VALUES (${AMOUNT_TOTAL_KEY}, ${String(total)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  }

  private async nameProducts(tx: Tx, id: number): Promise<void> {
    if (this.names.size === 0) return;
    const pairs = JSON.stringify([...this.names]);
    this.names.clear();
    await tx`INSERT INTO products (code, name, import_id) SELECT p ->> 0, p ->> 1, ${id} FROM json_array_elements(${pairs}::text::json) p
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, import_id = excluded.import_id WHERE products.name <> excluded.name`;
  }
}

/**
 * The duplicate rule (see sqlite/import.ts), on the server, once the file's rows are in: the n-th
 * row of the file with a given content is a duplicate when the rows before the file hold n rows
 * with that content; those are deleted, and the n-th such stored row (by id) is noted as held by
 * this import too (transaction_duplicates), so that removing the import that stored it keeps it.
 * Contents are compared column by column (NULL equal to NULL, as the content strings compare
 * ''); the slot-0 key only narrows the search. Only rows whose content was already stored are
 * ranked, so a file of new rows costs one index probe each. Answers how many rows it deleted and
 * their amounts' absolute total.
 */
function dedupeDelete(before: number, importId: number): string {
  const content = (t: string): string => ['dedupe_key', ...DEDUPE_COLUMNS].map((c) => `${t}.${c}`).join(', ');
  const same = [
    ...['dedupe_key', ...NOT_NULL].map((c) => `h.${c} = f.${c}`),
    ...DEDUPE_COLUMNS.filter((c) => !NOT_NULL.includes(c)).map((c) => `h.${c} IS NOT DISTINCT FROM f.${c}`),
  ].join(' AND ');
  return `
    WITH held AS (
      SELECT o.id, ${content('o')}, row_number() OVER (PARTITION BY ${content('o')} ORDER BY o.id) AS k
      FROM transactions o
      WHERE o.id <= ${before} AND o.dedupe_key IN (SELECT dedupe_key FROM transactions WHERE id > ${before})
    ), pairs AS (
      SELECT f.id AS duplicate, f.line, h.id AS stored
      FROM (
        SELECT f.id, f.line, ${content('f')}, row_number() OVER (PARTITION BY ${content('f')} ORDER BY f.line) AS k
        FROM transactions f
        WHERE f.id > ${before} AND f.dedupe_key IN (SELECT dedupe_key FROM held)
      ) f
      JOIN held h ON ${same} AND h.k = f.k
    ), noted AS (
      INSERT INTO transaction_duplicates (transaction_id, import_id, line) SELECT stored, ${Number(importId)}, line FROM pairs
    ), gone AS (
      DELETE FROM transactions t USING pairs p WHERE t.id = p.duplicate RETURNING t.amount
    )
    SELECT count(*)::int AS n, coalesce(sum(abs(amount)), 0)::text AS amounts FROM gone`;
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Customer records: a value in the file replaces the stored one, an empty cell keeps it, extra
 * columns merge into attributes (sorted keys on a merge, file order on a new record: the bytes
 * SQLite's CustomerWriter stores). Rows are merged in batches, in file order, in memory against
 * the stored records read in one statement, then written in one.
 */
class PgCustomerSink implements CustomerSink {
  private pending: CustomerRow[] = [];
  private inserted = 0;
  private updated = 0;
  private duplicate = 0;

  constructor(
    private readonly session: PgImportSession,
    private readonly importId: number,
  ) {}

  add(row: CustomerRow): void {
    this.pending.push(row);
  }

  async ready(): Promise<void> {
    if (this.pending.length >= CUSTOMER_BATCH) await this.flush();
  }

  async finish(): Promise<{ inserted: number; updated: number; duplicate: number }> {
    await this.flush();
    return { inserted: this.inserted, updated: this.updated, duplicate: this.duplicate };
  }

  private flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    if (rows.length === 0) return Promise.resolve();
    return this.session.run(async (tx) => {
      const ids = JSON.stringify([...new Set(rows.map((r) => r.id))]);
      const stored = await tx<(StoredCustomer & { id: string })[]>`
        SELECT id, name, email, phone, type, account_manager, created_date, attributes FROM customers
        WHERE id IN (SELECT json_array_elements_text(${ids}::text::json))`;
      const current = new Map<string, StoredCustomer>(stored.map(({ id, ...c }) => [id, c]));
      const write = new Map<string, StoredCustomer>();
      for (const row of rows) {
        const { record: next, change } = mergeCustomer(current.get(row.id), row);
        if (change === 'same') {
          this.duplicate++;
          continue;
        }
        if (change === 'new') this.inserted++;
        else this.updated++;
        current.set(row.id, next);
        write.set(row.id, next);
      }
      if (write.size === 0) return;
      const records = JSON.stringify([...write].map(([id, c]) => ({ id, ...c })));
      await tx`
        INSERT INTO customers (id, name, email, phone, type, account_manager, created_date, attributes, import_id)
        SELECT id, name, email, phone, type, account_manager, created_date, attributes, ${this.importId}
        FROM json_to_recordset(${records}::text::json) AS r(id text, name text, email text, phone text, type text, account_manager text, created_date text, attributes text)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone, type = excluded.type,
          account_manager = excluded.account_manager, created_date = excluded.created_date, attributes = excluded.attributes, import_id = excluded.import_id`;
    });
  }
}

async function insertImport(tx: Tx, rec: ImportRecord, status: 'complete' | 'refused'): Promise<number> {
  const [row] = await tx<{ id: number }[]>`
    INSERT INTO imports (kind, file_name, file_size, content_hash, mapping, options, status, started_at)
    VALUES (${rec.kind}, ${rec.fileName}, ${rec.fileSize}, ${rec.contentHash}, ${JSON.stringify(rec.mapping)}, ${JSON.stringify(rec.options)}, ${status}, ${rec.startedAt})
    RETURNING id`;
  return row!.id;
}

async function finishImport(tx: Tx | Sql, importId: number, c: ImportCounts, contentHash: string): Promise<void> {
  await tx`
    UPDATE imports SET rows_read = ${c.read}, rows_imported = ${c.imported}, rows_updated = ${c.updated}, rows_duplicate = ${c.duplicate},
      rows_rejected = ${c.rejected}, blank_lines = ${c.blankLines}, customers_created = ${c.customersCreated}, content_hash = ${contentHash},
      finished_at = ${new Date().toISOString()}
    WHERE id = ${importId}`;
}

async function insertRejects(tx: Tx, importId: number, rejects: readonly { line: number; field: string | null; reason: string; raw: string }[]): Promise<void> {
  const batch = JSON.stringify(
    rejects.map((r) => ({ line: r.line, field: r.field === null ? null : rejectText(r.field), reason: rejectText(r.reason), raw: rejectText(r.raw) })),
  );
  await tx`INSERT INTO rejects (import_id, line, field, reason, raw)
           SELECT ${importId}, line, field, reason, raw FROM json_to_recordset(${batch}::text::json) AS r(line bigint, field text, reason text, raw text)`;
}

/** The record of a refused import and (some of) its rejects, in a transaction of its own. Returns its id. */
export async function recordPgRefusal(
  sql: Sql,
  record: ImportRecord,
  counts: ImportCounts,
  rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  where = '',
): Promise<number> {
  try {
    return await transaction(sql, async (tx) => {
      const id = await insertImport(tx, record, 'refused');
      await finishImport(tx, id, counts, record.contentHash);
      for (let i = 0; i < rejects.length; i += REJECT_BATCH) await insertRejects(tx, id, rejects.slice(i, i + REJECT_BATCH));
      return id;
    });
  } catch (e) {
    throw fault(e, where);
  }
}
