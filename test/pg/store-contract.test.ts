/**
 * The PgStore against the SqliteStore on the same data: the sample shop imported into a SQLite
 * file (with a second file of edge rows, a snapshot, a model fit and complaints), every table
 * copied row for row into a migrated PostgreSQL database, then every read method asked the same
 * question of both. Results are compared as JSON text, so key order, Map order, numbers vs
 * strings and null vs 0 all count. Needs RAPPORT_TEST_PG.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Analysis } from '../../src/core/analysis.js';
import { RapportError } from '../../src/sys/errors.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { EXPORT_COLUMNS } from '../../src/store/exportColumns.js';
import type { ExportTable } from '../../src/store/types.js';
import { migratePg } from '../../src/store/pg/migrations.js';
import { openPgStore } from '../../src/store/pg/index.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/store.js';
import { fixture, run, tempDir } from '../helpers.js';
import { createTestDb, urlFor, type TestDb } from './pgHelpers.js';

/** Tables in an order their foreign keys accept. */
const TABLES = [
  'meta',
  'imports',
  'customers',
  'transactions',
  'rejects',
  'settings',
  'snapshots',
  'snapshot_customers',
  'model_fits',
  'complaints',
  'complaint_events',
  'complaint_due',
  'products',
];

/** JSON text of a result, Maps as their entries in order. */
const text = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? [...(x as Map<unknown, unknown>).entries()] : x));

const tmp = tempDir();
let pgdb: TestDb;
let lite: SqliteStore;
let pg: Store;

async function both<T>(ask: (s: Store) => Promise<T>): Promise<[string, string]> {
  return [text(await ask(pg)), text(await ask(lite))];
}
async function same<T>(ask: (s: Store) => Promise<T>): Promise<T> {
  const [p, l] = await both(ask);
  expect(p).toBe(l);
  return ask(lite);
}

/** Every row of every table but the clock's columns, as JSON text per table, from one back end. */
async function state(s: Store): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [
    'meta',
    'settings',
    'customers',
    'transactions',
    'rejects',
    'imports',
    'complaints',
    'complaint_events',
    'complaint_due',
    'snapshots',
    'snapshot_customers',
    'model_fits',
    'products',
  ]) {
    const order =
      table === 'complaint_due'
        ? 'complaint_id, at, due_at'
        : table === 'snapshot_customers'
          ? 'snapshot_id, customer_id'
          : table === 'meta' || table === 'settings'
            ? 'key'
            : table === 'products'
              ? 'code'
              : 'id';
    const rows =
      s instanceof SqliteStore
        ? (lite.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[])
        : [...(await pgdb.sql.unsafe(`SELECT * FROM ${table} ORDER BY ${order}`))];
    out[table] = text(
      rows.map((r) =>
        Object.fromEntries(
          Object.keys(r)
            .filter((k) => k !== 'created_at' && k !== 'updated_at')
            .sort()
            .map((k) => [k, r[k]]),
        ),
      ),
    );
  }
  return out;
}

async function expectSameState(): Promise<void> {
  const [p, l] = [await state(pg), await state(lite)];
  for (const table of Object.keys(l)) expect(p[table], table).toBe(l[table]);
}

