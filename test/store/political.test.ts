/**
 * The ninth churn cause, political (政治流失: a customer lost to a political or regulatory decision),
 * as a complaint category (issue 27): migration 6 rebuilds the SQLite complaints table with the
 * wider CHECK, keeping every row, id and reference; complaints logged with it by flags show in
 * both languages in the list, the card and the reports. (PostgreSQL: test/pg/migrations.test.ts;
 * the prompt's list: test/cli/complaint-flow.test.ts.)
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RapportError } from '../../src/sys/errors.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { fixture, run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

const BEFORE = MIGRATIONS.filter((m) => m.id < 6);

/** A database as rapport left it before migration 6: two customers, three complaints logged, the third then removed. */
function oldDatabase(path: string, brokenReference = false): void {
  const db = openDatabase(path, { create: true, migrations: BEFORE });
  try {
    db.exec(`
INSERT INTO customers (id, name) VALUES ('C1', 'Ann'), ('C2', 'Bo');
INSERT INTO complaints (customer_id, created_at, category, priority, summary, why, reasonable, status, due_at, resolved_at, resolution, compensation, satisfied)
VALUES ('C1', '2025-11-01T09:00:00.000Z', 'price', 'high', 'dearer than the market', 'twice this year', 1, 'resolved', '2025-11-04T09:00:00.000Z', '2025-11-02T10:00:00.000Z', 'discount', 500, 1),
       ('C2', '2025-11-03T09:00:00.000Z', 'management', 'normal', 'new terms', NULL, NULL, 'open', '2025-11-10T09:00:00.000Z', NULL, NULL, NULL, NULL),
       ('C2', '2025-11-05T09:00:00.000Z', 'other', 'low', 'logged by mistake', NULL, NULL, 'open', '2025-11-19T09:00:00.000Z', NULL, NULL, NULL, NULL);
INSERT INTO complaint_events (complaint_id, at, kind, to_status, text) VALUES
  (1, '2025-11-01T09:00:00.000Z', 'logged', 'open', NULL), (1, '2025-11-02T10:00:00.000Z', 'resolved', 'resolved', 'discount'),
  (2, '2025-11-03T09:00:00.000Z', 'logged', 'open', NULL), (2, '2025-11-04T09:00:00.000Z', 'note', NULL, 'called back'),
  (3, '2025-11-05T09:00:00.000Z', 'logged', 'open', NULL);
INSERT INTO complaint_due (complaint_id, at, due_at) VALUES (1, '2025-11-01T09:00:00.000Z', '2025-11-04T09:00:00.000Z'), (2, '2025-11-03T09:00:00.000Z', '2025-11-10T09:00:00.000Z');
DELETE FROM complaint_events WHERE complaint_id = 3;
DELETE FROM complaints WHERE id = 3;
`);
    if (brokenReference) {
      db.pragma('foreign_keys = OFF');
      db.exec(`INSERT INTO complaint_events (complaint_id, at, kind) VALUES (99, '2025-11-06T09:00:00.000Z', 'note')`);
    }
  } finally {
    db.close();
  }
}

