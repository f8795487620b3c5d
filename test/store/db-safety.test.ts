/**
 * Opening a database safely (issue 12, items 7, 8, 11, 13): foreign, damaged and odd files are
 * refused without being touched; a -wal that is not the file's is refused; a full disk and a
 * read-only file or folder get plain messages, and read commands still work there.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../../src/store/sqlite/db.js'; // as in rapport itself, the store sets up SQLite before anything opens a file
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storageError } from '../../src/store/sqlite/faults.js';
import { expectPlainError, fixture, run, tempDir, transactionCount } from '../helpers.js';
import { readableInstall } from '../installed.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/rapport.js');
const SAMPLE = fixture('sample', 'transactions.csv');
const CLEAN = fixture('import', 'clean.csv');

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

const plainError = expectPlainError;

async function sampleDb(db: string): Promise<void> {
  const r = await run(['--db', db, 'import', 'transactions', SAMPLE]);
  expect(r.code).toBe(0);
}

describe('a file that is not a rapport database is refused untouched', () => {
  const foreignFiles: Record<string, (db: Database.Database) => void> = {
    'tables, no application id': (db) => db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders VALUES (1, 9.5)'),
    'tables, WAL mode (as the review found it switched)': (db) => {
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (1)');
    },
    'empty, another application id': (db) => {
      db.pragma('application_id = 1095780685');
      db.exec('VACUUM');
    },
  };
  for (const [name, make] of Object.entries(foreignFiles)) {
    it(`${name}: status and import exit 1, the file is byte-identical and nothing appears beside it`, async () => {
      t = tempDir();
      const file = path.join(t.dir, 'other.sqlite');
      const h = new Database(file);
      make(h);
      h.close();
      const before = sha(file);
      const listing = fs.readdirSync(t.dir);
      for (const args of [['status'], ['import', 'transactions', CLEAN], ['config', 'set', 'tier.window_days', '90']]) {
        const r = await run(['--db', file, ...args]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/is a SQLite database, but not one rapport made/);
        plainError(r.stderr);
      }
      expect(sha(file)).toBe(before);
      expect(fs.readdirSync(t.dir)).toEqual(listing);
    });
  }

  it('a text file, a folder and /dev/null: one-line errors, nothing created next to them', async () => {
    t = tempDir();
    const text = t.file('notes.txt', 'not a database\n');
    const listing = fs.readdirSync(t.dir);
    const cases: [string, RegExp][] = [
      [text, /is not a SQLite database/],
      [t.dir, /is a folder, not a database file/],
      ['/dev/null', /is not a regular file/],
    ];
    for (const [db, message] of cases) {
      for (const args of [['status'], ['import', 'transactions', CLEAN]]) {
        const r = await run(['--db', db, ...args]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(message);
        plainError(r.stderr);
      }
    }
    expect(fs.readdirSync(t.dir)).toEqual(listing);
    expect(fs.readFileSync(text, 'utf8')).toBe('not a database\n');
    for (const beside of ['-journal', '-wal', '-shm']) expect(fs.existsSync(`/dev/null${beside}`)).toBe(false);
  });
});

describe('a damaged database', () => {
  /** The sample database with bytes flipped in its second half (data pages, not the schema) until quick_check fails. */
  async function damaged(dir: string): Promise<string> {
    const good = path.join(dir, 'good.db');
    await sampleDb(good);
    const bytes = fs.readFileSync(good);
    for (let seed = 1; seed < 50; seed++) {
      const copy = Buffer.from(bytes);
      let s = seed;
      const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const from = Math.floor(copy.length / 2);
      for (let i = 0; i < 200; i++) copy[from + Math.floor(next() * (copy.length - from))]! ^= 0xff;
      const file = path.join(dir, `bad-${seed}.db`);
      fs.writeFileSync(file, copy);
      const h = new Database(file, { readonly: true });
      try {
        if (h.pragma('quick_check', { simple: true }) !== 'ok') return file;
      } catch {
        /* the schema itself was hit: try another */
      } finally {
        h.close();
      }
      fs.rmSync(file);
    }
    throw new Error('no damaged copy made');
  }

  it('import is refused with a hint to restore a backup, exit 1, nothing written', async () => {
    t = tempDir();
    const bad = await damaged(t.dir);
    const before = sha(bad);
    const r = await run(['--db', bad, 'import', 'transactions', CLEAN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is damaged: quick_check found/);
    expect(r.stderr).toMatch(/restore it from a backup/);
    plainError(r.stderr);
    expect(sha(bad)).toBe(before);
    expect(fs.existsSync(`${bad}-wal`)).toBe(false);
  });

  it('read commands that meet the damage say so in one line with the same hint', async () => {
    t = tempDir();
    const bad = await damaged(t.dir);
    const before = sha(bad);
    let met = 0;
    for (const args of [['status'], ['customers'], ['export', 'transactions'], ['segment', '--no-save']]) {
      const r = await run(['--db', bad, ...args]);
      if (r.code === 0) continue; // a read that never touches a damaged page succeeds
      met++;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is damaged/);
      expect(r.stderr).toMatch(/restore it from a backup/);
      plainError(r.stderr);
    }
    expect(met).toBeGreaterThan(0);
    expect(sha(bad)).toBe(before);
  });

  it('--check full finds what quick_check does not look at (an index that disagrees with its table)', async () => {
    t = tempDir();
    await sampleDb(t.db);
    const h = new Database(t.db);
    h.unsafeMode(true);
    h.pragma('writable_schema = ON');
    h.prepare(`UPDATE sqlite_schema SET sql = 'CREATE INDEX imports_hash ON imports (kind, content_hash)' WHERE name = 'imports_hash'`).run();
    h.close();
    const before = sha(t.db);
    const full = await run(['--db', t.db, '--check', 'full', 'import', 'transactions', CLEAN]);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/integrity_check found "row \d+ missing from index imports_hash"/);
    plainError(full.stderr);
    expect(sha(t.db)).toBe(before);
    const quick = await run(['--db', t.db, 'import', 'transactions', CLEAN]);
    expect(quick.code).toBe(0);
    const bad = await run(['--db', t.db, '--check', 'thorough', 'status']);
    expect(bad.code).toBe(2);
  });
});

