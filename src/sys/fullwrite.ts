/**
 * Writes that finish or fail. write(2) may write less than it was given (a disk that fills up
 * part-way through a block) and say so only in its count; fs.writeSync returns that count and
 * Node's own file streams ignore it, so a short file looked like a whole one (issue 22). Every
 * file rapport writes goes through writeAll: it writes what is left until all of it is written,
 * or throws (ENOSPC, EIO, EDQUOT), never returns short.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';

export function writeAll(fd: number, data: Buffer | string): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  let at = 0;
  while (at < buf.length) {
    const n = fs.writeSync(fd, buf, at, buf.length - at);
    // A regular file never takes 0 of a non-empty write unless something is wrong with it; going
    // round again would spin.
    if (n <= 0) throw Object.assign(new Error(`write: ${buf.length - at} bytes not written`), { code: 'EIO', syscall: 'write' });
    at += n;
  }
}

/**
 * A stream whose writes go straight to a file descriptor, whole, synchronously (one file, one
 * writer). A failed write is thrown to the caller of write() as well as reported as the stream's
 * error: the command stops at once instead of going on to say it exported everything.
 * `passOn(e)` names the errors only reported (a reader that stopped early: EPIPE).
 */
export function fdWriter(fdOf: () => number, passOn: (e: NodeJS.ErrnoException) => boolean = () => false): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      try {
        writeAll(fdOf(), chunk);
        done();
      } catch (e) {
        if (passOn(e as NodeJS.ErrnoException)) return done(e as Error);
        throw e;
      }
    },
  });
}

/** The descriptor of a stream on a regular file (stdout redirected with `>`), else null. */
export function regularFileFd(stream: unknown): number | null {
  const fd = (stream as { fd?: unknown } | null)?.fd;
  if (typeof fd !== 'number') return null;
  try {
    return fs.fstatSync(fd).isFile() ? fd : null;
  } catch {
    return null;
  }
}