function read(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('migration 6: the political category in SQLite', () => {
  it('an old database with complaints migrates and keeps every row, id, reference and the id counter', async () => {
    t = tempDir();
    oldDatabase(t.db);
    const tables = ['complaints', 'complaint_events', 'complaint_due'];
    const before = tables.map((x) => read(t.db, `SELECT * FROM ${x} ORDER BY rowid`));
    expect(read(t.db, `SELECT 1 FROM complaints WHERE category = 'political'`)).toEqual([]);

    const list = await run(['--db', t.db, '--format', 'json', 'complaint', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: number }[]).map((c) => c.id).sort()).toEqual([1, 2]);

    expect(read(t.db, 'SELECT id, name FROM schema_migrations WHERE id = 6')).toEqual([{ id: 6, name: 'political complaint category' }]);
    expect(tables.map((x) => read(t.db, `SELECT * FROM ${x} ORDER BY rowid`))).toEqual(before);
    expect(read(t.db, `SELECT name FROM sqlite_schema WHERE tbl_name = 'complaints' AND type = 'index' ORDER BY name`)).toEqual([
      { name: 'complaints_customer' },
      { name: 'complaints_status' },
    ]);
    expect(read(t.db, `SELECT count(*) AS n FROM sqlite_schema WHERE name = 'complaints_new'`)).toEqual([{ n: 0 }]);
    expect(read(t.db, 'PRAGMA foreign_key_check')).toEqual([]);
    // The removed complaint 3 keeps its id: the next one is 4, as it would have been.
    expect(read(t.db, `SELECT seq FROM sqlite_sequence WHERE name = 'complaints'`)).toEqual([{ seq: 3 }]);

    const add = await run([
      '--db',
      t.db,
      '--format',
      'json',
      'complaint',
      'add',
      '--customer',
      'C1',
      '--category',
      'political',
      '--summary',
      'import licence withdrawn',
      '--at',
      '2025-12-01',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ id: 4, customer_id: 'C1' });
    const show = await run(['--db', t.db, '--format', 'json', 'complaint', 'show', '2']);
    expect(show.stdout).toContain('called back');
    // Foreign keys are on again after the rebuild: a history line for no complaint is refused.
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(() => db.prepare(`INSERT INTO complaint_events (complaint_id, at, kind) VALUES (99, 'x', 'note')`).run()).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('refuses to finish a rebuild that would leave a reference without its row, changing nothing', () => {
    t = tempDir();
    oldDatabase(t.db, true);
    const before = read(t.db, 'SELECT sql FROM sqlite_schema ORDER BY name');
    const err = (() => {
      try {
        openDatabase(t.db, { create: false }).close();
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(RapportError);
    expect((err as RapportError).message).toBe(
      `${t.db}: schema upgrade 6 (political complaint category) would leave rows referring to rows that are not there; it was not applied`,
    );
    expect(read(t.db, 'SELECT sql FROM sqlite_schema ORDER BY name')).toEqual(before);
    expect(read(t.db, 'SELECT max(id) AS newest FROM schema_migrations')).toEqual([{ newest: 5 }]);
    expect(read(t.db, 'SELECT id FROM complaints ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('a political complaint by flags', () => {
  it('is stored, listed, and named 政治流失 on the card and in the report in Chinese', async () => {
    t = tempDir();
    const rp = (args: string[], lang = 'en', tty = false) => run(['--lang', lang, '--db', t.db, ...args], { tty });
    expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
    expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
    const add = await rp(['complaint', 'add', '--customer', 'Y1', '--category', 'political', '--summary', 'sanctions on the supplier', '--at', '2025-12-01']);
    expect(add.code, add.stderr).toBe(0);
    const list = await rp(['--format', 'json', 'complaint', 'list', '--category', 'political']);
    expect((JSON.parse(list.stdout) as { category: string; summary: string }[]).map((c) => [c.category, c.summary])).toEqual([
      ['political', 'sanctions on the supplier'],
    ]);

    const card = await rp(['customer', 'Y1', '--as-of', '2025-12-31'], 'zh-CN', true);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toContain('政治流失');
    expect(card.stdout).not.toContain('political');
    const report = await rp(['--format', 'md', 'report', 'complaints', '--as-of', '2025-12-31'], 'zh-CN');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/\| 政治流失 \| 1 \|/);
    const en = await rp(['--format', 'md', 'report', 'complaints', '--as-of', '2025-12-31']);
    expect(en.stdout).toMatch(/\| political \| 1 \|/);
  });

  it('an unknown category names political among those allowed', async () => {
    t = tempDir();
    const r = await run(['--db', t.db, 'complaint', 'add', '--customer', 'Y1', '--category', 'weather', '--summary', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('political');
  });
});
