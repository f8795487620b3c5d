/**
 * Importing into PostgreSQL: one transaction per file, rows streamed with COPY ... FROM STDIN
 * into a temporary staging table, then the duplicate rule applied on the server in one
 * INSERT ... SELECT. Implements ImportSession (src/store/store.ts).
 *
 * One connection carries the whole file (a transaction cannot span two), and a connection in COPY
 * mode runs nothing else: so transactions and rejects share one staging table and one COPY, and
 * what needs a statement (the import record, a batch of customer records, finishing a sink) first
 * ends the COPY in progress; the next row staged opens another.
 */
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type postgres from 'postgres';
import { DEDUPE_COLUMNS, SEP, TRANSACTION_COLUMNS, type CustomerRow, type TransactionColumn } from '../../core/row.js';
import { wellFormed } from '../../core/unicode.js';
import type { ImportCounts, ImportRecord, StoredCustomer } from '../importStore.js';
import type { CustomerSink, ImportSession, RejectSink, TransactionSink } from '../store.js';
import { pgFault, type Sql } from './connect.js';
import { LOCK_CLASS, LOCK_IMPORT } from './sql.js';

type Tx = postgres.TransactionSql;

/** Staged text kept in memory before it is written to the COPY stream. */
const CHUNK = 256 * 1024;
/** Customer records merged per round trip. */
const CUSTOMER_BATCH = 1000;

const STAGE = 'rapport_stage';
/** Staging columns, in COPY order: a transaction row leaves field/reason/raw NULL; a reject has only line and those. */
const STAGE_COLUMNS = ['line', 'dedupe_key', ...TRANSACTION_COLUMNS, 'field', 'reason', 'raw'];
const TYPES: Record<TransactionColumn, string> = {
  customer_id: 'TEXT COLLATE "C"', date: 'TEXT COLLATE "C"', time: 'TEXT COLLATE "C"', amount: 'BIGINT', quantity: 'DOUBLE PRECISION', unit_price: 'BIGINT',
  product: 'TEXT COLLATE "C"', channel: 'TEXT COLLATE "C"', staff: 'TEXT COLLATE "C"', payment_method: 'TEXT COLLATE "C"', external_id: 'TEXT COLLATE "C"', extra: 'TEXT COLLATE "C"',
};
/** The content columns that are never NULL: the hash join's keys; the others are compared NULL-safely after it. */
const NOT_NULL: readonly TransactionColumn[] = ['customer_id', 'date', 'amount'];

/**
 * COPY's text format for one value: NULL as \N; backslash, tab, newline and carriage return
 * escaped. PostgreSQL text cannot hold U+0000, so it is stored as U+FFFD (as SQLite stores a
 * lone surrogate); lone surrogates become U+FFFD too, as in the SQLite store.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r\0\ud800-\udfff]/.test(value)) return value;
  return wellFormed(value).replace(/[\\\t\n\r\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\ufffd'));
}

/** The staging line of a transaction: a content string's values, '' as NULL except customer_id (NO_CUSTOMER is ''). */
function transactionLine(content: string, line: number, key: number): string {
  const v = content.split(SEP);
  let out = `${line}\t${key}\t${copyText(v[0]!)}`;
  for (let i = 1; i < v.length; i++) out += '\t' + (v[i] === '' ? '\\N' : copyText(v[i]!));
  return out + '\t\\N\t\\N\t\\N\n';
}

const NULLS_12 = '\t\\N'.repeat(TRANSACTION_COLUMNS.length);

/** The staging table and the COPY into it, opened when a row is staged, ended before any other statement. */
class Stage {
  private text = '';
  private stream: Writable | null = null;
  private failed: Promise<never> | null = null;
  private created = false;
  hasRejects = false;

  constructor(private readonly tx: Tx) {}

  transaction(content: string, line: number, key: number): void {
    this.text += transactionLine(content, line, key);
  }

  reject(line: number, field: string | null, reason: string, raw: string): void {
    this.hasRejects = true;
    this.text += `${line}\t\\N${NULLS_12}\t${copyText(field)}\t${copyText(reason)}\t${copyText(raw)}\n`;
  }

