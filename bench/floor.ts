/**
 * The second baseline of the import benches (issue 24): the database's own cost of holding the
 * file's rows as rapport holds them. Issue 24's baseline loads the file into a plain table of text
 * columns, without the indexes every read needs (the dedupe key's, and on PostgreSQL
 * (customer_id, date) and (date)) and without the store's constraints; the import's goal stays
 * measured against it. This one loads the same file with the same raw tool (sqlite3's `.import`,
 * PostgreSQL's `COPY ... FROM STDIN`) into a store whose schema rapport itself created on an
 * empty database, ending with the rows rapport would store: the same tables, columns, types,
 * indexes and constraints, one import record, a customer record per customer.
 *
 * The raw tools cannot turn the file's values into the store's (amounts in minor units, the date
 * split from the time, NULL for an empty value, the line, the dedupe key), so the conversion is
 * done in SQL, the cheapest way each database offers for a first load, as rapport's own first
 * import loads (the secondary indexes dropped and built once at the end, in the same transaction):
 * - SQLite: `.import` into a temporary staging table held in memory, then one INSERT ... SELECT
 *   into transactions and one into customers, with a rollback journal and 16 MiB of page cache as
 *   rapport's first import. `.import` is itself a prepared INSERT per row, so the INSERT ... SELECT
 *   takes the same path a direct `.import` would; the staging costs one pass in memory (a staging
 *   table on disk cost 7.6 s of CPU (user+sys) against 4.7-5.8 s; an `.import` into a view whose
 *   trigger converts each row 9.3-10.4 s; INSERT OR IGNORE for the customers instead of DISTINCT
 *   7.8-9.2 s; load 7-10).
 * - PostgreSQL: the rows converted once, untimed, into COPY text in rapport's stored form
 *   (pgFloorFiles, in the bench's process), then COPY straight into transactions and customers (pgFloor says why not a
 *   staging table there).
 * The dedupe key stands in for rapport's (core/hash.ts slotKey): the day number in the top bits
 * and the line scrambled below (an odd multiplier is a bijection mod 2^36, so keys are unique), so
 * the index sees keys in the same order as rapport's. What the floor leaves out is rapport's own
 * work: reading, checking and hashing every value, rejects, the duplicate rule (an empty store has
 * none; the bench file's repeated line is stored twice, as rapport's first import stores it under
 * a second key), products, the amounts' total.
 *
 * The SQL reads the bench file's columns (bench/synth): invoice, date, customer_id, product,
 * quantity, unit_price, amount, channel, staff, payment_method.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { openDatabase } from '../src/store/sqlite/db.js';
import type { Sql } from '../src/store/pg/connect.js';

/** The bench file's columns, in its order. */
const FILE_COLUMNS = ['invoice', 'date', 'customer_id', 'product', 'quantity', 'unit_price', 'amount', 'channel', 'staff', 'payment_method'];
/** The stored columns the floor fills, in the order of the SELECTs below. */
const STORED = 'customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, import_id, line, dedupe_key';
/** 2^36: the dedupe key's day number sits above this (core/hash.ts keyOfHash). */
const KEY_DAY = 68_719_476_736;
/** An odd multiplier (Knuth's 2^32/φ): line × it mod 2^36 is a bijection, scattering the lines of a day. */
const SCRAMBLE = 2_654_435_761;
const IMPORT_RECORD = `(kind, file_name, file_size, content_hash, mapping, options, status, started_at)
  VALUES ('transactions', 'floor.csv', 0, '', '{}', '{}', 'complete', '2026-01-01T00:00:00Z')`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The floor's figures for a bench's JSON: its median and the import's ratio to it. */
export interface FloorFigures {
  what: string;
  seconds: number;
  ratio: number;
}

/** The words printed beside the issue's ratio, for both benches. */
export function floorLine(importSeconds: number, floorSeconds: number, tool: string, judged = false): string {
  const role = judged ? 'the baseline the exit code judges' : 'information, the goal is against the plain table';
  return `import: ${(importSeconds / floorSeconds).toFixed(2)}× ${tool} into rapport's own schema (${floorSeconds.toFixed(2)} s: the same tables, indexes and constraints; ${role})\n`;
}

