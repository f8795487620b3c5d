/**
 * What a failure of the disk or of the database file means to the user, in one line with what to
 * do: a full disk, a read-only file or folder, a damaged database. Anything else is left to the
 * caller (null). Loads no database driver: `main` uses it for any error that reaches it.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { PassingFault, RapportError } from '../../sys/errors.js';
import { t } from '../../i18n/index.js';

/** What to do about a damaged database (a function: the language is known only when it is shown). */
export const damagedHint = (): string => t('errors.store.damagedHint');

export function storageError(e: unknown, dbPath: string | undefined): RapportError | null {
  if (e instanceof RapportError) return e;
  const err = e as { code?: unknown; message?: unknown; path?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const where = typeof err?.path === 'string' ? err.path : dbPath;
  const db = dbPath ?? t('errors.store.theDatabase');
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return new RapportError(t('errors.store.damaged', { db, detail: String(err?.message) }), damagedHint());
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (/^SQLITE_IOERR/.test(code) && where !== undefined && diskFull(where))) {
    // A write to an --out file carries no path: only SQLite's errors are about the database.
    const full = code === 'ENOSPC' ? (typeof err?.path === 'string' ? err.path : undefined) : where;
    return new PassingFault(
      full === undefined ? t('errors.store.diskFull') : t('errors.store.diskFullAt', { path: full }),
      code === 'ENOSPC' ? t('errors.store.diskFullHint') : t('errors.store.diskFullDbHint'),
    );
  }
  // A file error counts when it is about the database or a write; an unreadable CSV is not one.
  const writing =
    /^(EACCES|EPERM|EROFS)$/.test(code) &&
    (code === 'EROFS' ||
      (dbPath !== undefined && where?.startsWith(dbPath) === true) ||
      /^(write|rename|mkdir|unlink|chmod|copyfile)$/.test(String((e as { syscall?: unknown }).syscall)));
  if (code === 'SQLITE_READONLY_DIRECTORY' || (writing && where !== undefined && !canWrite(nodePath.dirname(where)))) {
    return new RapportError(t('errors.store.folderReadOnly', { path: where ?? t('errors.store.theDatabase') }), t('errors.store.folderReadOnlyHint'));
  }
  if (/^SQLITE_READONLY/.test(code) || writing) {
    return new RapportError(t('errors.store.readOnly', { path: where ?? t('errors.store.theDatabase') }), t('errors.store.readOnlyHint'));
  }
  if (code === 'SQLITE_CANTOPEN' && dbPath !== undefined) {
    return new RapportError(t('errors.store.cantOpen', { path: dbPath, name: nodePath.basename(dbPath) }), t('errors.store.cantOpenHint'));
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
