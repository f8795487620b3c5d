/**
 * What a failure of the disk or of the database file means to the user, in one line with what to
 * do: a full disk, a read-only file or folder, a damaged database. Anything else is left to the
 * caller (null). Loads no database driver: `main` uses it for any error that reaches it.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { RapportError } from '../errors.js';

export const DAMAGED_HINT = 'restore it from a backup (and move away any -wal and -shm files beside it); nothing was written';

export function storageError(e: unknown, dbPath: string | undefined): RapportError | null {
  if (e instanceof RapportError) return e;
  const err = e as { code?: unknown; message?: unknown; path?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const where = typeof err?.path === 'string' ? err.path : dbPath;
  const db = dbPath ?? 'the database';
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return new RapportError(`${db} is damaged: ${String(err?.message)}`, DAMAGED_HINT);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (/^SQLITE_IOERR/.test(code) && where !== undefined && diskFull(where))) {
    // A write to an --out file carries no path: only SQLite's errors are about the database.
    const full = code === 'ENOSPC' ? (typeof err?.path === 'string' ? err.path : undefined) : where;
    return new RapportError(
      `the disk${full === undefined ? '' : ` holding ${full}`} is full; nothing more was written`,
      code === 'ENOSPC'
        ? 'free some space on it and run the command again'
        : 'free some space on it and run the command again (what was stored before is intact); read commands such as status still work',
    );
  }
  // A file error counts when it is about the database or a write; an unreadable CSV is not one.
  const writing = /^(EACCES|EPERM|EROFS)$/.test(code) && (code === 'EROFS' || (dbPath !== undefined && where?.startsWith(dbPath) === true) || /^(write|rename|mkdir|unlink|chmod|copyfile)$/.test(String((e as { syscall?: unknown }).syscall)));
  if (code === 'SQLITE_READONLY_DIRECTORY' || (writing && where !== undefined && !canWrite(nodePath.dirname(where)))) {
    return new RapportError(
      `the folder holding ${where ?? 'the database'} is read-only, and this command needs to write there`,
      'run it where the folder can be written (check its permissions or mount), or on a copy of the database; read commands such as status work as they are',
    );
  }
  if (/^SQLITE_READONLY/.test(code) || writing) {
    return new RapportError(
      `${where ?? 'the database'} is read-only, and this command needs to write to it`,
      'run it on a copy you can write to, or ask for write permission; read commands such as status work as they are',
    );
  }
  if (code === 'SQLITE_CANTOPEN' && dbPath !== undefined) {
    return new RapportError(
      `cannot open ${dbPath}, or the ${nodePath.basename(dbPath)}-wal and -shm files SQLite keeps beside it`,
      'check that you can read and write the file, those two files (if there) and the folder; read commands such as status need only read access',
    );
  }
  return null;
}

/** Less than 64 KiB free where the file is (or would be): a write failed for want of room. */
export function diskFull(p: string): boolean {
  try {
    const st = fs.statfsSync(fs.existsSync(p) ? p : nodePath.dirname(p));
    return st.bavail * st.bsize < 65_536;
  } catch {
    return false;
  }
}

function canWrite(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
