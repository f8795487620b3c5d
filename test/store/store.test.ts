import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { slotKey } from '../../src/core/hash.js';
import { TRANSACTION_COLUMNS, contentString, dedupeContent } from '../../src/core/row.js';
import { TransactionWriter, insertImport } from '../../src/store/sqlite/import.js';
import { tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

describe('the database file', () => {
  it('is created readable by its owner only, in WAL mode, with migrations recorded', () => {
    t = tempDir();
    const db = openDatabase(t.db, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    const names = db.prepare('SELECT name FROM schema_migrations ORDER BY id').pluck().all();
    expect(names).toEqual(MIGRATIONS.map((m) => m.name));
    db.close();
    expect(fs.statSync(t.db).mode & 0o777).toBe(0o600);
  });

  it('is not created by a reader', () => {
    t = tempDir();
    expect(() => openDatabase(t.db, { create: false })).toThrow(/no database/);
    expect(fs.existsSync(t.db)).toBe(false);
  });

  it('refuses a database made by a newer rapport, changing nothing', () => {
    t = tempDir();
    openDatabase(t.db, { create: true }).close();
    const raw = new Database(t.db);
    raw.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(999, 'from the future', 'x');
    raw.close();
    expect(() => openDatabase(t.db, { create: false })).toThrow(/newer rapport \(schema 999/);
  });

  it('applies only the migrations not yet applied, each with its record', () => {
    t = tempDir();
    openDatabase(t.db, { create: true, migrations: MIGRATIONS.slice(0, 1) }).close();
    const extra = { id: MIGRATIONS.length + 1, name: 'test_extra', sql: 'CREATE TABLE extra_test (x)' };
    const db = openDatabase(t.db, { create: false, migrations: [...MIGRATIONS, extra] });
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length + 1);
    db.close();
  });

  it('rolls back a failing migration with its record', () => {
    t = tempDir();
    openDatabase(t.db, { create: true }).close();
    const bad = { id: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); THIS IS NOT SQL' };
    expect(() => openDatabase(t.db, { create: false, migrations: [...MIGRATIONS, bad] })).toThrow();
    const raw = new Database(t.db, { readonly: true });
    expect(raw.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half'`).pluck().get()).toBe(0);
    expect(raw.prepare('SELECT count(*) FROM schema_migrations WHERE name = ?').pluck().get('broken')).toBe(0);
    raw.close();
  });

  it('refuses SQLite files that are not rapport databases, and files that are not SQLite', () => {
    t = tempDir();
    const other = new Database(t.db);
    other.exec('CREATE TABLE someone_elses (x)');
    other.close();
    expect(() => openDatabase(t.db, { create: false })).toThrow(/not one rapport made/);
    const junk = t.file('junk.db', 'this is a text file, not a database at all, with enough bytes to look like a header....');
    expect(() => openDatabase(junk, { create: false })).toThrow(/not a SQLite database/);
  });
});

describe('the values the writer binds', () => {
  // Read from each row's content string in place (sqlite/import.ts fill): empty values are NULL but
  // for customer_id, numbers come back as numbers, and columns the file cannot fill are not bound.
  const values: (string | number | null)[][] = [
    ['', '2024-05-01', '08:01:00', -1250, 1.5, 0, 'Mug', 'web', null, 'card', 'INV1', null],
    ['C1', '2024-05-02', null, 9007199254740991, 12, -399, null, null, 'Ann', null, null, null],
    ['C2', '2024-05-03', null, 0, -3, 1000000000000000, 'Tea "loose"', 'store', null, null, 'x', null],
  ];
  const present = TRANSACTION_COLUMNS.filter((c) => c !== 'extra');

  it.each([
    ['one row at a time', 1],
    ['in a full 50-row batch', 50],
  ])('stores each value with its type, %s', (_how, copies) => {
    t = tempDir();
    const db = openDatabase(t.db, { create: true });
    const id = insertImport(db, { kind: 'transactions', fileName: 'x', fileSize: 0, contentHash: 'h', mapping: {}, options: {}, startedAt: '' }, 'complete');
    const rows = Array.from({ length: copies }, (_, k) => values.map((v) => v.map((x, i) => (i === 3 ? (x as number) - k : x))));
    db.transaction(() => {
      const w = new TransactionWriter(db, id, present);
      let line = 2;
      for (const v of rows.flat()) {
        const content = contentString(v);
        w.add(content, line++, slotKey(v[1] as string, dedupeContent(content), 0));
      }
      w.flush();
    })();
    const stored = db
      .prepare(
        `SELECT ${TRANSACTION_COLUMNS.join(', ')}, typeof(customer_id) AS tc, typeof(amount) AS ta, typeof(quantity) AS tq, typeof(unit_price) AS tu FROM transactions ORDER BY id`,
      )
      .all() as Record<string, unknown>[];
    expect(stored).toHaveLength(rows.flat().length);
    stored.forEach((r, i) => {
      expect(TRANSACTION_COLUMNS.map((c) => r[c])).toEqual(rows.flat()[i]);
      expect([r.tc, r.ta, r.tq, r.tu]).toEqual(['text', 'integer', 'real', 'integer']);
    });
    db.close();
  });
});

describe('the text the writer cuts out of a content string', () => {
  // SQLite cuts each text value out of the row's bound content string (sqlite/import.ts fill), counting
  // characters where JavaScript counts UTF-16 units: every value must come back byte for byte.
  const long = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const values: (string | number | null)[][] = [
    [
      '😀C1',
      '2024-05-01',
      '08:01:00',
      9007199254740991,
      0.1,
      1999,
      'Tea 🍵 "loose", \\ back\tslash',
      '中文渠道',
      'e\u0301',
      'a\nb\r\nc',
      '𝔘𝔫𝔦',
      '{"note":"🎉 x"}',
    ],
    ['', '2024-05-02', null, -9007199254740991, null, null, null, '𝄞', null, null, 'INV\uffff', null],
    [long('𝄞a', 2000), '2024-05-03', null, 5, 1e-7, 3, long('é😀', 1999), 'web', long('x', 2000), null, '😀', `{"a":"${long('🎉b', 69_999)}"}`],
  ];
  // An extra column (the last value, cut to the end of the string) longer than any other text may be.
  const huge = ['C4', '2024-05-04', '23:59:59', 1, 2.5, 1, 'Mug', null, null, 'card', null, `{"k":"${long('z', 17_000_000)}"}`];

  it.each([
    ['one row at a time', 1, values],
    ['in full 50-row batches', 20, values],
    ['after an extra of 17 million characters', 1, [huge, ...values]],
  ])('gives every text back byte for byte, %s', (_how, copies, given) => {
    t = tempDir();
    const db = openDatabase(t.db, { create: true });
    const id = insertImport(db, { kind: 'transactions', fileName: 'x', fileSize: 0, contentHash: 'h', mapping: {}, options: {}, startedAt: '' }, 'complete');
    const rows = Array.from({ length: copies }, (_, k) => given.map((v) => v.map((x, i) => (i === 3 ? (x as number) - Math.sign(x as number) * k : x)))).flat();
    db.transaction(() => {
      const w = new TransactionWriter(db, id, TRANSACTION_COLUMNS);
      rows.forEach((v, i) => {
        const content = contentString(v);
        w.add(content, i + 2, slotKey(v[1] as string, dedupeContent(content), 0));
      });
      w.flush();
    })();
    const read = db.prepare(
      `SELECT ${TRANSACTION_COLUMNS.map((c) => `${c}, CAST(${c} AS BLOB) AS ${c}_bytes, typeof(${c}) AS ${c}_type`).join(', ')} FROM transactions ORDER BY line`,
    );
    const stored = read.all() as Record<string, unknown>[];
    expect(stored).toHaveLength(rows.length);
    stored.forEach((r, i) => {
      TRANSACTION_COLUMNS.forEach((c, k) => {
        const v = rows[i]![k]!;
        expect(r[c]).toEqual(v);
        if (typeof v === 'string') {
          expect(r[`${c}_type`]).toBe('text');
          expect(Buffer.compare(r[`${c}_bytes`] as Buffer, Buffer.from(v))).toBe(0);
        }
      });
    });
    db.close();
  });
});

describe('the duplicate rule in the writer', () => {
  function setup() {
    t = tempDir();
    const db = openDatabase(t.db, { create: true });
    const newImport = () =>
      insertImport(
        db,
        { kind: 'transactions', fileName: 'x', fileSize: 0, contentHash: String(Math.random()), mapping: {}, options: {}, startedAt: '' },
        'complete',
      );
    return { db, newImport };
  }
  const row = (customer: string, amount: number, line: number) => {
    const content = contentString([customer, '2024-05-01', null, amount, null, null, null, null, null, null, null, null]);
    return { line, content, key: slotKey('2024-05-01', dedupeContent(content), 0) };
  };
  const add = (w: TransactionWriter, r: ReturnType<typeof row>) => w.add(r.content, r.line, r.key);

  it('keeps repeated identical rows of one file, and finds them all again in the next', () => {
    const { db, newImport } = setup();
    const first = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS);
      [row('A', 100, 2), row('A', 100, 3), row('B', 5, 4), row('A', 100, 5)].forEach((r) => add(w, r));
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(first).toEqual([4, 0]);
    const second = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS);
      // the same rows plus one more occurrence of A and a new row
      [row('A', 100, 2), row('A', 100, 3), row('B', 5, 4), row('A', 100, 5), row('A', 100, 6), row('C', 1, 7)].forEach((r) => add(w, r));
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(second).toEqual([2, 4]);
    expect(db.prepare(`SELECT count(*) FROM transactions WHERE customer_id = 'A'`).pluck().get()).toBe(4);
    db.close();
  });

  it.each([
    ['in memory', undefined],
    ['spilled to the temp table', 3],
  ])('works the same through full 50-row batches, counts %s', (_how, seenInMemory) => {
    const { db, newImport } = setup();
    const rows = Array.from({ length: 120 }, (_, i) => row('C' + (i % 40), 100, i + 2)); // every content three times
    const once = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS, { seenInMemory });
      rows.forEach((r) => add(w, r));
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(once).toEqual([120, 0]);
    const again = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS, { seenInMemory });
      rows.forEach((r) => add(w, r));
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(again).toEqual([0, 120]);
    // and a third copy of the file plus one more occurrence of every content: only those are new
    const more = [...rows, ...Array.from({ length: 40 }, (_, i) => row('C' + i, 100, 200 + i))];
    const third = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS, { seenInMemory });
      more.forEach((r) => add(w, r));
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(third).toEqual([40, 120]);
    db.close();
  });

  it('treats a hash collision as a taken slot, never as a duplicate', () => {
    const { db, newImport } = setup();
    const r = row('A', 100, 2);
    // Plant a different row in the slot that A's content hashes to.
    db.prepare(`INSERT INTO transactions (customer_id, date, amount, import_id, line, dedupe_key) VALUES ('Z', '2024-05-01', 1, 0, 1, ?)`).run(
      slotKey('2024-05-01', dedupeContent(r.content), 0),
    );
    const counts = db.transaction(() => {
      const w = new TransactionWriter(db, newImport(), TRANSACTION_COLUMNS);
      add(w, r);
      w.flush();
      return [w.inserted, w.duplicate];
    })();
    expect(counts).toEqual([1, 0]);
    expect(db.prepare(`SELECT count(*) FROM transactions WHERE customer_id = 'A'`).pluck().get()).toBe(1);
    db.close();
  });
});

