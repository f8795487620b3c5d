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
  // The label only helps a person recognise the file; names stay well under 255 bytes.
  const short = label.length > 80 ? label.slice(0, 80) : label;
  const p = path.join(dir, `.rapport-tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}-${short}`);
  mine.add(p);
  return p;
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
