/**
 * Objects and roles a shared database brings (issue 22 item 9, issue 27): names of rapport's
 * tables already taken, a role with an empty search_path, a role that may only read, a hint's
 * GRANT run as written. Needs RAPPORT_TEST_PG.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectPg } from '../../src/store/pg/connect.js';
import { PG_MIGRATIONS, migratePg } from '../../src/store/pg/migrations.js';
import { converse } from '../../bench/pty.js';
import { rapportCommand, terminalEnv } from '../counter.js';
import { run, tempDir } from '../helpers.js';
import { createTestDb, SERVER, urlFor, type TestDb } from './pgHelpers.js';

const FILE = path.resolve('fixtures/sample/transactions.csv');
const AS_OF = '2026-10-31';
const env = { HOME: '/nonexistent-home' };

let db: TestDb;
const roles: string[] = [];
const suffix = (): string => crypto.randomBytes(4).toString('hex');

beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.drop();
  const admin = await connectPg(SERVER, process.env);
  try {
    for (const r of roles.splice(0)) await admin.unsafe(`DROP ROLE IF EXISTS ${r}`);
  } finally {
    await admin.end();
  }
});

/** A login role, dropped after the test (with what it owns in the test's database). */
async function role(name: string, ...grants: string[]): Promise<string> {
  const r = `${name}_${suffix()}`;
  await db.sql.unsafe(`CREATE ROLE ${r} LOGIN`);
  roles.push(r);
  for (const g of grants) await db.sql.unsafe(g.replace(/\bR\b/g, r));
  return r;
}

const relations = async (): Promise<string[]> =>
  (await db.sql<{ n: string }[]>`SELECT relname AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v', 'S') ORDER BY 1`).map(
    (r) => r.n,
  );
