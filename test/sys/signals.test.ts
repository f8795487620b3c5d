/**
 * Signals, temporary files and file modes, on the real binary (needs dist/: `npm test` builds it):
 * SIGINT, SIGTERM and SIGHUP during an export to --out and during an import end the run within a
 * second, leave no temporary file and store nothing half; a later run sweeps what a killed one
 * left; --out files and the database are owner-only under any umask; a FIFO is written, not
 * replaced; an extension rapport does not write is refused.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_AFTER_MS } from '../../src/sys/tempfiles.js';
import { fixture, run, tempDir } from '../helpers.js';
import { readOffset, underLoad, until } from '../waits.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
/** Enough that the export to --out takes several seconds and the import runs in its worker (over 2 MiB). */
const ROWS = 300_000;

let t: ReturnType<typeof tempDir>;
let csv: string;

beforeAll(() => {
  t = tempDir();
  csv = path.join(t.dir, 'sales.csv');
  const lines = ['customer_id,date,amount,channel'];
  for (let i = 0; i < ROWS; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + (i % 1500) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`K${i % 30_000},${day},${(5 + (i % 997) / 10).toFixed(2)},${i % 2 === 0 ? 'web' : 'shop'}`);
  }
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const r = spawnSync(process.execPath, [BIN, '--db', t.db, '-q', 'import', 'transactions', csv], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

afterAll(() => t?.cleanup());

const temps = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.startsWith('.rapport-tmp-'));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the process's end; null when it ended before the signal was sent. */
  ms: number | null;
  stderr: string;
}

/** Runs the binary and sends `signal` once `ready` resolves (the run has reached the state the test is about). */
function signalled(
  args: string[],
  signal: NodeJS.Signals,
  ready: (child: ChildProcess) => Promise<void>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    let sent: number | null = null;
    child.on('exit', (code, sig) => resolve({ code, signal: sig, ms: sent === null ? null : performance.now() - sent, stderr }));
    ready(child).then(
      () => {
        sent = performance.now();
        child.kill(signal);
      },
      (e: unknown) => (child.exitCode === null && child.signalCode === null ? reject(e as Error) : undefined),
    );
  });
}

/** Past the first 256 KiB chunk the sniffer reads (src/import/sniff.ts): the worker is reading. */
const WORKER_READING = 1024 * 1024;

describe('signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} during export transactions --out: ends within a second, the previous file as it was, no temporary file`, async () => {
      const dir = fs.mkdtempSync(path.join(t.dir, 'out-'));
      const target = path.join(dir, 'sales.csv');
      fs.writeFileSync(target, 'the previous export\n');
      // Signalled once the rows are being written (its temporary file is there), however long that takes.
      const end = await signalled(['--db', t.db, 'export', 'transactions', '--out', target], signal, (child) =>
        until(() => temps(dir).length > 0, 'the export began writing', child),
      );
      expect(end.ms, `finished before the signal: ${end.stderr}`).not.toBeNull();
      expect(end.signal, end.stderr).toBe(signal);
      expect(end.ms!).toBeLessThan(underLoad(1000));
      expect(fs.readFileSync(target, 'utf8')).toBe('the previous export\n');
      expect(temps(dir)).toEqual([]);
    });

    it(`${signal} during an import (in its worker): ends within a second, nothing of the file stored`, async () => {
      const dir = fs.mkdtempSync(path.join(t.dir, 'imp-'));
      const db = path.join(dir, 'fresh.db');
      // Signalled once the worker is reading the file (the whole import takes about 1.3 s unloaded);
      // a signal after the commit would rightly find the whole file stored. A fixed half second
      // met the run before its tables existed on a busy machine ("no such table: transactions").
      const end = await signalled(['--db', db, '-q', 'import', 'transactions', csv], signal, (child) =>
        until(() => readOffset(child.pid!, csv) >= WORKER_READING, 'the worker read the first megabyte', child),
      );
      expect(end.ms, `finished before the signal: ${end.stderr}`).not.toBeNull();
      expect(end.signal, end.stderr).toBe(signal);
      expect(end.ms!).toBeLessThan(underLoad(1000));
      const h = new Database(db, { readonly: true });
      try {
        expect(h.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(h.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
        expect(h.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(0);
      } finally {
        h.close();
      }
      expect(temps(dir)).toEqual([]);
    });
  }

  it('a shell sees 130, 143 and 129 (the process dies of the signal, as a calling script needs)', () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'sh-'));
    const codes = (['INT', 'TERM', 'HUP'] as const).map((sig) => {
      // set -m: a background job keeps SIGINT (a non-interactive shell would have it ignored).
      // Killed once the export writes its temporary file (its handlers are in place by then).
      const wait = `until ls "$3"/.rapport-tmp-* >/dev/null 2>&1 || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done`;
      const script = `set -m; "$0" "$1" --db "$2" export transactions --out "$3/${sig}.csv" 2>/dev/null & pid=$!; ${wait}; kill -${sig} $pid; wait $pid; echo $?`;
      const r = spawnSync('sh', ['-c', script, process.execPath, BIN, t.db, dir], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
      return Number(r.stdout.trim());
    });
    expect(codes).toEqual([130, 143, 129]);
    expect(temps(dir)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('SIGINT while standard input is being spooled removes the spooled copy', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'stdin-'));
    const child = spawn(process.execPath, [BIN, '--db', path.join(dir, 's.db'), '-q', 'import', 'transactions', '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, CI: '1', TMPDIR: dir },
    });
    child.stdin.write('customer_id,date,amount\nA1,2024-01-02,3.00\n');
    // The copy exists while the pipe stays open.
    await until(() => temps(dir).length > 0, 'standard input was spooled', child);
    expect(temps(dir)).toHaveLength(1);
    const ended = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, s) => r(s)));
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    expect(temps(dir)).toEqual([]);
  });
});

