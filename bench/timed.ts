/** One rapport command in its own process (src/bench/child.ts reports its peak RSS), stdout to /dev/null: what the report benches time. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Run {
  seconds: number;
  peak_rss_mb: number;
  exit: number | null;
  signal: string | null;
}

/** Runs `rapport --db DB --quiet ...args`, timed as a whole process; says how it went on stderr. */
export function timedRapport(db: string, args: string[], digits = 1): Run {
  const sink = fs.openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(here, 'child.js'), '--db', db, '--quiet', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', sink, 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.closeSync(sink);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /BENCH (\{.*\})/.exec(r.stderr);
  // Exit 5 is a --fail-if alert, not a failure; none is asked for here, so only 0 passes.
  const out: Run = {
    seconds: Number(seconds.toFixed(digits)),
    peak_rss_mb: m ? Math.round((JSON.parse(m[1]!) as { maxRssKb: number }).maxRssKb / 1024) : -1,
    exit: r.status,
    signal: r.signal,
  };
  process.stderr.write(
    `  rapport ${args.join(' ')}: ${out.seconds} s, ${out.peak_rss_mb} MB${r.status === 0 ? '' : `, FAILED (${r.signal ?? `exit ${r.status}`}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`}\n`,
  );
  return out;
}
