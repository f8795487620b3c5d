/** The schema in PostgreSQL (src/store/pg/migrations.ts). Needs RAPPORT_TEST_PG. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RapportError } from '../../src/sys/errors.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { connectPg } from '../../src/store/pg/connect.js';
import { PG_MIGRATIONS, migratePg } from '../../src/store/pg/migrations.js';
import { COPY_TABLES } from '../../src/store/copyTables.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

const ALL = MIGRATIONS.map((m) => m.id);

let db: TestDb;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.drop();
});

const applied = async (): Promise<{ id: number; name: string }[]> => [
  ...(await db.sql<{ id: number; name: string }[]>`SELECT id, name FROM schema_migrations ORDER BY id`),
];
const tables = async (): Promise<string[]> =>
  (await db.sql<{ t: string }[]>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`).map((r) => r.t);

describe('migratePg', () => {
  it('is the same ordered, named list as the SQLite file', () => {
    expect(PG_MIGRATIONS.map((m) => [m.id, m.name])).toEqual(MIGRATIONS.map((m) => [m.id, m.name]));
  });

  it('creates every table SQLite has, records each migration once, and does nothing the second time', async () => {
    await migratePg(db.sql, db.url);
    expect(await applied()).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    expect(await tables()).toEqual([...COPY_TABLES.map((t) => t.name), 'schema_migrations'].sort());
    const before = await db.sql`SELECT applied_at FROM schema_migrations ORDER BY id`;
    await migratePg(db.sql, db.url);
    expect(await db.sql`SELECT applied_at FROM schema_migrations ORDER BY id`).toEqual(before);
  });

  it('applies only the migrations a database lacks', async () => {
    await migratePg(db.sql, db.url, PG_MIGRATIONS.slice(0, 3));
    expect((await applied()).map((m) => m.id)).toEqual([1, 2, 3]);
    expect(await tables()).not.toContain('complaints');
    await migratePg(db.sql, db.url);
    expect((await applied()).map((m) => m.id)).toEqual(ALL);
  });

  it('a migration that fails leaves nothing of any pending migration, and no record: all or nothing', async () => {
    const broken = [...PG_MIGRATIONS.slice(0, 2), { id: 3, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT no_such_function();' }];
    await expect(migratePg(db.sql, db.url, broken)).rejects.toThrow(/no_such_function/);
    expect(await tables()).toEqual([]);
    await migratePg(db.sql, db.url, PG_MIGRATIONS.slice(0, 2));
    await expect(migratePg(db.sql, db.url, broken)).rejects.toThrow(/no_such_function/);
    expect((await applied()).map((m) => m.id)).toEqual([1, 2]);
    expect(await tables()).not.toContain('half');
  });

  it('refuses a schema from a newer rapport, changing nothing', async () => {
    await migratePg(db.sql, db.url);
    await db.sql`INSERT INTO schema_migrations (id, name, applied_at) VALUES (99, 'future', 'x')`;
    const err = await migratePg(db.sql, db.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RapportError);
    expect((err as RapportError).message).toBe(`${db.url} was written by a newer rapport (schema 99, this rapport knows up to ${ALL.at(-1)})`);
    expect((err as RapportError).hint).toBe('upgrade rapport to open it; nothing was changed');
  });

  it("refuses a database holding another program's tables, untouched", async () => {
    await db.sql`CREATE TABLE orders (id int)`;
    await expect(migratePg(db.sql, db.url)).rejects.toThrow(/holds tables that are not rapport's/);
    expect(await tables()).toEqual(['orders']);
    await db.sql`DROP TABLE orders`;
    await db.sql`CREATE TABLE schema_migrations (id int)`;
    await expect(migratePg(db.sql, db.url)).rejects.toThrow(/not rapport's/);
  });

  it('two rapports migrating at once take turns: each migration applied once', async () => {
    const others = await Promise.all([1, 2, 3].map(() => connectPg(db.url, process.env)));
    try {
      await Promise.all(others.map((sql) => migratePg(sql, db.url)));
    } finally {
      await Promise.all(others.map((sql) => sql.end()));
    }
    expect((await applied()).map((m) => m.id)).toEqual(ALL);
  });

  it('migration 6 lets complaints record political churn, keeping every stored complaint, its history and its id', async () => {
    await migratePg(
      db.sql,
      db.url,
      PG_MIGRATIONS.filter((m) => m.id < 6),
    );
    await db.sql`INSERT INTO customers (id) VALUES ('C1')`;
    await db.sql.unsafe(`
      INSERT INTO complaints (customer_id, created_at, category, priority, summary, status, due_at)
      VALUES ('C1', '2025-11-01T09:00:00.000Z', 'price', 'high', 'dearer', 'open', '2025-11-04T09:00:00.000Z'),
             ('C1', '2025-11-02T09:00:00.000Z', 'management', 'normal', 'new terms', 'open', '2025-11-09T09:00:00.000Z');
      INSERT INTO complaint_events (complaint_id, at, kind, to_status) VALUES (1, '2025-11-01T09:00:00.000Z', 'logged', 'open'), (2, '2025-11-02T09:00:00.000Z', 'logged', 'open');`);
    const political = (id: number) => db.sql`INSERT INTO complaints (id, customer_id, created_at, category, priority, summary, status, due_at)
      VALUES (${id}, 'C1', '2025-12-01T09:00:00.000Z', 'political', 'normal', 'sanctions', 'open', '2025-12-08T09:00:00.000Z')`;
    await expect(political(10)).rejects.toThrow(/complaints_category_check/);
    const before = [...(await db.sql`SELECT * FROM complaints ORDER BY id`)];
    const events = [...(await db.sql`SELECT * FROM complaint_events ORDER BY id`)];

    await migratePg(db.sql, db.url);
    expect((await applied()).find((m) => m.id === 6)).toEqual({ id: 6, name: 'political complaint category' });
    expect([...(await db.sql`SELECT * FROM complaints ORDER BY id`)]).toEqual(before);
    expect([...(await db.sql`SELECT * FROM complaint_events ORDER BY id`)]).toEqual(events);
    await political(10);
    const [next] = await db.sql<{ id: number }[]>`INSERT INTO complaints (customer_id, created_at, category, priority, summary, status, due_at)
      VALUES ('C1', '2025-12-02T09:00:00.000Z', 'political', 'low', 'a new rule', 'open', '2025-12-16T09:00:00.000Z') RETURNING id`;
    expect(Number(next!.id)).toBe(3);
    await expect(db.sql`UPDATE complaints SET category = 'weather' WHERE id = 1`).rejects.toThrow(/complaints_category_check/);
  });

  it('sorts text in byte order (as SQLite does) whatever the locale', async () => {
    await migratePg(db.sql, db.url);
    const ids = ['b', 'B', 'a', 'Z', '_x', 'é', 'e', '10', '9', '客户', 'a b', 'ab'];
    for (const id of ids) await db.sql`INSERT INTO customers (id) VALUES (${id})`;
    const sorted = (await db.sql<{ id: string }[]>`SELECT id FROM customers ORDER BY id`).map((r) => r.id);
    expect(sorted).toEqual([...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    const cols = await db.sql<{ c: string }[]>`SELECT table_name || '.' || column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'schema_migrations' AND collation_name IS DISTINCT FROM 'C'`;
    expect(cols.map((r) => r.c)).toEqual([]);
  });
});
