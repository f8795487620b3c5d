import fs from 'node:fs';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { RapportError } from '../../sys/errors.js';
import { APPLICATION_ID, checkCompanions, checkWal, foreign, hasHotJournal, holdsSqlite, inspectDbFile } from './dbfile.js';
import { damagedHint, storageError } from './faults.js';
import { t } from '../../i18n/index.js';
import { MIGRATIONS } from './migrations.js';
import type { Migration } from '../types.js';

export type DB = Database.Database;

// URI file names let a read fall back to `immutable=1` (no -wal or -shm created) where nothing can
// be written. better-sqlite3 reads this once, when its native addon loads on the first open.
// Every path rapport opens is absolute, so none is mistaken for a URI.
process.env.SQLITE_USE_URI = '1';

/** How a command checks the database before it writes: quick_check (default) or integrity_check. */
export type Check = 'quick' | 'full';

export interface OpenOptions {
  /** Create the file (owner-only) if it does not exist. Read commands pass false. */
  create: boolean;
  /**
   * The command writes: the database is checked first (PRAGMA quick_check, or integrity_check
   * with `check: 'full'`) and refused when damaged. A read command (false) is not checked, and
   * still opens a read-only file, a file in a read-only folder, or one on a full disk.
   */
  write?: boolean;
  check?: Check;
  /** Override the migration list (tests). */
  migrations?: Migration[];
  /** How long to wait for another writer before giving up (default 15 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (and if asked creates) a rapport database: WAL, a busy timeout, migrations applied.
 * The file is identified from its bytes first: a folder, a device, a file that is not SQLite, a
 * SQLite file that is not rapport's, or a -wal that is not the file's, is refused untouched.
 */
export function openDatabase(path: string, options: OpenOptions): DB {
  const migrations = options.migrations ?? MIGRATIONS;
  if (path === ':memory:') return setUp(new Database(':memory:'), path, options, migrations);
  const file = inspectDbFile(path);
  if (file.missing && !options.create) {
    throw new RapportError(t('errors.store.noDatabase', { path }), t('errors.store.noDatabaseHint'));
  }
  // Before anything opens it: SQLite would delete a database saved as its -wal, -shm or -journal.
  checkCompanions(path);
  if (file.missing) {
    // Created readable by its owner only: it holds personal data. SQLite gives the -wal and
    // -shm files the same permissions as the database file.
    try {
      fs.closeSync(fs.openSync(path, 'wx', 0o600));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST')
        throw storageError(err, path) ?? new RapportError(t('errors.store.cannotCreate', { path, detail: err.message }), t('errors.folderWritableHint'));
    }
  } else if (file.empty) ownerOnly(path);
  if (!file.empty) {
    checkWal(path);
    // The header says nothing (application_id 0): look at the tables, reading the main file as
    // it is on disk (immutable: no lock, -wal or -shm), so a foreign file is not touched.
    if (file.applicationId === 0 && hasTables(path)) throw foreign(path);
  }
  // A write cut short, that only writing can undo: reading around it (immutable) would show half
  // of it, and SQLite's own try fails as a bare "disk I/O error" when the folder is read-only.
  if (!file.empty && hasHotJournal(path) && !(writable(path) && writable(nodePath.dirname(path))))
    throw new RapportError(t('errors.store.journalReadOnly', { path, journal: `${path}-journal` }), t('errors.store.journalReadOnlyHint'));
  // A read of a file this user cannot write: SQLite would leave a -wal and -shm it cannot remove.
  if (!options.write && !file.empty && !writable(path) && mayReadInPlace({ code: 'SQLITE_READONLY' }, path)) return openImmutable(path, migrations);
  const beside = [`${path}-wal`, `${path}-shm`].filter((f) => !fs.existsSync(f));
  let db: DB | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    return setUp(db, path, options, migrations);
  } catch (e) {
    db?.close();
    // A failed open on a full disk leaves an empty -wal and -shm behind: they were not there before.
    // Never one that holds a database (made there since the check, by someone else).
    for (const f of beside) if (fs.existsSync(f) && (f.endsWith('-shm') || fs.statSync(f).size === 0) && !holdsSqlite(f)) fs.rmSync(f, { force: true });
    if (!options.write && mayReadInPlace(e, path)) return openImmutable(path, migrations);
    throw storageError(e, path) ?? (db === undefined ? openError(path, e) : e);
  }
}

