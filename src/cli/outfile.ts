/**
 * --out FILE: the command writes to a temporary file beside FILE, which is renamed over FILE
 * only when the command succeeded, so a reader (a mail job, a web server) never sees half a
 * report, and a failed or interrupted run leaves the previous file as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ExitCode, RapportError, UsageError } from '../sys/errors.js';
import { fdWriter } from '../sys/fullwrite.js';
import { notice, type IO } from './io.js';
import { t, tn } from '../i18n/index.js';
import { refuseStoreTarget } from './outguard.js';
import { armSignals, breathe, onInterrupt } from '../sys/signals.js';
import { released, sweepStale, tempPath } from '../sys/tempfiles.js';

/**
 * What is at the target decides how it is written: a regular file (or nothing) through a
 * temporary file; a FIFO or a character device (a named pipe to another program, /dev/null, a
 * terminal) as a stream, like `>`: replacing it with a file would cut off whoever reads it, and
 * "whole or not at all" means nothing for a stream.
 */
function targetKind(target: string, out: string, force: boolean): 'file' | 'stream' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return 'file'; // nothing there yet
  }
  // A symbolic link at the target would be replaced by the new file; someone may have planted it
  // to make a cron job overwrite what it points at. Refused unless --force.
  if (st.isSymbolicLink()) {
    // The system's own links to this run's streams (/dev/stdout, /dev/fd/1, /proc/self/fd/1): a
    // pipe, a terminal or a file stdout was sent to is written through, as `>` would. Never
    // replaced, even with --force: renaming over /dev/stdout as root would take the link from
    // every process; anything else there (a socket) is refused.
    if (/^\/(dev|proc)\//.test(target)) {
      const to = leadsTo(target);
      if (to !== null && (to.isFIFO() || to.isCharacterDevice() || to.isFile())) return 'stream';
      throw new RapportError(t('errors.out.systemLink', { out }), t('errors.out.systemLinkHint'));
    }
    if (!force) throw new RapportError(t('errors.out.symlink', { out }), t('errors.out.symlinkHint'));
    return 'file';
  }
  if (st.isFIFO() || st.isCharacterDevice()) return 'stream';
  if (st.isDirectory()) throw new RapportError(t('errors.out.cannotWrite', { out, detail: t('errors.out.isFolder') }), t('errors.out.fileNameHint'));
  if (!st.isFile())
    throw new RapportError(
      t('errors.out.cannotWrite', { out, detail: st.isSocket() ? t('errors.out.isSocket') : t('errors.out.isBlockDevice') }),
      t('errors.out.regularHint'),
    );
  return 'file';
}

/** What the path leads to (a link followed), or null when it leads nowhere. */
function leadsTo(target: string): fs.Stats | null {
  try {
    return fs.statSync(target);
  } catch {
    return null;
  }
}

/**
 * `dbPath`: the database the command reads, which --out may never name (src/outguard.ts).
 * `written`: called once a file (not a stream) is in place and the command ended with exit 0.
 */
export async function writeAtomically(
  io: IO,
  out: string,
  run: (io: IO) => number | Promise<number>,
  force = false,
  dbPath?: string,
  written?: () => void,
): Promise<number> {
  const target = path.resolve(io.cwd, out);
  refuseStoreTarget(target, out, dbPath);
  if (targetKind(target, out, force) === 'stream') return writeStream(io, out, target, run);
  const dir = path.dirname(target);
  const swept = sweepStale(dir);
  if (swept > 0) notice(io, tn('errors.removedTempFiles', swept, { dir }));
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new RapportError(t('errors.out.cannotWrite', { out, detail: osDetail(e) }), t('errors.folderWritableHint'));
  }
  const temp = tempPath(dir, path.basename(target));
  // The file is made at the first write: until then a signal's default action ends the run with
  // nothing to clean up, however long the work before it (an analysis) takes.
  let fd: number | null = null;
  let disarm: (() => Promise<void>) | null = null;
  let forget: (() => void) | null = null;
  const discard = (): void => {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        /* closed already */
      }
      fd = null;
    }
    fs.rmSync(temp, { force: true });
  };
  const open = (): number => {
    disarm = armSignals();
    forget = onInterrupt(discard);
    try {
      // 0600 before the umask: exports and reports hold names, emails and phones. The umask
      // narrows it further (077 gives 0600, 277 gives 0400), as it does for a `>` redirect.
      fd = fs.openSync(temp, 'wx', 0o600);
    } catch (e) {
      throw new RapportError(t('errors.out.cannotWrite', { out, detail: osDetail(e) }), t('errors.folderWritableHint'));
    }
    return fd;
  };
  const file = fdWriter(() => fd ?? open(), isEpipe);
  let ok = false;
  try {
    const code = await runInto(file, out, io, run);
    // A report whose --fail-if held is still a whole report: it is kept.
    if (code === ExitCode.ok || code === ExitCode.alert) {
      const done = fd ?? open(); // an empty export is still a file
      try {
        // On the disk before the rename: a power cut after it must not leave an empty file in place.
        fs.fsyncSync(done);
        fs.closeSync(done);
      } catch (e) {
        throw writeFault(e, out);
      }
      fd = null;
      // A signal that came while the last rows were written is handled here, before the rename.
      await breathe();
      try {
        fs.renameSync(temp, target);
      } catch (e) {
        throw new RapportError(t('errors.out.cannotWrite', { out, detail: osDetail(e) }), t('errors.out.fileNameHint'));
      }
      ok = true;
      if (code === ExitCode.ok) written?.();
    }
    return code;
  } finally {
    if (!ok) discard();
    released(temp);
    (forget as (() => void) | null)?.();
    await (disarm as (() => Promise<void>) | null)?.();
  }
}