/**
 * The SQLite floor for `npm run bench`: run(importSeconds) once in each of the bench's `runs`
 * alternating runs, given that run's rapport import; after the last it prints the ratio of the
 * medians (beside the issue's, which follows). figures() answers the JSON's part; null where
 * there is no sqlite3.
 */
export function sqliteFloor(file: string, work: string, runs: number): { run(importSeconds: number): void; figures(): FloorFigures | null } {
  const db = path.join(work, 'floor.db');
  const seconds: number[] = [];
  const ours: number[] = [];
  const rm = (): void => {
    for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + ext, { force: true });
  };
  const hasSqlite3 = spawnSync('sh', ['-c', 'command -v sqlite3']).status === 0;
  return {
    run(importSeconds) {
      if (!hasSqlite3) return;
      rm();
      const t0 = process.hrtime.bigint();
      sqliteFloorLoad(file, db);
      seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      ours.push(importSeconds);
      rm();
      process.stderr.write(`         sqlite3 .import into rapport's schema ${seconds.at(-1)!.toFixed(2)} s\n`);
      if (seconds.length === runs) process.stderr.write(floorLine(median(ours), median(seconds), 'sqlite3 .import'));
    },
    figures() {
      if (seconds.length === 0) return null;
      const s = median(seconds);
      return {
        what: "sqlite3 .import into a staging table, then one INSERT ... SELECT into rapport's own schema",
        seconds: Number(s.toFixed(2)),
        ratio: Number((median(ours) / s).toFixed(2)),
      };
    },
  };
}

/** The SQLite floor's load into a new database `db`: rapport's schema, as a first command creates it, then sqlite3 fills it. */
export function sqliteFloorLoad(file: string, db: string): void {
  openDatabase(db, { create: true }).close();
  const r = spawnSync('sqlite3', [db], { input: sqliteScript(file), encoding: 'utf8' });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`sqlite3 into rapport's schema failed: ${r.stderr}`);
}

/** The sqlite3 script: the file into a temporary table, then into transactions and customers in one transaction. */
function sqliteScript(file: string): string {
  const day = `CAST(julianday(substr(date, 1, 10)) - julianday('1900-01-01') AS INTEGER)`;
  return `
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = FULL;
PRAGMA cache_size = -16384;
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE raw (${FILE_COLUMNS.map((c) => `${c} TEXT`).join(', ')});
.mode csv
.import --schema temp --skip 1 '${file.replace(/'/g, "''")}' raw
.mode list
BEGIN;
INSERT INTO imports ${IMPORT_RECORD};
DROP INDEX transactions_dedupe;
INSERT INTO transactions (${STORED})
SELECT customer_id, substr(date, 1, 10), substr(date, 12) || ':00', CAST(round(amount * 100) AS INTEGER), CAST(nullif(quantity, '') AS REAL),
  CAST(round(unit_price * 100) AS INTEGER), nullif(product, ''), nullif(channel, ''), nullif(staff, ''), nullif(payment_method, ''), nullif(invoice, ''),
  1, rowid + 1, ${day} * ${KEY_DAY} + (rowid * ${SCRAMBLE}) % ${KEY_DAY}
FROM temp.raw ORDER BY rowid;
CREATE UNIQUE INDEX transactions_dedupe ON transactions (dedupe_key);
INSERT INTO customers (id, import_id) SELECT DISTINCT customer_id, 1 FROM temp.raw WHERE customer_id <> '';
COMMIT;
PRAGMA journal_mode = WAL;
`;
}

/** Whether `file` has the bench file's columns (the floors' SQL reads them). */
export function isBenchFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, got).toString('utf8').split('\n')[0]!.trim() === FILE_COLUMNS.join(',');
  } finally {
    fs.closeSync(fd);
  }
}

/** The PostgreSQL floor's input: the file's rows and customer ids in the form rapport stores them, as COPY text. */
export interface PgFloorFiles {
  rows: string;
  customers: string;
  count: number;
}

/**
 * Writes the PostgreSQL floor's input once, untimed: the file's rows as rapport stores them
 * (amounts and prices in minor units, the date split from the time, \\N for an empty value, import
 * id 1, the line, the stand-in dedupe key) and its customer ids in the order they first appear (as
 * rapport creates them), as COPY text.
 */