  /** Writes what is staged once there is a chunk of it, waiting while the server catches up (back-pressure). */
  ready(): Promise<void> {
    return this.inTurn(async () => {
      if (this.text.length >= CHUNK) await this.write();
    });
  }

  /** One stream operation at a time, in the order asked (two callers must not both open a COPY). */
  private turn: Promise<void> = Promise.resolve();
  private inTurn(fn: () => Promise<void>): Promise<void> {
    const p = this.turn.then(fn);
    this.turn = p.catch(() => {});
    return p;
  }

  private async write(): Promise<void> {
    if (this.text === '') return;
    if (this.stream === null) await this.open();
    const chunk = this.text;
    this.text = '';
    const stream = this.stream!;
    if (!stream.write(chunk)) await Promise.race([new Promise<void>((r) => stream.once('drain', r)), this.failed!]);
  }

  private async open(): Promise<void> {
    if (!this.created) {
      await this.tx.unsafe(`CREATE TEMP TABLE ${STAGE} (line BIGINT, dedupe_key BIGINT, ${TRANSACTION_COLUMNS.map((c) => `${c} ${TYPES[c]}`).join(', ')},
        field TEXT COLLATE "C", reason TEXT COLLATE "C", raw TEXT COLLATE "C") ON COMMIT DROP`);
      this.created = true;
    }
    const q = this.tx.unsafe(`COPY ${STAGE} (${STAGE_COLUMNS.join(', ')}) FROM STDIN`);
    // postgres 3.4 settles a COPY that the server refuses after its last data only by rejecting
    // the query (already resolved with the stream), and never finishes the stream: catch that.
    this.failed = new Promise<never>((_, reject) => {
      const own = (q as unknown as { reject: (e: unknown) => void }).reject;
      (q as unknown as { reject: (e: unknown) => void }).reject = (e: unknown) => {
        reject(e);
        own(e);
      };
    });
    this.failed.catch(() => {});
    this.stream = (await q.writable()) as Writable;
    this.stream.on('error', () => {});
  }

  /** Ends the COPY in progress, with everything staged in it, so that a statement can run. */
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

  get exists(): boolean {
    return this.created;
  }
}

/**
 * Begins a file's import: a transaction held open on one connection, with the import lock taken
 * (a second import waits here for the first to end, then sees its rows). `where` names the
 * database in messages (a URL, shown without any password).
 */
