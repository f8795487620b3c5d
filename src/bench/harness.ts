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

/** Starts a command and SIGKILLs it after `ms` (unless it ended first). Resolves to how it ended. */
function killAfter(args: string[], ms: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--db', db, ...args], { stdio: 'ignore', env: { ...process.env, CI: '1' } });
    let done = false;
    const timer = setTimeout(() => {
      if (!done) child.kill('SIGKILL');
    }, ms);
    child.on('exit', (code, signal) => {
      done = true;
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : code === 0 ? 'finished' : 'killed');
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

function query<T>(sql: string): T {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare(sql).pluck().get() as T;
  } finally {
    h.close();
  }
}

const integrityOk = (): boolean => query<string>('PRAGMA integrity_check') === 'ok';
const results: { test: string; trials: number; killed: number; survived: number; notes: string }[] = [];
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

// ---- 1. SIGKILL during import ----
{
  let killed = 0;
  let survived = 0;
  let expected = -1;
  for (let i = 0; i < trials; i++) {
    for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });
    const how = await killAfter(['-q', 'import', 'transactions', csv], 150 + Math.floor(rand() * 3500));
    if (how === 'killed') killed++;
    if (!fs.existsSync(db)) {
      survived++; // killed before the database was created
      continue;
    }
    const ok = integrityOk();
    const n = query<number | undefined>(`SELECT count(*) FROM sqlite_schema WHERE name = 'transactions'`) ? query<number>('SELECT count(*) FROM transactions') : 0;
    const complete = n > 0 ? query<number>(`SELECT count(*) FROM imports WHERE status = 'complete'`) : 0;
    // whole or nothing: no rows, or every row with its complete import record
    if (how === 'finished' && expected < 0) expected = n;
    const whole = n === 0 || (complete === 1 && (expected < 0 || n === expected));
    check(ok, `import trial ${i}: integrity_check`);
    check(whole, `import trial ${i}: ${n} rows stored after a kill`);
    if (ok && whole) survived++;
    log(`  import kill ${i + 1}/${trials}: ${how}, ${n} rows, integrity ${ok ? 'ok' : 'FAILED'}`);
  }
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(db + ext, { force: true });
  const full = rapport(['-q', 'import', 'transactions', csv]);
  check(full.code === 0, `import after the kills: exit ${full.code} ${full.stderr}`);
  const n = query<number>('SELECT count(*) FROM transactions');
  if (expected >= 0) check(n === expected, `import after the kills stored ${n}, a finished one ${expected}`);
  const again = rapport(['-q', '--format', 'json', 'import', 'transactions', csv]);
  check(again.code === 0 && query<number>('SELECT count(*) FROM transactions') === n, 'importing the same file again adds nothing');
  results.push({ test: `SIGKILL during import (${rows.toLocaleString('en-US')} lines)`, trials, killed, survived, notes: `then imported whole: ${n.toLocaleString('en-US')} rows; again: 0 added` });
}

// ---- 2. SIGKILL during segment ----
const asOf = query<string>('SELECT max(date) FROM transactions');
{
  const seg = rapport(['-q', 'segment', '--as-of', asOf]);
  check(seg.code === 0, `first segment: ${seg.stderr}`);
  const n = Math.max(2, Math.floor(trials / 2));
  let killed = 0;
  let survived = 0;
  for (let i = 0; i < n; i++) {
    const how = await killAfter(['-q', 'segment', '--as-of', asOf], 200 + Math.floor(rand() * 2800));
    if (how === 'killed') killed++;
    const ok = integrityOk();
    const broken = query<number>('SELECT count(*) FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)');
    const one = query<number>(`SELECT count(*) FROM snapshots WHERE as_of = '${asOf}'`) === 1;
    check(ok && broken === 0 && one, `segment trial ${i}: integrity ${ok}, half snapshots ${broken}, one per date ${one}`);
    if (ok && broken === 0 && one) survived++;
    log(`  segment kill ${i + 1}/${n}: ${how}, integrity ${ok ? 'ok' : 'FAILED'}, half-written snapshots ${broken}`);
  }
  results.push({ test: 'SIGKILL during segment', trials: n, killed, survived, notes: 'the snapshot of the date is always whole: the old one or the new one' });
}

// ---- 3. SIGKILL during complaint add ----
{
  const customer = query<string>('SELECT id FROM customers ORDER BY id LIMIT 1');
  const n = Math.max(2, Math.floor(trials / 2));
  let killed = 0;
  let survived = 0;
  for (let i = 0; i < n; i++) {
    const before = query<number>('SELECT count(*) FROM complaints');
    const how = await killAfter(['-q', 'complaint', 'add', '--customer', customer, '--category', 'service', '--summary', `harness ${i}`], 40 + Math.floor(rand() * 200));
    if (how === 'killed') killed++;
    const after = query<number>('SELECT count(*) FROM complaints');
    const ok = integrityOk();
    const orphans = query<number>(`SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'logged') OR NOT EXISTS (SELECT 1 FROM complaint_due d WHERE d.complaint_id = c.id)`);
    const whole = orphans === 0 && (after === before || after === before + 1) && (how === 'killed' || after === before + 1);
    check(ok && whole, `complaint trial ${i}: integrity ${ok}, ${after - before} added, ${orphans} without their history`);
    if (ok && whole) survived++;
  }
  results.push({ test: 'SIGKILL during complaint add', trials: n, killed, survived, notes: 'each complaint with its history and due time, or nothing' });
}

// ---- 4. everything at once ----
{
  const rounds = Number(values.rounds);
  let ok = 0;
  let reads = 0;
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
    reads += seen.reads;
    const bad = ends.filter((e) => e.code !== 0 || /locked|busy/i.test(e.stderr));
    const right = query<number>('SELECT count(*) FROM transactions') === tx + 5000 && query<number>('SELECT count(*) FROM complaints') === cs + 3 && integrityOk();
    const whole = seen.torn.length === 0;
    check(bad.length === 0 && right && whole, `concurrent round ${round}: ${bad.map((b) => `${b.name} exit ${b.code} ${b.stderr.trim()}`).join('; ')} totals right: ${right}; ${seen.torn.slice(0, 3).join('; ')}`);
    if (bad.length === 0 && right && whole) ok++;
    log(`  concurrent round ${round + 1}/${rounds}: ${bad.length === 0 ? 'all 7 finished' : bad.length + ' failed'}, totals ${right ? 'right' : 'WRONG'}, ${seen.reads} reads ${whole ? 'all whole' : `${seen.torn.length} saw half-finished writes`}`);
  }
  results.push({ test: 'import + segment + report + customers + 3 complaints at once', trials: rounds, killed: 0, survived: ok, notes: `no "database is locked"; totals right after each round; ${reads} reads while they ran saw no half-finished import or snapshot` });
}

fs.rmSync(work, { recursive: true, force: true });
if (values.json) process.stdout.write(JSON.stringify({ results, failures }, null, 2) + '\n');
else {
  process.stdout.write('| test | trials | killed mid-run | survived intact | what was checked |\n|---|---|---|---|---|\n');
  for (const r of results) process.stdout.write(`| ${r.test} | ${r.trials} | ${r.killed} | ${r.survived} | ${r.notes} |\n`);
  if (failures.length > 0) process.stdout.write(`\nFAILED:\n${failures.map((f) => '- ' + f).join('\n')}\n`);
}
process.exitCode = failures.length === 0 ? 0 : 1;
