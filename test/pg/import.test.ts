/**
 * The PostgreSQL import session (src/store/pg/import.ts) against the SQLite import on the same
 * files: the same rows stored (in the same order), the same duplicates, rejects, customers and
 * product names; whole-file-or-nothing; two imports at once. Needs RAPPORT_TEST_PG.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importIntoPg } from '../../bench/pgImport.js';
import { AMOUNT_TOTAL_KEY } from '../../src/store/importRules.js';
import { CustomerWriter } from '../../src/store/sqlite/import.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { connectPg } from '../../src/store/pg/connect.js';
import { AmountTotal, beginPgImport, recordPgRefusal } from '../../src/store/pg/import.js';
import { migratePg } from '../../src/store/pg/migrations.js';
import { contentString, type CustomerRow } from '../../src/core/row.js';
import type { ImportRecord } from '../../src/store/importRules.js';
import { FIXTURES, importTransactionsJson, tempDir } from '../helpers.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

let db: TestDb;
let t: ReturnType<typeof tempDir>;
beforeAll(() => {
  t = tempDir();
});
afterAll(() => t.cleanup());
beforeEach(async () => {
  db = await createTestDb();
  await migratePg(db.sql, db.url);
});
afterEach(async () => {
  await db.drop();
});

const TX = 'customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra, import_id, line';
const tables = {
  // By line: SQLite's ids follow lines except where a batch of 50 met a duplicate (the rows it
  // settles one by one come after the batch's others); PostgreSQL's follow lines always.
  transactions: `SELECT ${TX} FROM transactions ORDER BY import_id, line`,
  rejects: 'SELECT import_id, line, field, reason, raw FROM rejects ORDER BY id',
  customers: 'SELECT id, name, email, phone, type, account_manager, created_date, attributes, import_id FROM customers ORDER BY id',
  products: 'SELECT code, name, import_id FROM products ORDER BY code',
  imports: 'SELECT id, rows_read, rows_imported, rows_duplicate, rows_rejected, customers_created FROM imports ORDER BY id',
};

/** Every table's rows in both stores, SQLite's read as PostgreSQL's come back (numbers as numbers). */
async function both(sqlitePath: string): Promise<{ sqlite: Record<string, unknown[]>; pg: Record<string, unknown[]> }> {
  const lite = new Database(sqlitePath, { readonly: true });
  const sqlite: Record<string, unknown[]> = {};
  const pg: Record<string, unknown[]> = {};
  try {
    for (const [name, q] of Object.entries(tables)) {
      sqlite[name] = lite.prepare(q).all();
      pg[name] = [...(await db.sql.unsafe(q))].map((r) => ({ ...r }));
    }
  } finally {
    lite.close();
  }
  return { sqlite, pg };
}

const HEADER = 'invoice,date,customer_id,description,quantity,unit_price,amount,channel,staff,note\n';
const FILE_A =
  [
    'A1,2024-01-02,C1,Tea 🍵 绿茶,1,3.50,3.50,web,Ann,first',
    'A1,2024-01-02,C1,Tea 🍵 绿茶,1,3.50,3.50,web,Ann,same line again',
    'A2,2024-01-03,C2,"Back\\slash \\N and \\t",2,1.25,2.50,shop,Bob,',
    'A3,2024-01-04,,Walk-in,1,9.99,9.99,shop,,',
    'A4,not a date,C3,Tea,1,1,1,web,,',
    'A5,2024-01-05,C3,"Tab\tinside",1,1,1,web,,',
    'A6,2024-01-06,C4,Refund,-1,5.00,-5.00,web,Ann,"quote "" and, comma"',
  ].join('\n') + '\n';