export async function beginPgImport(sql: Sql, where = ''): Promise<ImportSession> {
  let decide!: (d: 'commit' | 'rollback') => void;
  const decision = new Promise<'commit' | 'rollback'>((r) => (decide = r));
  let opened!: (tx: Tx) => void;
  const txReady = new Promise<Tx>((r) => (opened = r));
  const ROLLBACK = Symbol('rollback');
  const done = sql
    .begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int4, ${LOCK_IMPORT}::int4)`;
      opened(tx);
      if ((await decision) === 'rollback') throw ROLLBACK;
    })
    .then(
      () => 'committed' as const,
      (e: unknown) => {
        if (e === ROLLBACK) return 'rolled back' as const;
        throw e;
      },
    );
  const tx = await Promise.race([txReady, done.then(() => Promise.reject(new Error('the import transaction ended before it began')))]).catch((e: unknown) => {
    throw fault(e, where);
  });
  return new PgImportSession(tx, decide, done, where);
}

function fault(e: unknown, where: string): unknown {
  return (where !== '' && pgFault(e, where)) || e;
}

class PgImportSession implements ImportSession {
  private readonly stage: Stage;
  private ended = false;

  constructor(
    private readonly tx: Tx,
    private readonly decide: (d: 'commit' | 'rollback') => void,
    private readonly done: Promise<'committed' | 'rolled back'>,
    private readonly where: string,
  ) {
    this.stage = new Stage(tx);
  }

  /** A failure of p as one line where it is an expected one. */
  async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      throw fault(e, this.where);
    }
  }

  /** Runs a statement once no COPY is in progress; failures as one line where they are expected. */
  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      await this.stage.close();
      return await fn(this.tx);
    } catch (e) {
      throw fault(e, this.where);
    }
  }

  insertImport(rec: ImportRecord, status: 'complete' | 'refused'): Promise<number> {
    return this.run((tx) => insertImport(tx, rec, status));
  }

  finishImport(importId: number, counts: ImportCounts, contentHash: string): Promise<void> {
    return this.run((tx) => finishImport(tx, importId, counts, contentHash));
  }

  transactions(importId: number, _present: readonly TransactionColumn[], options: { keepAll: boolean }): TransactionSink {
    return new PgTransactionSink(this, this.stage, importId, options.keepAll);
  }

  rejects(importId: number): RejectSink {
    const stage = this.stage;
    return {
      add: (line, field, reason, raw) => stage.reject(line, field, reason, raw),
      ready: () => this.guard(stage.ready()),
      finish: () =>
        this.run(async (tx) => {
          if (!stage.hasRejects) return;
          await tx.unsafe(`INSERT INTO rejects (import_id, line, field, reason, raw) SELECT ${Number(importId)}, line, field, reason, raw FROM ${STAGE} WHERE reason IS NOT NULL ORDER BY line`);
        }),
    };
  }

  customerRecords(importId: number): CustomerSink {
    return new PgCustomerSink(this, importId);
  }

  getMeta(key: string): Promise<string | null> {
    return this.run(async (tx) => (await tx<{ value: string }[]>`SELECT value FROM meta WHERE key = ${key}`)[0]?.value ?? null);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.run(async (tx) => void (await tx`INSERT INTO meta (key, value) VALUES (${key}, ${value}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`));
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
    try {
      await this.done;
    } catch (e) {
      throw fault(e, this.where);
    }
  }

  async rollback(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
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

  constructor(
    private readonly session: PgImportSession,
    private readonly stage: Stage,
    private readonly importId: number,
    private readonly keepAll: boolean,
  ) {}

  add(content: string, line: number, key: number): void {
    this.stage.transaction(content, line, key);
  }

  /**
   * Not used: the customers to create are the staged rows' ids (the same ids: every valid row
   * with a customer), found on the server when the file is finished, since a connection in COPY
   * mode can run no INSERT meanwhile.
   */
  customers(_ids: readonly string[]): void {}

  /** The latest name a file gives a code wins; products are few, so they wait in memory. */
  products(pairs: readonly [string, string][]): void {
    for (const [code, name] of pairs) this.names.set(code, name);
  }

  ready(): Promise<void> {
    return this.session.guard(this.stage.ready());
  }

  finish(): Promise<{ inserted: number; duplicate: number; customersCreated: number }> {
    const id = Number(this.importId);
    return this.session.run(async (tx) => {
      if (!this.stage.exists) {
        await this.nameProducts(tx, id);
        return { inserted: 0, duplicate: 0, customersCreated: 0 };
      }
      await tx.unsafe(`ANALYZE ${STAGE}`);
      const staged = (await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${STAGE} WHERE reason IS NULL`))[0]!.n;
      const cols = TRANSACTION_COLUMNS.join(', ');
      const insert = this.keepAll
        ? `INSERT INTO transactions (${cols}, import_id, line, dedupe_key)
           SELECT ${cols}, ${id}, line, dedupe_key FROM ${STAGE} WHERE reason IS NULL ORDER BY line`
        : dedupeInsert(id);
      const inserted = (await tx.unsafe(insert)).count;
      const created = (
        await tx.unsafe(`INSERT INTO customers (id, import_id) SELECT DISTINCT customer_id, ${id} FROM ${STAGE} WHERE reason IS NULL AND customer_id <> '' ON CONFLICT (id) DO NOTHING`)
      ).count;
      await this.nameProducts(tx, id);
      return { inserted, duplicate: staged - inserted, customersCreated: created };
    });
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
 * The duplicate rule (see importStore.ts), on the server: the n-th staged row with a given content
 * is a duplicate when the database already holds n rows with that content. Contents are compared
 * column by column (NULL equal to NULL, as the content strings compare ''), the slot-0 key only
 * narrows the search. Rows go in in file order, so ids follow lines as in SQLite.
 */
