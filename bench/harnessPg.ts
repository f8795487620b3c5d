/**
 * `npm run harness:pg`: the harness's crash-safety trials against a shared PostgreSQL database
 * (issue 16), through the real binary: SIGKILL at random moments of a 1,000,000-line import onto
 * a database that already holds an earlier import, of `segment`, and of `complaint add`; then
 * two imports of overlapping files at once, and readers during an import. After each fault:
 * whole or nothing (none of the file's rows, or all of them with a complete import record; no
 * snapshot short of its customers; no complaint without its history), rows lost counted, every
 * index valid, and the file imported to the end. Needs a server: RAPPORT_BENCH_PG or
 * RAPPORT_TEST_PG (.ci/pg-start starts a throwaway one); works in a fresh database, dropped after.
 * Options: --trials N (import kills, default 10; segment and complaint kills: half as many each),
 * --rows N (default 1000000), --seed N. Prints a Markdown table; exits 1 on any failure.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS, generate, rng } from './synth/generate.js';
import { BIN, ledger, runner, type Stored } from './kit.js';
import { connectPg, describePg, type Sql } from '../src/store/pg/connect.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    rows: { type: 'string', default: String(DEFAULTS.rows) },
    seed: { type: 'string', default: '7' },
  },
});
const trials = Number(values.trials);
const rows = Number(values.rows);
const rand = rng(Number(values.seed));
const log = (s: string): void => void process.stderr.write(s + '\n');
const server = process.env.RAPPORT_BENCH_PG || process.env.RAPPORT_TEST_PG;
if (!server) {
  log('harness:pg needs a PostgreSQL server: set RAPPORT_BENCH_PG (or RAPPORT_TEST_PG); .ci/pg-start starts a throwaway one');
  process.exit(1);
}
const name = `rapport_harness_${crypto.randomBytes(5).toString('hex')}`;
const url = server.replace(/^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?/i, `$1/${name}`);
const admin = await connectPg(server, process.env);
await admin.unsafe(`CREATE DATABASE ${name}`);
const sql: Sql = await connectPg(url, process.env);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-harness-pg-'));

const env = { ...process.env, CI: '1' };
const { rapport, killAfter } = runner(url);
const one = async <T>(text: string): Promise<T> => Object.values((await sql.unsafe(text))[0] as Record<string, unknown>)[0] as T;

const { results, failures, check, report } = ledger(log);

async function stored(): Promise<Stored> {
  return {
    rows: await one<number>('SELECT count(*)::int FROM transactions'),
    total: await one<number>('SELECT coalesce(sum(amount), 0)::bigint FROM transactions'),
    complaints: await one<number>('SELECT count(*)::int FROM complaints'),
    events: await one<number>('SELECT count(*)::int FROM complaint_events'),
    maxImport: await one<number>('SELECT coalesce(max(id), 0)::int FROM imports'),
    maxComplaint: await one<number>('SELECT coalesce(max(id), 0)::int FROM complaints'),
  };
}
async function lostSince(before: Stored): Promise<number> {
  const n = await one<number>(`SELECT count(*)::int FROM transactions WHERE import_id <= ${before.maxImport}`);
  const total = await one<number>(`SELECT coalesce(sum(amount), 0)::bigint FROM transactions WHERE import_id <= ${before.maxImport}`);
  const complaints = await one<number>(`SELECT count(*)::int FROM complaints WHERE id <= ${before.maxComplaint}`);
  const events = await one<number>(`SELECT count(*)::int FROM complaint_events WHERE complaint_id <= ${before.maxComplaint}`);
  return Math.max(0, before.rows - n + (total === before.total ? 0 : 1)) + Math.max(0, before.complaints - complaints) + Math.max(0, before.events - events);
}
/** Every index of rapport's tables present and valid (a bulk import drops and rebuilds some inside its transaction). */
async function indexesValid(expected: number): Promise<boolean> {
  const valid = await one<number>(
    `SELECT count(*)::int FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND i.indisvalid AND i.indisready`,
  );
  return valid === expected;
}

