/**
 * `npm run bench`: generates a seeded synthetic history (1,000,000 transaction lines, 100,000
 * customers, 3 years, ~1% refunds, some quoted fields), imports it with rapport, and, where the
 * sqlite3 command is installed, with raw `sqlite3 .import` into a typed table, in alternating
 * runs (this machine class is noisy). Prints medians, rows per second and peak RSS.
 * Then segments the imported history (`rapport segment`, median of --runs), lists the platinum
 * customers from the snapshot and prints one customer's card; times the churn model's fit and
 * scoring, the churn watchlist and a 90-day backtest.
 * Options: --rows N (default 1000000), --customers N, --runs N (default 3), --keep,
 * --import-only (stop after the import runs), --no-fail (exploring: exit 0 past the goals),
 * --order customer (import a copy of the file sorted by customer id, stable: a history not in date
 * order, where each row's dedupe key lands at a random place of the index).
 *
 * Goals (issue 24): the import's median within IMPORT_GOAL times sqlite3 `.import`'s median of the
 * same runs, and its peak RSS under RSS_GOAL_MB. Both are printed beside their goal, with the load
 * average (the machine is shared); past either the bench exits 1 once it has printed its figures.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS, generate } from './synth/generate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { lastTransactionDate } from '../src/store/sqlite/measures.js';
import { maxOf } from '../src/core/scale.js';
import { sqliteFloor } from './floor.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: String(DEFAULTS.rows) },
    customers: { type: 'string', default: String(DEFAULTS.customers) },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    'import-only': { type: 'boolean', default: false },
    'no-fail': { type: 'boolean', default: false },
    order: { type: 'string', default: 'date' },
  },
});
if (values.order !== 'date' && values.order !== 'customer') throw new Error(`--order takes date or customer, not ${values.order}`);
const rows = Number(values.rows);
const customers = Number(values.customers);
const runs = Number(values.runs);
const IMPORT_GOAL = 2.0;
const RSS_GOAL_MB = 250;

const work = path.join(root, 'bench', 'out');
fs.mkdirSync(work, { recursive: true });
let csv = path.join(work, `transactions-${rows}-${customers}-seed${DEFAULTS.seed}.csv`);
if (!fs.existsSync(csv)) {
  process.stderr.write(`generating ${csv} ...\n`);
  const t0 = Date.now();
  const r = generate({ ...DEFAULTS, rows, customers }, csv);
  process.stderr.write(`  ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
if (values.order === 'customer') csv = byCustomer(csv);
const size = fs.statSync(csv).size;
const lines = rows;

/** The i-th field of a CSV line (quoted fields may hold commas and doubled quotes). */
function fieldAt(line: string, i: number): string {
  let at = 0;
  for (let f = 0; ; f++) {
    let end: number;
    let value: string;
    if (line[at] === '"') {
      end = at + 1;
      while (end < line.length && !(line[end] === '"' && line[end + 1] !== '"')) end += line[end] === '"' ? 2 : 1;
      value = line.slice(at + 1, end).replaceAll('""', '"');
      end++;
    } else {
      end = line.indexOf(',', at);
      if (end < 0) end = line.length;
      value = line.slice(at, end);
    }
    if (f === i) return value;
    at = end + 1;
  }
}

/** A copy of `file` with its lines sorted by customer id, stable (made once, beside it). */
function byCustomer(file: string): string {
  const sorted = file.replace(/\.csv$/, '-by-customer.csv');
  if (fs.existsSync(sorted)) return sorted;
  const [header, ...body] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const at = header!.split(',').indexOf('customer_id');
  const keyed = body.map((line, n) => ({ line, n, id: fieldAt(line, at) }));
  keyed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.n - b.n));
  fs.writeFileSync(sorted, [header, ...keyed.map((k) => k.line)].join('\n') + '\n');
  return sorted;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function rm(db: string): void {
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });
}

