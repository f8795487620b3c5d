/**
 * rapport copy --to across back ends (issue 27): a SQLite shop into a fresh PostgreSQL database and
 * back reads the same, command by command; a PostgreSQL database that holds anything is refused
 * untouched; a copy killed at any point leaves the destination holding nothing of it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_TABLES } from '../../src/store/copyTables.js';
import { COMMANDS, fullShop, outputs } from '../copyShop.js';
import { fixture, run, tempDir } from '../helpers.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');

describe('rapport copy --to between SQLite and PostgreSQL', () => {
  const t = tempDir();
  const source = path.join(t.dir, 'shop.db');
  let pg: TestDb;
  let before: Record<string, string>;
  beforeAll(async () => {
    await fullShop(source, t.dir);
    before = await outputs(source);
    pg = await createTestDb();
  }, 180_000);
  afterAll(async () => {
    await pg?.drop();
    t.cleanup();
  });

  it('SQLite into PostgreSQL and back: every command reads the same on all three', async () => {
    const there = await run(['--db', source, '-q', 'copy', '--to', pg.url]);
    expect(there.code, there.stderr).toBe(0);
    const onPg = await outputs(pg.url);
    for (const args of COMMANDS) {
      const key = args.join(' ');
      // status names its store: the rest of it must agree.
      if (key === 'status') expect(JSON.parse(onPg[key]!)).toEqual({ ...JSON.parse(before[key]!), store: 'postgres', database: expect.any(String) as unknown });
      else expect(onPg[key], key).toEqual(before[key]);
    }
    const back = path.join(t.dir, 'back.db');
    const r = await run(['--db', pg.url, '-q', 'copy', '--to', back]);
    expect(r.code, r.stderr).toBe(0);
    expect(await outputs(back)).toEqual(before);
    // New rows after the copy get ids after the copied ones (the identity columns were moved on).
    const add = await run([
      '--db',
      pg.url,
      '--format',
      'json',
      'complaint',
      'add',
      '--customer',
      'C0007',
      '--category',
      'product',
      '--priority',
      'low',
      '--summary',
      'after the move',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect((JSON.parse(add.stdout) as { id: number }).id).toBe(3);
  }, 240_000);

  it('refuses a PostgreSQL database that holds anything, and changes nothing in it', async () => {
    const busy = await createTestDb();
    try {
      expect((await run(['--db', busy.url, '-q', 'import', 'customers', fixture('sample', 'customers.csv')])).code).toBe(0);
      const count = async (): Promise<number> => Number((await busy.sql`SELECT count(*) AS n FROM customers`)[0]!.n);
      const n = await count();
      const r = await run(['--db', source, 'copy', '--to', busy.url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/already holds a shop \(imports, customers\); copy writes only into an empty database, and nothing was changed\nhint: /);
      expect(await count()).toBe(n);
      expect(Number((await busy.sql`SELECT count(*) AS n FROM transactions`)[0]!.n)).toBe(0);
    } finally {
      await busy.drop();
    }
  }, 60_000);

  it('a copy killed at any point leaves the destination holding nothing of it', async () => {
    // A shop big enough that the copy takes a while: the sample's sales many times over.
    const big = path.join(t.dir, 'big.db');
    const lines = fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8').trimEnd().split('\n');
    const rows: string[] = [lines[0]!];
    for (let k = 0; k < 20; k++) for (const l of lines.slice(1)) rows.push(l.replace(/^INV/, `K${k}-`));
    const file = path.join(t.dir, 'big.csv');
    fs.writeFileSync(file, rows.join('\n') + '\n');
    expect((await run(['--db', big, '-q', 'import', 'transactions', file])).code).toBe(0);
    const dest = await createTestDb();
    try {
      const child = spawn(process.execPath, [BIN, '--db', big, 'copy', '--to', dest.url], { stdio: ['ignore', 'pipe', 'pipe'] });
      // Killed once it is under way: when its transaction is writing rows on the server.
      let killed = false;
      const poll = setInterval(() => {
        void dest.sql`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ${dest.name} AND query LIKE 'COPY%'`.then((r) => {
          if (!killed && Number(r[0]!.n) > 0) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
      }, 10);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      clearInterval(poll);
      expect(killed, `the copy ended (exit ${code}) before it was seen writing`).toBe(true);
      for (const spec of COPY_TABLES) {
        expect(Number((await dest.sql.unsafe(`SELECT count(*) AS n FROM ${spec.name}`))[0]!.n), spec.name).toBe(0);
      }
      // And the copy then goes through whole.
      const r = await run(['--db', big, '-q', '--format', 'json', 'copy', '--to', dest.url]);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { table: string; rows: number }[]).find((x) => x.table === 'transactions')?.rows).toBe(20 * (lines.length - 1));
    } finally {
      await dest.drop();
    }
  }, 240_000);
});