const csv = path.join(root, 'bench', 'out', `transactions-${rows}-${DEFAULTS.customers}-seed${DEFAULTS.seed}.csv`);
if (!fs.existsSync(csv)) {
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  log(`generating ${csv} ...`);
  generate({ ...DEFAULTS, rows }, csv);
}
log(`harness on PostgreSQL ${describePg(url)}: ${path.basename(csv)}`);

try {
  // ---- 1. SIGKILL during import, onto a database holding an earlier import ----
  const earlier = path.join(work, 'earlier.csv');
  fs.writeFileSync(
    earlier,
    'invoice,date,customer_id,amount\n' +
      Array.from({ length: 5000 }, (_, i) => `B-${i},2022-06-${String(1 + (i % 28)).padStart(2, '0')},BC${i % 300},${(1 + (i % 40)).toFixed(2)}`).join('\n') +
      '\n',
  );
  const first = rapport(['-q', 'import', 'transactions', earlier]);
  check(first.code === 0, `the earlier import: ${first.stderr}`);
  const indexes = await one<number>(
    `SELECT count(*)::int FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()`,
  );
  const before = await stored();
  {
    let killed = 0;
    let survived = 0;
    let lost = 0;
    let expected = -1;
    for (let i = 0; i < trials; i++) {
      const how = await killAfter(['-q', 'import', 'transactions', csv], 300 + Math.floor(rand() * 6000));
      if (how === 'killed') killed++;
      // The server rolls back a dropped connection's transaction; give it a moment to notice.
      await new Promise((r) => setTimeout(r, 200));
      const gone = await lostSince(before);
      lost += gone;
      const n = await one<number>(`SELECT count(*)::int FROM transactions WHERE import_id > ${before.maxImport}`);
      const complete = await one<number>(`SELECT count(*)::int FROM imports WHERE id > ${before.maxImport} AND status = 'complete'`);
      if (how === 'finished' && expected < 0) expected = n;
      const whole = n === 0 || (complete === 1 && (expected < 0 || n === expected));
      const ok = await indexesValid(indexes);
      check(how !== 'failed', `import trial ${i}: the import failed on its own`);
      check(ok, `import trial ${i}: an index missing or invalid`);
      check(whole, `import trial ${i}: ${n} rows stored after a kill`);
      check(gone === 0, `import trial ${i}: ${gone} earlier rows lost`);
      if (how !== 'failed' && ok && whole && gone === 0) survived++;
      log(`  import kill ${i + 1}/${trials}: ${how}, ${n} rows of the file, ${gone} earlier rows lost, indexes ${ok ? 'valid' : 'NOT VALID'}`);
      // A finished import is taken back so that every trial starts from the same rows.
      if (how === 'finished') {
        const id = await one<number>(`SELECT max(id)::int FROM imports`);
        check(rapport(['-q', 'imports', 'remove', String(id), '--yes']).code === 0, 'taking back a finished trial import');
      }
    }
    const full = rapport(['-q', 'import', 'transactions', csv]);
    check(full.code === 0, `import after the kills: exit ${full.code} ${full.stderr}`);
    const n = await one<number>(`SELECT count(*)::int FROM transactions WHERE import_id > ${before.maxImport}`);
    if (expected >= 0) check(n === expected, `import after the kills stored ${n}, a finished one ${expected}`);
    const again = rapport(['-q', 'import', 'transactions', csv, '--format', 'json']);
    check(
      again.code === 0 && (await one<number>(`SELECT count(*)::int FROM transactions WHERE import_id > ${before.maxImport}`)) === n,
      'importing the same file again adds nothing',
    );
    results.push({
      test: `SIGKILL during import (${rows.toLocaleString('en-US')} lines, onto an earlier import)`,
      trials,
      killed,
      survived,
      lost,
      notes: `then imported whole: ${n.toLocaleString('en-US')} rows; again: 0 added; every index valid after each kill`,
    });
  }

  // ---- 2. SIGKILL during segment ----
  const asOf = await one<string>('SELECT max(date) FROM transactions');
  {
    const n = Math.max(2, Math.floor(trials / 2));
    const base = await stored();
    let killed = 0;
    let survived = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const how = await killAfter(['-q', 'segment', '--as-of', asOf], 500 + Math.floor(rand() * 4000));
      if (how === 'killed') killed++;
      await new Promise((r) => setTimeout(r, 200));
      const short = await one<number>(
        'SELECT count(*)::int FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)',
      );
      const gone = await lostSince(base);
      lost += gone;
      check(how !== 'failed', `segment trial ${i}: failed on its own`);
      check(short === 0, `segment trial ${i}: a snapshot short of its customers`);
      if (how !== 'failed' && short === 0 && gone === 0) survived++;
      log(`  segment kill ${i + 1}/${n}: ${how}, snapshots whole: ${short === 0}`);
    }
    results.push({
      test: 'SIGKILL during segment',
      trials: n,
      killed,
      survived,
      lost,
      notes: 'the snapshot of the date is always whole: the old one or the new one',
    });
  }

  // ---- 3. SIGKILL during complaint add ----
  {
    const n = Math.max(2, Math.floor(trials / 2));
    const customer = await one<string>(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    const base = await stored();
    let killed = 0;
    let survived = 0;
    for (let i = 0; i < n; i++) {
      const how = await killAfter(
        ['-q', 'complaint', 'add', '--customer', customer, '--category', 'service', '--summary', `harness ${i}`],
        150 + Math.floor(rand() * 600),
      );
      if (how === 'killed') killed++;
      await new Promise((r) => setTimeout(r, 200));
      const orphans = await one<number>(
        `SELECT count(*)::int FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id) OR NOT EXISTS (SELECT 1 FROM complaint_due d WHERE d.complaint_id = c.id)`,
      );
      const gone = await lostSince(base);
      check(how !== 'failed', `complaint trial ${i}: failed on its own`);
      check(orphans === 0, `complaint trial ${i}: a complaint without its history or due time`);
      if (how !== 'failed' && orphans === 0 && gone === 0) survived++;
      log(`  complaint kill ${i + 1}/${n}: ${how}`);
    }
    results.push({
      test: 'SIGKILL during complaint add',
      trials: n,
      killed,
      survived,
      lost: 0,
      notes: 'each complaint with its history and due time, or nothing',
    });
  }

  // ---- 4. Two imports of overlapping files at once, and readers meanwhile ----
  {
    const a = path.join(work, 'a.csv');
    const b = path.join(work, 'b.csv');
    const line = (i: number): string => `O-${i},2023-03-${String(1 + (i % 28)).padStart(2, '0')},OC${i % 500},${(1 + (i % 70)).toFixed(2)}`;
    fs.writeFileSync(a, 'invoice,date,customer_id,amount\n' + Array.from({ length: 60_000 }, (_, i) => line(i)).join('\n') + '\n');
    fs.writeFileSync(b, 'invoice,date,customer_id,amount\n' + Array.from({ length: 60_000 }, (_, i) => line(i + 30_000)).join('\n') + '\n');
    const before2 = await one<number>('SELECT count(*)::int FROM transactions');
    let reads = 0;
    const torn: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const n = await one<number>('SELECT count(*)::int FROM transactions');
        reads++;
        if (![before2, before2 + 60_000, before2 + 90_000].includes(n)) torn.push(n);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const both = await Promise.all(
      [a, b].map(
        (f) =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, [BIN, '--db', url, '-q', 'import', 'transactions', f], { stdio: 'ignore', env }).on('exit', resolve),
          ),
      ),
    );
    reading = false;
    await reader;
    const after = await one<number>('SELECT count(*)::int FROM transactions');
    const ok = both.every((c) => c === 0) && after === before2 + 90_000 && torn.length === 0;
    check(
      ok,
      `overlapping imports at once: exits ${both.join(', ')}, ${after - before2} rows added (90,000 expected), ${torn.length} reads saw part of an import`,
    );
    results.push({
      test: 'two overlapping imports at once (60,000 lines each, 30,000 shared)',
      trials: 1,
      killed: null,
      survived: ok ? 1 : 0,
      lost: 0,
      notes: `${(after - before2).toLocaleString('en-US')} rows stored, none twice; ${reads} reads meanwhile saw no part of an import`,
    });
  }
} finally {
  await sql.end({ timeout: 5 });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end({ timeout: 5 });
  fs.rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) log(`${failures.length} failure(s)`);
report('test (PostgreSQL)', false);
