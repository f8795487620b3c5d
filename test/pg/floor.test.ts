/**
 * The import benches' second baseline (bench/floor.ts): the raw tools loading the bench file into
 * rapport's own schema must end with the rows rapport's import stores, so that the ratio to it
 * compares the same stored result. Every stored column but the dedupe key (a stand-in there), and
 * the customer records, against rapport's own import of a small bench file, on both stores.
 * Needs RAPPORT_TEST_PG and the sqlite3 command.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { pgFloor, pgFloorFiles, sqliteFloorLoad } from '../../bench/floor.js';
import { importIntoPg } from '../../bench/pgImport.js';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { migratePg } from '../../src/store/pg/migrations.js';
import { importTransactionsJson, tempDir } from '../helpers.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

const STORED = 'customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra, import_id, line';
const TRANSACTIONS = `SELECT ${STORED} FROM transactions ORDER BY line`;
const CUSTOMERS = 'SELECT id, name, email, phone, type, account_manager, created_date, attributes, import_id FROM customers ORDER BY id';

let t: ReturnType<typeof tempDir>;
let file: string;
let ours: TestDb;
let floor: TestDb;
beforeAll(() => {
  t = tempDir();
  file = path.join(t.dir, 'bench.csv');
  generate({ ...DEFAULTS, rows: 3000, customers: 400 }, file);
});
afterAll(() => t.cleanup());
beforeEach(async () => {
  ours = await createTestDb();
  floor = await createTestDb();
});
afterEach(async () => {
  await ours.drop();
  await floor.drop();
});

it('PostgreSQL: COPY into rapport schema stores what rapport import stores', async () => {
  await migratePg(ours.sql, ours.url);
  expect((await importIntoPg(ours.sql, file)).counts.imported).toBe(3000);
  await migratePg(floor.sql, floor.url);
  expect(await pgFloor(floor.sql, pgFloorFiles(file, t.dir))).toBe(3000);
  for (const q of [TRANSACTIONS, CUSTOMERS]) {
    const want = [...(await ours.sql.unsafe(q))].map((r) => ({ ...r }));
    expect(want.length).toBeGreaterThan(200);
    expect([...(await floor.sql.unsafe(q))].map((r) => ({ ...r }))).toEqual(want);
  }
  const indexes = 'SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname';
  expect(await floor.sql.unsafe(indexes, ['transactions'])).toEqual(await ours.sql.unsafe(indexes, ['transactions']));
});

it('SQLite: sqlite3 .import into rapport schema stores what rapport import stores', async () => {
  const oursDb = path.join(t.dir, 'ours.db');
  const floorDb = path.join(t.dir, 'floor.db');
  const imported = await importTransactionsJson<{ counts: { imported: number } }>(oursDb, file, []);
  expect(imported.code).toBe(0);
  expect(imported.r.counts.imported).toBe(3000);
  sqliteFloorLoad(file, floorDb);
  const a = new Database(oursDb, { readonly: true });
  const b = new Database(floorDb, { readonly: true });
  try {
    for (const q of [TRANSACTIONS, CUSTOMERS, "SELECT sql FROM sqlite_master WHERE tbl_name = 'transactions' ORDER BY name"]) {
      expect(b.prepare(q).all()).toEqual(a.prepare(q).all());
    }
  } finally {
    a.close();
    b.close();
  }
});