describe('a -wal left beside a restored backup', () => {
  /**
   * The live database after a customer import whose -wal was never merged (another reader held
   * it open, then was killed), and a backup taken before that import and an earlier one.
   */
  async function scene(): Promise<{ live: string; backup: string }> {
    t = tempDir();
    const db = path.join(t.dir, 'shop.db');
    await sampleDb(db);
    const backup = path.join(t.dir, 'backup.db');
    fs.copyFileSync(db, backup);
    expect((await run(['--db', db, 'import', 'customers', fixture('sample', 'customers.csv')])).code).toBe(0);
    const reader = new Database(db, { readonly: true });
    reader.prepare('SELECT count(*) FROM customers').get();
    const renamed = t.file('renamed.csv', 'customer_id,name\n' + ['C0001', 'C0002', 'C0003'].map((id) => `${id},Renamed ${id}`).join('\n') + '\n');
    expect((await run(['--db', db, 'import', 'customers', renamed])).code).toBe(0);
    const live = path.join(t.dir, 'live');
    fs.mkdirSync(live);
    fs.copyFileSync(db, path.join(live, 'shop.db'));
    fs.copyFileSync(`${db}-wal`, path.join(live, 'shop.db-wal'));
    reader.close();
    expect(fs.statSync(path.join(live, 'shop.db-wal')).size).toBeGreaterThan(0);
    return { live: path.join(live, 'shop.db'), backup };
  }

  it('is the file\u2019s own after a crash: read as usual, the renamed customers there', async () => {
    const { live } = await scene();
    const r = await run(['--db', live, 'export', 'customers', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Renamed C0002');
  });

  it('over a backup restored from before: refused for reads and writes, both files untouched', async () => {
    const { live, backup } = await scene();
    fs.copyFileSync(backup, live);
    const sums = [sha(live), sha(`${live}-wal`)];
    for (const args of [['status'], ['import', 'transactions', CLEAN]]) {
      const r = await run(['--db', live, ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/-wal holds changes that were not made to/);
      expect(r.stderr).toMatch(/move .*-wal and .*-shm out of the folder/);
      plainError(r.stderr);
    }
    expect([sha(live), sha(`${live}-wal`)]).toEqual(sums);
    // Following the hint: the backup opens as it was, without the later names.
    fs.renameSync(`${live}-wal`, path.join(path.dirname(live), 'set-aside-wal'));
    const r = await run(['--db', live, 'export', 'customers', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Renamed');
  });
});

// The full-disk test mounts a tmpfs, which needs root: it is in test/system/ (npm run test:system).

/**
 * Read-only file and folder: the real binary run as another user (nobody) when the suite runs
 * as root, who can write anything; as the user itself otherwise. Nobody runs a world-readable
 * copy of the built package (test/installed.ts): the checkout may be in a folder only root can
 * enter (issue 21), and then nobody could not load the binary at all.
 */
describe('a read-only database file or folder', () => {
  const asOther = process.getuid?.() === 0;
  let installed: string | null = null;
  let bin = BIN;
  let clean = CLEAN;
  beforeAll(() => {
    if (!asOther) return;
    installed = readableInstall([path.relative(ROOT, CLEAN)]);
    bin = path.join(installed, 'bin/rapport.js');
    clean = path.join(installed, path.relative(ROOT, CLEAN));
  }, 60_000);
  afterAll(() => {
    if (installed !== null) fs.rmSync(installed, { recursive: true, force: true });
  });
  function rapport(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: os.tmpdir(),
      ...(asOther ? { uid: 65534, gid: 65534 } : {}),
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  let stored = 0;
  async function readOnly(kind: 'file' | 'folder'): Promise<string> {
    t = tempDir();
    await sampleDb(t.db);
    expect((await run(['--db', t.db, 'import', 'customers', fixture('sample', 'customers.csv')])).code).toBe(0);
    stored = transactionCount(t.db);
    fs.chmodSync(t.dir, 0o755);
    if (asOther) for (const f of [t.dir, t.db]) fs.chownSync(f, 65534, 65534);
    if (kind === 'file') fs.chmodSync(t.db, 0o444);
    else fs.chmodSync(t.dir, 0o555);
    return t.db;
  }
  afterEach(() => fs.chmodSync(t.dir, 0o755));

  for (const kind of ['file', 'folder'] as const) {
    it(`${kind}: status and customers work, writes say what is read-only, nothing changes or appears`, async () => {
      const db = await readOnly(kind);
      const before = sha(db);
      const listing = fs.readdirSync(t.dir);
      const status = rapport(['--db', db, 'status', '--format', 'json']);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ transactions: stored });
      expect(rapport(['--db', db, 'customers']).code).toBe(0);
      for (const args of [['import', 'transactions', clean], ['segment'], ['config', 'set', 'tier.window_days', '90']]) {
        const r = rapport(['--db', db, ...args]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(kind === 'file' ? /is read-only, and this command needs to write to it/ : /the folder holding .* is read-only/);
        plainError(r.stderr);
      }
      expect(sha(db)).toBe(before);
      expect(fs.readdirSync(t.dir)).toEqual(listing);
    });
  }

  for (const kind of ['file', 'folder'] as const) {
    it(`a write cut short, its -journal beside a read-only ${kind}: one line saying so (was "disk I/O error" or "needs to write" to status); undone once writable`, async () => {
      t = tempDir();
      await sampleDb(t.db);
      stored = transactionCount(t.db);
      // The state a kill leaves in the middle of an import in rollback-journal mode: the journal's
      // header written, changed pages already in the file. Copied while the write is open.
      const crashed = path.join(t.dir, 'crashed.db');
      const w = new Database(t.db);
      w.pragma('journal_mode = DELETE');
      w.pragma('cache_size = 1');
      w.exec('BEGIN');
      w.exec('DELETE FROM transactions');
      w.exec('CREATE TABLE junk (x BLOB)');
      w.exec('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO junk SELECT randomblob(1000) FROM n');
      fs.copyFileSync(t.db, crashed);
      fs.copyFileSync(`${t.db}-journal`, `${crashed}-journal`);
      w.exec('ROLLBACK');
      w.close();
      fs.chmodSync(t.dir, 0o755);
      if (asOther) for (const f of [t.dir, crashed, `${crashed}-journal`]) fs.chownSync(f, 65534, 65534);
      const lock = (): void => (kind === 'file' ? fs.chmodSync(crashed, 0o444) : fs.chmodSync(t.dir, 0o555));
      lock();
      for (const args of [['status'], ['customers'], ['import', 'transactions', clean]]) {
        const r = rapport(['--db', crashed, ...args]);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toBe(
          `rapport: ${crashed} has a write that was cut short still to undo (${crashed}-journal), and cannot undo it: the file or its folder is read-only\n` +
            'hint: let rapport write there once (make the file and its folder writable, or run it as their owner): the cut-short write is then undone and none of it stays; until then the database cannot be read safely\n',
        );
      }
      fs.chmodSync(t.dir, 0o755);
      fs.chmodSync(crashed, 0o600);
      const status = rapport(['--db', crashed, 'status', '--format', 'json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ transactions: stored });
      expect(fs.existsSync(`${crashed}-journal`)).toBe(false);
    });
  }

  it('export --redact: refused with a hint to set RAPPORT_REDACT_SECRET, then pseudonymises with it, storing nothing', async () => {
    const db = await readOnly('file');
    const before = sha(db);
    const refused = rapport(['--db', db, 'export', 'customers', '--redact']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--redact needs a secret stored in the database on first use/);
    expect(refused.stderr).toMatch(/RAPPORT_REDACT_SECRET/);
    expect(refused.stdout).toBe('');
    plainError(refused.stderr);
    const secret = 'a'.repeat(32);
    const once = rapport(['--db', db, 'export', 'customers', '--redact'], { RAPPORT_REDACT_SECRET: secret });
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/person-/);
    expect(rapport(['--db', db, 'export', 'customers', '--redact'], { RAPPORT_REDACT_SECRET: secret }).stdout).toBe(once.stdout);
    expect(rapport(['--db', db, 'export', 'customers', '--redact'], { RAPPORT_REDACT_SECRET: 'b'.repeat(32) }).stdout).not.toBe(once.stdout);
    expect(rapport(['--db', db, 'export', 'customers', '--redact'], { RAPPORT_REDACT_SECRET: 'short' }).code).toBe(2);
    expect(sha(db)).toBe(before);
  });
});

describe("storageError: which failures are the disk's or the file's", () => {
  const db = '/srv/shop/rapport.db';
  const fault = (code: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`${code} happened`), { code, ...extra });
  it("names the database for SQLite's codes and the file for a write", () => {
    expect(storageError(fault('SQLITE_FULL'), db)?.message).toBe(`the disk holding ${db} is full; nothing more was written`);
    expect(storageError(fault('ENOSPC', { syscall: 'write' }), db)?.message).toBe('the disk is full; nothing more was written');
    expect(storageError(fault('SQLITE_CORRUPT'), db)?.message).toMatch(new RegExp(`^${db} is damaged`));
    expect(storageError(fault('SQLITE_NOTADB'), db)?.hint).toMatch(/restore it from a backup/);
    expect(storageError(fault('SQLITE_READONLY'), db)?.message).toBe(`${db} is read-only, and this command needs to write to it`);
    expect(storageError(fault('SQLITE_READONLY_DIRECTORY'), db)?.message).toMatch(/^the folder holding/);
  });
  it('leaves other failures alone: an unreadable CSV is not a read-only database', () => {
    expect(storageError(fault('EACCES', { syscall: 'open', path: '/home/me/sales.csv' }), db)).toBeNull();
    expect(storageError(fault('SQLITE_CONSTRAINT'), db)).toBeNull();
    expect(storageError(new Error('plain'), db)).toBeNull();
  });
});
