/**
 * The journal of an import (src/store/sqlite/import.ts, beginImport): into a database holding less
 * than the file and alone with it, it runs with a rollback journal, so its pages are written once, into the file, not into the WAL
 * and again at the checkpoint; with another connection open it keeps the WAL. Readers that come
 * meanwhile see the old state or the new one, never half of it; afterwards the file is in WAL
 * mode again. Kills are in kill.test.ts. Runs the built binary (dist/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalar, tempDir, transactionCount } from '../helpers.js';
import { until } from '../waits.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
/** Enough rows that the import outlasts the page cache (16 MiB) and a few reads. */
const ROWS = 150_000;

let t: ReturnType<typeof tempDir>;
let big: string;
let small: string;

beforeAll(() => {
  t = tempDir();
  small = t.file('small.csv', 'customer_id,date,amount\nX1,2014-01-02,5.00\nX2,2014-01-03,7.50\nX1,2014-02-01,1.25\n');
  const lines = ['customer_id,date,amount,channel'];
  for (let i = 0; i < ROWS; i++)
    lines.push(`C${i % 9000},2016-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 997)}.${i % 10}5,web`);
  big = t.file('big.csv', lines.join('\n') + '\n');
});

afterAll(() => t?.cleanup());

function rapport(args: string[]): ChildProcess & { out: { stdout: string; stderr: string } } {
  const env = { ...process.env };
  delete env.RAPPORT_DB;
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return Object.assign(child, { out });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const ended = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

async function fresh(name: string): Promise<string> {
  const db = path.join(t.dir, name);
  const child = rapport(['--db', db, '--quiet', 'import', 'transactions', small]);
  expect(await exited(child), child.out.stderr).toBe(0);
  return db;
}

describe('the journal of an import into SQLite', () => {
  it('alone with the file: a rollback journal while it runs, no WAL growing, WAL mode again after', async () => {
    const db = await fresh('alone.db');
    const child = rapport(['--db', db, '--quiet', 'import', 'transactions', big]);
    let journal = false;
    let walMax = 0;
    await until(() => {
      journal ||= fs.existsSync(`${db}-journal`);
      if (fs.existsSync(`${db}-wal`)) walMax = Math.max(walMax, fs.statSync(`${db}-wal`).size);
      return ended(child);
    }, 'the import ended');
    expect(await exited(child), child.out.stderr).toBe(0);
    expect(journal).toBe(true);
    // The rows went into the file: the WAL never held more than a few pages.
    expect(walMax).toBeLessThan(1024 * 1024);
    expect(fs.existsSync(`${db}-journal`)).toBe(false);
    expect(scalar(db, 'PRAGMA journal_mode')).toBe('wal');
    expect(transactionCount(db)).toBe(ROWS + 3);
  }, 120_000);

  it('another connection open: the import keeps the WAL, and that connection sees all of it after', async () => {
    const db = await fresh('shared.db');
    const other = new Database(db, { fileMustExist: true });
    try {
      expect(other.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(3);
      const child = rapport(['--db', db, '--quiet', 'import', 'transactions', big]);
      let journal = false;
      await until(() => {
        journal ||= fs.existsSync(`${db}-journal`);
        return ended(child);
      }, 'the import ended');
      expect(await exited(child), child.out.stderr).toBe(0);
      expect(journal).toBe(false);
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(other.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(ROWS + 3);
    } finally {
      other.close();
    }
  }, 120_000);

  it('into a database that already holds more than the file: the WAL, so readers read beside it', async () => {
    const db = await fresh('held.db');
    const first = rapport(['--db', db, '--quiet', 'import', 'transactions', big]);
    expect(await exited(first), first.out.stderr).toBe(0);
    const lines = ['customer_id,date,amount'];
    for (let i = 0; i < 20_000; i++) lines.push(`N${i % 700},2017-03-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 89)}.25`);
    const more = t.file('more.csv', lines.join('\n') + '\n');
    const child = rapport(['--db', db, '--quiet', 'import', 'transactions', more]);
    let journal = false;
    let wal = false;
    await until(() => {
      journal ||= fs.existsSync(`${db}-journal`);
      wal ||= fs.existsSync(`${db}-wal`) && fs.statSync(`${db}-wal`).size > 0;
      return ended(child);
    }, 'the import ended');
    expect(await exited(child), child.out.stderr).toBe(0);
    expect(journal).toBe(false);
    expect(wal).toBe(true);
    expect(transactionCount(db)).toBe(ROWS + 3 + 20_000);
  }, 120_000);

  it('readers during the import see the old state or the new one, never a part', async () => {
    const db = await fresh('readers.db');
    const child = rapport(['--db', db, '--quiet', 'import', 'transactions', big]);
    await until(() => fs.existsSync(`${db}-journal`) || ended(child), 'the import began writing');
    const seen: number[] = [];
    // Readers one after another until the import has ended (the last one after it).
    for (;;) {
      const done = ended(child);
      const reader = rapport(['--db', db, '--format', 'json', 'status']);
      expect(await exited(reader), reader.out.stderr).toBe(0);
      seen.push((JSON.parse(reader.out.stdout) as { transactions: number }).transactions);
      if (done) break;
    }
    expect(await exited(child), child.out.stderr).toBe(0);
    for (const n of seen) expect([3, ROWS + 3]).toContain(n);
    expect(seen[seen.length - 1]).toBe(ROWS + 3);
    expect(transactionCount(db)).toBe(ROWS + 3);
  }, 120_000);
});