const stored = async (): Promise<number> => (await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM transactions`)[0]!.n;

/** stderr as a person reads it: exactly one error line and one hint, never a stack or "unexpected". */
function oneLine(stderr: string): [string, string] {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(stderr).not.toMatch(/unexpected|\s{4}at |TypeError/);
  expect(lines[1]).toMatch(/^hint: /);
  return [lines[0]!, lines[1]!];
}

describe("names of rapport's tables already taken (issue 22 item 9)", () => {
  it('a view, a type or a sequence of those names: refused in one line, nothing created, the object untouched', async () => {
    for (const [create, kind, name, drop] of [
      ['CREATE VIEW customers AS SELECT 1 AS id', 'VIEW', 'customers', 'DROP VIEW customers'],
      ["CREATE TYPE transactions AS ENUM ('a')", 'TYPE', 'transactions', 'DROP TYPE transactions'],
      ['CREATE SEQUENCE meta', 'SEQUENCE', 'meta', 'DROP SEQUENCE meta'],
      ['CREATE TYPE schema_migrations AS (x int)', 'TYPE', 'schema_migrations', 'DROP TYPE schema_migrations'],
    ] as const) {
      await db.sql.unsafe(create);
      const before = await relations();
      const r = await run(['--db', db.url, 'import', 'transactions', FILE], { env });
      expect(r.code, create).toBe(1);
      const [line, hint] = oneLine(r.stderr);
      expect(line).toBe(`rapport: ${db.url} already holds a ${kind} named ${name} that is not rapport's (1 name(s) rapport's tables need are taken)`);
      expect(hint).toBe(
        `hint: rapport needs these names for its own tables (${name}): point --db / RAPPORT_DB at an empty database of its own (createdb NAME), or a schema of its own; nothing was changed`,
      );
      expect(await relations()).toEqual(before);
      await db.sql.unsafe(drop);
    }
  });

  it('a later migration whose table name is taken: refused, the schema left as it was', async () => {
    await migratePg(db.sql, db.url, PG_MIGRATIONS.slice(0, 4));
    await db.sql`CREATE VIEW products AS SELECT 'x'::text AS code`;
    const r = await run(['--db', db.url, 'status'], { env });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)[0]).toMatch(/already holds a VIEW named products/);
    expect((await db.sql<{ id: number }[]>`SELECT id FROM schema_migrations ORDER BY id`).map((x) => x.id)).toEqual([1, 2, 3, 4]);
  });

  it('a role with an empty search_path imports and reads, its tables in public', async () => {
    const r = await role('rapport_nopath', `ALTER ROLE R SET search_path = ''`, 'GRANT USAGE, CREATE ON SCHEMA public TO R');
    const url = urlFor(db.name, r);
    const imported = await run(['-q', '--db', url, 'import', 'transactions', FILE], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(await stored()).toBe(4806);
    const status = await run(['--db', url, '--format', 'json', 'status'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { transactions: number }).transactions).toBe(4806);
  });

  it('import --dry-run and a read create nothing in an empty database', async () => {
    const dry = await run(['--db', db.url, '--format', 'json', 'import', 'transactions', FILE, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { status: string; counts: { imported: number } }[])[0]).toMatchObject({ status: 'dry-run', counts: { imported: 4806 } });
    const status = await run(['--db', db.url, 'status'], { env });
    expect(status.code).toBe(1);
    expect(oneLine(status.stderr)[0]).toBe(`rapport: there is no rapport data in ${db.url} yet`);
    expect(await relations()).toEqual([]);
  });
});

describe('roles of a team (issue 27)', () => {
  it('a read-only role previews an import and analyses without saving; a write says so and names --dry-run/--no-save', async () => {
    expect((await run(['-q', '--db', db.url, 'import', 'transactions', FILE], { env })).code).toBe(0);
    const ro = await role('rapport_ro', 'GRANT USAGE ON SCHEMA public TO R', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO R');
    const url = urlFor(db.name, ro);
    const dry = await run(['--db', url, '--format', 'json', 'import', 'transactions', FILE, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { counts: { imported: number; duplicate: number } }[])[0]!.counts).toMatchObject({ imported: 0, duplicate: 4806 });
    expect(await stored()).toBe(4806);
    // The copies lived in the preview's own session and went with its transaction.
    expect((await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_class WHERE relpersistence = 't'`)[0]!.n).toBe(0);

    const save = await run(['--db', url, 'segment', '--as-of', AS_OF], { env });
    expect(save.code).toBe(1);
    const [line, hint] = oneLine(save.stderr);
    expect(line).toBe(`rapport: user ${ro} may read this PostgreSQL database but not change it (permission denied for table snapshots); nothing was written`);
    expect(hint).toMatch(/^hint: a read-only role still previews and analyses: import --dry-run, segment --no-save/);
    expect(hint).not.toMatch(/GRANT/);
    const look = await run(['--db', url, 'segment', '--as-of', AS_OF, '--no-save', '--format', 'json'], { env });
    expect(look.code, look.stderr).toBe(0);
    const churn = await run(['--db', url, 'churn', '--as-of', AS_OF, '--format', 'json'], { env });
    expect(churn.code, churn.stderr).toBe(0);
  });

  it('a read-only role that imports without --dry-run is told it may only read, with the --dry-run hint, not a GRANT to ask for', async () => {
    // The owner stores the first 20 lines; the read-only role tries the whole file (new rows).
    const t = tempDir();
    const first = path.join(t.dir, 'first.csv');
    fs.writeFileSync(first, fs.readFileSync(FILE, 'utf8').split('\n').slice(0, 21).join('\n') + '\n');
    expect((await run(['-q', '--db', db.url, 'import', 'transactions', first], { env })).code).toBe(0);
    const before = await stored();
    t.cleanup();
    const ro = await role('rapport_ro', 'GRANT USAGE ON SCHEMA public TO R', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO R');
    const imp = await run(['--db', urlFor(db.name, ro), 'import', 'transactions', FILE], { env });
    expect(imp.code).toBe(1);
    const [line, hint] = oneLine(imp.stderr);
    expect(line).toMatch(
      new RegExp(`^rapport: user ${ro} may read this PostgreSQL database but not change it \\(permission denied for table \\w+\\); nothing was written$`),
    );
    expect(hint).toMatch(/import --dry-run/);
    expect(hint).not.toMatch(/GRANT/);
    expect(await stored()).toBe(before);
  });

  it('a read-only role at the counter is refused before the first question, not after the last (was asked all of them)', async () => {
    expect((await run(['-q', '--db', db.url, 'import', 'transactions', FILE], { env })).code).toBe(0);
    expect((await run(['-q', '--db', db.url, 'complaint', 'add', '--customer', 'C0042', '--category', 'service', '--summary', 'late'], { env })).code).toBe(0);
    const ro = await role('rapport_ro', 'GRANT USAGE ON SCHEMA public TO R', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO R');
    for (const args of [['add'], ['resolve', '1'], ['update', '1'], ['note', '1']]) {
      const { code, screen } = await converse(
        rapportCommand('--db', urlFor(db.name, ro), 'complaint', ...args),
        [],
        { ...terminalEnv(), HOME: env.HOME },
        60_000,
        {
          cols: 80,
          rows: 24,
        },
      );
      expect(code, screen).toBe(1);
      expect(screen.replace(/\s+/g, ' ')).toContain(
        `user ${ro} may read this PostgreSQL database but not change it (permission denied for table complaints); nothing was written`,
      );
      expect(screen, args[0]).not.toContain('? ');
    }
  });

  it('a role granted the rights to write (not the owner) imports a file big enough to load with the indexes dropped: they stay', async () => {
    expect((await run(['-q', '--db', db.url, 'import', 'transactions', FILE], { env })).code).toBe(0);
    const writer = await role(
      'rapport_wr',
      'GRANT USAGE ON SCHEMA public TO R',
      'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO R',
      'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO R',
    );
    // 30,000 lines of 230 bytes: over 6 MB, read as more rows than the store holds (the bulk load's test).
    const note = 'n'.repeat(200);
    const lines = Array.from({ length: 30_000 }, (_, i) => `W${i % 500},2024-05-${String(1 + (i % 28)).padStart(2, '0')},${i}.00,${note}`);
    const t = tempDir();
    try {
      const big = t.file('big.csv', 'customer_id,date,amount,note\n' + lines.join('\n') + '\n');
      const r = await run(['-q', '--db', urlFor(db.name, writer), 'import', 'transactions', big], { env });
      expect(r.code, r.stderr).toBe(0);
    } finally {
      t.cleanup();
    }
    expect(await stored()).toBe(4806 + 30_000);
    const indexes = await db.sql<{ n: string }[]>`SELECT indexname AS n FROM pg_indexes WHERE tablename = 'transactions' ORDER BY 1`;
    expect(indexes.map((i) => i.n)).toEqual(['transactions_customer_date', 'transactions_date', 'transactions_dedupe', 'transactions_pkey']);
  });

  it("the permission hint works when run as written by the tables' owner, and covers tables added later", async () => {
    const owner = await role('rapport_own', 'GRANT USAGE, CREATE ON SCHEMA public TO R');
    const ownerUrl = urlFor(db.name, owner);
    expect((await run(['-q', '--db', ownerUrl, 'import', 'transactions', FILE], { env })).code).toBe(0);
    const writer = await role('rapport_w', 'GRANT USAGE ON SCHEMA public TO R');
    const url = urlFor(db.name, writer);
    const denied = await run(['--db', url, 'import', 'customers', path.resolve('fixtures/sample/customers.csv')], { env });
    expect(denied.code).toBe(1);
    const [, hint] = oneLine(denied.stderr);
    const m = new RegExp(`^hint: the tables' owner ${owner} \\(or a superuser\\) can run: (.*)$`).exec(hint);
    expect(m, hint).not.toBeNull();
    const asOwner = await connectPg(ownerUrl, process.env);
    try {
      await asOwner.unsafe(m![1]!);
      await asOwner.unsafe('CREATE TABLE added_later (id int)');
      const [later] = await asOwner<{ ok: boolean }[]>`SELECT has_table_privilege(${writer}, 'added_later', 'INSERT') AS ok`;
      expect(later!.ok).toBe(true);
      await asOwner.unsafe('DROP TABLE added_later');
    } finally {
      await asOwner.end();
    }
    const again = await run(['-q', '--db', url, 'import', 'customers', path.resolve('fixtures/sample/customers.csv')], { env });
    expect(again.code, again.stderr).toBe(0);
  });
});
