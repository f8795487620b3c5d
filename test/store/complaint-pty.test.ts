/**
 * The real binary in a pseudo-terminal (util-linux `script` gives it one): type answers as a
 * person would, waiting for each prompt, and check the complaint landed in the database.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { converse } from '../../bench/pty.js';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { fixture, run, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

describe('complaint add in a pseudo-terminal', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it('has a pseudo-terminal to run in', () => {
    // util-linux's `script`: Debian's bsdutils (.ci/run installs it when missing)
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
  });

  // No size (script's own pty), and the sizes real terminals report: the second prompt never
  // appeared on a terminal of known width until the prompts drew beneath the line fitter.
  it.each([undefined, { cols: 80, rows: 24 }, { cols: 120, rows: 40 }])('walks through the prompts and saves the complaint (window %o)', async (size) => {
    t = tempDir();
    expect((await run(['--db', t.db, '-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
    delete env.CI; // prompts are off under CI; this test is the terminal
    const DOWN = '\u001b[B';
    const { code, screen } = await converse(
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add`,
      [
        ['Customer (part of', 'hampers\r'],
        ['who is it?', '\r'],
        ['returning customer', ''],
        ['Category', `${DOWN}${DOWN}\r`], // price, product, service
        ['Priority', '\r'],
        ['Product', 'Hamper\r'],
        ['What happened', 'arrived two days late\r'],
        ['How it happened', '\r'],
        ['Why they are dissatisfied', 'it was a gift\r'],
        ['Member of staff', '\r'],
        ['Anything else', '\r'],
        ['Is the demand reasonable', `${DOWN}\r`], // not judged yet, yes
        ['The resolution they want', 'refund the delivery\r'],
        ['Save this complaint?', '\r'],
      ],
      env,
      90_000,
      size,
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('logged complaint #1 for Y1');

    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT customer_id, category, priority, product, summary, why, wanted, reasonable, status FROM complaints').all()).toEqual([
        {
          customer_id: 'Y1',
          category: 'service',
          priority: 'normal',
          product: 'Hamper',
          summary: 'arrived two days late',
          why: 'it was a gift',
          wanted: 'refund the delivery',
          reasonable: 1,
          status: 'open',
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    t = tempDir();
    expect((await run(['--db', t.db, '-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
    delete env.CI;
    const { code, screen } = await converse(
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add --customer Y1`,
      [['Category', '\u0003']],
      env,
    );
    expect(code, screen).toBe(130);
    expect(screen).toContain('cancelled: nothing was written');
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT count(*) FROM complaints').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  /**
   * Another process holding the write lock, as a long import does: BEGIN IMMEDIATE, then nothing
   * until its stdin closes.
   */
  function holdWriteLock(db: string): Promise<ChildProcessWithoutNullStreams> {
    const script = `const D = require('better-sqlite3'); const d = new D(process.argv[1]); d.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); process.stdin.on('end', () => { d.exec('ROLLBACK'); d.close(); }); process.stdin.resume();`;
    const holder = spawn(process.execPath, ['-e', script, db], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      holder.stdout.once('data', () => resolve(holder));
      holder.on('error', reject);
      holder.on('exit', (code) => reject(new Error(`the lock holder ended (exit ${code})`)));
    });
  }
  const ROOT = path.resolve(path.dirname(BIN), '..');
  const counterSteps = (after: [string, string | (() => void)][]): [string, string | (() => void)][] => [
    ['Product', '\r'],
    ['How it happened', '\r'],
    ['Why they are dissatisfied', '\r'],
    ['Member of staff', '\r'],
    ['Anything else', '\r'],
    ['Is the demand reasonable', '\r'],
    ['The resolution they want', '\r'],
    ['Save this complaint?', '\r'],
    ...after,
  ];
  const complaints = (db: string): number => {
    const h = openDatabase(db, { create: false });
    try {
      return h.prepare('SELECT count(*) FROM complaints').pluck().get() as number;
    } finally {
      h.close();
    }
  };

  it('a complaint confirmed while another process holds the write lock waits, says so, and is saved when the lock frees', async () => {
    t = tempDir();
    expect((await run(['--db', t.db, '-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
    const holder = await holdWriteLock(t.db);
    // A busy timeout far shorter than the wait: the confirmed complaint must outlast it.
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1', RAPPORT_BUSY_TIMEOUT_MS: '200' };
    delete env.CI;
    let waitingSince = 0;
    let released = 0;
    const { code, screen } = await converse(
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add --customer Y1 --category service --priority normal --summary "kept waiting"`,
      counterSteps([
        [
          'waiting for the import to finish',
          () => {
            waitingSince = performance.now();
            expect(complaints(t.db)).toBe(0);
            setTimeout(() => {
              released = performance.now();
              holder.stdin.end();
            }, 2000);
          },
        ],
      ]),
      env,
    );
    expect(code, screen).toBe(0);
    expect(released - waitingSince).toBeGreaterThan(1500);
    expect(screen).toMatch(/waiting for the import to finish[^]*logged complaint #1 for Y1/);
    expect(screen).not.toContain('busy');
    expect(complaints(t.db)).toBe(1);
  });

  it('Ctrl-C while waiting for the lock gives up: exit 130, nothing written', async () => {
    t = tempDir();
    expect((await run(['--db', t.db, '-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
    const holder = await holdWriteLock(t.db);
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1', RAPPORT_BUSY_TIMEOUT_MS: '200' };
      delete env.CI;
      const { code, screen } = await converse(
        `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add --customer Y1 --category service --priority normal --summary "given up"`,
        counterSteps([['waiting for the import to finish', '\u0003']]),
        env,
      );
      expect(code, screen).toBe(130);
    } finally {
      holder.stdin.end();
    }
    await new Promise((r) => holder.on('exit', r));
    expect(complaints(t.db)).toBe(0);
  });
});
