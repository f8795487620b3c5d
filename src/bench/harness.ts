/**
 * `npm run harness`: tries hard to break the database. SIGKILLs `import`, `segment` and
 * `complaint add` at random moments and checks after each kill that the database is intact and
 * holds every write whole or not at all; then runs an import, a segment run, a report, a customer
 * list and complaint logging at the same time, several rounds, and checks that all succeed with
 * the right totals, while reading the database every 50 ms to be sure no reader sees part of an
 * import or of a snapshot. Prints a table (and JSON with --json).
 * Options: --trials N (import kills, default 20; segment and complaint kills: half as many each),
 * --rows N (default 1,000,000), --rounds N (concurrent rounds, default 3), --seed N.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DEFAULTS, generate, rng } from '../synth/generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const BIN = path.join(root, 'bin/rapport.js');
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '7' },
    json: { type: 'boolean', default: false },
  },
});
const trials = Number(values.trials);
const rows = Number(values.rows);
const rand = rng(Number(values.seed));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-harness-'));
const db = path.join(work, 'h.db');
const log = (s: string): void => void process.stderr.write(s + '\n');

function rapport(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: '1' } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/**
 * Starts a command and SIGKILLs it after `ms` (unless it ended first). Resolves to how it ended:
 * killed, finished (exit 0) or failed (any other exit: counted against rapport, never as a kill).
 */
function killAfter(args: string[], ms: number): Promise<'killed' | 'finished' | 'failed'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: 'ignore', env: { ...process.env, CI: '1' } });
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
}

/**
 * Reads the database every 50 ms while a round runs, as a reader would, each time in one read
 * transaction: the transactions must number `before` or `before + added` (never part of the
 * import), and every snapshot must hold as many customers as it says.
 */
function watchReads(before: number, added: number): { stop(): { reads: number; torn: string[] } } {
  const h = new Database(db, { readonly: true, timeout: 15_000 });
  const look = h.transaction(() => ({
    transactions: h.prepare('SELECT count(*) FROM transactions').pluck().get() as number,
    short: h.prepare('SELECT count(*) FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)').pluck().get() as number,
  }));
  let reads = 0;
  const torn: string[] = [];
  const timer = setInterval(() => {
    const seen = look();
    reads++;
    if (seen.transactions !== before && seen.transactions !== before + added) torn.push(`a reader saw ${seen.transactions} transactions (before ${before}, after ${before + added})`);
    if (seen.short > 0) torn.push(`a reader saw ${seen.short} snapshot(s) missing customers`);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      h.close();
      return { reads, torn };
    },
  };
}

/** One value, or with `row` the whole first row as an array. */
function query<T>(sql: string, row = false): T {
  const h = new Database(db, { readonly: true });
  try {
    const st = h.prepare(sql);
    return (row ? st.raw().get() : st.pluck().get()) as T;
  } finally {
    h.close();
  }
}

const integrityOk = (): boolean => query<string>('PRAGMA integrity_check') === 'ok';
const results: { test: string; trials: number; killed: number | null; survived: number; lost: number; notes: string }[] = [];
const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

// ---- the file ----
const csv = path.join(root, 'bench', 'out', `transactions-${rows}-${DEFAULTS.customers}-seed${DEFAULTS.seed}.csv`);
if (!fs.existsSync(csv)) {
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  log(`generating ${csv} ...`);
  generate({ ...DEFAULTS, rows }, csv);
}

/** What was stored before a fault, to find it again after: rows, their total, complaints and their events. */
interface Stored {
  rows: number;
  total: number;
  complaints: number;
  events: number;
  maxImport: number;
  maxComplaint: number;
}
function stored(): Stored {
  const [rows, total] = query<[number, number]>('SELECT count(*), total(amount) FROM transactions', true);
  return {
    rows,
    total,
    complaints: query<number>('SELECT count(*) FROM complaints'),
    events: query<number>('SELECT count(*) FROM complaint_events'),
    maxImport: query<number>('SELECT coalesce(max(id), 0) FROM imports'),
    maxComplaint: query<number>('SELECT coalesce(max(id), 0) FROM complaints'),
  };
}
/** Rows (transactions, complaints, complaint events) of `before` missing or changed now. */
function lostSince(before: Stored): number {
  const [rows, total] = query<[number, number]>(`SELECT count(*), total(amount) FROM transactions WHERE import_id <= ${before.maxImport}`, true);
  const complaints = query<number>(`SELECT count(*) FROM complaints WHERE id <= ${before.maxComplaint}`);
  const events = query<number>(`SELECT count(*) FROM complaint_events WHERE complaint_id <= ${before.maxComplaint}`);
  const txLost = before.rows - rows + (total === before.total ? 0 : 1);
  return Math.max(0, txLost) + Math.max(0, before.complaints - complaints) + Math.max(0, before.events - events);
}
const files = (p: string): string[] => ['', '-wal', '-shm'].map((ext) => p + ext);
function restore(from: string): void {
  for (const [a, b] of files(from).map((f, k) => [f, files(db)[k]!] as const)) {
    fs.rmSync(b, { force: true });
    if (fs.existsSync(a)) fs.copyFileSync(a, b);
  }
}

