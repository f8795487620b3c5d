/** Test helpers: run the CLI in-process with fake streams, on real temporary databases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import '../src/store/sqlite/db.js'; // as in rapport itself, the store sets up SQLite before anything opens a file
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { main } from '../src/main.js';
import { MONEY_KEYS } from '../src/core/moneyOut.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** stdout is a terminal (tables, colour allowed) */
  tty?: boolean;
  /** The terminal's width in characters, with tty: tables are fitted to it. */
  columns?: number;
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

class Sink extends PassThrough {
  text = '';
  isTTY: boolean;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
    this.on('data', (c: Buffer) => (this.text += c.toString('utf8')));
  }
}

/** Runs `rapport ...args` in-process and returns exit code, stdout and stderr. */
export async function run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdout = Object.assign(new Sink(opts.tty ?? false), opts.columns === undefined ? {} : { columns: opts.columns });
  const stderr = new Sink(opts.tty ?? false);
  const stdin = Object.assign(Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]), { isTTY: false });
  const code = await main(args, {
    stdout,
    stderr,
    stdin,
    env: { ...(opts.env ?? {}) },
    cwd: () => opts.cwd ?? process.cwd(),
  });
  // Let the PassThrough streams deliver what was written.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary folder, removed by the caller's afterEach via cleanup(). */
export function tempDir(): { dir: string; db: string; file(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  return {
    dir,
    db: path.join(dir, 'test.db'),
    file(name, content) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** The sample shop (fixtures/sample, the README's: 500 customers, sales to 2026-10-31) imported into `db`. */
export async function sampleShop(db: string): Promise<void> {
  for (const kind of ['customers', 'transactions']) {
    const r = await run(['--db', db, '-q', 'import', kind, fixture('sample', `${kind}.csv`)]);
    expect(r.code, r.stderr).toBe(0);
  }
}

/**
 * JSON from rapport with its money fields (core/moneyOut.ts MONEY_KEYS) read back into integer
 * minor units, so hand-worked expectations stay in cents: a decimal string with exactly
 * `exponent` digits after the point ("2500.00") becomes 250000. Anything else under those names
 * (a setting's value "5") is left as it is; test/core/money-out.test.ts checks the decimals themselves.
 */
export function minorUnits<T>(value: T, exponent = 2): T {
  const keys = MONEY_KEYS;
  const pattern = exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`);
  const walk = (v: unknown, key: string | null): unknown => {
    if (key !== null && keys.has(key) && v !== null && typeof v !== 'object') {
      return typeof v === 'string' && pattern.test(v) ? Number(v.replace('.', '')) : v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, null) as T;
}

/** A report's JSON with the money columns of its tables (kind 'money') read back into minor units. */
export function reportMinorUnits<T>(report: T, exponent = 2): T {
  const r = report as { sections: { tables?: { columns: { key: string; kind: string }[]; rows: Record<string, unknown>[] }[] }[] };
  const pattern = exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`);
  for (const s of r.sections)
    for (const t of s.tables ?? []) {
      const money = t.columns.filter((c) => c.kind === 'money').map((c) => c.key);
      for (const row of t.rows) for (const k of money) if (typeof row[k] === 'string' && pattern.test(row[k])) row[k] = Number(row[k].replace('.', ''));
    }
  return report;
}

/** One value from the database at `db`, read-only: `SELECT count(*) ...`. */
export function scalar<T>(db: string, sql: string): T {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare(sql).pluck().get() as T;
  } finally {
    h.close();
  }
}

/** Transactions stored, read read-write: closing the handle removes the -wal and -shm it made. */
export function transactionCount(db: string): number {
  const h = new Database(db, { fileMustExist: true });
  try {
    return h.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
  } finally {
    h.close();
  }
}

/** `rapport import transactions FILE --format json` into `db`: the exit code, stderr and the file's result. */
export async function importTransactionsJson<R>(db: string, file: string, options: string[]): Promise<{ code: number; stderr: string; r: R }> {
  const res = await run(['--db', db, '--format', 'json', 'import', 'transactions', file, ...options]);
  const parsed = res.stdout.trim() === '' ? [] : (JSON.parse(res.stdout) as R[]);
  return { code: res.code, stderr: res.stderr, r: parsed[0]! };
}

/** stderr is one message line and one hint line, and not the "unexpected error" of a bug. */
export function expectPlainError(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^rapport: /);
  expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/unexpected/);
}
