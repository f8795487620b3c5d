/**
 * `npm run harness`: tries hard to break the database. SIGKILLs `import`, `segment` and
 * `complaint add` at random moments and checks after each kill that the database is intact and
 * holds every write whole or not at all; then runs an import, a segment run, a report, a customer
 * list and complaint logging at the same time, several rounds, and checks that all succeed with
 * the right totals, while reading the database every 50 ms to be sure no reader sees part of an
 * import or of a snapshot; sends SIGINT, SIGTERM and SIGHUP at random moments of an import, an
 * export and a report to --out, and segment (each must die of it within a second, leaving no
 * temporary file and every write whole); and has a complaint typed in a pseudo-terminal while an
 * import holds the write lock (it must wait and be saved). Prints a table (and JSON with --json).
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
import { DEFAULTS, generate, rng } from './synth/generate.js';
import { BIN, ledger, runner, type Stored } from './kit.js';
import { converse } from './pty.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
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

const { rapport, killAfter } = runner(db);

/**
 * Reads the database every 50 ms while a round runs, as a reader would, each time in one read
 * transaction: the transactions must number `before` or `before + added` (never part of the
 * import), and every snapshot must hold as many customers as it says.
 */
function watchReads(before: number, added: number): { stop(): { reads: number; torn: string[] } } {
  const h = new Database(db, { readonly: true, timeout: 15_000 });
  const look = h.transaction(() => ({
    transactions: h.prepare('SELECT count(*) FROM transactions').pluck().get() as number,
    short: h
      .prepare('SELECT count(*) FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)')
      .pluck()
      .get() as number,
  }));
  let reads = 0;
  const torn: string[] = [];
  const timer = setInterval(() => {
    const seen = look();
    reads++;
    if (seen.transactions !== before && seen.transactions !== before + added)
      torn.push(`a reader saw ${seen.transactions} transactions (before ${before}, after ${before + added})`);
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

/** One value, or with `row` the whole first row as an array (of the harness's database unless `file`). */
function query<T>(sql: string, row = false, file = db): T {
  const h = new Database(file, { readonly: true });
  try {
    const st = h.prepare(sql);
    return (row ? st.raw().get() : st.pluck().get()) as T;
  } finally {
    h.close();
  }
}

const integrityOkOf = (file: string): boolean => query<string>('PRAGMA integrity_check', false, file) === 'ok';
const integrityOk = (): boolean => integrityOkOf(db);

/** Whether another connection holds the write lock (BEGIN IMMEDIATE fails at once). */
function writeLocked(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const h = new Database(file, { timeout: 0 });
  try {
    h.exec('BEGIN IMMEDIATE');
    h.exec('ROLLBACK');
    return false;
  } catch {
    return true;
  } finally {
    h.close();
  }
}

/** Starts a command, sends `signal` after `ms`; how it ended and how long after the signal. */
function signalAfter(
  file: string,
  args: string[],
  signal: NodeJS.Signals,
  ms: number,
  tmp: string,
): Promise<{ how: 'signalled' | 'finished' | 'failed'; ms: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--db', file, ...args], { stdio: 'ignore', env: { ...process.env, CI: '1', TMPDIR: tmp } });
    let sent = 0;
    const timer = setTimeout(() => {
      sent = performance.now();
      child.kill(signal);
    }, ms);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ how: sig === signal ? 'signalled' : code === 0 ? 'finished' : 'failed', ms: sent === 0 ? 0 : performance.now() - sent });
    });
  });
}
const { results, failures, check, report } = ledger(log);