// ---- 1. SIGKILL during import ----
// Every trial starts from a database that already holds an earlier import (5,000 rows), the
// rows a kill must not lose.
{
  const base = path.join(work, 'base.db');
  const earlier = path.join(work, 'earlier.csv');
  fs.writeFileSync(earlier, 'invoice,date,customer_id,amount\n' + Array.from({ length: 5000 }, (_, i) => `B-${i},2022-06-${String(1 + (i % 28)).padStart(2, '0')},BC${i % 300},${(1 + (i % 40)).toFixed(2)}`).join('\n') + '\n');
  const first = rapport(['-q', 'import', 'transactions', earlier]);
  check(first.code === 0, `the earlier import: ${first.stderr}`);
  const before = stored();
  for (const [a, b] of files(db).map((f, k) => [f, files(base)[k]!] as const)) if (fs.existsSync(a)) fs.copyFileSync(a, b);
  let killed = 0;
  let survived = 0;
  let lost = 0;
  let expected = -1;
  for (let i = 0; i < trials; i++) {
    restore(base);
    const how = await killAfter(['-q', 'import', 'transactions', csv], 150 + Math.floor(rand() * 3500));
    if (how === 'killed') killed++;
    const ok = integrityOk();
    const gone = lostSince(before);
    lost += gone;
    const n = query<number>(`SELECT count(*) FROM transactions WHERE import_id > ${before.maxImport}`);
    const complete = query<number>(`SELECT count(*) FROM imports WHERE id > ${before.maxImport} AND status = 'complete'`);
    // whole or nothing: none of the file's rows, or every row with its complete import record
    if (how === 'finished' && expected < 0) expected = n;
    const whole = n === 0 || (complete === 1 && (expected < 0 || n === expected));
    check(how !== 'failed', `import trial ${i}: the import failed on its own`);
    check(ok, `import trial ${i}: integrity_check`);
    check(whole, `import trial ${i}: ${n} rows stored after a kill`);
    check(gone === 0, `import trial ${i}: ${gone} earlier rows lost`);
    if (how !== 'failed' && ok && whole && gone === 0) survived++;
    log(`  import kill ${i + 1}/${trials}: ${how}, ${n} rows of the file, ${gone} earlier rows lost, integrity ${ok ? 'ok' : 'FAILED'}`);
  }
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });
  const full = rapport(['-q', 'import', 'transactions', csv]);
  check(full.code === 0, `import after the kills: exit ${full.code} ${full.stderr}`);
  const n = query<number>('SELECT count(*) FROM transactions');
  if (expected >= 0) check(n === expected, `import after the kills stored ${n}, a finished one ${expected}`);
  const again = rapport(['-q', '--format', 'json', 'import', 'transactions', csv]);
  check(again.code === 0 && query<number>('SELECT count(*) FROM transactions') === n, 'importing the same file again adds nothing');
  results.push({ test: `SIGKILL during import (${rows.toLocaleString('en-US')} lines, onto an earlier import)`, trials, killed, survived, lost, notes: `then imported whole: ${n.toLocaleString('en-US')} rows; again: 0 added` });
}

// ---- 2. SIGKILL during segment ----
const asOf = query<string>('SELECT max(date) FROM transactions');
{
  const seg = rapport(['-q', 'segment', '--as-of', asOf]);
  check(seg.code === 0, `first segment: ${seg.stderr}`);
  const n = Math.max(2, Math.floor(trials / 2));
  let killed = 0;
  let survived = 0;
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const before = stored();
    const how = await killAfter(['-q', 'segment', '--as-of', asOf], 200 + Math.floor(rand() * 2800));
    if (how === 'killed') killed++;
    const gone = lostSince(before);
    lost += gone;
    check(how !== 'failed' && gone === 0, `segment trial ${i}: ${how}, ${gone} rows lost`);
    const ok = integrityOk();
    const broken = query<number>('SELECT count(*) FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)');
    const one = query<number>(`SELECT count(*) FROM snapshots WHERE as_of = '${asOf}'`) === 1;
    check(ok && broken === 0 && one, `segment trial ${i}: integrity ${ok}, half snapshots ${broken}, one per date ${one}`);
    if (how !== 'failed' && gone === 0 && ok && broken === 0 && one) survived++;
    log(`  segment kill ${i + 1}/${n}: ${how}, integrity ${ok ? 'ok' : 'FAILED'}, half-written snapshots ${broken}`);
  }
  results.push({ test: 'SIGKILL during segment', trials: n, killed, survived, lost, notes: 'the snapshot of the date is always whole: the old one or the new one' });
}

