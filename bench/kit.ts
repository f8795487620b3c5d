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

/** One row of a harness's table: a kind of fault, how often it was tried, and what survived it. */
export interface TrialResult {
  test: string;
  trials: number;
  killed: number | null;
  survived: number;
  lost: number;
  notes: string;
}

/** What was stored before a fault, to find it again after: rows, their total, complaints and their events. */
export interface Stored {
  rows: number;
  total: number;
  complaints: number;
  events: number;
  maxImport: number;
  maxComplaint: number;
}

/** A harness's results and failures: check() records a failure (and says it on stderr), report() prints the table. */
export function ledger(log: (s: string) => void): {
  results: TrialResult[];
  failures: string[];
  check(ok: boolean, what: string): void;
  report(heading: string, json: boolean): void;
} {
  const results: TrialResult[] = [];
  const failures: string[] = [];
  return {
    results,
    failures,
    check(ok, what) {
      if (ok) return;
      failures.push(what);
      log(`  FAILED: ${what}`);
    },
    report(heading, json) {
      if (json) process.stdout.write(JSON.stringify({ results, failures }, null, 2) + '\n');
      else {
        process.stdout.write(`| ${heading} | trials | killed while running | survived intact | rows lost | what was checked |\n|---|---|---|---|---|---|\n`);
        for (const r of results) process.stdout.write(`| ${r.test} | ${r.trials} | ${r.killed ?? '—'} | ${r.survived} | ${r.lost} | ${r.notes} |\n`);
        if (failures.length > 0) process.stdout.write(`\nFAILED:\n${failures.map((f) => '- ' + f).join('\n')}\n`);
      }
      process.exitCode = failures.length === 0 ? 0 : 1;
    },
  };
}