// Overlaps A: the A1 line three times (A holds it twice: one new), A2 once (a duplicate), new rows, another name for Tea.
const FILE_B =
  [
    'A1,2024-01-02,C1,Tea 🍵 绿茶,1,3.50,3.50,web,Ann,x',
    'A1,2024-01-02,C1,Tea 🍵 绿茶,1,3.50,3.50,web,Ann,y',
    'A1,2024-01-02,C1,Tea 🍵 绿茶,1,3.50,3.50,web,Ann,z',
    'A2,2024-01-03,C2,"Back\\slash \\N and \\t",2,1.25,2.50,shop,Bob,',
    'B1,2024-02-01,C5,Cake,1,4,4,web,,',
    'B2,2024-02-01,C5,Cake,1,4,4.001,web,,',
  ].join('\n') + '\n';

describe('a transactions import through the session', () => {
  it('stores what SQLite stores: rows in line order, duplicates by the rule, rejects, customers, product names', async () => {
    const a = t.file('a.csv', HEADER + FILE_A);
    const b = t.file('b.csv', HEADER + FILE_B);
    const lite = path.join(t.dir, 'same.db');
    for (const f of [a, b]) {
      expect((await importTransactionsJson(lite, f, [])).code).toBe(0);
      await importIntoPg(db.sql, f);
    }
    const { sqlite, pg } = await both(lite);
    expect(pg).toEqual(sqlite);
    // What the rule gives here, spelled out: A stores 6 (both A1 lines; the bad date rejected), B
    // stores a third A1 (A held two) and B1, finds A1 twice and A2 duplicates, rejects B2's 4.001.
    expect(pg.imports).toEqual([
      { id: 1, rows_read: 7, rows_imported: 6, rows_duplicate: 0, rows_rejected: 1, customers_created: 4 },
      { id: 2, rows_read: 6, rows_imported: 2, rows_duplicate: 3, rows_rejected: 1, customers_created: 1 },
    ]);
  });

  it('the same file again adds nothing; --no-dedupe stores every row', async () => {
    const a = t.file('a2.csv', HEADER + FILE_A);
    const first = await importIntoPg(db.sql, a);
    // The same file again is found by its hash before any row is read ("already imported"); the
    // same rows in another file (here with a blank line more) meet the duplicate rule.
    const again = await importIntoPg(db.sql, t.file('a2-again.csv', HEADER + FILE_A + '\n'));
    expect(again.counts).toMatchObject({ imported: 0, duplicate: first.counts.imported, customersCreated: 0 });
    const all = await importIntoPg(db.sql, a, { keepAll: true });
    expect(all.counts).toMatchObject({ imported: first.counts.imported, duplicate: 0 });
    expect((await db.sql`SELECT count(*) AS n FROM transactions`)[0]!.n).toBe(2 * first.counts.imported);
  });

  it("the sample shop through the import command's own code: the same rows as SQLite", async () => {
    const file = path.join(FIXTURES, 'sample', 'transactions.csv');
    const lite = path.join(t.dir, 'sample.db');
    expect((await importTransactionsJson(lite, file, [])).code).toBe(0);
    await importIntoPg(db.sql, file);
    const { sqlite, pg } = await both(lite);
    expect(pg.transactions).toHaveLength(sqlite.transactions!.length);
    expect(pg).toEqual(sqlite);
  });
});

