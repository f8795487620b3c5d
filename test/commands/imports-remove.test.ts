/** rapport imports remove ID: an import taken back wholly, in one transaction, its record kept. */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImportsRemove } from '../../src/commands/imports.js';
import type { Prompter } from '../../src/cli/complaints/prompts.js';
import type { Context } from '../../src/cli/context.js';
import { run, scalar, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const value = <T>(sql: string): T => scalar<T>(t.db, sql);

async function imp(file: string, ...options: string[]): Promise<{ code: number; id: number; counts: Record<string, number>; status: string }> {
  const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', file, ...options]);
  const [res] = JSON.parse(r.stdout) as { import_id: number; counts: Record<string, number>; status: string }[];
  return { code: r.code, id: res!.import_id, counts: res!.counts, status: res!.status };
}

const remove = (id: number, ...more: string[]): ReturnType<typeof run> => run(['--db', t.db, 'imports', 'remove', String(id), ...more]);

describe('rapport imports remove', () => {
  it('removes the transactions, rejects and customers of that import alone; keeps the record; the file can come in again', async () => {
    const a = await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\nS1,2024-01-02,5.00\nA1,2024-01-03,x\n'));
    const b = await imp(t.file('b.csv', 'customer,date,amount\nS1,2024-02-01,7.00\nB1,2024-02-02,3.00\n'));
    expect(value<number>('SELECT count(*) FROM customers')).toBe(3);
    const r = await remove(a.id, '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 transactions \(net 15\.00\)/);
    expect(r.stderr).toMatch(/1 rejected rows/);
    expect(r.stderr).toMatch(/1 customers that only this import created/);
    // A1 was only in a.csv; S1 also bought in b.csv and stays.
    expect(value<string>('SELECT group_concat(id) FROM (SELECT id FROM customers ORDER BY id)')).toBe('B1,S1');
    expect(value<number>(`SELECT count(*) FROM transactions WHERE import_id = ${a.id}`)).toBe(0);
    expect(value<number>(`SELECT count(*) FROM rejects WHERE import_id = ${a.id}`)).toBe(0);
    expect(value<number>(`SELECT count(*) FROM transactions WHERE import_id = ${b.id}`)).toBe(2);
    expect(value<string>(`SELECT removed FROM imports WHERE id = ${a.id}`)).toMatch(/^removed \d{4}-\d\d-\d\dT.*: 2 transactions, 1 rejects, 1 customers$/);
    const s = JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, unknown>;
    expect(s).toMatchObject({ imports: 1, transactions: 2, net_revenue: '10.00', rejected_rows: 0 });
    const list = JSON.parse((await run(['--db', t.db, '--format', 'json', 'imports'])).stdout) as { id: number; status: string }[];
    expect(list.find((i) => i.id === a.id)!.status).toBe('removed');
    // Not "already imported" any more: the same file comes in again.
    const again = await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\nS1,2024-01-02,5.00\nA1,2024-01-03,x\n'));
    expect(again.status).toBe('imported');
    expect(again.counts.imported).toBe(2);
    // Removing it twice is an error that says when it went.
    const twice = await remove(a.id, '--yes');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already removed/);
  });

  it('keeps the duplicate rule right for the rows left (their slots are packed again)', async () => {
    // a.csv holds K once; b.csv, imported with --no-dedupe, stores K again (slot 1) without
    // holding a's row (a duplicate it counted would keep that row when a goes).
    const a = await imp(t.file('a.csv', 'customer,date,amount\nK,2024-01-01,1.00\n'));
    const b = await imp(t.file('b.csv', 'customer,date,amount\nK,2024-01-01,1.00\n'), '--no-dedupe');
    expect(b.counts).toMatchObject({ imported: 1, duplicate: 0 });
    expect((await remove(a.id, '--yes')).code).toBe(0);
    // The database holds one K, so a file with K once (and one new row) holds nothing new but L.
    // Left with a gap at slot 0, the walk would stop there and store K a second time.
    const c = await imp(t.file('c.csv', 'customer,date,amount\nK,2024-01-01,1.00\nL,2024-01-02,2.00\n'));
    expect(c.counts).toMatchObject({ imported: 1, duplicate: 1 });
    expect(value<number>(`SELECT count(*) FROM transactions WHERE customer_id = 'K'`)).toBe(1);
  });

  it('keeps the rows a remaining import also held: jan.csv, jan-feb.csv, remove jan.csv (issue 22)', async () => {
    const jan = 'customer,date,amount\nC1,2024-01-05,2.00\nC2,2024-01-06,3.00\n';
    const a = await imp(t.file('jan.csv', jan));
    const b = await imp(t.file('jan-feb.csv', jan + 'C3,2024-02-01,4.00\n'));
    expect(b.counts).toMatchObject({ imported: 1, duplicate: 2 });
    const r = await remove(a.id, '--yes');
    expect(r.stderr).toMatch(/2 transactions stay: import #2 held them too/);
    expect(value<string>('SELECT group_concat(customer_id || import_id || line) FROM (SELECT * FROM transactions ORDER BY id)')).toBe('C122,C223,C324');
    expect(value<number>('SELECT count(*) FROM customers')).toBe(3);
    expect(value<string>(`SELECT removed FROM imports WHERE id = ${a.id}`)).toMatch(
      /: 0 transactions, 2 transactions kept by import #2, 0 rejects, 0 customers$/,
    );
    expect((await imp(t.file('jan-feb.csv', jan + 'C3,2024-02-01,4.00\n'))).status).toBe('already-imported');
    // the duplicate rule still holds: jan.csv again adds nothing
    expect((await imp(t.file('jan.csv', jan))).counts).toMatchObject({ imported: 0, duplicate: 2 });
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(3);
  });

  it('removes the snapshots that saw its rows and keeps older ones', async () => {
    const a = await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\n'));
    expect((await run(['--db', t.db, 'segment', '--as-of', '2024-01-31'])).code).toBe(0);
    const b = await imp(t.file('b.csv', 'customer,date,amount\nB1,2024-02-01,3.00\n'));
    expect((await run(['--db', t.db, 'segment', '--as-of', '2024-02-28'])).code).toBe(0);
    const r = await remove(b.id, '--yes');
    expect(r.stderr).toMatch(/1 snapshots that saw its rows \(as of 2024-02-28\)/);
    expect(value<string>('SELECT group_concat(as_of) FROM snapshots')).toBe('2024-01-31');
    expect(a.id).toBeLessThan(b.id);
  });

  it('without a terminal and without --yes it removes nothing and says how to confirm', async () => {
    const a = await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\n'));
    const r = await remove(a.id);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/will be removed/);
    expect(r.stderr).toMatch(/--yes/);
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(1);
  });

  it('asks on a terminal: no removes nothing (exit 130), yes removes it', async () => {
    const a = await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\n'));
    const sink = (): PassThrough => new PassThrough().resume();
    const ctx: Context = {
      io: {
        stdout: sink(),
        stderr: sink(),
        stdin: new PassThrough(),
        stdoutIsTTY: true,
        progress: false,
        color: false,
        canPrompt: true,
        quiet: false,
        env: {},
        cwd: t.dir,
      },
      dbPath: t.db,
      dbChosen: true,
      format: 'table',
    };
    const asked: string[] = [];
    const answer = (yes: boolean): Prompter => ({
      input: () => Promise.reject(new Error('not asked')),
      select: () => Promise.reject(new Error('not asked')),
      confirm: (message) => {
        asked.push(message);
        return Promise.resolve(yes);
      },
      say: () => {},
    });
    expect(await runImportsRemove({ importId: a.id, yes: false }, ctx, answer(false))).toBe(130);
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(1);
    expect(await runImportsRemove({ importId: a.id, yes: false }, ctx, answer(true))).toBe(0);
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(0);
    expect(asked).toEqual([`Remove import #${a.id}?`, `Remove import #${a.id}?`]);
  });

  it('a refused import (every row rejected) can be removed too: status no longer counts its rejects', async () => {
    const f = t.file('bad.csv', 'customer,date,amount\nA,14-Jan-15,1\nB,16-Jul-14,2\n');
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', f, '--date-format', 'DD-MMM-YYYY']);
    expect(r.code).toBe(4);
    const id = (JSON.parse(r.stdout) as { import_id: number }[])[0]!.import_id;
    const before = JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, number>;
    expect(before).toMatchObject({ refused_imports: 1, rejected_rows_refused: 2 });
    expect((await remove(id, '--yes')).code).toBe(0);
    const after = JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, number>;
    expect(after).toMatchObject({ refused_imports: 0, rejected_rows_refused: 0, rejected_rows: 0 });
    expect(value<number>('SELECT count(*) FROM rejects')).toBe(0);
  });

  it('an unknown id fails; a customers import is not yet supported', async () => {
    await imp(t.file('a.csv', 'customer,date,amount\nA1,2024-01-01,10.00\n'));
    expect((await remove(99, '--yes')).code).toBe(1);
    await run(['--db', t.db, 'import', 'customers', t.file('c.csv', 'customer_id,name\nA1,Ann\n')]);
    const r = await remove(2, '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not yet supported/);
  });
});