// ---- the file ----
const csv = path.join(root, 'bench', 'out', `transactions-${rows}-${DEFAULTS.customers}-seed${DEFAULTS.seed}.csv`);
if (!fs.existsSync(csv)) {
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  log(`generating ${csv} ...`);
  generate({ ...DEFAULTS, rows }, csv);
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
  fs.writeFileSync(
    earlier,
    'invoice,date,customer_id,amount\n' +
      Array.from({ length: 5000 }, (_, i) => `B-${i},2022-06-${String(1 + (i % 28)).padStart(2, '0')},BC${i % 300},${(1 + (i % 40)).toFixed(2)}`).join('\n') +
      '\n',
  );
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
  results.push({
    test: `SIGKILL during import (${rows.toLocaleString('en-US')} lines, onto an earlier import)`,
    trials,
    killed,
    survived,
    lost,
    notes: `then imported whole: ${n.toLocaleString('en-US')} rows; again: 0 added`,
  });
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
  const customer = query<string>('SELECT id FROM customers ORDER BY id LIMIT 1');
  const n = Math.max(2, Math.floor(trials / 2));
  let killed = 0;
  let survived = 0;
  let lost = 0;
  for (let i = 0; i < n; i++) {
    const earlier = stored();
    const before = earlier.complaints;
    const how = await killAfter(
      ['-q', 'complaint', 'add', '--customer', customer, '--category', 'service', '--summary', `harness ${i}`],
      40 + Math.floor(rand() * 200),
    );
    if (how === 'killed') killed++;
    const gone = lostSince(earlier);
    lost += gone;
    check(how !== 'failed' && gone === 0, `complaint trial ${i}: ${how}, ${gone} rows lost`);
    const after = query<number>('SELECT count(*) FROM complaints');
    const ok = integrityOk();
    const orphans = query<number>(
      `SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.kind = 'logged') OR NOT EXISTS (SELECT 1 FROM complaint_due d WHERE d.complaint_id = c.id)`,
    );
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
    fs.writeFileSync(
      extra,
      'invoice,date,customer_id,amount\n' +
        Array.from({ length: 5000 }, (_, i) => `H${round}-${i},${asOf},HC${i % 500},${(1 + (i % 50)).toFixed(2)}`).join('\n') +
        '\n',
    );
    const tx = query<number>('SELECT count(*) FROM transactions');
    const cs = query<number>('SELECT count(*) FROM complaints');
    const jobs: [string, string[]][] = [
      ['import', ['-q', 'import', 'transactions', extra]],
      ['segment', ['-q', 'segment', '--as-of', asOf]],
      ['report', ['--format', 'json', 'report', 'pyramid', '--as-of', asOf]],
      ['customers', ['--format', 'csv', 'customers', '--as-of', asOf, '--tier', 'platinum']],
      ...[0, 1, 2].map((k): [string, string[]] => [
        'complaint',
        ['-q', 'complaint', 'add', '--customer', customer, '--category', 'price', '--summary', `round ${round} #${k}`],
      ]),
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
    const right =
      query<number>('SELECT count(*) FROM transactions') === tx + 5000 && query<number>('SELECT count(*) FROM complaints') === cs + 3 && integrityOk();
    const whole = seen.torn.length === 0;
    check(
      bad.length === 0 && right && whole,
      `concurrent round ${round}: ${bad.map((b) => `${b.name} exit ${b.code} ${b.stderr.trim()}`).join('; ')} totals right: ${right}; ${seen.torn.slice(0, 3).join('; ')}`,
    );
    if (bad.length === 0 && right && whole && gone === 0) ok++;
    log(
      `  concurrent round ${round + 1}/${rounds}: ${bad.length === 0 ? 'all 7 finished' : bad.length + ' failed'}, totals ${right ? 'right' : 'WRONG'}, ${seen.reads} reads ${whole ? 'all whole' : `${seen.torn.length} saw half-finished writes`}`,
    );
  }
  results.push({
    test: 'import + segment + report + customers + 3 complaints at once',
    trials: rounds,
    killed: null,
    survived: ok,
    lost: lostAll,
    notes: `no "database is locked"; totals right after each round; ${reads} reads while they ran saw no half-finished import or snapshot`,
  });
}

// ---- 5. SIGINT, SIGTERM and SIGHUP at random moments ----
// Each command gets a signal at a random moment; it must die of that signal (the shell's 130, 143,
// 129) within a second, leave no temporary file (in the --out folder, the database's folder or
// the temporary folder, which TMPDIR points into the work folder), and leave the database intact
// with every write whole or absent.
{
  const tmp = path.join(work, 'tmp');
  const outDir = path.join(work, 'out');
  fs.mkdirSync(tmp, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });
  const sigDb = path.join(work, 'sig.db');
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const leftovers = (): string[] => [outDir, tmp, work].flatMap((d) => fs.readdirSync(d).filter((n) => n.startsWith('.rapport-tmp-')));
  const whole = (file: string): boolean =>
    query<number>(`SELECT count(*) FROM imports WHERE status = 'complete'`, false, file) === 0
      ? query<number>('SELECT count(*) FROM transactions', false, file) === 0
      : query<number>('SELECT count(*) FROM transactions', false, file) === query<number>('SELECT sum(rows_imported) FROM imports', false, file);
  const halfSnapshots = (): number =>
    query<number>('SELECT count(*) FROM snapshots s WHERE customers <> (SELECT count(*) FROM snapshot_customers c WHERE c.snapshot_id = s.id)');
  const kinds: { test: string; args: (i: number) => string[]; dbFile: string; before?: () => void; maxMs: number; check: (i: number) => string | null }[] = [
    {
      test: `import of ${rows.toLocaleString('en-US')} lines`,
      dbFile: sigDb,
      before: () => {
        for (const f of files(sigDb)) fs.rmSync(f, { force: true });
      },
      args: () => ['-q', 'import', 'transactions', csv],
      maxMs: 4000,
      // a signal before the database was created leaves none: nothing stored
      check: () => (!fs.existsSync(sigDb) ? null : integrityOkOf(sigDb) ? (whole(sigDb) ? null : 'part of the file stored') : 'integrity_check failed'),
    },
    {
      test: 'export transactions --out',
      dbFile: db,
      args: (i) => ['export', 'transactions', '--out', path.join(outDir, `t${i}.csv`)],
      maxMs: 5000,
      check: (i) =>
        fs.existsSync(path.join(outDir, `t${i}.csv`)) && !fs.readFileSync(path.join(outDir, `t${i}.csv`), 'utf8').endsWith('\n')
          ? 'a partial export in place'
          : null,
    },
    {
      test: 'report churn --out',
      dbFile: db,
      args: (i) => ['report', 'churn', '--as-of', asOf, '--out', path.join(outDir, `r${i}.html`)],
      maxMs: 5000,
      check: (i) =>
        fs.existsSync(path.join(outDir, `r${i}.html`)) &&
        !fs
          .readFileSync(path.join(outDir, `r${i}.html`), 'utf8')
          .trimEnd()
          .endsWith('</html>')
          ? 'a partial report in place'
          : null,
    },
    {
      test: 'segment',
      dbFile: db,
      args: () => ['-q', 'segment', '--as-of', asOf],
      maxMs: 3000,
      check: () => (integrityOk() ? (halfSnapshots() === 0 ? null : 'a half-written snapshot') : 'integrity_check failed'),
    },
  ];
  const n = Math.max(3, Math.floor(trials / 2));
  for (const kind of kinds) {
    let signalled = 0;
    let survived = 0;
    let slowest = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      kind.before?.();
      const earlier = kind.dbFile === db ? stored() : null;
      const signal = SIGNALS[i % 3]!;
      const end = await signalAfter(kind.dbFile, kind.args(i), signal, 150 + Math.floor(rand() * kind.maxMs), tmp);
      const left = leftovers();
      const problem = kind.check(i);
      const gone = earlier === null ? 0 : lostSince(earlier);
      lost += gone;
      if (end.how === 'signalled') {
        signalled++;
        slowest = Math.max(slowest, end.ms);
      }
      const prompt = end.how !== 'signalled' || end.ms < 1000;
      const good = end.how !== 'failed' && prompt && left.length === 0 && problem === null && gone === 0;
      check(end.how !== 'failed', `${kind.test} ${signal} trial ${i}: failed on its own`);
      check(prompt, `${kind.test} ${signal} trial ${i}: ended ${Math.round(end.ms)} ms after the signal`);
      check(left.length === 0, `${kind.test} ${signal} trial ${i}: left ${left.join(', ')}`);
      check(problem === null, `${kind.test} ${signal} trial ${i}: ${problem}`);
      check(gone === 0, `${kind.test} ${signal} trial ${i}: ${gone} rows lost`);
      if (good) survived++;
      for (const f of fs.readdirSync(outDir)) fs.rmSync(path.join(outDir, f), { force: true });
      log(
        `  ${kind.test} ${signal} ${i + 1}/${n}: ${end.how}${end.how === 'signalled' ? ` in ${Math.round(end.ms)} ms` : ''}, ${left.length} temp files left, ${problem ?? 'whole'}`,
      );
    }
    results.push({
      test: `SIGINT/SIGTERM/SIGHUP during ${kind.test}`,
      trials: n,
      killed: signalled,
      survived,
      lost,
      notes: `died of the signal (shell 130/143/129) at most ${Math.round(slowest)} ms after it; no temporary file left; intact and whole`,
    });
  }
}