/** Runs `rapport --db DB --quiet --format json ARGS` in a child; whole-process wall time and peak RSS. */
function rapport(db: string, args: string[]): { seconds: number; rssMb: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'dist-dev/bench/child.js'), '--db', db, '--quiet', '--format', 'json', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /BENCH (\{.*\})/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`rapport ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, rssMb: (JSON.parse(m[1]!) as { maxRssKb: number }).maxRssKb / 1024, out: r.stdout };
}

function rapportImport(file: string, db: string): { seconds: number; rssMb: number; out: string } {
  return rapport(db, ['import', 'transactions', file]);
}

function sqliteImport(file: string, db: string): number | null {
  const which = spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const script = [
    'CREATE TABLE t (invoice TEXT, date TEXT, customer_id TEXT, product TEXT, quantity REAL, unit_price REAL, amount REAL, channel TEXT, staff TEXT, payment_method TEXT);',
    '.mode csv',
    `.import --skip 1 '${file}' t`,
  ].join('\n');
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const ours: number[] = [];
const rss: number[] = [];
const raw: number[] = [];
const db = path.join(work, 'bench.db');
const rawDb = path.join(work, 'raw.db');
const floor = sqliteFloor(csv, work, runs); // the second baseline: sqlite3 into rapport's own schema (information)
process.stderr.write(`importing ${path.basename(csv)} (${(size / 1e6).toFixed(1)} MB), ${runs} alternating runs\n`);
for (let i = 0; i < runs; i++) {
  rm(db);
  const r = rapportImport(csv, db);
  ours.push(r.seconds);
  rss.push(r.rssMb);
  rm(rawDb);
  const s = sqliteImport(csv, rawDb);
  if (s !== null) raw.push(s);
  process.stderr.write(
    `  run ${i + 1}: rapport ${r.seconds.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB${s !== null ? `; sqlite3 .import ${s.toFixed(2)} s` : ''}\n`,
  );
  floor.run(r.seconds);
}
const ratio = raw.length > 0 ? median(ours) / median(raw) : null;
const peakRss = maxOf(rss);
const importOk = ratio === null || ratio <= IMPORT_GOAL;
const rssOk = peakRss < RSS_GOAL_MB;
const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
process.stderr.write(
  (ratio === null
    ? 'import: no sqlite3 command here to compare with\n'
    : `import: ${ratio.toFixed(2)}× sqlite3 .import (goal ≤ ${IMPORT_GOAL.toFixed(1)}×) ${importOk ? 'ok' : 'OVER GOAL'}\n`) +
    `import peak RSS: ${peakRss.toFixed(0)} MB (goal < ${RSS_GOAL_MB} MB) ${rssOk ? 'ok' : 'OVER GOAL'}\n` +
    `load average: ${load} (${os.cpus().length} cores)\n`,
);
const goalsMet = importOk && rssOk;
if (values['import-only']) {
  process.stdout.write(
    JSON.stringify(
      {
        rapport_import_seconds: Number(median(ours).toFixed(2)),
        sqlite3_import_seconds: raw.length > 0 ? Number(median(raw).toFixed(2)) : null,
        ratio_to_sqlite3: ratio === null ? null : Number(ratio.toFixed(2)),
        store_schema_floor: floor.figures(),
        peak_rss_mb: Math.round(peakRss),
        load_average: load,
      },
      null,
      2,
    ) + '\n',
  );
  rm(db);
  rm(rawDb);
  if (!goalsMet && !values['no-fail']) process.exitCode = 1;
  process.exit();
}

// Segmentation over the imported history as of its last day (the generator stops at the row
// limit before its end date), the runs after the first replacing the snapshot as a daily cron
// run would. Then the cron's week: fit the churn model (saved; the snapshot is segmented again by
// lifetime value), the watchlist, a platinum list and a card from the snapshot, and a backtest.
const dbh = openDatabase(db, { create: false });
const asOf = lastTransactionDate(dbh)!;
// What every write command pays first: PRAGMA quick_check (and integrity_check, for --check full).
const checkSeconds = (pragma: string): number => {
  const t0 = performance.now();
  if (dbh.pragma(pragma, { simple: true }) !== 'ok') throw new Error(`${pragma} failed on the benchmark database`);
  return (performance.now() - t0) / 1000;
};
const checkedMb = fs.statSync(db).size / 1e6;
const quickCheck = checkSeconds('quick_check');
const integrityCheck = checkSeconds('integrity_check');
process.stderr.write(`  quick_check ${quickCheck.toFixed(2)} s, integrity_check ${integrityCheck.toFixed(2)} s (${checkedMb.toFixed(0)} MB database)\n`);
dbh.close();
const segmentRuns: { seconds: number; rssMb: number }[] = [];
let segmented = 0;
for (let i = 0; i < runs; i++) {
  const r = rapport(db, ['segment', '--as-of', asOf]);
  segmentRuns.push(r);
  segmented = (JSON.parse(r.out) as { customers: number }).customers;
  process.stderr.write(`  segment run ${i + 1}: ${r.seconds.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB\n`);
}
// In-process timers of the model's phases (src/bench/model.ts): read, fit, score.
const modelRun = spawnSync(process.execPath, [path.join(root, 'dist-dev/bench/model.js'), db, asOf], { encoding: 'utf8' });
if (modelRun.status !== 0) throw new Error(`model bench failed: ${modelRun.stderr}`);
const modelTimes = JSON.parse(modelRun.stdout) as Record<string, unknown>;
const watchlistUnsaved = rapport(db, ['churn', '--as-of', asOf]);
const modelCommand = rapport(db, ['model', '--as-of', asOf]);
const churnRun = rapport(db, ['churn', '--as-of', asOf]);
const listRun = rapport(db, ['customers', '--as-of', asOf, '--tier', 'platinum']);
const top = (JSON.parse(listRun.out) as { customer_id: string }[])[0]!.customer_id;
const cardRun = rapport(db, ['customer', top, '--as-of', asOf]);
const cutoff = new Date(Date.parse(asOf + 'T00:00:00Z') - 90 * 86_400_000).toISOString().slice(0, 10);
const backtestRun = rapport(db, ['churn', 'backtest', '--cutoff', cutoff]);
const backtest = JSON.parse(backtestRun.out) as {
  model_scores: { auc: number; predicted_purchases: number; actual_purchases: number };
  recency_rule: { auc: number };
};
process.stderr.write(
  `  model ${modelCommand.seconds.toFixed(2)} s; churn ${churnRun.seconds.toFixed(2)} s (${watchlistUnsaved.seconds.toFixed(2)} s before the fit was saved); backtest ${backtestRun.seconds.toFixed(2)} s\n`,
);

// An overlapping export: every row again plus one new one (the slow path of the duplicate rule).
const overlap = path.join(work, 'overlap.csv');
fs.copyFileSync(csv, overlap);
fs.appendFileSync(overlap, 'INVNEW,2025-12-31 12:00,C999999,Teapot,1,34.00,34.00,store,Ben,card\n');
const again = rapportImport(overlap, db);
const againResult = (JSON.parse(again.out) as { counts: { imported: number; duplicate: number } }[])[0]!.counts;

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const ourMedian = median(ours);
const result = {
  machine: `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  file: { rows: lines, megabytes: Number((size / 1e6).toFixed(1)) },
  rapport_import_seconds: Number(ourMedian.toFixed(2)),
  rows_per_second: Math.round(lines / ourMedian),
  peak_rss_mb: Math.round(maxOf(rss)),
  sqlite3_import_seconds: raw.length > 0 ? Number(median(raw).toFixed(2)) : null,
  ratio_to_sqlite3: ratio === null ? null : Number(ratio.toFixed(2)),
  store_schema_floor: floor.figures(),
  import_goal: { ratio_at_most: IMPORT_GOAL, peak_rss_mb_under: RSS_GOAL_MB, met: goalsMet, load_average: load },
  check_before_write: {
    database_megabytes: Number(checkedMb.toFixed(1)),
    quick_check_seconds: Number(quickCheck.toFixed(2)),
    integrity_check_seconds: Number(integrityCheck.toFixed(2)),
  },
  segment: {
    customers: segmented,
    seconds: Number(median(segmentRuns.map((r) => r.seconds)).toFixed(2)),
    peak_rss_mb: Math.round(maxOf(segmentRuns.map((r) => r.rssMb))),
  },
  model_phases: modelTimes,
  model_command: { seconds: Number(modelCommand.seconds.toFixed(2)), peak_rss_mb: Math.round(modelCommand.rssMb) },
  churn_watchlist: { seconds: Number(churnRun.seconds.toFixed(2)), peak_rss_mb: Math.round(churnRun.rssMb) },
  churn_watchlist_without_saved_fit: { seconds: Number(watchlistUnsaved.seconds.toFixed(2)), peak_rss_mb: Math.round(watchlistUnsaved.rssMb) },
  customers_platinum_from_snapshot: { seconds: Number(listRun.seconds.toFixed(2)), peak_rss_mb: Math.round(listRun.rssMb) },
  customer_card: { seconds: Number(cardRun.seconds.toFixed(2)), peak_rss_mb: Math.round(cardRun.rssMb) },
  churn_backtest: {
    cutoff,
    seconds: Number(backtestRun.seconds.toFixed(2)),
    peak_rss_mb: Math.round(backtestRun.rssMb),
    auc: Number(backtest.model_scores.auc.toFixed(4)),
    recency_rule_auc: Number(backtest.recency_rule.auc.toFixed(4)),
    predicted_purchases: Math.round(backtest.model_scores.predicted_purchases),
    actual_purchases: backtest.model_scores.actual_purchases,
  },
  overlap_reimport: {
    seconds: Number(again.seconds.toFixed(2)),
    peak_rss_mb: Math.round(again.rssMb),
    imported: againResult.imported,
    duplicate: againResult.duplicate,
  },
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (!values.keep) {
  rm(db);
  rm(rawDb);
  fs.rmSync(overlap, { force: true });
}
if (!goalsMet && !values['no-fail']) process.exitCode = 1;