describe('COPY text', () => {
  const awkward = [
    'tab\there',
    'new\nline',
    'cr\rreturn',
    'back\\slash \\N \\t \\\\',
    '\\',
    '中文 客户 🙂👍🏽',
    'trailing\\',
    'nul\u0000char',
    'lone \ud800 surrogate',
    '',
  ];

  it('values with tabs, newlines, backslashes, CJK and emoji come back byte for byte (U+0000 and lone surrogates as U+FFFD; in a reject U+0000 as U+2400)', async () => {
    const session = await beginPgImport(db.sql);
    const id = await session.insertImport(record(), 'complete');
    const rejects = session.rejects(id);
    const rows = session.transactions(id, [], { keepAll: false });
    awkward.forEach((text, i) => {
      rejects.add(i + 1, text === '' ? null : text, `reason ${text}`, text);
      rows.add(content({ customer_id: `C${i}`, product: text, extra: JSON.stringify({ note: text }) }), 100 + i, i);
    });
    await rows.ready();
    await rows.finish();
    await rejects.finish();
    await session.commit();
    const expected = awkward.map((s) => s.replace('\u0000', '\ufffd').replace('\ud800', '\ufffd'));
    // A reject keeps U+0000 as U+2400 (␀), as the SQLite store does (importRules.ts rejectText).
    const rejected = awkward.map((s) => s.replace('\u0000', '\u2400').replace('\ud800', '\ufffd'));
    const stored = await db.sql<{ field: string | null; reason: string; raw: string }[]>`SELECT field, reason, raw FROM rejects ORDER BY line`;
    expect(stored.map((r) => r.raw)).toEqual(rejected);
    expect(stored.map((r) => r.reason)).toEqual(rejected.map((s) => `reason ${s}`));
    expect(stored.map((r) => r.field)).toEqual(rejected.map((s) => (s === '' ? null : s)));
    const products = await db.sql<{ product: string | null; extra: string }[]>`SELECT product, extra FROM transactions ORDER BY line`;
    // An empty value in a content string is NULL (stored text is never empty).
    expect(products.map((r) => r.product)).toEqual(expected.map((s) => (s === '' ? null : s)));
    // In JSON (extra) U+0000 and a lone surrogate travel as \u escapes, so they come back as they were.
    expect(products.map((r) => (JSON.parse(r.extra) as { note: string }).note)).toEqual(awkward);
  });

  /** The amounts' kept absolute total (meta). */
  const keptTotal = async (): Promise<string | undefined> =>
    (await db.sql<{ value: string }[]>`SELECT value FROM meta WHERE key = ${AMOUNT_TOTAL_KEY}`)[0]?.value;
  /** One import of rows with these amounts, every row kept. */
  const importAmounts = async (amounts: string[]): Promise<void> => {
    const session = await beginPgImport(db.sql);
    const id = await session.insertImport(record(), 'complete');
    const rows = session.transactions(id, [], { keepAll: true });
    amounts.forEach((amount, i) => rows.add(content({ customer_id: `C${i}`, amount }), i + 2, i));
    await rows.finish();
    await session.commit();
  };

  it("keeps the stored amounts' absolute total exactly, refunds counted by size, across imports", async () => {
    await importAmounts(['100', '-250', '9007199254740000']);
    expect(await keptTotal()).toBe('9007199254740350');
    await importAmounts(['-5']);
    expect(await keptTotal()).toBe('9007199254740355');
  });

  it('without a kept total (a removal deletes it) the next import counts it again from the stored rows', async () => {
    await importAmounts(['40', '-2']);
    expect(await keptTotal()).toBe('42');
    await db.sql`DELETE FROM meta WHERE key = ${AMOUNT_TOTAL_KEY}`;
    await importAmounts(['-1000']);
    expect(await keptTotal()).toBe('1042');
  });

  it("the kept total leaves out the file's duplicates, deleted after the client counted them", async () => {
    for (const amounts of [
      ['100', '-250'],
      ['-250', '7', '100'],
    ]) {
      const session = await beginPgImport(db.sql);
      const id = await session.insertImport(record(), 'complete');
      const rows = session.transactions(id, [], { keepAll: false });
      amounts.forEach((amount, i) => rows.add(content({ customer_id: `C${amount}`, amount }), i + 2, Number(amount)));
      expect((await rows.finish()).duplicate).toBe(amounts.length === 3 ? 2 : 0);
      await session.commit();
    }
    expect(await keptTotal()).toBe('357');
    const [stored] = await db.sql<{ s: string }[]>`SELECT sum(abs(amount))::text AS s FROM transactions`;
    expect(stored!.s).toBe('357');
  });

  it('counts amounts past 2^53 - 1 in total exactly (the client carries its sum into a bigint)', () => {
    const sum = new AmountTotal();
    for (const amount of ['9007199254740000', '-9007199254740000', '3', '-9007199254740991']) sum.add(content({ customer_id: 'C1', amount }));
    expect(sum.total()).toBe(27021597764220994n);
  });

  it('lines and keys go in as their digits, exactly up to 2^53 - 1', async () => {
    const session = await beginPgImport(db.sql);
    const id = await session.insertImport(record(), 'complete');
    const rows = session.transactions(id, [], { keepAll: true });
    const pairs = [
      [1, 0],
      [9, 9],
      [10, 10],
      [99_999, 1_000_000_007],
      [2 ** 31, 2 ** 53 - 2],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ];
    pairs.forEach(([line, key], i) => rows.add(content({ customer_id: `C${i}` }), line!, key!));
    await rows.finish();
    await session.commit();
    const stored = await db.sql<{ line: string; key: string; import_id: string }[]>`
      SELECT line::text AS line, dedupe_key::text AS key, import_id::text AS import_id FROM transactions ORDER BY id`;
    expect(stored).toEqual(pairs.map(([line, key]) => ({ line: String(line), key: String(key), import_id: String(id) })));
  });

  it('empty values are NULL wherever they stand (after the first: a sale without a customer keeps its empty id), beside multi-byte text', async () => {
    const session = await beginPgImport(db.sql);
    const id = await session.insertImport(record(), 'complete');
    const rows = session.transactions(id, [], { keepAll: false });
    rows.add(content({ customer_id: '', product: 'é中', extra: '' }), 2, 1);
    rows.add(content({ customer_id: 'C1', time: '10:00', quantity: '2', extra: '{"n":"ü"}' }), 3, 2);
    await rows.ready();
    await rows.finish();
    await session.commit();
    const stored = await db.sql<
      {
        customer_id: string;
        time: string | null;
        quantity: number | null;
        product: string | null;
        channel: string | null;
        extra: string | null;
        line: number;
      }[]
    >`
      SELECT customer_id, time, quantity, product, channel, extra, line::int AS line FROM transactions ORDER BY line`;
    expect(stored).toEqual([
      { customer_id: '', time: null, quantity: null, product: 'é中', channel: null, extra: null, line: 2 },
      { customer_id: 'C1', time: '10:00', quantity: 2, product: null, channel: null, extra: '{"n":"ü"}', line: 3 },
    ]);
  });
});