function dedupeInsert(importId: number): string {
  const cols = TRANSACTION_COLUMNS.join(', ');
  const content = ['dedupe_key', ...DEDUPE_COLUMNS].join(', ');
  const keys = ['dedupe_key', ...NOT_NULL].map((c) => `e.${c} = s.${c}`);
  const rest = DEDUPE_COLUMNS.filter((c) => !NOT_NULL.includes(c)).map((c) => `e.${c} IS NOT DISTINCT FROM s.${c}`);
  return `
    INSERT INTO transactions (${cols}, import_id, line, dedupe_key)
    SELECT ${TRANSACTION_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${importId}, s.line, s.dedupe_key
    FROM (SELECT *, row_number() OVER (PARTITION BY ${content} ORDER BY line) AS n FROM ${STAGE} WHERE reason IS NULL) s
    LEFT JOIN (
      SELECT ${content}, count(*) AS held FROM transactions
      WHERE dedupe_key IN (SELECT dedupe_key FROM ${STAGE} WHERE reason IS NULL)
      GROUP BY ${content}
    ) e ON ${[...keys, ...rest].join(' AND ')}
    WHERE s.n > coalesce(e.held, 0)
    ORDER BY s.line`;
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
        const old = current.get(row.id);
        const attrs = row.attributes && Object.keys(row.attributes).length > 0 ? row.attributes : null;
        let next: StoredCustomer;
        if (!old) {
          next = { name: row.name, email: row.email, phone: row.phone, type: row.type, account_manager: row.accountManager, created_date: row.createdDate, attributes: attrs ? JSON.stringify(attrs) : null };
          this.inserted++;
        } else {
          next = {
            name: row.name ?? old.name,
            email: row.email ?? old.email,
            phone: row.phone ?? old.phone,
            type: row.type ?? old.type,
            account_manager: row.accountManager ?? old.account_manager,
            created_date: row.createdDate ?? old.created_date,
            attributes: mergeAttributes(old.attributes, attrs),
          };
          if ((Object.keys(next) as (keyof StoredCustomer)[]).every((k) => next[k] === old[k])) {
            this.duplicate++;
            continue;
          }
          this.updated++;
        }
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

function mergeAttributes(old: string | null, incoming: Record<string, string> | null): string | null {
  if (!incoming) return old;
  const base = old ? (JSON.parse(old) as Record<string, string>) : {};
  Object.assign(base, incoming);
  return JSON.stringify(Object.fromEntries(Object.entries(base).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
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

/** The record of a refused import and (some of) its rejects, in a transaction of its own. Returns its id. */
export async function recordPgRefusal(
  sql: Sql,
  record: ImportRecord,
  counts: ImportCounts,
  rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  where = '',
): Promise<number> {
  try {
    return await sql.begin(async (tx) => {
      const id = await insertImport(tx, record, 'refused');
      await finishImport(tx, id, counts, record.contentHash);
      for (let i = 0; i < rejects.length; i += 1000) {
        const batch = JSON.stringify(rejects.slice(i, i + 1000).map((r) => ({ ...r, raw: pgText(r.raw), reason: pgText(r.reason), field: r.field === null ? null : pgText(r.field) })));
        await tx`INSERT INTO rejects (import_id, line, field, reason, raw)
                 SELECT ${id}, line, field, reason, raw FROM json_to_recordset(${batch}::text::json) AS r(line bigint, field text, reason text, raw text)`;
      }
      return id;
    });
  } catch (e) {
    throw fault(e, where);
  }
}

/** Text as PostgreSQL can hold it (as COPY stages it): lone surrogates and U+0000 as U+FFFD. */
function pgText(s: string): string {
  return wellFormed(s).replace(/\0/g, '\ufffd');
}