describe('a first import that builds the dedupe index at its end (deferIndex)', () => {
  const indexSql = (db: Database.Database) =>
    db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'transactions_dedupe'`).pluck().get() as string | undefined;
  const content = (customer: string, amount: number) => contentString([customer, '2024-05-01', null, amount, null, null, null, null, null, null, null, null]);
  /** The schema as sqlite3's .dump lists it: the tables in their order, then the indexes in theirs. */
  const schemaOf = (db: Database.Database) =>
    db.prepare(`SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type = 'index', rowid`).all();
  /** Rows as the parsing worker gives them: content, line, slot-0 key (a test may give a key of its own). */
  type Given = { content: string; line: number; key: number };
  const given = (customers: string[], keyOf: (c: string, i: number) => number = (c) => slotKey('2024-05-01', dedupeContent(c), 0)): Given[] =>
    customers.map((c, i) => {
      const text = content(c, 100);
      return { content: text, line: i + 2, key: keyOf(text, i) };
    });

  /**
   * Imports `files` one after the other into a new database, the first with or without deferIndex;
   * returns every stored row, the duplicates, the counts, and whether the index was there after
   * `watchAt` rows of the first file.
   */
  function importAll(files: Given[][], defer: boolean, options: { keepAll?: boolean; watchAt?: number; keysHeld?: number } = {}) {
    const dir = tempDir();
    const db = openDatabase(dir.db, { create: true });
    const counts: number[][] = [];
    const seen: boolean[] = [];
    files.forEach((rows, f) => {
      const id = insertImport(
        db,
        { kind: 'transactions', fileName: 'x', fileSize: 0, contentHash: String(f), mapping: {}, options: {}, startedAt: '' },
        'complete',
      );
      db.transaction(() => {
        const w = new TransactionWriter(db, id, TRANSACTION_COLUMNS, {
          keepAll: options.keepAll,
          deferIndex: defer && f === 0 ? rows.length : undefined,
          keysHeld: options.keysHeld,
        });
        rows.forEach((r, i) => {
          if (f === 0 && i === options.watchAt) seen.push(indexSql(db) !== undefined);
          w.add(r.content, r.line, r.key);
        });
        w.flush();
        if (f === 0) seen.push(indexSql(db) !== undefined);
        w.restoreIndex();
        counts.push([w.inserted, w.duplicate]);
      })();
    });
    const state = {
      rows: db.prepare('SELECT * FROM transactions ORDER BY id').all(),
      duplicates: db.prepare('SELECT * FROM transaction_duplicates ORDER BY rowid').all(),
      counts,
      index: indexSql(db),
      schema: schemaOf(db),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
    db.close();
    dir.cleanup();
    return { state, seen };
  }

  // 150 distinct rows, then a repeat of rows 20-29 (kept: two identical lines of one file are both
  // stored), then 100 more distinct rows and a third copy of row 5.
  const customers = Array.from({ length: 150 }, (_, i) => 'A' + i);
  const repeated = [...customers, ...customers.slice(20, 30), ...Array.from({ length: 100 }, (_, i) => 'B' + i), 'A5'];
  const normal = (files: Given[][], options: { keepAll?: boolean } = {}) => importAll(files, false, options).state;

  it('gives the same rows, slots, ids, duplicates and counts as the indexed import when lines repeat in the middle', () => {
    t = tempDir();
    for (const keepAll of [false, true]) {
      const files = [given(repeated), given([...repeated, 'C1'])];
      const { state, seen } = importAll(files, true, { keepAll, watchAt: 140 });
      expect(state).toEqual(normal(files, { keepAll }));
      // The index stays dropped past the repeated lines, to the end of the file.
      expect(seen).toEqual([false, false]);
      expect(state.counts).toEqual(
        keepAll
          ? [
              [261, 0],
              [262, 0],
            ]
          : [
              [261, 0],
              [1, 261],
            ],
      );
    }
  });

  it('without any repeated key, creates the index at its end, with the same sql and place as a new store', () => {
    t = tempDir();
    const files = [given(customers)];
    const { state, seen } = importAll(files, true, { watchAt: 149 });
    expect(seen).toEqual([false, false]);
    const fresh = openDatabase(t.db, { create: true });
    const made = schemaOf(fresh);
    expect(state.index).toBe(indexSql(fresh));
    expect(state.schema).toEqual(made);
    fresh.close();
    expect(state.integrity).toBe('ok');
    expect(state).toEqual(normal(files));
  });

  it('sorts for the index with a 4 MiB page cache, and puts the cache back after', () => {
    const dir = tempDir();
    const db = openDatabase(dir.db, { create: true });
    const before = db.pragma('cache_size', { simple: true });
    const id = insertImport(db, { kind: 'transactions', fileName: 'x', fileSize: 0, contentHash: '', mapping: {}, options: {}, startedAt: '' }, 'complete');
    const cacheAtCreate: unknown[] = [];
    db.transaction(() => {
      const w = new TransactionWriter(db, id, TRANSACTION_COLUMNS, { deferIndex: 200 });
      for (const r of given(customers)) w.add(r.content, r.line, r.key);
      w.flush();
      const exec = db.exec.bind(db);
      db.exec = (sql: string) => {
        if (/^CREATE UNIQUE INDEX transactions_dedupe/i.test(sql)) cacheAtCreate.push(db.pragma('cache_size', { simple: true }));
        return exec(sql);
      };
      w.restoreIndex();
      db.exec = exec;
    })();
    expect(cacheAtCreate).toEqual([-4096]);
    expect(db.pragma('cache_size', { simple: true })).toBe(before);
    expect(indexSql(db)).toBeDefined();
    db.close();
    dir.cleanup();
  });

  it('treats a repeated key of different content (a hash collision) as the indexed import does', () => {
    t = tempDir();
    // Rows 60 and 61 get row 10's key: different content, the same slot 0.
    const keyOf = (c: string, i: number) => (i === 60 || i === 61 ? 10_000 + 10 : 10_000 + i);
    const files = [given(customers, keyOf), given(customers, keyOf)];
    const { state, seen } = importAll(files, true, { watchAt: 55 });
    expect(seen).toEqual([false, false]);
    expect(state).toEqual(normal(files));
    expect(state.counts).toEqual([
      [150, 0],
      [0, 150],
    ]);
  });

  it('settles every shape of repeat without the index as the indexed import does: in one batch, whole batches of repeats, many occurrences', () => {
    t = tempDir();
    // Repeats inside one 50-row batch (rows 3 and 4 are row 2), two whole batches that repeat the
    // first hundred (all their slot-0 keys taken: the row-by-row switch, and back), a content ten
    // times in a row, a collision inside a batch (rows 260 and 261 take row 250's key), a last
    // batch of fewer than 50 rows with repeats.
    const shapes = [
      ...Array.from({ length: 100 }, (_, i) => (i === 3 || i === 4 ? 'A2' : 'A' + i)),
      ...Array.from({ length: 100 }, (_, i) => 'A' + i),
      ...Array.from({ length: 10 }, () => 'T'),
      ...Array.from({ length: 90 }, (_, i) => 'B' + i),
      ...Array.from({ length: 30 }, (_, i) => 'A' + (i % 7)),
    ];
    const keyOf = (c: string, i: number) =>
      i === 260 || i === 261 ? slotKey('2024-05-01', dedupeContent(content('B40', 100)), 0) : slotKey('2024-05-01', dedupeContent(c), 0);
    for (const keepAll of [false, true]) {
      const files = [given(shapes, keyOf), given([...shapes, 'A1', 'T', 'C1'], keyOf), given(shapes, keyOf)];
      const { state, seen } = importAll(files, true, { keepAll, watchAt: 250 });
      expect(seen).toEqual([false, false]);
      expect(state).toEqual(normal(files, { keepAll }));
      expect(state.integrity).toBe('ok');
      expect(state.counts[0]).toEqual([shapes.length, 0]);
      expect(state.counts[2]).toEqual(keepAll ? [shapes.length, 0] : [0, shapes.length]);
    }
  });

  it('brings the index back when its key map is full, and goes on through the index as the indexed import does', () => {
    t = tempDir();
    const files = [given(repeated), given(repeated)];
    const { state, seen } = importAll(files, true, { keysHeld: 120, watchAt: 160 });
    // The rows go in 50 at a time: the index is back with the third batch (rows 100-149), before the
    // map passes 120 keys; the first repeated line (row 150) would only bring it back with the fourth.
    expect(seen).toEqual([true, true]);
    expect(state).toEqual(normal(files));
  });
});
