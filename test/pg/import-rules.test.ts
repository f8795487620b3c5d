/**
 * Issue 22's import rules on both stores: removing an import keeps every row a remaining import
 * also held (counted there as a duplicate); a NUL in a rejected line is stored and shown alike;
 * the stored amounts' total stays within 2^53 - 1. Runs only with RAPPORT_TEST_PG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

let pg: TestDb;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  pg = await createTestDb();
  tmp = tempDir();
}, 60_000);

afterAll(async () => {
  await pg?.drop();
  tmp?.cleanup();
});

const JAN = 'customer_id,date,amount\nC1,2024-01-05,2.00\nC2,2024-01-06,3.00\n';
const JAN_FEB = JAN + 'C3,2024-02-01,4.00\n';

describe.each([
  ['SQLite', () => tmp.db],
  ['PostgreSQL', () => pg.url],
])('imports remove on %s', (_name, db) => {
  const rapport = (...args: string[]): ReturnType<typeof run> => run(['--db', db(), ...args], { env: process.env as Record<string, string> });
  const imp = async (file: string): Promise<{ status: string; import_id: number | null; counts: Record<string, number> }> => {
    const r = await rapport('--format', 'json', 'import', 'transactions', file);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { status: string; import_id: number | null; counts: Record<string, number> }[])[0]!;
  };
  const sales = async (): Promise<string[]> =>
    (
      JSON.parse((await rapport('--format', 'json', 'export', 'transactions')).stdout) as {
        customer_id: string;
        amount: string;
        import_id: number;
        line: number;
      }[]
    ).map((r) => `${r.customer_id} ${r.amount} #${r.import_id}:${r.line}`);

  it('jan.csv, then jan-feb.csv (1 imported, 2 duplicates), then remove 1: all three sales stay, held by import 2', async () => {
    const jan = tmp.file(`jan-${_name}.csv`, JAN);
    const janFeb = tmp.file(`jan-feb-${_name}.csv`, JAN_FEB);
    expect((await imp(jan)).counts).toMatchObject({ imported: 2, duplicate: 0 });
    expect((await imp(janFeb)).counts).toMatchObject({ imported: 1, duplicate: 2 });
    const r = await rapport('imports', 'remove', '1', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 transactions \(net 0\.00\)/);
    expect(r.stderr).toMatch(/2 transactions stay: import #2 held them too/);
    expect(r.stderr).toMatch(/0 customers that only this import created/);
    expect(await sales()).toEqual(['C1 2.00 #2:2', 'C2 3.00 #2:3', 'C3 4.00 #2:4']);
    const status = JSON.parse((await rapport('--format', 'json', 'status')).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ customers: 3, transactions: 3, net_revenue: '9.00' });
    // jan-feb.csv's rows are all there: "already imported" is the truth.
    expect((await imp(janFeb)).status).toBe('already-imported');
    // jan.csv again: both its rows are duplicates of import 2's.
    expect((await imp(jan)).counts).toMatchObject({ imported: 0, duplicate: 2 });
    // Removing import 2 now hands C1 and C2 to import 3 (jan.csv again); only C3 goes.
    const r2 = await rapport('imports', 'remove', '2', '--yes');
    expect(r2.stderr).toMatch(/1 transactions \(net 4\.00\)/);
    expect(r2.stderr).toMatch(/1 customers that only this import created/);
    expect(await sales()).toEqual(['C1 2.00 #3:2', 'C2 3.00 #3:3']);
    // And jan-feb.csv comes in again for its missing row only.
    expect((await imp(janFeb)).counts).toMatchObject({ imported: 1, duplicate: 2 });
    expect(await sales()).toEqual(['C1 2.00 #3:2', 'C2 3.00 #3:3', 'C3 4.00 #4:4']);
  }, 60_000);

  it('a NUL in a rejected line: stored as ␀ and listed the same', async () => {
    const body = Array.from({ length: 200 }, (_, i) => `N${i},2024-03-01,1.00`);
    body[100] = 'N100,2024-03-01,1.\u000000';
    const r = await imp(tmp.file(`nul-${_name}.csv`, 'customer_id,date,amount\n' + body.join('\n') + '\n'));
    const rejects = JSON.parse((await rapport('--format', 'json', 'rejects', String(r.import_id))).stdout) as { raw: string }[];
    expect(rejects.map((x) => x.raw)).toEqual(['N100,2024-03-01,1.\u240000']);
    expect((await rapport('rejects', String(r.import_id))).stdout).toContain('N100,2024-03-01,1.\u240000');
  }, 60_000);

  it('amounts past 2^53 - 1 in total are refused whole', async () => {
    const big = '90071992547409.90';
    const r = await rapport('import', 'transactions', tmp.file(`big-${_name}.csv`, `customer_id,date,amount\nB1,2024-04-01,${big}\nB2,2024-04-02,${big}\n`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('more than rapport can add up exactly (9,007,199,254,740,991)');
    expect((await sales()).filter((s) => s.startsWith('B'))).toEqual([]);
  }, 60_000);
});