export function pgFloorFiles(file: string, dir: string): PgFloorFiles {
  const out: PgFloorFiles = { rows: path.join(dir, 'floor-rows.copy'), customers: path.join(dir, 'floor-customers.copy'), count: 0 };
  if (!isBenchFile(file)) throw new Error(`${file}: not the bench's columns (${FILE_COLUMNS.join(',')})`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const rows: string[] = [];
  const seen = new Set<string>();
  const value = (v: string): string => (v === '' ? '\\N' : v);
  const cents = (v: string): string => String(Math.round(Number(v) * 100));
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const [invoice, date, customer, product, quantity, unitPrice, amount, channel, staff, payment] = csvFields(lines[i]!);
    if (/[\\\t\r]/.test(lines[i]!)) throw new Error(`${file}:${i + 1}: a value COPY text would need escaped`);
    const line = i + 1;
    const day = Math.round(Date.parse(date!.slice(0, 10) + 'T00:00:00Z') / 86_400_000) + DAYS_1900_TO_1970;
    const key = BigInt(day) * BigInt(KEY_DAY) + ((BigInt(line) * BigInt(SCRAMBLE)) % BigInt(KEY_DAY));
    rows.push(
      [customer!, date!.slice(0, 10), date!.slice(11) + ':00', cents(amount!), value(quantity!), unitPrice === '' ? '\\N' : cents(unitPrice!)]
        .concat([product!, channel!, staff!, payment!, invoice!].map(value), ['1', String(line), String(key)])
        .join('\t'),
    );
    if (customer !== '') seen.add(customer!);
  }
  fs.writeFileSync(out.rows, rows.join('\n') + '\n');
  fs.writeFileSync(out.customers, [...seen].map((id) => `${id}\t1\n`).join(''));
  out.count = rows.length;
  return out;
}

/** Days from 1900-01-01 to 1970-01-01 (core/hash.ts dayNumber). */
const DAYS_1900_TO_1970 = 25_567;

/** A CSV line's fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let end = at + 1;
      while (end < line.length && !(line[end] === '"' && line[end + 1] !== '"')) end += line[end] === '"' ? 2 : 1;
      fields.push(line.slice(at + 1, end).replaceAll('""', '"'));
      at = end + 1;
    } else {
      const end = line.indexOf(',', at);
      fields.push(line.slice(at, end < 0 ? line.length : end));
      at = end < 0 ? line.length : end;
    }
    if (at >= line.length) return fields;
    at++; // the comma
  }
}

/**
 * The PostgreSQL floor, on a database rapport has migrated: the rows, already in the form rapport
 * stores them (pgFloorFiles), through `COPY ... FROM STDIN` straight into transactions, in one
 * transaction with the import record and the customer records (a second COPY), the three
 * secondary indexes dropped before and built after the rows as rapport's first import builds them
 * (one process each, 256 MB of sort memory). Answers the rows stored.
 *
 * Not the staging table and INSERT ... SELECT that the SQLite floor uses: COPY writes its rows in
 * batches (heap_multi_insert, one WAL record per page), an INSERT ... SELECT one by one, and the
 * conversions would be the server's work where rapport does them in the client: that route cost
 * 9.7-9.9 s of server CPU on the 1M-line file, about twice rapport's whole import, so it is no floor.
 */
export async function pgFloor(sql: Sql, files: PgFloorFiles): Promise<number> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`INSERT INTO imports ${IMPORT_RECORD}`);
    const indexes = await tx<{ name: string; def: string }[]>`
      SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      JOIN pg_index x ON x.indexrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
      WHERE i.schemaname = current_schema() AND i.tablename = 'transactions' AND NOT x.indisprimary`;
    for (const i of indexes) await tx.unsafe(`DROP INDEX "${i.name}"`);
    await pipeline(
      fs.createReadStream(files.rows, { highWaterMark: 256 * 1024 }),
      (await tx.unsafe(`COPY transactions (${STORED}) FROM STDIN`).writable()) as Writable,
    );
    await tx`SET LOCAL maintenance_work_mem = '256MB'`;
    await tx`SET LOCAL max_parallel_maintenance_workers = 0`;
    for (const i of indexes) await tx.unsafe(i.def);
    await pipeline(fs.createReadStream(files.customers), (await tx.unsafe('COPY customers (id, import_id) FROM STDIN').writable()) as Writable);
    return files.count; // a COPY stores every row or fails
  });
}
