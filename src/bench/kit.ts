/** What the crash-safety harnesses share: running rapport on one database, and killing it mid-run. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/rapport.js');

export interface Runner {
  /** Runs `rapport --db DB ...args` to the end. */
  rapport(args: string[]): { code: number | null; stderr: string; stdout: string };
  /**
   * Starts a command and SIGKILLs it after `ms` (unless it ended first). Resolves to how it ended:
   * killed, finished (exit 0) or failed (any other exit: counted against rapport, never as a kill).
   */
  killAfter(args: string[], ms: number): Promise<'killed' | 'finished' | 'failed'>;
}

/** A runner on the database `db` (a file path or a postgres:// URL), without prompts or progress (CI=1). */
export function runner(db: string): Runner {
  const env = { ...process.env, CI: '1' };
  return {
    rapport(args) {
      const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env });
      return { code: r.status, stderr: r.stderr, stdout: r.stdout };
    },
    killAfter(args, ms) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: 'ignore', env });
        let done = false;
        const timer = setTimeout(() => {
          if (!done) child.kill('SIGKILL');
        }, ms);
        child.on('exit', (code, signal) => {
          done = true;
          clearTimeout(timer);
          resolve(signal === 'SIGKILL' ? 'killed' : code === 0 ? 'finished' : 'failed');
        });
      });
    },
  };
}
