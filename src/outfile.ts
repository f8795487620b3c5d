/**
 * --out FILE: the command writes to a temporary file beside FILE, which is renamed over FILE
 * only when the command succeeded, so a reader (a mail job, a web server) never sees half a
 * report, and a failed run leaves the previous file as it was.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ExitCode, RapportError } from './errors.js';
import type { IO } from './io.js';

export async function writeAtomically(io: IO, out: string, run: (io: IO) => number | Promise<number>, force = false): Promise<number> {
  const target = path.resolve(io.cwd, out);
  // A symbolic link at the target would be replaced by the new file; someone may have planted it
  // to make a cron job overwrite what it points at. Refused unless --force.
  let link = false;
  try {
    link = fs.lstatSync(target).isSymbolicLink();
  } catch {
    /* no file there yet */
  }
  if (link && !force) throw new RapportError(`${out} is a symbolic link; rapport does not write through or over links`, 'remove the link, choose another file, or add --force to replace the link with the file');
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
  } catch (e) {
    throw new RapportError(`cannot write ${out}: ${(e as Error).message}`, 'check that the folder exists and is writable');
  }
  // A failed write (a full disk) is kept and thrown once the command returns: the stream reports
  // it only on a later tick, after a synchronous command has finished and the file was renamed.
  let failed: Error | null = null;
  const file = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      if (failed !== null) return done();
      try {
        if (typeof chunk === 'string') fs.writeSync(fd, chunk);
        else fs.writeSync(fd, chunk);
      } catch (e) {
        // Thrown to the command too (write() runs this synchronously), so it stops at once.
        failed = e as Error;
        throw e;
      }
      done();
    },
  });
  let ok = false;
  // Ctrl-C, SIGTERM or SIGHUP while writing: remove the temporary file, then die of the signal
  // as before (the handler runs once the current synchronous stretch of work yields).
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (sig: NodeJS.Signals): void => {
    fs.rmSync(temp, { force: true });
    for (const s of signals) process.removeListener(s, onSignal);
    process.kill(process.pid, sig);
  };
  for (const s of signals) process.once(s, onSignal);
  try {
    const code = await run({ ...io, stdout: file, stdoutIsTTY: false, color: false });
    if (failed !== null) throw failed;
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    // A report whose --fail-if held is still a whole report: it is kept.
    if (code === ExitCode.ok || code === ExitCode.alert) {
      // The file is data for others: readable like any report, unlike the database (0600).
      fs.chmodSync(temp, 0o644);
      try {
        fs.renameSync(temp, target);
      } catch (e) {
        throw new RapportError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`, 'give --out a file name');
      }
      ok = true;
    }
    return code;
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
    if (!ok) {
      try {
        fs.closeSync(fd);
      } catch {
        /* closed already */
      }
      fs.rmSync(temp, { force: true });
    }
  }
}

/** The format a file name asks for (report.html, sales.json), when --format was not given. */
export function formatFromName(out: string | undefined): 'html' | 'md' | 'json' | 'csv' | undefined {
  const ext = out === undefined ? '' : path.extname(out).toLowerCase();
  return ({ '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json', '.csv': 'csv' } as const)[ext as '.html'];
}