beforeAll(async () => {
  const db = tmp.db;
  const ok = async (args: string[]): Promise<void> => {
    const r = await run(['--db', db, ...args]);
    expect(r.code, r.stderr).toBe(0);
  };
  await ok(['import', 'customers', fixture('sample', 'customers.csv')]);
  await ok(['import', 'transactions', fixture('sample', 'transactions.csv'), '--currency', 'GBP']);
  // Edge rows: a new customer only this file names, a sale without a customer, a date without a
  // time (NULL time sorts first in both), a duplicate line, and a rejected amount.
  const edge = tmp.file(
    'edge.csv',
    'invoice,date,customer_id,product,amount,staff\nE1,2026-03-01,NEW-1,Teapot,12.00,Ann\nE2,2026-03-01,,Teapot,5.00,Ann\nE3,2024-08-20,C0001,Mug,3.00,Bob\nE3,2024-08-20,C0001,Mug,3.00,Bob\nE4,2026-03-03,C0002,Mug,x,Bob\nE5,2026-03-04,C0002,Mug,-3.00,Bob\n',
  );
  const r = await run(['--db', db, 'import', 'transactions', edge]);
  expect(r.code, r.stderr).not.toBe(2);
  await ok(['segment']);
  await ok(['model']);
  await ok(['segment', '--as-of', '2025-12-31']);
  await ok(['config', 'set', 'churn.medium_risk', '0.3']);
  await ok([
    'complaint',
    'add',
    '--customer',
    'C0001',
    '--category',
    'product',
    '--summary',
    'cracked mug',
    '--reasonable',
    'yes',
    '--staff',
    'Bob',
    '--at',
    '2026-03-05',
  ]);
  await ok([
    'complaint',
    'add',
    '--customer',
    'C0002',
    '--category',
    'service',
    '--summary',
    'slow',
    '--priority',
    'urgent',
    '--reasonable',
    'no',
    '--at',
    '2026-03-06',
  ]);
  await ok(['complaint', 'add', '--customer', 'C0003', '--category', 'price', '--summary', 'too dear', '--at', '2026-03-06']);
  await ok(['complaint', 'resolve', '1', '--resolution', 'replaced', '--satisfied', 'yes', '--compensation', '5.00', '--at', '2026-03-07']);
  await ok(['complaint', 'update', '2', '--status', 'in_progress', '--priority', 'low', '--at', '2026-03-07']);
  await ok(['complaint', 'resolve', '2', '--resolution', 'called', '--satisfied', 'no', '--at', '2026-03-08']);
  // Names for findCustomers: mixed case, accents (SQLite folds only ASCII), CJK, a LIKE wildcard.
  const raw = new Database(db);
  const add = raw.prepare('INSERT INTO customers (id, name, email, phone, type, created_date) VALUES (?, ?, ?, ?, ?, ?)');
  add.run('ZH-01', '张伟', 'zhang@example.cn', '+86 (10) 5555-0101', 'consumer', '2026-01-01');
  add.run('zh-02', '王芳 Wang', null, null, null, null);
  add.run('FR-01', 'Élodie Brun', 'ELODIE@Example.com', null, 'business', null);
  add.run('fr-02', 'élodie petit', null, null, null, null);
  add.run('PCT-1', '100% Tea_Co', null, null, 'business', null);
  raw.prepare(`INSERT INTO products (code, name, import_id) VALUES ('Teapot', 'Teapot, white', 3)`).run();
  raw.close();

  lite = new SqliteStore(openDatabase(db, { create: false }), db);
  pgdb = await createTestDb();
  await migratePg(pgdb.sql, pgdb.url);
  for (const table of TABLES) {
    const rows = lite.db.prepare(`SELECT * FROM ${table}${table === 'complaint_due' ? ' ORDER BY rowid' : ''}`).all() as Record<string, unknown>[];
    for (let i = 0; i < rows.length; i += 1000) await pgdb.sql`INSERT INTO ${pgdb.sql(table)} ${pgdb.sql(rows.slice(i, i + 1000))}`;
    if (rows.length > 0 && 'id' in rows[0]! && typeof rows[0]!.id === 'number')
      await pgdb.sql.unsafe(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
  }
  pg = await openPgStore(pgdb.url, { env: process.env, create: false });
}, 120_000);

afterAll(async () => {
  await pg?.close();
  await lite?.close();
  await pgdb?.drop();
  tmp.cleanup();
});

describe('PgStore reads what SqliteStore reads', () => {
  it('has data enough to compare', async () => {
    const s = await same((x) => x.status('here'));
    expect(s.transactions).toBeGreaterThan(4800);
    expect(s.lines_without_customer).toBe(1);
    expect(s.refund_lines).toBeGreaterThan(0);
    expect((await lite.listRejects(null, null)).length).toBeGreaterThan(0);
    expect((await lite.listSnapshots()).length).toBe(2);
    expect((await lite.listComplaints()).length).toBe(3);
  });

  it('meta, settings, counts', async () => {
    await same((s) => s.getMeta('currency'));
    await same((s) => s.getMeta('no such key'));
    await same((s) => s.customerCount());
    await same((s) => s.storedSettings());
    await same((s) => s.dataVersion());
    await same((s) => s.hasTransactions());
    await same((s) => s.lastTransactionDate());
  });

  it('imports and rejects', async () => {
    await same((s) => s.listImports(null));
    await same((s) => s.listImports(1));
    await same((s) => s.listRejects(null, null));
    await same((s) => s.listRejects(3, 1));
    for (const id of [1, 2, 3, 99]) {
      await same((s) => s.importExists(id));
      await same((s) => s.importReading(id));
      await same((s) => s.removalPlan(id));
    }
    const imp = (await lite.listImports(null)).find((i) => i.id === 2)!;
    await same((s) => s.findSameImport('transactions', imp.content_hash, JSON.stringify((JSON.parse(imp.options) as { reading?: unknown }).reading)));
    await same((s) => s.importWithSizeExists('transactions', imp.file_size));
    await same((s) => s.importWithSizeExists('transactions', imp.file_size + 1));
  });

  it('customer days, streamed in (customer, date) order, for several as-of dates', async () => {
    for (const asOf of ['2024-06-30', '2025-12-31', '9999-12-31']) {
      const [p, l] = await Promise.all(
        [pg, lite].map(async (s) => {
          const days: unknown[] = [];
          await s.customerDays(asOf, (d) => days.push({ ...d }));
          return text(days);
        }),
      );
      expect(p).toBe(l);
      expect(l!.length).toBeGreaterThan(2);
    }
  });

  it('the other measures', async () => {
    await same((s) => s.purchaseDaysBetween('2025-01-01', '2026-12-31'));
    await same((s) => s.netByMonth('2024-01-01', '2026-12-31'));
    await same((s) => s.customerStaff('2026-12-31'));
    await same((s) => s.customerStaff('2025-06-30'));
    await same((s) => s.staffSales('2020-01-01', '2026-12-31'));
    await same((s) => s.productSales('2020-01-01', '2026-12-31', 10));
    await same((s) => s.productSales('2026-01-01', '2026-12-31', 3));
    await same((s) => s.purchasesAroundCutoff('2025-11-30', '2026-11-30'));
    const months = await Promise.all(
      [pg, lite].map(async (s) => {
        const rows: [string, string, number][] = [];
        await s.salesByMonth('2025-12-31', (c, m, a) => rows.push([c, m, a]));
        return text(rows.sort((a, b) => (a.join() < b.join() ? -1 : 1)));
      }),
    );
    expect(months[0]).toBe(months[1]);
  });

  it('customers: names, records, transactions, similar ids', async () => {
    await same((s) => s.customerNames());
    for (const id of ['C0001', 'C0002', 'NEW-1', 'ZH-01', 'nobody']) {
      await same((s) => s.customerRecord(id));
      await same((s) => s.customerTransactions(id, '2026-12-31'));
    }
    await same((s) => s.customerTransactions('C0001', '2025-01-01'));
    for (const id of [' c0001 ', 'zh-01', 'ZH-02', 'fr-01', 'éLODIE']) await same((s) => s.similarCustomerIds(id));
    await same((s) => s.boughtBetween('C0001', '2026-01-01', '2026-12-31'));
    await same((s) => s.boughtBetween('C0001', '2030-01-01', '2030-12-31'));
  });

  it('findCustomers: ASCII case folded, accents and CJK matched as written, wildcards literal, phones by digits', async () => {
    const cases = [
      'c000',
      'C0001',
      'mia',
      'MIA',
      'élodie',
      'ÉLODIE',
      'Élodie',
      'elodie',
      '张',
      '王芳',
      'wang',
      '100%',
      '%',
      '_',
      'tea_co',
      '7700 118158',
      '5555-0101',
      '10',
      'example.CN',
      '  zh-01  ',
    ];
    for (const q of cases) await same((s) => s.findCustomers(q));
    await same((s) => s.findCustomers('c0', 5));
    // What SQLite's LIKE does, so what PostgreSQL must do: É and é are different letters to it.
    expect((await pg.findCustomers('élodie')).map((c) => c.id)).toEqual(['fr-02']);
    expect((await pg.findCustomers('ELODIE')).map((c) => c.id)).toEqual(['FR-01']);
    expect((await pg.findCustomers('%')).map((c) => c.id)).toEqual(['PCT-1']);
  });

  it('complaints', async () => {
    await same((s) => s.listComplaints());
    await same((s) => s.listComplaints({ status: 'resolved' }));
    await same((s) => s.listComplaints({ customerId: 'C0002', category: 'service' }));
    for (const id of [1, 2, 3, 9]) {
      await same((s) => s.getComplaint(id));
      await same((s) => s.complaintEvents(id));
    }
    await same((s) => s.lastEventAt(2));
    for (const at of ['2026-03-05T12:00:00.000Z', '2026-03-07T00:00:00.000Z', '2030-01-01T00:00:00.000Z']) await same((s) => s.complaintsAt(at));
  });

  it('snapshots and fits', async () => {
    const list = await same((s) => s.listSnapshots());
    for (const snap of list) {
      await same((s) => s.findSnapshot(snap.as_of));
      await same((s) => s.loadSnapshot(snap.id));
      await same((s) => s.snapshotRank(snap.id, 5000));
      await same((s) => s.snapshotRank(snap.id, 0.5));
    }
    const id = list[list.length - 1]!.id;
    await same((s) => s.loadSnapshot(id, { tier: 'platinum' }));
    await same((s) => s.loadSnapshot(id, { tier: ['gold', 'iron'], stage: 'stability' }));
    await same((s) => s.loadSnapshot(id, { customerId: 'C0001' }));
    const seg = (await lite.loadSnapshot(id)).customers[0]!.segment;
    await same((s) => s.loadSnapshot(id, { segment: seg, exitPattern: null }));
    await same((s) => s.findSnapshot('1999-01-01'));
    const fitDate = (await lite.listSnapshots())[list.length - 1]!.as_of;
    await same((s) => s.findFit(fitDate));
    await same((s) => s.findFit('1999-01-01'));
  });

  it('exportRows: every table, in batches, in id order', async () => {
    for (const table of Object.keys(EXPORT_COLUMNS) as ExportTable[]) {
      const [p, l] = await Promise.all(
        [pg, lite].map(async (s) => {
          const rows: unknown[] = [];
          for await (const batch of s.exportRows(table)) rows.push(...batch);
          return text(rows);
        }),
      );
      expect(p).toBe(l);
    }
  });

  it('status names the database without a password', async () => {
    expect(pg.kind).toBe('postgres');
    expect(pg.location).not.toMatch(/:[^@/]*@/);
    expect((await pg.status(pg.location)).database).toBe(pg.location);
  });
});

describe('PgStore writes what SqliteStore writes', () => {
  it('settings, meta, customers, complaints', async () => {
    for (const s of [pg, lite]) {
      await s.setMeta('k', 'v1');
      await s.setMeta('k', 'v2');
      await s.storeSetting('churn.horizon_days', '180');
      await s.storeSetting('churn.horizon_days', '365');
      expect(await s.removeSetting('churn.medium_risk')).toBe(true);
      expect(await s.removeSetting('churn.medium_risk')).toBe(false);
      await s.createCustomer({ id: 'W-1', name: 'Walk In', email: null, phone: '0161 555 0000', type: 'consumer', createdDate: '2026-04-01' });
      const id = await s.insertComplaint(
        {
          customerId: 'W-1',
          category: 'other',
          priority: 'high',
          product: null,
          summary: 'tab\tand\nnewline \\ here',
          how: null,
          why: 'x',
          staff: null,
          otherIssues: null,
          reasonable: false,
          wanted: null,
          assignee: 'Ann',
        },
        '2026-04-01T10:00:00.000Z',
        '2026-04-02T10:00:00.000Z',
      );
      expect(id).toBe(4);
      await s.addEvent(id, '2026-04-01T11:00:00.000Z', 'resolved', 'open', 'resolved', 'done', true);
      await s.setComplaintFields(id, { status: 'resolved', resolved_at: '2026-04-01T11:00:00.000Z', satisfied: 1, compensation: 250 });
      await s.recordDue(id, '2026-04-01T11:00:00.000Z', '2026-04-03T10:00:00.000Z');
    }
    await expectSameState();
    await same((s) => s.complaintsAt('2026-05-01T00:00:00.000Z'));
  });

  it('transaction: all or nothing; nested calls run inside it', async () => {
    for (const s of [pg, lite]) {
      await expect(
        s.transaction(async () => {
          await s.setMeta('lost', 'yes');
          await s.transaction(() => s.storeSetting('lost.too', 'yes'));
          throw new RapportError('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await s.getMeta('lost')).toBeNull();
      await s.transaction(async () => {
        await s.setMeta('kept', 'yes');
        await s.insertComplaint(
          {
            customerId: 'C0004',
            category: 'demand',
            priority: 'low',
            product: null,
            summary: 'no longer needed',
            how: null,
            why: null,
            staff: null,
            otherIssues: null,
            reasonable: null,
            wanted: null,
            assignee: null,
          },
          '2026-04-02T00:00:00.000Z',
          '2026-04-09T00:00:00.000Z',
        );
      });
    }
    await expectSameState();
  });

  it('writeWhenFree: runs at once when nothing holds a lock, tells the person once when something does, then writes', async () => {
    let told = 0;
    expect(
      await pg.writeWhenFree(
        async () => (await pg.getMeta('kept')) ?? 'none',
        () => told++,
      ),
    ).toBe('yes');
    expect(told).toBe(0);
    // Another connection holds the complaint's row: the write waits, says so once, and lands after.
    const other = await pgdb.sql.reserve();
    await other`BEGIN`;
    await other`UPDATE complaints SET assignee = 'held' WHERE id = 1`;
    const write = pg.writeWhenFree(
      () => pg.setComplaintFields(1, { assignee: 'counter' }),
      () => told++,
    );
    // told once it finds the row held: waited for, however long a busy machine takes
    await vi.waitFor(() => expect(told).toBe(1), { timeout: 20_000 });
    await other`COMMIT`;
    other.release();
    await write;
    expect(told).toBe(1);
    expect((await pg.getComplaint(1))!.assignee).toBe('counter');
    await lite.writeWhenFree(
      () => lite.setComplaintFields(1, { assignee: 'counter' }),
      () => told++,
    );
    expect(told).toBe(1);
  });

  it('saveSnapshot and saveFit store what SQLite stores, and replace the same date', async () => {
    const analysis: Analysis = await lite.loadSnapshot((await lite.listSnapshots())[0]!.id);
    const fit = (await lite.findFit((await lite.listSnapshots())[1]!.as_of))!.fit;
    for (const s of [pg, lite]) {
      await s.saveSnapshot({ ...analysis, asOf: '2026-02-01' }, { 'tiers.platinum': '0.1' });
      await s.saveSnapshot({ ...analysis, asOf: '2026-02-01' }, { 'tiers.platinum': '0.2' });
      await s.saveFit({ ...fit, asOf: '2026-02-01' }, { x: '1' });
      await s.saveFit({ ...fit, asOf: '2026-02-01' }, { x: '2' });
    }
    const pid = (await pg.findSnapshot('2026-02-01'))!.id;
    const lid = (await lite.findSnapshot('2026-02-01'))!.id;
    expect(text(await pg.loadSnapshot(pid))).toBe(text(await lite.loadSnapshot(lid)));
    expect(text({ ...(await pg.findFit('2026-02-01'))!, id: 0, created_at: '' })).toBe(text({ ...(await lite.findFit('2026-02-01'))!, id: 0, created_at: '' }));
    expect((await pg.listSnapshots()).map((s) => [s.as_of, s.settings])).toEqual((await lite.listSnapshots()).map((s) => [s.as_of, s.settings]));
  });

  it('removeImport: the same plan, the same line, the same rows left', async () => {
    const now = new Date('2026-05-01T00:00:00.000Z');
    const plan = await same((s) => s.removalPlan(3));
    expect(plan!.customers).toBe(1); // NEW-1, which only the edge file named
    expect(plan!.snapshots.length).toBeGreaterThan(0);
    const [p, l] = [await pg.removeImport((await pg.removalPlan(3))!, now), await lite.removeImport(plan!, now)];
    expect(p).toBe(l);
    await expectSameState();
    await same((s) => s.removalPlan(3));
    await same((s) => s.status('here'));
  });
});

describe('openPgStore', () => {
  it('a read on a database without rapport data says so, with the hint to import first', async () => {
    const empty = await createTestDb();
    try {
      const err = await openPgStore(empty.url, { env: process.env, create: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RapportError);
      expect((err as RapportError).message).toMatch(/no rapport data/);
      expect((err as RapportError).hint).toMatch(/import/);
      expect(await empty.sql`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`).toHaveLength(0);
      const store = await openPgStore(empty.url, { env: process.env, create: true });
      expect(await store.customerCount()).toBe(0);
      expect(await store.status(store.location)).toMatchObject({ customers: 0, transactions: 0, net_revenue: 0, first_date: null });
      await store.close();
    } finally {
      await empty.drop();
    }
  });

  it('a statement the server refuses later (no rights on a table) is one line with the GRANT that fixes it', async () => {
    const role = `rapport_ro_${process.pid}`;
    await pgdb.sql.unsafe(`CREATE ROLE ${role} LOGIN`);
    try {
      await pgdb.sql.unsafe(`GRANT SELECT ON schema_migrations TO ${role}`);
      const store = await openPgStore(urlFor(pgdb.name, role), { env: process.env, create: false });
      try {
        const err = await store.customerCount().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RapportError);
        expect((err as RapportError).message).toMatch(/permission denied for table customers/);
        expect((err as RapportError).hint).toMatch(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rapport_ro_/);
        const batches = (async () => {
          for await (const batch of store.exportRows('customers')) void batch;
        })();
        await expect(batches).rejects.toBeInstanceOf(RapportError);
      } finally {
        await store.close();
      }
    } finally {
      await pgdb.sql.unsafe(`REVOKE ALL ON schema_migrations FROM ${role}`);
      await pgdb.sql.unsafe(`DROP ROLE ${role}`);
    }
  });
});
