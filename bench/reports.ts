/**
 * `npm run bench:reports`: every report on about a million customers, against `segment` on the
 * same database. A report reads what segment reads and a little more, so one that takes more
 * than 3x segment's time has grown something worse than linear (report staff was quadratic:
 * 200,000 customers took 292 s). Uses the same seeded history as bench:large (10,000,000 lines
 * over 1,400,000 customers, just over a million of whom buy; generated once into
 * bench/out/large/), imports it into its own database, fits the model and snapshots a month
 * before the last day (so movement and the watchlist's "since" tables compare something: the
 * worst case), fits the model on the last day, then times segment on it and each report, each in its own process
 * (src/bench/child.ts reports peak RSS) with its data going to /dev/null.
 * Exits 1 if a run fails or a report takes more than 3x segment.
 * Options: --rows N --customers N (as bench:large), --ratio R (default 3), --keep (reuse the
 * database as a previous run left it, imported, fitted and snapshotted: only segment and the
 * reports run).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { largeHistory } from './largeHistory.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { lastTransactionDate } from '../src/store/sqlite/measures.js';
import { REPORTS } from '../src/reports/build.js';
import { timedRapport, type Run } from './timed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    customers: { type: 'string', default: '1400000' },
    ratio: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const customers = Number(values.customers);
const limit = Number(values.ratio);

const { work, csv } = largeHistory(root, rows, customers);
const db = path.join(work, 'reports.db');
const keep = values.keep === true && fs.existsSync(db);
if (!keep) for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });

function rapport(args: string[]): Run {
  return timedRapport(db, args);
}

const addDays = (iso: string, n: number): string => new Date(Date.parse(iso + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);

const setup: Record<string, Run> = {};
if (!keep) {
  process.stderr.write(`importing ${path.basename(csv)}\n`);
  setup.import = rapport(['import', 'transactions', csv]);
}
const handle = openDatabase(db, { create: false });
const asOf = lastTransactionDate(handle)!;
const people = handle.prepare('SELECT count(DISTINCT customer_id) FROM transactions WHERE date <= ?').pluck().get(asOf) as number;
handle.close();
const before = addDays(asOf, -30);
// As the weekly cron line (docs/reports.md) does it: the model fitted, then the snapshot, on each report date.
if (!keep) {
  setup.model_earlier = rapport(['model', '--as-of', before]);
  setup.segment_earlier = rapport(['segment', '--as-of', before]);
  setup.model = rapport(['model', '--as-of', asOf]);
}
const segment = rapport(['segment', '--as-of', asOf]);

// Each report as cron would pipe it (Markdown, the default off a terminal); summary, which holds
// every section, also as HTML, JSON, CSV and a table.
const runs: [string, string[]][] = REPORTS.map((name) => [`${name} (md)`, ['report', name, '--as-of', asOf, '--format', 'md']]);
for (const f of ['html', 'json', 'csv', 'table']) runs.push([`summary (${f})`, ['report', 'summary', '--as-of', asOf, '--format', f]]);
const reports: Record<string, Run & { x_segment: number }> = {};
for (const [name, args] of runs) {
  const r = rapport(args);
  reports[name] = { ...r, x_segment: Number((r.seconds / segment.seconds).toFixed(2)) };
}

const slow = Object.entries(reports).filter(([, r]) => r.exit !== 0 || r.x_segment > limit);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const result = {
  machine: `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  customers_with_transactions: people,
  as_of: asOf,
  compared_with: before,
  setup,
  segment,
  limit: `${limit}x segment (${(segment.seconds * limit).toFixed(1)} s)`,
  reports,
  failed: slow.map(([name]) => name),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (slow.length > 0)
  process.stderr.write(`too slow or failed: ${slow.map(([n, r]) => `${n} ${r.exit === 0 ? `${r.x_segment}x segment` : 'failed'}`).join(', ')}\n`);
process.exitCode = segment.exit === 0 && Object.values(setup).every((r) => r.exit === 0) && slow.length === 0 ? 0 : 1;
