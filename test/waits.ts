/**
 * Waiting for a state instead of a fixed time (issue 21): a test that signals a running rapport
 * "half a second in" meets a different moment on a busy machine (the import not begun: "no such
 * table: transactions"). These wait for what the test needs to see, however long that takes
 * (the test's own timeout is the limit), and give up at once if the process ended first.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Resolves once `ready()` holds, checked every 10 ms; rejects if `child` ends before. */
export async function until(ready: () => boolean, what: string, child?: ChildProcess): Promise<void> {
  for (;;) {
    if (ready()) return;
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`the process ended (${child.exitCode ?? child.signalCode}) before ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * How far process `pid` has read `file` (Linux: the offset of its descriptors on the file in
 * /proc/PID/fdinfo; the largest if it has several), or -1 when it has none open.
 */
export function readOffset(pid: number, file: string): number {
  const want = fs.realpathSync(file);
  let best = -1;
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return -1; // ended
  }
  for (const fd of fds) {
    try {
      if (fs.readlinkSync(path.join(`/proc/${pid}/fd`, fd)) !== want) continue;
      const pos = /^pos:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (pos) best = Math.max(best, Number(pos[1]));
    } catch {
      // closed between the listing and the look
    }
  }
  return best;
}

/**
 * A bound for "ends within `ms`" that holds on a busy machine too: `ms` on an idle one, and as
 * many times that as there are runnable processes per core (the 1-minute load average), since
 * each then gets that share of a core. The bound still fails a run that finishes its work
 * instead of stopping (seconds more) on a quiet machine.
 */
export function underLoad(ms: number): number {
  return ms * Math.max(1, os.loadavg()[0]! / os.cpus().length);
}
