/**
 * What rapport's output may never replace: the database (`--out shop.db` replaced 4,806
 * transactions with a Markdown report, issue 22), the files SQLite keeps beside it, or any other
 * SQLite database. Every command's --out and a stdout redirected to a file pass this one check,
 * before anything is opened or written. Files are compared by where they really are (the folder's
 * real path, through links) and by identity (device and inode), so `./shop.db`, a symbolic link
 * or a hard link to it are caught as well as the name itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RapportError } from '../sys/errors.js';
import { isPostgresUrl } from './context.js';
import { COMPANIONS, companionOf, holdsSqlite } from '../store/sqlite/dbfile.js';
import { t } from '../i18n/index.js';

/** The path with its folder (and itself, if it exists) resolved through symbolic links. */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

function identity(st: fs.Stats | undefined): string | null {
  return st === undefined ? null : `${st.dev}:${st.ino}`;
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** The database and the files SQLite keeps (or will keep) beside it, under both of its names. */
function storeFiles(dbPath: string | undefined): { file: string; db: string; companion: boolean }[] {
  if (dbPath === undefined || dbPath === ':memory:' || isPostgresUrl(dbPath)) return [];
  const files: { file: string; db: string; companion: boolean }[] = [];
  for (const db of new Set([dbPath, realPath(dbPath)])) {
    files.push({ file: db, db: dbPath, companion: false });
    for (const suffix of COMPANIONS) files.push({ file: db + suffix, db: dbPath, companion: true });
  }
  return files;
}

function refusal(out: string, hit: { file: string; db: string; companion: boolean }): RapportError {
  return new RapportError(
    hit.companion ? t('errors.out.companion', { out, file: hit.file, db: hit.db }) : t('errors.out.database', { out, db: hit.db }),
    t('errors.out.databaseHint'),
  );
}

/** Refuses `--out out` (resolved to `target`) when it names the database or any SQLite database. */
export function refuseStoreTarget(target: string, out: string, dbPath: string | undefined): void {
  const real = realPath(target);
  const id = identity(statOf(target));
  for (const hit of storeFiles(dbPath)) {
    if (realPath(hit.file) === real || (id !== null && identity(statOf(hit.file)) === id)) throw refusal(out, hit);
  }
  // Another database than --db's: one already there, or the -wal, -shm or -journal of one.
  if (holdsSqlite(target)) throw refusal(out, { file: target, db: real, companion: false });
  const owner = companionOf(real);
  if (owner !== null && holdsSqlite(owner.db)) throw refusal(out, { file: real, db: owner.db, companion: true });
}

/** Refuses a stdout that is the database or a file beside it (`rapport export … >> shop.db`). */
export function refuseStoreStdout(fd: number, dbPath: string | undefined): void {
  let id: string | null;
  try {
    id = identity(fs.fstatSync(fd));
  } catch {
    return;
  }
  for (const hit of storeFiles(dbPath)) {
    if (identity(statOf(hit.file)) === id) throw new RapportError(t('errors.out.stdoutDatabase', { db: hit.db }), t('errors.out.stdoutDatabaseHint'));
  }
}