/** --out naming a FIFO or a character device: written in place, as `>` would. */
async function writeStream(io: IO, out: string, target: string, run: (io: IO) => number | Promise<number>): Promise<number> {
  let fd: number;
  try {
    fd = fs.openSync(target, 'w');
  } catch (e) {
    throw new RapportError(t('errors.out.cannotWrite', { out, detail: osDetail(e) }), t('errors.out.mayWriteHint'));
  }
  try {
    return await runInto(
      fdWriter(() => fd, isEpipe),
      out,
      io,
      run,
    );
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs the command with `file` as its stdout. A write that failed (a full disk, a FIFO's reader
 * gone) fails the run after it, in one line.
 */
async function runInto(file: Writable, out: string, io: IO, run: (io: IO) => number | Promise<number>): Promise<number> {
  const fault: { error: Error | null } = { error: null };
  file.on('error', (e) => (fault.error ??= e));
  let code: number;
  try {
    code = await run({ ...io, stdout: file, stdoutIsTTY: false, color: false });
  } catch (e) {
    throw writeFault(e, out); // a write that failed is thrown to the command (fdWriter)
  }
  await breathe(); // the stream reports a failed write on a later turn
  // A FIFO's reader that stops early (`head`) is not an error, as for stdout (bin/rapport.js).
  if ((fault.error as NodeJS.ErrnoException | null)?.code === 'EPIPE') return code;
  if (fault.error !== null) throw writeFault(fault.error, out);
  return code;
}

/**
 * A failed write or fsync of the output in one line: a full disk gets the store's plain message
 * (main's reportError, store/faults.ts), any other (EIO, a quota) names the file. Errors that are
 * not the output's pass unchanged.
 */
function writeFault(e: unknown, out: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof RapportError || err?.code === 'ENOSPC' || !/^(write|fsync|close)$/.test(String(err?.syscall))) return e;
  return new RapportError(t('errors.out.cannotWrite', { out, detail: osDetail(err) }), t('errors.out.streamHint'));
}

/**
 * Why a file could not be written, in the reader's language for the common causes (Node's own
 * message is English: "ENOENT: no such file or directory, access '/srv/x'"); others as Node says.
 */
function osDetail(e: unknown): string {
  switch ((e as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return t('errors.out.noFolder');
    case 'EACCES':
    case 'EPERM':
      return t('errors.out.denied');
    case 'EROFS':
      return t('errors.out.readOnlyFs');
    case 'EISDIR':
      return t('errors.out.isFolder');
    default:
      return (e as Error).message;
  }
}

/** A reader that stopped early (EPIPE) is reported after the run (runInto); anything else is thrown to the command. */
const isEpipe = (e: NodeJS.ErrnoException): boolean => e.code === 'EPIPE';

const BY_EXTENSION = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json', '.csv': 'csv' } as const;
type NamedFormat = (typeof BY_EXTENSION)[keyof typeof BY_EXTENSION];

/**
 * The format a file name asks for (report.html, sales.json), when --format was not given. A name
 * without an extension (a FIFO, /dev/null) leaves the command's default; an extension rapport
 * does not write (report.pdf, list.xlsx) is refused rather than filled with something else.
 */
export function formatFromName(out: string | undefined): NamedFormat | undefined {
  const ext = out === undefined ? '' : path.extname(out).toLowerCase();
  if (ext === '') return undefined;
  const format = (BY_EXTENSION as Record<string, NamedFormat>)[ext];
  if (format === undefined) {
    throw new UsageError(t('errors.out.extension', { out: String(out), ext }), t('errors.out.extensionHint'));
  }
  return format;
}
