/**
 * Crash safety of the import: the real binary is killed with SIGKILL at random moments while it
 * imports a large file. Each file imports in one transaction, so after every kill the database
 * must be intact and hold nothing of the file (no rows, no half-written import record); a later
 * run must then import the whole file.
 *
 * Needs the build in dist/ (`npm test` builds it first through the pretest script).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { scalar, tempDir } from '../helpers.js';
import { readOffset, until } from '../waits.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');

/**
 * Big enough that the parsing worker reads it in many chunks (over 2 MiB; about 10 MB). The
 * kills land at random points of the reading, found by how far the process has read the file,
 * not by a time: on a busy machine a fixed delay met the run before it began (issue 21).
 */
const ROWS = 300_000;
const KILLS = 3;

let t: ReturnType<typeof tempDir>;
let big: string;
let expectedSum = 0;
let expectedCustomers = 0;
/** The indexes of a store made the normal way, in their order (a first import drops the dedupe index and makes it again at its end). */
let normalIndexes: string[] = [];

beforeAll(() => {
  t = tempDir();
  big = path.join(t.dir, 'big.csv');
  // Row i: customer C(i mod 20000), day floor(i / 1000) from 2015-01-01, amount 1.00 + (i mod 1000) × 0.13 + (i mod 7) × 0.01,
  // except that every 10,000th line repeats the line before it. Repeated lines of one file are all
  // stored, so all ROWS rows are; a first import settles them without its dedupe index (TransactionWriter).
  const customers = new Set<number>();
  const days = Math.ceil(ROWS / 1000);
  const dates: string[] = [];
  for (let d = 0; d < days; d++) dates.push(new Date(Date.UTC(2015, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
  const fd = fs.openSync(big, 'w');
  try {
    fs.writeSync(fd, 'customer_id,date,amount,channel\n');
    let chunk: string[] = [];
    for (let n = 0; n < ROWS; n++) {
      const i = n % 10_000 === 9_999 ? n - 1 : n;
      const minor = 100 + (i % 1000) * 13 + (i % 7);
      expectedSum += minor;
      customers.add(i % 20000);
      chunk.push(
        `C${i % 20000},${dates[Math.floor(i / 1000)]},${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')},${i % 3 === 0 ? 'web' : 'shop'}\n`,
      );
      if (chunk.length === 50_000) {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    fs.writeSync(fd, chunk.join(''));
  } finally {
    fs.closeSync(fd);
  }
  expectedCustomers = customers.size;
  const made = openDatabase(path.join(t.dir, 'made.db'), { create: true });
  normalIndexes = indexesOf(made);
  made.close();
});

/** Every index's CREATE statement, in sqlite_schema's order (the order sqlite3 .dump gives them). */
function indexesOf(d: Database.Database): string[] {
  return d.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid`).pluck().all() as string[];
}

afterAll(() => {
  t?.cleanup();
});

/** A random point between the first megabyte (past the sniffer's chunk: the worker reads) and 90% of the file. */
function somewhereIn(file: string): number {
  const size = fs.statSync(file).size;
  return Math.floor(1024 * 1024 + Math.random() * (0.9 * size - 1024 * 1024));
}

/** Resolves when `child` has read `file` up to `offset` (or ended: decided afterwards by how it ended). */
const readTo = (child: ChildProcess, file: string, offset: number): Promise<void> =>
  until(() => readOffset(child.pid!, file) >= offset || child.exitCode !== null || child.signalCode !== null, `byte ${offset} was read`);

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function startImport(db: string): { child: ChildProcess; output: () => { stdout: string; stderr: string } } {
  const env = { ...process.env };
  delete env.RAPPORT_DB;
  delete env.RAPPORT_DEBUG;
  const child = spawn(process.execPath, [BIN, '--db', db, '--format', 'json', 'import', 'transactions', big], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

interface DbState {
  integrity: string;
  tables: string[];
  transactions: number;
  sum: number | null;
  imports: { id: number; status: string; rows_imported: number; finished_at: string | null }[];
  rejects: number;
  customers: number;
  indexes: string[];
}

/** Opens the database the way the next rapport would (read-write, so a hot WAL is recovered). */
function inspect(db: string): DbState {
  const d = new Database(db, { fileMustExist: true });
  try {
    const integrity = (d.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const tables = (d.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    if (!tables.includes('transactions')) return { integrity, tables, transactions: 0, sum: null, imports: [], rejects: 0, customers: 0, indexes: [] };
    return {
      integrity,
      tables,
      transactions: d.prepare('SELECT count(*) FROM transactions').pluck().get() as number,
      sum: d.prepare('SELECT sum(amount) FROM transactions').pluck().get() as number | null,
      imports: d.prepare('SELECT id, status, rows_imported, finished_at FROM imports ORDER BY id').all() as DbState['imports'],
      rejects: d.prepare('SELECT count(*) FROM rejects').pluck().get() as number,
      customers: d.prepare('SELECT count(*) FROM customers').pluck().get() as number,
      indexes: indexesOf(d),
    };
  } finally {
    d.close();
  }
}

function expectComplete(s: DbState, what: string): void {
  expect(s.integrity, what).toBe('ok');
  expect(s.transactions, what).toBe(ROWS);
  expect(s.sum, what).toBe(expectedSum);
  expect(s.customers, what).toBe(expectedCustomers);
  expect(s.rejects, what).toBe(0);
  expect(s.imports, what).toHaveLength(1);
  expect(s.imports[0], what).toMatchObject({ status: 'complete', rows_imported: ROWS });
  expect(s.imports[0]!.finished_at, what).not.toBeNull();
  expect(s.indexes, what).toEqual(normalIndexes);
}

describe('SIGKILL during an import', () => {
  it('leaves an intact database holding nothing of the file, and a later run imports it all', async () => {
    const db = t.db;
    let killedMidImport = 0;
    let finished = false;
    const log: string[] = [];
    for (let k = 0; k < KILLS && !finished; k++) {
      const { child, output } = startImport(db);
      const done = exited(child);
      // Killed once it has read the file to a random point.
      const at = somewhereIn(big);
      await readTo(child, big, at);
      child.kill('SIGKILL');
      const end = await done;
      // Decided by how it ended, not by a look before the kill: it may finish in between.
      const killed = end.signal === 'SIGKILL';
      const what = `kill ${k + 1} at byte ${at} (${killed ? 'killed while running' : `had already exited with ${end.code}`})`;
      log.push(what);
      const s = inspect(db);
      if (killed) {
        killedMidImport++;
        expect(s.integrity, what).toBe('ok');
        // The migrations commit on their own before the import begins; if the kill came even
        // earlier, no table but the migration log may exist.
        if (!s.tables.includes('transactions')) {
          expect(
            s.tables.filter((n) => n !== 'schema_migrations'),
            what,
          ).toEqual([]);
          continue;
        }
        // The import had dropped the dedupe index in its transaction: it is back, as it was.
        expect(s.indexes, what).toEqual(normalIndexes);
        expect(s.transactions, what).toBe(0);
        expect(s.imports, what).toEqual([]);
        expect(s.rejects, what).toBe(0);
        expect(s.customers, what).toBe(0);
      } else {
        // Too fast for this kill: it must then have finished completely.
        expect(end.code, `${what}\n${output().stderr}`).toBe(0);
        expectComplete(s, what);
        finished = true;
      }
    }
    expect(killedMidImport, log.join('\n')).toBeGreaterThan(0);

    if (!finished) {
      const { child, output } = startImport(db);
      const end = await exited(child);
      expect(end.code, output().stderr).toBe(0);
      const [result] = JSON.parse(output().stdout) as { status: string; counts: { read: number; imported: number; duplicate: number; rejected: number } }[];
      expect(result!.status).toBe('imported');
      expect(result!.counts).toMatchObject({ read: ROWS, imported: ROWS, duplicate: 0, rejected: 0 });
    }
    expectComplete(inspect(db), 'after the final run');
  }, 180_000);

  it('Ctrl-C (SIGINT) mid-import leaves the database as it was', async () => {
    const db = path.join(t.dir, 'interrupted.db');
    const { child, output } = startImport(db);
    const done = exited(child);
    await readTo(child, big, somewhereIn(big));
    child.kill('SIGINT');
    const end = await done;
    const s = inspect(db);
    expect(s.integrity).toBe('ok');
    if (end.code === 0) {
      // It finished before the signal arrived: then all of it.
      expectComplete(s, 'finished before SIGINT');
      return;
    }
    expect(end.code === 130 || end.signal === 'SIGINT', `exit ${end.code} ${end.signal}\n${output().stderr}`).toBe(true);
    expect(output().stderr).not.toContain('    at ');
    expect(s.transactions).toBe(0);
    expect(s.imports).toEqual([]);
    expect(s.customers).toBe(0);
  });
});

/**
 * Starts imports of the big file into `db` and kills each once the file has grown to a share of
 * the way from `before` to `after` bytes; after each kill, `check` looks at the database. Stops
 * at a run that finished first; at least one must have been killed while running.
 */
async function killAsItGrows(db: string, before: number, after: number, shares: number[], check: (s: DbState, what: string) => void): Promise<void> {
  const log: string[] = [];
  let killed = 0;
  for (const share of shares) {
    const at = before + Math.floor(share * (after - before));
    const { child, output } = startImport(db);
    const done = exited(child);
    await until(() => fs.statSync(db).size >= at || child.exitCode !== null || child.signalCode !== null, `the file reached ${at} bytes`);
    child.kill('SIGKILL');
    const end = await done;
    const what = `kill at ${at} bytes (${share}): ${end.signal === 'SIGKILL' ? 'killed while running' : `had exited with ${end.code}`}`;
    log.push(what);
    if (end.signal !== 'SIGKILL') {
      expect(end.code, `${what}\n${output().stderr}`).toBe(0);
      break; // it finished: the file is imported
    }
    killed++;
    check(inspect(db), what);
  }
  expect(killed, log.join('\n')).toBeGreaterThan(0);
}

/**
 * An import into a database that already holds one runs with a rollback journal (src/store/sqlite/
 * import.ts): its new pages go straight into the file as it runs, and a kill leaves a hot journal.
 * Killed anywhere from mid-read to COMMIT (found by how far the file has grown towards the size
 * a complete import gives it), the next opening must find the earlier import whole, nothing of
 * the killed one, and the WAL back.
 */
describe('SIGKILL during an import into a database that holds an earlier one', () => {
  const small = (): string => {
    const file = path.join(t.dir, 'small.csv');
    fs.writeFileSync(file, 'customer_id,date,amount\nX1,2014-01-02,5.00\nX2,2014-01-03,7.50\nX1,2014-02-01,1.25\n');
    return file;
  };
  const importSmall = async (db: string): Promise<void> => {
    const child = spawn(process.execPath, [BIN, '--db', db, '--quiet', 'import', 'transactions', small()], { stdio: 'ignore' });
    expect((await exited(child)).code).toBe(0);
  };

  it('leaves the earlier import whole and nothing of the killed one, from mid-read to COMMIT', async () => {
    // The size a complete import gives the file, measured on a copy: kills land at sizes up to it.
    const reference = path.join(t.dir, 'reference.db');
    await importSmall(reference);
    const before = fs.statSync(reference).size;
    const full = startImport(reference);
    expect((await exited(full.child)).code, full.output().stderr).toBe(0);
    const after = fs.statSync(reference).size;
    expect(after).toBeGreaterThan(before);

    const db = path.join(t.dir, 'earlier.db');
    await importSmall(db);
    // From halfway to the very end of the growth: the last ones meet the final writes and COMMIT.
    await killAsItGrows(db, before, after, [0.5, 0.9, 0.99, 1], (s, what) => {
      expect(s.integrity, what).toBe('ok');
      // A kill that lands just after COMMIT finds both imports whole: the other side of whole-or-nothing.
      if (s.imports.length > 1) {
        expect(
          s.imports.map((i) => i.status),
          what,
        ).toEqual(['complete', 'complete']);
        expect(s.transactions, what).toBe(ROWS + 3);
        return;
      }
      expect(s.transactions, what).toBe(3);
      expect(s.sum, what).toBe(1375);
      expect(s.customers, what).toBe(2);
      expect(
        s.imports.map((i) => i.status),
        what,
      ).toEqual(['complete']);
      expect(fs.existsSync(`${db}-journal`), what).toBe(false);
    });
    // rapport opens it as usual: WAL again, and the file imports whole (or was imported by a run that finished).
    const { child, output } = startImport(db);
    expect((await exited(child)).code, output().stderr).toBe(0);
    expect(scalar(db, 'PRAGMA journal_mode')).toBe('wal');
    expect(scalar(db, 'SELECT count(*) FROM transactions')).toBe(ROWS + 3);
  }, 180_000);
});

/**
 * A first import writes its rows without the dedupe index and makes the index at its end, in its
 * transaction (src/store/sqlite/import.ts, TransactionWriter). Killed late (found by how far the
 * file has grown towards the size a complete first import gives it: the index's pages, COMMIT),
 * the next opening must find the new store as it was, its indexes there in their order, and the
 * file must then import whole.
 */
describe('SIGKILL while a first import makes its dedupe index', () => {
  it('leaves the store as it was, with its indexes, from the last rows to COMMIT', async () => {
    const made = (name: string): string => {
      const file = path.join(t.dir, name);
      openDatabase(file, { create: true }).close();
      return file;
    };
    const reference = made('first-reference.db');
    const before = fs.statSync(reference).size;
    const full = startImport(reference);
    expect((await exited(full.child)).code, full.output().stderr).toBe(0);
    const after = fs.statSync(reference).size;
    expect(inspect(reference).indexes).toEqual(normalIndexes);

    const db = made('first.db');
    await killAsItGrows(db, before, after, [0.8, 0.9, 0.97, 1], (s, what) => {
      // A kill that lands just after COMMIT (the process still closing) finds the file whole: the
      // other side of whole-or-nothing (seen on a busy CI machine, the kill sent at 97%).
      if (s.imports.length > 0) return expectComplete(s, `${what}, after its COMMIT`);
      expect(s.integrity, what).toBe('ok');
      expect(s.indexes, what).toEqual(normalIndexes);
      expect(s.transactions, what).toBe(0);
      expect(s.imports, what).toEqual([]);
      expect(s.customers, what).toBe(0);
      expect(fs.existsSync(`${db}-journal`), what).toBe(false);
    });
    if (inspect(db).transactions === 0) {
      const { child, output } = startImport(db);
      expect((await exited(child)).code, output().stderr).toBe(0);
    }
    expectComplete(inspect(db), 'after the final run');
  }, 180_000);
});