describe('whole file or nothing', () => {
  it('a rollback leaves no record, row, reject or customer', async () => {
    const session = await beginPgImport(db.sql);
    const id = await session.insertImport(record(), 'complete');
    const rows = session.transactions(id, [], { keepAll: false });
    for (let i = 0; i < 5000; i++) rows.add(content({ customer_id: `C${i % 50}`, amount: String(i) }), i + 2, i);
    session.rejects(id).add(1, null, 'bad', 'raw');
    await rows.ready();
    await rows.finish();
    await session.rollback();
    await session.rollback();
    for (const table of ['imports', 'transactions', 'rejects', 'customers']) expect((await db.sql.unsafe(`SELECT count(*) AS n FROM ${table}`))[0]!.n).toBe(0);
  });

  it('a row the server refuses in the COPY fails the import (no hang) and leaves nothing', async () => {
    const session = await beginPgImport(db.sql, db.url);
    const id = await session.insertImport(record(), 'complete');
    const rows = session.transactions(id, [], { keepAll: false });
    rows.add(content({ customer_id: 'C1' }), 2, 1);
    rows.add(content({ customer_id: 'C2', amount: 'not-a-number' }), 3, 2);
    await expect(rows.finish()).rejects.toThrow(/invalid input syntax for type bigint/);
    await session.rollback();
    expect((await db.sql`SELECT count(*) AS n FROM imports`)[0]!.n).toBe(0);
    // The connection is usable again.
    expect((await db.sql`SELECT 1 AS one`)[0]!.one).toBe(1);
  });

  it('a refused import keeps its record and rejects only', async () => {
    const id = await recordPgRefusal(
      db.sql,
      record(),
      { read: 3, imported: 0, updated: 0, duplicate: 0, rejected: 2, blankLines: 0, customersCreated: 0, withoutCustomer: 0 },
      [
        { line: 2, field: 'date', reason: 'not a date', raw: 'x,\u0000' },
        { line: 3, field: null, reason: 'too many fields', raw: 'a\tb' },
      ],
    );
    expect(await db.sql`SELECT status, rows_rejected FROM imports WHERE id = ${id}`).toEqual([{ status: 'refused', rows_rejected: 2 }]);
    expect([...(await db.sql`SELECT line, field, raw FROM rejects ORDER BY id`)]).toEqual([
      { line: 2, field: 'date', raw: 'x,\u2400' },
      { line: 3, field: null, raw: 'a\tb' },
    ]);
    expect((await db.sql`SELECT count(*) AS n FROM transactions`)[0]!.n).toBe(0);
  });
});

