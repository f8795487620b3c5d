/**
 * Crash safety of the PostgreSQL import: a child process importing a large file (through the
 * session, src/bench/pgImport.ts in dist/) is killed with SIGKILL at random moments. The server
 * rolls back the dropped connection's transaction, so after every kill the database holds nothing
 * of the file, its indexes included (a bulk load drops them inside the transaction); a later
 * import stores it all. Needs RAPPORT_TEST_PG; builds dist-dev/ (tsconfig.dev.json) itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIntoPg } from '../../bench/pgImport.js';
import { migratePg } from '../../src/store/pg/migrations.js';
import { tempDir } from '../helpers.js';
import { readOffset, until } from '../waits.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const ROWS = 400_000;
const KILLS = 3;

let db: TestDb;
let t: ReturnType<typeof tempDir>;
let big: string;
let expectedSum = 0;

beforeAll(async () => {
  // The killed child runs the developer tools' build (bench/ compiled with src/ into dist-dev/).
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.dev.json')], { stdio: 'inherit' });
  db = await createTestDb();
  await migratePg(db.sql, db.url);
  t = tempDir();
  big = path.join(t.dir, 'big.csv');
  const lines = ['customer_id,date,amount,channel'];
  for (let i = 0; i < ROWS; i++) {
    const minor = 100 + (i % 1000) * 13 + (i % 7);
    expectedSum += minor;
    const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`C${i % 20000},${day},${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')},${i % 3 === 0 ? 'web' : 'shop'}`);
  }
  fs.writeFileSync(big, lines.join('\n') + '\n');
}, 300_000);

afterAll(async () => {
  t?.cleanup();
  await db?.drop();
});

function startImport(): ChildProcess {
  const script = `
    const { connectPg } = await import(${JSON.stringify(path.join(ROOT, 'dist-dev/src/store/pg/connect.js'))});
    const { importIntoPg } = await import(${JSON.stringify(path.join(ROOT, 'dist-dev/bench/pgImport.js'))});
    const sql = await connectPg(process.argv[2], process.env);
    process.stderr.write('connected\\n');
    await importIntoPg(sql, process.argv[3], { worker: true });
    await sql.end();`;
  // A file, not --input-type=module -e: the parsing worker would inherit that flag and fail.
  const file = path.join(t.dir, 'child.mjs');
  fs.writeFileSync(file, script);
  return spawn(process.execPath, [file, db.url, big], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function state(): Promise<{ imports: number; transactions: number; customers: number; indexes: number }> {
  const [row] = await db.sql<{ imports: number; transactions: number; customers: number; indexes: number }[]>`
    SELECT (SELECT count(*) FROM imports)::int AS imports, (SELECT count(*) FROM transactions)::int AS transactions,
           (SELECT count(*) FROM customers)::int AS customers,
           (SELECT count(*) FROM pg_indexes WHERE tablename = 'transactions')::int AS indexes`;
  return row!;
}

describe('SIGKILL during a PostgreSQL import', () => {
  it('leaves nothing of the file, and a later import stores it all', { timeout: 240_000 }, async () => {
    let killedMidImport = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = startImport();
      const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      // Killed once the worker has read the file to a random point past its first megabyte (not
      // after a fixed time, which a busy machine turns into "before it began": issue 21).
      const at = Math.floor(1024 * 1024 + Math.random() * (0.9 * fs.statSync(big).size - 1024 * 1024));
      await until(() => readOffset(child.pid!, big) >= at, `byte ${at} was read`, child);
      child.kill('SIGKILL');
      const signal = await exited;
      expect(signal, stderr).toBe('SIGKILL');
      killedMidImport++;
      // The server notices the dropped connection and rolls back (a statement in progress runs on until it does).
      expect(await state(), `kill ${k + 1}`).toEqual({ imports: 0, transactions: 0, customers: 0, indexes: 4 });
    }
    expect(killedMidImport).toBeGreaterThan(0);
    const r = await importIntoPg(db.sql, big);
    expect(r.counts).toMatchObject({ read: ROWS, imported: ROWS, duplicate: 0, customersCreated: 20_000 });
    expect(await state()).toEqual({ imports: 1, transactions: ROWS, customers: 20_000, indexes: 4 });
    expect((await db.sql`SELECT sum(amount) AS s FROM transactions`)[0]!.s).toBe(expectedSum);
  });
});