describe('temporary files of killed runs', () => {
  it('are swept at start-up when their process is gone or they are a day old; nothing else is touched', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'sweep-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a pid no longer running
    const names = {
      dead: `.rapport-tmp-${gone}-0badf00d-sales.csv`,
      live: `.rapport-tmp-${process.pid}-0badf00d-sales.csv`, // this test runner: still writing, say
      reused: `.rapport-tmp-${process.pid}-cafe0123-old.csv`, // a live pid, but untouched for two days
      other: '.rapport-tmp-notes.txt',
      mine: 'sales.csv',
    };
    for (const n of Object.values(names)) fs.writeFileSync(path.join(dir, n), 'x');
    const old = new Date(Date.now() - 2 * STALE_AFTER_MS);
    fs.utimesSync(path.join(dir, names.reused), old, old);
    fs.mkdirSync(path.join(dir, `.rapport-tmp-${gone}-0badf00d-folder`));
    fs.symlinkSync(path.join(dir, names.mine), path.join(dir, `.rapport-tmp-${gone}-0badf00d-link`));
    const db = path.join(dir, 'shop.db');
    // The real binary: in-process, the test runner's pid would be rapport's own (and so not "another live run").
    const r = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'customers', fixture('segment', 'customers.csv')], {
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed 2 temporary files left in ${dir} by interrupted runs`);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [names.live, `.rapport-tmp-${gone}-0badf00d-folder`, `.rapport-tmp-${gone}-0badf00d-link`, names.other, 'shop.db', names.mine].sort(),
    );
  });

  it('an --out folder is swept before a file is written there', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'outsweep-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(path.join(dir, `.rapport-tmp-${gone}-01234567-customers.csv`), 'half an export');
    const r = await run(['--db', t.db, 'export', 'customers', '--out', path.join(dir, 'customers.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['customers.csv']);
  });
});

describe('file modes', () => {
  const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8);
  for (const umask of ['077', '022', '027']) {
    it(`under umask ${umask}: the database, its -wal and -shm, exports and reports are owner-only`, () => {
      const dir = fs.mkdtempSync(path.join(t.dir, `umask${umask}-`));
      const db = path.join(dir, 'u.db');
      const sh = (args: string): void => {
        const r = spawnSync('sh', ['-c', `umask ${umask}; "$0" "$1" --db "$2" -q ${args}`, process.execPath, BIN, db], {
          encoding: 'utf8',
          cwd: dir,
          env: { ...process.env, CI: '1' },
        });
        expect(r.status, r.stderr).toBe(0);
      };
      sh(`import transactions ${JSON.stringify(fixture('segment', 'shop.csv'))}`);
      sh('export customers --out customers.csv');
      sh('report pyramid --out pyramid.html');
      // what a `>` redirect would give, for comparison: 0666 less the umask
      const redirect = (0o666 & ~parseInt(umask, 8)).toString(8);
      expect(redirect).toBe(umask === '077' ? '600' : umask === '022' ? '644' : '640');
      expect([db, path.join(dir, 'customers.csv'), path.join(dir, 'pyramid.html')].map(mode)).toEqual(['600', '600', '600']);
      // SQLite gives the -wal and -shm (there while the database is open) the database file's mode.
      const h = new Database(db);
      try {
        h.prepare('SELECT count(*) FROM transactions').get();
        expect([db + '-wal', db + '-shm'].map(mode)).toEqual(['600', '600']);
      } finally {
        h.close();
      }
    });
  }
});

describe('--out targets', () => {
  it('a FIFO is written as a stream to its reader and stays a FIFO', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'fifo-'));
    const fifo = path.join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (b: Buffer) => (received += b.toString()));
    const done = new Promise((r) => reader.on('exit', r));
    // Not spawnSync: the reader's output must keep flowing to this process while rapport writes.
    const writer = spawn(process.execPath, [BIN, '--db', t.db, '-q', 'export', 'customers', '--out', fifo], { stdio: 'ignore' });
    const status = await new Promise((r) => writer.on('exit', r));
    expect(status).toBe(0);
    await done;
    expect(received.split('\n')[0]).toMatch(/^id,/);
    expect(received.trim().split('\n')).toHaveLength(30_001);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(temps(dir)).toEqual([]);
  });

  it('a FIFO whose reader stops early ends the export quietly, like a pipe', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'fifohead-'));
    const fifo = path.join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('head', ['-c', '100', fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    reader.stdout.resume();
    const writer = spawn(process.execPath, [BIN, '--db', t.db, '-q', 'export', 'transactions', '--out', fifo], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    writer.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const status = await new Promise((r) => writer.on('exit', r));
    expect(status, stderr).toBe(0);
    expect(stderr).toBe('');
  });

  it('an extension rapport does not write is refused with a hint; --format makes it explicit', async () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'ext-'));
    const pdf = await run(['--db', t.db, 'report', 'pyramid', '--out', path.join(dir, 'pyramid.pdf')]);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain('rapport does not write .pdf files');
    expect(pdf.stderr).toMatch(/hint: name the file \.html, \.md, \.csv or \.json, or give --format/);
    const txt = await run(['--db', t.db, 'export', 'customers', '--out', path.join(dir, 'customers.txt')]);
    expect(txt.code).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([]);
    const asked = await run(['--db', t.db, '--format', 'md', 'report', 'pyramid', '--out', path.join(dir, 'pyramid.pdf')]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'pyramid.pdf'), 'utf8')).toMatch(/^#/);
  });
});