describe('two imports at once', () => {
  it('take turns: the second sees the first and stores no duplicate', async () => {
    const lines = (from: number, to: number): string =>
      Array.from({ length: to - from }, (_, i) => `I${from + i},2024-03-0${1 + ((from + i) % 9)},C${(from + i) % 37},P${(from + i) % 11},1,2,2,web,,`).join(
        '\n',
      ) + '\n';
    const a = t.file('ca.csv', HEADER + lines(0, 6000));
    const b = t.file('cb.csv', HEADER + lines(3000, 9000));
    const other = await connectPg(db.url, process.env);
    try {
      const [ra, rb] = await Promise.all([importIntoPg(db.sql, a), importIntoPg(other, b)]);
      expect(ra.counts.imported + rb.counts.imported).toBe(9000);
      expect(ra.counts.duplicate + rb.counts.duplicate).toBe(3000);
      expect((await db.sql`SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM transactions`)[0]).toEqual({ n: 9000, d: 9000 });
      expect((await db.sql`SELECT count(*) AS n FROM customers`)[0]!.n).toBe(37);
    } finally {
      await other.end();
    }
  });
});

describe('customer records', () => {
  it('merge as SQLite merges them: values replace, empty cells keep, attributes merged with sorted keys', async () => {
    const rows: CustomerRow[] = [
      customer('K1', { name: 'Ann', attributes: { city: 'Leeds', age: '40' } }),
      customer('K2', { name: 'Bob', type: 'business' }),
      customer('K1', { email: 'ann@example.com' }),
      customer('K1', { email: 'ann@example.com' }),
      customer('K2', { attributes: { z: '1', a: '2' } }),
      customer('K3', { name: '客户 🙂' }),
    ];
    const second: CustomerRow[] = [customer('K1', { name: 'Ann B', attributes: { city: 'York' } }), customer('K3', {}), customer('K4', { phone: '+44 1' })];
    const lite = openDatabase(path.join(t.dir, 'cust.db'), { create: true, write: true });
    const liteCounts: unknown[] = [];
    const pgCounts: unknown[] = [];
    for (const [n, batch] of [rows, second].entries()) {
      const w = new CustomerWriter(lite, n + 1);
      lite
        .prepare(
          `INSERT INTO imports (id, kind, file_name, file_size, content_hash, mapping, options, status, started_at) VALUES (?, 'customers', 'f', 0, '', '{}', '{}', 'complete', 'x')`,
        )
        .run(n + 1);
      for (const r of batch) w.add(r);
      liteCounts.push({ inserted: w.inserted, updated: w.updated, duplicate: w.duplicate });
      const session = await beginPgImport(db.sql);
      const id = await session.insertImport({ ...record(), kind: 'customers' }, 'complete');
      const sink = session.customerRecords(id);
      for (const r of batch) {
        sink.add(r);
        await sink.ready();
      }
      pgCounts.push(await sink.finish());
      await session.commit();
    }
    expect(pgCounts).toEqual(liteCounts);
    expect(pgCounts[0]).toEqual({ inserted: 3, updated: 2, duplicate: 1 });
    const liteRows = lite.prepare(tables.customers).all();
    lite.close();
    expect([...(await db.sql.unsafe(tables.customers))].map((r) => ({ ...r }))).toEqual(liteRows);
  });
});