// ---- 3. SIGKILL during complaint add ----
{
  const customer = query<string>('SELECT id FROM customers ORDER BY id LIMIT 1');
  const n = Math.max(2, Math.floor(trials / 2));
  let killed = 0;
  let survived = 0;
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const earlier = stored();
    const before = earlier.complaints;
    const how = await killAfter(['-q', 'complaint', 'add', '--customer', customer, '--category', 'service', '--summary', `harness ${i}`], 40 + Math.floor(rand() * 200));
    if (how === 'killed') killed++;
    const gone = lostSince(earlier);
    lost += gone;
    check(how !== 'failed' && gone === 0, `complaint trial ${i}: ${how}, ${gone} rows lost`);
    const after = query<number>('SELECT count(*) FROM complaints');
    const ok = integrityOk();
    const orphans = query<number>(`SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'logged') OR NOT EXISTS (SELECT 1 FROM complaint_due d WHERE d.complaint_id = c.id)`);
    const whole = orphans === 0 && (after === before || after === before + 1) && (how === 'killed' || after === before + 1);
    check(ok && whole, `complaint trial ${i}: integrity ${ok}, ${after - before} added, ${orphans} without their history`);
    if (how !== 'failed' && gone === 0 && ok && whole) survived++;
  }
  results.push({ test: 'SIGKILL during complaint add', trials: n, killed, survived, lost, notes: 'each complaint with its history and due time, or nothing' });
}

// ---- 4. everything at once ----
{
  const rounds = Number(values.rounds);
  let ok = 0;
  let reads = 0;
  let lostAll = 0;
  const customer = query<string>('SELECT id FROM customers ORDER BY id LIMIT 1');
  for (let round = 0; round < rounds; round++) {
    const extra = path.join(work, `extra-${round}.csv`);
    fs.writeFileSync(extra, 'invoice,date,customer_id,amount\n' + Array.from({ length: 5000 }, (_, i) => `H${round}-${i},${asOf},HC${i % 500},${(1 + (i % 50)).toFixed(2)}`).join('\n') + '\n');
    const tx = query<number>('SELECT count(*) FROM transactions');
    const cs = query<number>('SELECT count(*) FROM complaints');
    const jobs: [string, string[]][] = [
      ['import', ['-q', 'import', 'transactions', extra]],
      ['segment', ['-q', 'segment', '--as-of', asOf]],
      ['report', ['--format', 'json', 'report', 'pyramid', '--as-of', asOf]],
      ['customers', ['--format', 'csv', 'customers', '--as-of', asOf, '--tier', 'platinum']],
      ...[0, 1, 2].map((k): [string, string[]] => ['complaint', ['-q', 'complaint', 'add', '--customer', customer, '--category', 'price', '--summary', `round ${round} #${k}`]]),
    ];
    const earlier = stored();
    const watch = watchReads(tx, 5000);
    const ends = await Promise.all(
      jobs.map(
        ([name, args]) =>
          new Promise<{ name: string; code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [BIN, '--db', db, ...args], { env: { ...process.env, CI: '1' } });
            let stderr = '';
            child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
            child.stdout.resume();
            child.on('exit', (code) => resolve({ name, code, stderr }));
          }),
      ),
    );
    const seen = watch.stop();
    const gone = lostSince(earlier);
    lostAll += gone;
    check(gone === 0, `concurrent round ${round}: ${gone} rows lost`);
    reads += seen.reads;
    const bad = ends.filter((e) => e.code !== 0 || /locked|busy/i.test(e.stderr));
    const right = query<number>('SELECT count(*) FROM transactions') === tx + 5000 && query<number>('SELECT count(*) FROM complaints') === cs + 3 && integrityOk();
    const whole = seen.torn.length === 0;
    check(bad.length === 0 && right && whole, `concurrent round ${round}: ${bad.map((b) => `${b.name} exit ${b.code} ${b.stderr.trim()}`).join('; ')} totals right: ${right}; ${seen.torn.slice(0, 3).join('; ')}`);
    if (bad.length === 0 && right && whole && gone === 0) ok++;
    log(`  concurrent round ${round + 1}/${rounds}: ${bad.length === 0 ? 'all 7 finished' : bad.length + ' failed'}, totals ${right ? 'right' : 'WRONG'}, ${seen.reads} reads ${whole ? 'all whole' : `${seen.torn.length} saw half-finished writes`}`);
  }
  results.push({ test: 'import + segment + report + customers + 3 complaints at once', trials: rounds, killed: null, survived: ok, lost: lostAll, notes: `no "database is locked"; totals right after each round; ${reads} reads while they ran saw no half-finished import or snapshot` });
}

fs.rmSync(work, { recursive: true, force: true });
if (values.json) process.stdout.write(JSON.stringify({ results, failures }, null, 2) + '\n');
else {
  process.stdout.write('| test | trials | killed while running | survived intact | rows lost | what was checked |\n|---|---|---|---|---|---|\n');
  for (const r of results) process.stdout.write(`| ${r.test} | ${r.trials} | ${r.killed ?? '—'} | ${r.survived} | ${r.lost} | ${r.notes} |\n`);
  if (failures.length > 0) process.stdout.write(`\nFAILED:\n${failures.map((f) => '- ' + f).join('\n')}\n`);
}
process.exitCode = failures.length === 0 ? 0 : 1;
