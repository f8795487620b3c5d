import fs from 'node:fs';
import Database from 'better-sqlite3';
import { RapportError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type DB = Database.Database;

/** "rapp" in ASCII: marks a SQLite file as rapport's (PRAGMA application_id). */
const APPLICATION_ID = 0x72617070;

export interface OpenOptions {
  /** Create the file (owner-only) if it does not exist. Read commands pass false. */
  create: boolean;
  /** Override the migration list (tests). */
  migrations?: Migration[];
  /** How long to wait for another writer before giving up (default 15 s). */
  busyTimeoutMs?: number;
}

/**
 * Opens (and if asked creates) a rapport database: WAL, a busy timeout, migrations applied.
 * A file written by a newer rapport, or a SQLite file that is not rapport's, is refused.
 */
export function openDatabase(path: string, options: OpenOptions): DB {
  const migrations = options.migrations ?? MIGRATIONS;
  const exists = path === ':memory:' || fs.existsSync(path);
  if (!exists && !options.create) {
    throw new RapportError(`no database at ${path}`, 'import data first (rapport import transactions FILE), or point --db / RAPPORT_DB at your database');
  }
  if (!exists) {
    // Created readable by its owner only: it holds personal data. SQLite gives the -wal and
    // -shm files the same permissions as the database file.
    try {
      fs.closeSync(fs.openSync(path, 'wx', 0o600));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') throw new RapportError(`cannot create database ${path}: ${err.message}`, 'check that the folder exists and is writable');
    }
  }
  let db: DB;
  try {
    db = new Database(path, { fileMustExist: path !== ':memory:' });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 15_000))}`);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
  } catch (e) {
    throw dbError(path, e);
  }
  try {
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384'); // 16 MiB page cache: bounded memory for any size of database (32 MiB measured no faster)
    migrate(db, path, migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

function dbError(path: string, e: unknown): RapportError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/not a database|file is encrypted/i.test(msg)) {
    return new RapportError(`${path} is not a SQLite database`, 'point --db at a rapport database, or at a new file name to start one');
  }
  return new RapportError(`cannot open database ${path}: ${msg}`, 'the path must name a file (new or existing) in a folder you can write to');
}

function migrate(db: DB, path: string, migrations: Migration[]): void {
  let appId: number;
  let hasTables: boolean;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    hasTables = (db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number }).n > 0;
  } catch (e) {
    throw dbError(path, e);
  }
  if (hasTables && appId !== APPLICATION_ID) {
    throw new RapportError(`${path} is a SQLite database, but not one rapport made`, 'point --db at a rapport database, or at a new file name to start one');
  }
  if (!hasTables) db.pragma(`application_id = ${APPLICATION_ID}`);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all() as { id: number; name: string }[];
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.id;
  const newest = applied.length === 0 ? 0 : applied[applied.length - 1]!.id;
  if (newest > known) {
    throw new RapportError(
      `${path} was written by a newer rapport (schema ${newest}, this rapport knows up to ${known})`,
      'upgrade rapport to open it; nothing was changed',
    );
  }
  const done = new Set(applied.map((m) => m.id));
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, m.name, new Date().toISOString());
    }).immediate();
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