function record(): ImportRecord {
  return { kind: 'transactions', fileName: 'test.csv', fileSize: 1, contentHash: '', mapping: {}, options: {}, startedAt: '2026-01-01T00:00:00.000Z' };
}

function content(v: Partial<Record<string, string>>): string {
  return contentString([
    v.customer_id ?? 'C',
    v.date ?? '2024-01-01',
    v.time ?? '',
    v.amount ?? '100',
    v.quantity ?? '',
    v.unit_price ?? '',
    v.product ?? '',
    '',
    '',
    '',
    v.external_id ?? '',
    v.extra ?? '',
  ]);
}

function customer(id: string, v: Partial<CustomerRow>): CustomerRow {
  return { id, name: null, email: null, phone: null, type: null, accountManager: null, createdDate: null, attributes: null, ...v };
}

describe('a file bigger than the table holds', () => {
  it('is loaded with the secondary indexes built again after it, the duplicate rule still applied; a rollback keeps the indexes', async () => {
    // ~75 bytes a line: 120,000 lines are more than the 20 rows held (at 60 bytes a line, the guess).
    const row = (i: number): string => `K${i},2024-0${1 + (i % 9)}-1${i % 10},C${i % 501},P${i % 13},1,2,2,web,,a note that makes the line longer`;
    const small = t.file('small.csv', HEADER + Array.from({ length: 20 }, (_, i) => row(i)).join('\n') + '\n');
    const big = t.file('big.csv', HEADER + Array.from({ length: 120_000 }, (_, i) => row(i)).join('\n') + '\n');
    await importIntoPg(db.sql, small);
    const indexes = async (): Promise<string[]> =>
      (await db.sql<{ d: string }[]>`SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'transactions' ORDER BY 1`).map((r) => r.d);
    // An index built again is a new relation: its oid changes.
    const oids = async (): Promise<number[]> =>
      (await db.sql<{ o: number }[]>`SELECT indexrelid::int8 AS o FROM pg_index WHERE indrelid = 'transactions'::regclass AND NOT indisprimary ORDER BY 1`).map(
        (r) => r.o,
      );
    const before = await indexes();
    const built = await oids();
    expect(before).toHaveLength(4);

    const session = await beginPgImport(db.sql);
    const id = await session.insertImport({ ...record(), fileSize: 10_000_000 }, 'complete');
    const rows = session.transactions(id, [], { keepAll: false });
    // Enough rows that the COPY is open (and the indexes dropped) when the import is rolled back.
    for (let i = 0; i < 10_000; i++) rows.add(content({ customer_id: `R${i}` }), i + 2, i);
    await rows.ready();
    expect(
      (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'COPY transactions%' AND state = 'active'`)[0]!.n,
    ).toBe(1);
    await session.rollback();
    expect(await indexes()).toEqual(before);
    expect(await oids()).toEqual(built);

    const r = await importIntoPg(db.sql, big);
    expect(r.counts).toMatchObject({ read: 120_000, imported: 119_980, duplicate: 20, customersCreated: 481 });
    expect(await indexes()).toEqual(before);
    expect((await oids()).filter((o) => built.includes(o))).toEqual([]);
    expect((await db.sql`SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM transactions`)[0]).toEqual({ n: 120_000, d: 120_000 });
  });
});
