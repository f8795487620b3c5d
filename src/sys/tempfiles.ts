/**
 * rapport's temporary files (an --out file being written, a spooled standard input) are named
 * `.rapport-tmp-<pid>-<8 hex>-<name>`, so that a run killed before it could remove one (SIGKILL,
 * a power cut, a signal during a synchronous stretch) leaves something the next run recognises
 * as its own and can sweep: only such names, only regular files of this user, and only when
 * their process is gone.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const PATTERN = /^\.rapport-tmp-(\d+)-[0-9a-f]{8}-/;

/** A file changed this long ago is stale even if a process with its pid runs (pids are reused). */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Temporary files this process made and has not finished with: never swept. */
const mine = new Set<string>();

/** A fresh temporary file name in `dir`, for `label` (the file it stands for). */
export function tempPath(dir: string, label: string): string {
  const prefix = `.rapport-tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}-`;
  const p = path.join(dir, prefix + cutToBytes(label, NAME_MAX - Buffer.byteLength(prefix)));
  mine.add(p);
  return p;
}

/**
 * The longest file name Linux and macOS take, in bytes (NAME_MAX); a name's bytes, not its
 * characters, count: 80 Chinese characters are 240 bytes in UTF-8, and the label cut at 80 UTF-16
 * units made a temporary name of 274 bytes (ENAMETOOLONG, issue 22).
 */
export const NAME_MAX = 255;

/** The longest start of `text` that fits in `max` bytes of UTF-8, cut between characters. */
export function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    // One code point at a time (a surrogate pair is one), so no character is cut in half.
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** Forgets a temporary file of this process (renamed into place, or removed). */
export function released(p: string): void {
  mine.delete(p);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // its pid is ours now: that run is over (our own files are in `mine`)
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's live process
  }
}

/** Removes stale rapport temporary files in `dir`; returns how many. Never throws. */
export function sweepStale(dir: string, now = Date.now()): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  let removed = 0;
  for (const name of names) {
    const m = PATTERN.exec(name);
    if (m === null) continue;
    const p = path.join(dir, name);
    if (mine.has(p)) continue;
    try {
      const st = fs.lstatSync(p);
      if (!st.isFile() || (uid !== null && st.uid !== uid)) continue;
      if (alive(Number(m[1])) && now - st.mtimeMs < STALE_AFTER_MS) continue;
      fs.rmSync(p, { force: true });
      removed++;
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}
