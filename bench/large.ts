/**
 * `npm run bench:large`: the large-file part of the robustness issue. Generates (once, cached in
 * bench/out/large/) a seeded history of 10,000,000 transaction lines over 1,400,000 customers
 * (over a million of them buy before the lines run out), imports it, then runs segment, model,
 * churn and the full customer list on it, each twice: with Node's default heap and with the
 * heap capped at 1 GiB (--max-old-space-size=1024), so the stated memory bound is something the
 * run either meets or fails. Each command runs in its own
 * process (src/bench/child.ts reports its peak RSS); data output goes to /dev/null.
 * Options: --rows N (default 10000000), --customers N (default 1400000), --heap MB (default 1024).
 * Takes about 8 minutes and 2.3 GB of disk (the file and the database) on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { largeHistory } from './largeHistory.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { lastTransactionDate } from '../src/store/sqlite/measures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    customers: { type: 'string', default: '1400000' },
    heap: { type: 'string', default: '1024' },
  },
});
const rows = Number(values.rows);
const customers = Number(values.customers);
const heapMb = Number(values.heap);

const { work, csv } = largeHistory(root, rows, customers);
const size = fs.statSync(csv).size;
const db = path.join(work, 'large.db');
for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });

interface Run {
  seconds: number;
  peak_rss_mb: number;
  exit: number | null;
  /** The process died (out of memory: V8 aborts with SIGABRT). */
  signal: string | null;
}

/** One rapport command in a child process: wall time, peak RSS, and how it ended. */
function rapport(args: string[], heap: number | null): Run {
  const nodeArgs = heap === null ? [] : [`--max-old-space-size=${heap}`];
  const sink = fs.openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, path.join(root, 'dist-dev/bench/child.js'), '--db', db, '--quiet', '--format', 'csv', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', sink, 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.closeSync(sink);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /BENCH (\{.*\})/.exec(r.stderr);
  const out: Run = {
    seconds: Number(seconds.toFixed(1)),
    peak_rss_mb: m ? Math.round((JSON.parse(m[1]!) as { maxRssKb: number }).maxRssKb / 1024) : -1,
    exit: r.status,
    signal: r.signal,
  };
  process.stderr.write(
    `  rapport ${args.join(' ')}${heap === null ? '' : ` (heap ${heap} MB)`}: ${out.seconds} s, ${out.peak_rss_mb} MB${r.status === 0 ? '' : `, FAILED (${r.signal ?? `exit ${r.status}`}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`}\n`,
  );
  return out;
}

process.stderr.write(`importing ${path.basename(csv)} (${(size / 1e6).toFixed(0)} MB)\n`);
const imported = rapport(['import', 'transactions', csv], null);
const handle = openDatabase(db, { create: false });
const asOf = lastTransactionDate(handle)!;
const stored = handle.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
const people = handle.prepare('SELECT count(DISTINCT customer_id) FROM transactions').pluck().get() as number;
handle.close();

// Each command with the default heap, then capped; segment and model save what the later ones
// read (a snapshot, a fit), as the cron's week would.
const steps: [string, string[]][] = [
  ['segment', ['segment', '--as-of', asOf]],
  ['model', ['model', '--as-of', asOf]],
  ['churn', ['churn', '--as-of', asOf]],
  ['customers', ['customers', '--as-of', asOf]],
];
const commands: Record<string, { default_heap: Run; capped_heap: Run }> = {};
for (const [name, args] of steps) commands[name] = { default_heap: rapport(args, null), capped_heap: rapport(args, heapMb) };

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const result = {
  machine: `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  file: { lines: rows, megabytes: Number((size / 1e6).toFixed(1)), customers_with_transactions: people, as_of: asOf },
  import: { ...imported, rows_stored: stored, rows_per_second: Math.round(stored / imported.seconds) },
  heap_cap_mb: heapMb,
  commands,
  all_finished: imported.exit === 0 && Object.values(commands).every((c) => c.default_heap.exit === 0 && c.capped_heap.exit === 0),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.exitCode = result.all_finished ? 0 : 1;