/**
 * SQLite's busy_timeout is a C int: 99999999999 ms wrapped round to a negative number, which
 * means no wait at all, so a writer failed at once (issue 22). A longer wait than 2^31 - 1 ms
 * (24.8 days) is that wait.
 */
export function busyTimeout(ms: number | undefined): number {
  return Math.min(2 ** 31 - 1, Math.max(0, Math.floor(ms ?? 15_000)));
}

/**
 * An empty file that rapport makes into a database gets the mode a new one has: readable and
 * writable by its owner only (0600, or narrower if it was narrower), so that its -wal and -shm,
 * which SQLite creates with the main file's mode, are owner-only too (issue 22: `touch shop.db`
 * under umask 022 gave 0644 files of personal data). A database with data in it keeps the mode
 * its owner gave it (0640 to share it with a group, say).
 */
function ownerOnly(path: string): void {
  try {
    const mode = fs.statSync(path).mode & 0o777;
    if ((mode & ~0o600) !== 0) fs.chmodSync(path, mode & 0o600);
    // Left over beside the empty file (an earlier failed start): they take the same mode.
    for (const f of [`${path}-wal`, `${path}-shm`]) {
      if (fs.existsSync(f) && (fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, fs.statSync(f).mode & 0o600);
    }
  } catch (e) {
    throw new RapportError(t('errors.store.notOwnerOnly', { path, detail: (e as Error).message }), t('errors.store.notOwnerOnlyHint'));
  }
}

function setUp(db: DB, path: string, options: OpenOptions, migrations: Migration[]): DB {
  db.pragma(`busy_timeout = ${busyTimeout(options.busyTimeoutMs)}`);
  identify(db, path);
  if (path !== ':memory:' && db.pragma('journal_mode', { simple: true }) !== 'wal') toWal(db);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -16384'); // 16 MiB page cache: bounded memory for any size of database (32 MiB measured no faster)
  if (options.write) {
    checkIntegrity(db, path, options.check ?? 'quick');
    bumpSession(db);
  }
  migrate(db, path, migrations);
  return db;
}

/**
 * Sets WAL mode. An import that runs with a rollback journal (see beginImport) holds the file
 * meanwhile, and SQLite refuses the switch at once (SQLITE_BUSY): this command then reads and
 * writes in that mode, waiting for the import's lock as for any writer (busy timeout), and a
 * later opening sets WAL.
 */
function toWal(db: DB): void {
  try {
    db.pragma('journal_mode = WAL');
  } catch (e) {
    if (!String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw e;
  }
}

/** Tables in the main file as it is on disk, read without changing anything beside it. */
function hasTables(path: string): boolean {
  let db: DB | undefined;
  try {
    db = new Database(immutableUri(path), { readonly: true, fileMustExist: true });
    return (db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number) > 0;
  } catch (e) {
    throw storageError(e, path) ?? openError(path, e);
  } finally {
    db?.close();
  }
}

function immutableUri(path: string): string {
  return 'file:' + encodeURI(path).replace(/[?#]/g, encodeURIComponent) + '?immutable=1';
}

/**
 * A read that failed only because nothing can be written beside the file (a read-only file or
 * folder, a full disk: SQLite wants a -shm file for a WAL database) can read the file as it is,
 * as long as no -wal holds changes not yet in it and no -journal holds what an interrupted import
 * changed in it (a hot journal: the file as it is would be half of that import).
 */
function mayReadInPlace(e: unknown, path: string): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^SQLITE_(READONLY|CANTOPEN|FULL|IOERR)/.test(code)) return false;
  return sizeOf(`${path}-wal`) === 0 && sizeOf(`${path}-journal`) === 0;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // not there
  }
}

function writable(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function openImmutable(path: string, migrations: Migration[]): DB {
  let db: DB;
  try {
    db = new Database(immutableUri(path), { readonly: true, fileMustExist: true });
    identify(db, path);
    const tracked = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'`).pluck().get() as number;
    const newest = tracked === 0 ? 0 : ((db.prepare('SELECT max(id) FROM schema_migrations').pluck().get() as number | null) ?? 0);
    const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.id;
    if (newest !== known) {
      db.close();
      throw new RapportError(
        newest < known ? t('errors.store.needsUpgrade', { path, schema: newest, known }) : t('errors.store.needsNewer', { path, schema: newest, known }),
        newest < known ? t('errors.store.needsUpgradeHint') : t('errors.store.upgradeRapportHint'),
      );
    }
  } catch (e) {
    throw storageError(e, path) ?? e;
  }
  db.pragma('cache_size = -16384');
  return db;
}

function openError(path: string, e: unknown): RapportError {
  const msg = e instanceof Error ? e.message : String(e);
  return new RapportError(t('errors.store.cannotOpenDb', { path, detail: msg }), t('errors.store.cannotOpenDbHint'));
}

/** A SQLite file with tables and no rapport application_id is another program's. */
function identify(db: DB, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId === APPLICATION_ID) return;
  const tables = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number;
  if (appId !== 0 || tables > 0) throw foreign(path);
}

/**
 * PRAGMA quick_check (or integrity_check): a damaged database is refused before a command adds to
 * it. quick_check skips what integrity_check does to match indexes against their tables
 * (https://www.sqlite.org/pragma.html#pragma_quick_check); `npm run bench` gives its cost.
 */
function checkIntegrity(db: DB, path: string, check: Check): void {
  const first = db
    .prepare(check === 'full' ? 'PRAGMA integrity_check(1)' : 'PRAGMA quick_check(1)')
    .pluck()
    .get() as string;
  if (first === 'ok') return;
  // SQLite's report starts with a line naming the schema ("*** in database main ***"): one line kept.
  const found = first
    .split('\n')
    .filter((l) => !l.startsWith('***'))
    .join('; ');
  throw new RapportError(t('errors.store.checkFound', { path, check: check === 'full' ? 'integrity_check' : 'quick_check', found }), damagedHint());
}

/**
 * Counts write sessions in user_version (header bytes 60-63), so that each one leaves a page-1
 * image in the -wal that ties the log to the file it was written on (see checkWal). Skipped,
 * never waited for, when another writer holds the lock: its own count serves.
 */
function bumpSession(db: DB): void {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.transaction(() => {
      const v = db.pragma('user_version', { simple: true }) as number;
      db.pragma(`user_version = ${(v + 1) % 2 ** 31}`);
    }).immediate();
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

function migrate(db: DB, path: string, migrations: Migration[]): void {
  const hasTables = (db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number) > 0;
  if (!hasTables) db.pragma(`application_id = ${APPLICATION_ID}`);
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.id;
  const tracked = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'`).pluck().get() as number;
  const newest = tracked === 0 ? 0 : ((db.prepare('SELECT max(id) FROM schema_migrations').pluck().get() as number | null) ?? 0);
  if (newest > known) {
    throw new RapportError(t('errors.store.newer', { path, schema: newest, known }), t('errors.store.upgradeRapportHint'));
  }
  if (newest === known && tracked > 0) return;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const done = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    if (m.rebuilds) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuilds && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new RapportError(t('errors.store.migrationLost', { path, id: m.id, name: m.name }), t('errors.store.migrationLostHint'));
        }
        record.run(m.id, m.name, new Date().toISOString());
      }).immediate();
    } finally {
      if (m.rebuilds) db.pragma('foreign_keys = ON');
    }
  }
}

/**
 * Runs `write` (one transaction) however long another writer holds the lock: for what a person
 * has just typed and confirmed, which giving up after the busy timeout would lose. `onWait` is
 * called once, when it first has to wait. The wait is synchronous, so a signal's default action
 * still ends it at once, before anything is written.
 */
export function writeWhenFree<T>(db: DB, write: () => T, onWait: () => void): T {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  // Short tries, so that a transaction that fails at once (SQLITE_BUSY_SNAPSHOT) is tried again too.
  db.pragma('busy_timeout = 500');
  let told = false;
  try {
    for (;;) {
      try {
        return write();
      } catch (e) {
        if (!String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw e;
        if (!told) onWait();
        told = true;
      }
    }
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

export function getMeta(db: DB, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: DB, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Records the database's currency; the candidates left by earlier currency marks are then moot. */
export function setCurrency(db: DB, code: string): void {
  setMeta(db, 'currency', code);
  db.prepare(`DELETE FROM meta WHERE key = 'currency_marks'`).run();
}