// ---- 6. a complaint typed at the counter while an import holds the write lock ----
// The import runs into a database of its own (the file takes many seconds); the complaint is
// typed in a pseudo-terminal and confirmed while the import holds the lock. It must wait, say
// so, and be saved when the import commits: never "the database is busy".
if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) failures.push('counter case: the `script` command (util-linux) is missing');
else {
  const counterDb = path.join(work, 'counter.db');
  const seed = path.join(work, 'counter.csv');
  fs.writeFileSync(seed, 'invoice,date,customer_id,amount\nS-1,2022-01-03,Y1,9.50\n');
  const first = spawnSync(process.execPath, [BIN, '--db', counterDb, '-q', 'import', 'transactions', seed], { encoding: 'utf8' });
  check(first.status === 0, `counter case: ${first.stderr}`);
  const imp = spawn(process.execPath, [BIN, '--db', counterDb, '-q', 'import', 'transactions', csv], { stdio: 'ignore', env: { ...process.env, CI: '1' } });
  const importEnded = new Promise<number | null>((r) => imp.on('exit', (code) => r(code)));
  // until the import holds the write lock (its transaction begins after the file is sniffed)
  for (let i = 0; i < 100 && !writeLocked(counterDb); i++) await new Promise((r) => setTimeout(r, 100));
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
  delete env.CI;
  let waitedFrom = 0;
  const started = performance.now();
  const { code, screen } = await converse(
    `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(counterDb)} complaint add --customer Y1 --category service --priority normal --summary "typed at the counter"`,
    [
      ...[
        'Product',
        'How it happened',
        'Why they are dissatisfied',
        'Member of staff',
        'Anything else',
        'Is the demand reasonable',
        'The resolution they want',
        'Save this complaint?',
      ].map((w): [string, string] => [w, '\r']),
      ['waiting for the import to finish', () => void (waitedFrom = performance.now())],
    ],
    env,
    600_000,
  );
  const waited = waitedFrom === 0 ? 0 : performance.now() - waitedFrom;
  const importCode = await importEnded;
  const saved = query<number>(`SELECT count(*) FROM complaints WHERE summary = 'typed at the counter'`, false, counterDb);
  const ok = code === 0 && waitedFrom > 0 && saved === 1 && importCode === 0 && !/busy/.test(screen) && integrityOkOf(counterDb);
  check(ok, `counter case: exit ${code}, waited ${waitedFrom > 0}, saved ${saved}, import exit ${importCode}; ${screen.slice(-300)}`);
  log(
    `  counter during import: ${ok ? 'saved' : 'FAILED'} after waiting ${(waited / 1000).toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s in all)`,
  );
  results.push({
    test: 'complaint confirmed at a prompt while an import holds the write lock',
    trials: 1,
    killed: null,
    survived: ok ? 1 : 0,
    lost: 0,
    notes: `waited ${(waited / 1000).toFixed(1)} s with "waiting for the import to finish" on the screen (the busy timeout is 15 s), then saved; the import whole too`,
  });
}

fs.rmSync(work, { recursive: true, force: true });
report('test', values.json === true);
