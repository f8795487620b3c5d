import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { Writeback, beginImport, commitImport } from '../../src/store/sqlite/import.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

/** This process's open descriptors of `file`. */
function descriptorsOf(file: string): number {
  const real = fs.realpathSync(file);
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === real;
    } catch {
      return false;
    }
  }).length;
}

describe('Writeback (the pages of an import written to disk before COMMIT)', () => {
  it("keeps SQLite's locks through its syncs, and closes its descriptor only after the database", async () => {
    const db = openDatabase(t.db, { create: true });
    const before = descriptorsOf(t.db);
    // A file far bigger than the store: the import runs with the rollback journal.
    beginImport(db, 1e9);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO customers (id) SELECT 'C' || i FROM n`).run();
    const wb = new Writeback();
    wb.start(db);
    wb.start(db);
    await wb.synced();
    expect(descriptorsOf(t.db)).toBe(before + 1);
    // Its descriptor was not closed: the import still holds the database (closing one would have
    // dropped SQLite's POSIX locks and let this writer in).
    const other = new Database(t.db, { timeout: 0 });
    expect(() => other.exec('BEGIN IMMEDIATE')).toThrow(/locked|busy/i);
    commitImport(db);
    expect(other.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(20000);
    other.close();
    db.close();
    await wb.close();
    expect(descriptorsOf(t.db)).toBe(0);
  });

  it('opens nothing for an import that keeps the WAL, or a database in memory', async () => {
    const db = openDatabase(t.db, { create: true });
    const other = new Database(t.db);
    expect(other.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(0);
    // Another connection open: the import keeps the WAL (beginImport).
    beginImport(db, 1e9);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const before = descriptorsOf(t.db);
    const wb = new Writeback();
    wb.start(db);
    expect(descriptorsOf(t.db)).toBe(before);
    commitImport(db);
    const memory = openDatabase(':memory:', { create: true });
    wb.start(memory);
    await wb.close();
    memory.close();
    other.close();
    db.close();
  });

  it('is closed with the store after an import that used it', async () => {
    const db = openDatabase(t.db, { create: true });
    const store = new SqliteStore(db, t.db);
    const session = await store.beginImport(1e9);
    const importId = await session.insertImport(
      { kind: 'transactions', fileName: 'x.csv', fileSize: 1e9, contentHash: '', mapping: {}, options: {}, startedAt: '2024-01-01T00:00:00.000Z' },
      'complete',
    );
    const sink = session.transactions(importId, ['customer_id', 'date', 'amount'], { keepAll: false });
    await sink.finish();
    await session.commit();
    expect(descriptorsOf(t.db)).toBe(2);
    await store.close();
    expect(descriptorsOf(t.db)).toBe(0);
  });
});
