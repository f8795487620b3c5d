/**
 * What a --db path holds, found from the bytes on disk before SQLite opens it: SQLite changes a
 * file as soon as it is opened for writing (WAL mode rewrites header bytes 18-19; closing merges a
 * -wal file into it), so a file that is not rapport's has to be recognised without SQLite.
 * Header layout: https://www.sqlite.org/fileformat2.html (1.3 "The Database Header", 4.1 "WAL
 * File Format").
 */
import fs from 'node:fs';
import { RapportError } from '../../sys/errors.js';
import { t } from '../../i18n/index.js';

/** "rapp" in ASCII: marks a SQLite file as rapport's (PRAGMA application_id, header bytes 68-71). */
export const APPLICATION_ID = 0x72617070;

const MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
const notOursHint = (): string => t('errors.store.notOursHint');

export interface DbFile {
  /** Nothing there yet: rapport may create it. */
  missing: boolean;
  /** A file of 0 bytes (SQLite treats it as an empty database). */
  empty: boolean;
  /** application_id in the main file's header (0 when not set). */
  applicationId: number;
}

/**
 * Looks at the path and its header: a folder, a device, a file that is not SQLite, or a SQLite
 * file with another application's id is refused here, before anything opens it.
 */
export function inspectDbFile(path: string): DbFile {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { missing: true, empty: true, applicationId: 0 };
    throw new RapportError(t('errors.store.cannotRead', { path, detail: err.message }), t('errors.store.cannotReadHint'));
  }
  if (st.isDirectory())
    throw new RapportError(t('errors.store.isFolder', { path }), t('errors.store.isFolderHint', { example: path.replace(/\/$/, '') + '/rapport.db' }));
  if (!st.isFile()) throw new RapportError(t('errors.store.notRegular', { path }), notOursHint());
  if (st.size === 0) return { missing: false, empty: true, applicationId: 0 };
  const head = Buffer.alloc(100);
  let got: number;
  try {
    const fd = fs.openSync(path, 'r');
    try {
      got = fs.readSync(fd, head, 0, 100, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new RapportError(t('errors.store.cannotRead', { path, detail: (e as Error).message }), t('errors.store.filePermissionsHint'));
  }
  if (got < 100 || !head.subarray(0, 16).equals(MAGIC)) throw new RapportError(t('errors.store.notSqlite', { path }), notOursHint());
  const applicationId = head.readUInt32BE(68);
  if (applicationId !== 0 && applicationId !== APPLICATION_ID) throw foreign(path);
  return { missing: false, empty: false, applicationId };
}

export function foreign(path: string): RapportError {
  return new RapportError(t('errors.store.foreign', { path }), notOursHint());
}

interface WalView {
  /** user_version in the main file's header (bytes 60-63). */
  mainVersion: number;
  mainPageSize: number;
  walPageSize: number;
  salts: string;
  /** user_version in each page-1 image the -wal holds, oldest first. */
  versions: number[];
}

function readWal(path: string): WalView | null {
  let wal: number;
  try {
    wal = fs.openSync(`${path}-wal`, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(32);
    if (fs.readSync(wal, head, 0, 32, 0) < 32) return null;
    const walPageSize = head.readUInt32BE(8);
    const salt1 = head.readUInt32BE(16);
    const salt2 = head.readUInt32BE(20);
    const main = Buffer.alloc(100);
    const fd = fs.openSync(path, 'r');
    try {
      fs.readSync(fd, main, 0, 100, 0);
    } finally {
      fs.closeSync(fd);
    }
    const raw = main.readUInt16BE(16);
    const view: WalView = { mainVersion: main.readUInt32BE(60), mainPageSize: raw === 1 ? 65536 : raw, walPageSize, salts: `${salt1}.${salt2}`, versions: [] };
    if (walPageSize < 512 || walPageSize > 65536) return view;
    // Frames: a 24-byte header (page number, commit size, the WAL header's two salts, checksum)
    // then the page. A frame whose salts differ is left over from before the log was restarted,
    // and ends the log as SQLite reads it (wal.c walIndexRecover); checksums are not verified.
    // Only frames up to the last commit frame (non-zero "database size after commit") count: the
    // rest is a transaction still being written, or one a crash cut short.
    const frameHead = Buffer.alloc(24);
    const version = Buffer.alloc(4);
    const size = fs.fstatSync(wal).size;
    let pending: number[] = [];
    for (let at = 32; at + 24 + walPageSize <= size; at += 24 + walPageSize) {
      fs.readSync(wal, frameHead, 0, 24, at);
      if (frameHead.readUInt32BE(8) !== salt1 || frameHead.readUInt32BE(12) !== salt2) break;
      if (frameHead.readUInt32BE(0) === 1) {
        fs.readSync(wal, version, 0, 4, at + 24 + 60);
        pending.push(version.readUInt32BE(0));
      }
      if (frameHead.readUInt32BE(4) !== 0) {
        view.versions.push(...pending);
        pending = [];
      }
    }
    return view;
  } finally {
    fs.closeSync(wal);
  }
}

/**
 * Refuses a -wal file that was not written on top of the main file beside it, as when a backup is
 * copied over a database whose last changes were still in its -wal: SQLite would lay those pages
 * over the restored file without a word (it cannot tell; the log holds no fingerprint of the file
 * it belongs to). rapport counts its write sessions in user_version (bumpSession): a log that
 * belongs to the file starts from the file's count (its first page-1 image holds that count plus
 * one, or the count itself when a checkpoint already copied part of it); a restored backup has an
 * older count. A log without a page-1 image, or a backup copied after the log was started, cannot
 * be told apart and is left to SQLite.
 */
export function checkWal(path: string): void {
  // Another rapport may be writing the log, or copying it into the file, while it is read: a
  // verdict stands only when a second reading, a moment later, finds the same log and file.
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = readWal(path);
    if (before === null || judgeWal(before) === null) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const after = readWal(path);
    if (after === null) return;
    const verdict = judgeWal(after);
    if (verdict === null) return;
    if (after.salts !== before.salts || after.mainVersion !== before.mainVersion) continue;
    throw new RapportError(t('errors.store.strayWal', { path, verdict }), t('errors.store.strayWalHint', { path }));
  }
}

function judgeWal(v: WalView): string | null {
  if (v.walPageSize !== v.mainPageSize && v.versions.length > 0) return t('errors.store.walPageSize', { wal: v.walPageSize, main: v.mainPageSize });
  if (v.versions.length === 0) return null;
  const first = v.versions[0]!;
  if (first === v.mainVersion + 1 || v.versions.includes(v.mainVersion)) return null;
  return t('errors.store.walSession', { wal: first - 1, main: v.mainVersion });
}

/**
 * The files SQLite keeps beside a database: its write-ahead log, the log's index, and the rollback
 * journal. SQLite deletes, truncates or rewrites them whatever they hold (a -wal without a log's
 * header is taken for an empty log and deleted at the last close), so a database copied or
 * saved under such a name is lost by the next open of the file beside it (issue 22).
 */
export const COMPANIONS = ['-wal', '-shm', '-journal'] as const;

/** The database a companion's name belongs to (shop.db-wal: shop.db), or null. */
export function companionOf(p: string): { db: string; suffix: (typeof COMPANIONS)[number] } | null {
  for (const suffix of COMPANIONS) {
    if (p.length > suffix.length && p.endsWith(suffix) && !p.endsWith('/' + suffix)) return { db: p.slice(0, -suffix.length), suffix };
  }
  return null;
}

/** The first bytes of a file (fewer if it is shorter), or null when it cannot be read. */
function headOf(p: string, n: number): Buffer | null {
  try {
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(n);
      return b.subarray(0, fs.readSync(fd, b, 0, n, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** The file starts with SQLite's database header: it is a database (or was one). */
export function holdsSqlite(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false; // a FIFO would block the read
  } catch {
    return false;
  }
  return headOf(p, 16)?.equals(MAGIC) === true;
}

// The first bytes each companion starts with when SQLite wrote it: a log's magic number (either
// checksum order), a journal's; all zeros is a header not yet written (or zeroed by SQLite).
// https://www.sqlite.org/fileformat2.html 4.1 (WAL), 1.4 (rollback journal).
const OWN_HEADER: Record<(typeof COMPANIONS)[number], Buffer[]> = {
  '-wal': [Buffer.from('377f0682', 'hex'), Buffer.from('377f0683', 'hex')],
  '-journal': [Buffer.from('d9d505f920a163d7', 'hex')],
  '-shm': [],
};

/**
 * A -journal with its header written beside the database: a write cut short (killed, a power
 * cut) that SQLite undoes at the next opening, for which it must write the file and delete the
 * journal. (A journal whose header is zeros is one SQLite already finished with.)
 */
export function hasHotJournal(path: string): boolean {
  const head = headOf(`${path}-journal`, OWN_HEADER['-journal'][0]!.length);
  return head !== null && head.equals(OWN_HEADER['-journal'][0]!);
}

/**
 * Refuses a database whose -wal, -shm or -journal is not SQLite's own file for it: another
 * database (copied or saved under that name, or `--db shop.db-wal` earlier), or a -wal or
 * -journal that is not a log at all. Opening the database would delete or overwrite it.
 */
export function checkCompanions(path: string): void {
  for (const suffix of COMPANIONS) {
    const file = path + suffix;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch {
      continue; // not there
    }
    const refuse = (message: string): never => {
      throw new RapportError(message, t('errors.store.companionHint', { file, path }));
    };
    if (!st.isFile()) refuse(t('errors.store.companionNotFile', { file, path }));
    if (st.size === 0) continue;
    if (holdsSqlite(file)) refuse(t('errors.store.companionIsDatabase', { file, path }));
    const own = OWN_HEADER[suffix];
    if (own.length === 0) continue;
    const head = headOf(file, own[0]!.length);
    if (head === null || head.length < own[0]!.length) continue; // being written by SQLite this moment
    if (head.every((b) => b === 0) || own.some((h) => h.equals(head))) continue;
    refuse(t('errors.store.companionNotLog', { file, path }));
  }
}
