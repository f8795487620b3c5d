import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutralise } from '../../src/core/csvSafe.js';
import { decimalText } from '../../src/core/money.js';
import { run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** Every stored transaction but the database's own bookkeeping (which import, which line, the duplicate key). */
function sales(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare(
        'SELECT id, customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra FROM transactions ORDER BY id',
      )
      .all();
  } finally {
    d.close();
  }
}

const HISTORY = [
  'invoice,customer_id,date,amount,qty,price,product,channel,staff,loyalty_card',
  'A1,-1,2025-01-03 09:15,12.50,,,=1+1,web,Ann,',
  'A2,-1,2025-01-04,-12.50,,,Refund,store,Ann,L-77',
  'A3,00042,2025-02-01,0.05,1,0.05,"Mug, small",store,,',
  'A4,+44 7700 900123,2025-02-02,1234567.89,3,411522.63,Big order,phone,Bo,L-9',
  'A4,+44 7700 900123,2025-02-02,1234567.89,3,411522.63,Big order,phone,Bo,L-9',
  'A5,C9,2025-03-01,,2,0.10,Cheap,web,,',
].join('\n');

describe('export transactions, then import transactions into a new database', () => {
  it('gives back the same transactions: ids, customers, dates, times, amounts, quantities, prices, texts and extra columns', async () => {
    const first = t.db;
    const second = t.dir + '/second.db';
    expect((await run(['--db', first, '-q', 'import', 'transactions', t.file('h.csv', HISTORY), '--currency', 'EUR'])).code).toBe(0);
    const exported = await run(['--db', first, 'export', 'transactions']);
    expect(exported.code).toBe(0);
    const rows = parse(exported.stdout, { columns: true }) as Record<string, string>[];
    // Amounts as decimals in the currency, named; a negative id and amount are data, not formulas.
    expect(rows.map((r) => [r.customer_id, r.amount, r.unit_price, r.currency])).toEqual([
      ['-1', '12.50', '', 'EUR'],
      ['-1', '-12.50', '', 'EUR'],
      ['00042', '0.05', '0.05', 'EUR'],
      ["'+44 7700 900123", '1234567.89', '411522.63', 'EUR'],
      ["'+44 7700 900123", '1234567.89', '411522.63', 'EUR'],
      ['C9', '0.20', '0.10', 'EUR'],
    ]);
    expect(rows[0]!.product).toBe("'=1+1");
    const back = await run(['--db', second, '-q', 'import', 'transactions', t.file('export.csv', exported.stdout)]);
    expect(back.code, back.stderr).toBe(0);
    expect(sales(second)).toEqual(sales(first));
    expect(sales(second)).toHaveLength(6);
    // The currency came with the file.
    expect((await run(['--db', second, 'export', 'transactions'])).stdout.split('\n')[1]).toMatch(/,EUR$/);
  });

  it('the JSON export carries exact decimal strings and the currency', async () => {
    const s = tempDir();
    try {
      expect(
        (
          await run([
            '--db',
            s.db,
            '-q',
            'import',
            'transactions',
            s.file('h.csv', 'customer_id,date,amount\nK,2025-01-01,1200\nK,2025-01-02,-300\n'),
            '--currency',
            'JPY',
          ])
        ).code,
      ).toBe(0);
      const rows = JSON.parse((await run(['--db', s.db, '--format', 'json', 'export', 'transactions'])).stdout) as { amount: string; currency: string }[];
      expect(rows.map((r) => [r.amount, r.currency])).toEqual([
        ['1200', 'JPY'],
        ['-300', 'JPY'],
      ]);
    } finally {
      s.cleanup();
    }
  });

  it('an export in one currency is refused row by row by a database in another, naming the currency column', async () => {
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', t.file('h.csv', HISTORY), '--currency', 'EUR'])).code).toBe(0);
    const file = t.file('export.csv', (await run(['--db', t.db, 'export', 'transactions'])).stdout);
    const other = t.dir + '/usd.db';
    const r = await run(['--db', other, 'import', 'transactions', file, '--currency', 'USD']);
    expect(r.stderr).toContain('6 rows rejected');
    const rejects = parse((await run(['--db', other, 'rejects', '--format', 'csv'])).stdout, { columns: true }) as Record<string, string>[];
    expect(rejects.length).toBe(6);
    expect(rejects[0]!.field).toBe('currency');
    expect(rejects[0]!.reason).toContain('USD');
  });
});

describe('money as text, and the formula guard', () => {
  it('decimalText is exact from minor units', () => {
    expect([
      decimalText(0),
      decimalText(5),
      decimalText(-5),
      decimalText(123456),
      decimalText(-100),
      decimalText(1200, 0),
      decimalText(-1, 3),
      decimalText(9007199254740991),
    ]).toEqual(['0.00', '0.05', '-0.05', '1234.56', '-1.00', '1200', '-0.001', '90071992547409.91']);
  });

  it('plain negative numbers are data; formulas after a minus are still guarded', () => {
    for (const ok of ['-1', '-12.50', '-3,5', '-.5', '-0']) expect(neutralise(ok)).toBe(ok);
    for (const bad of ['-1+1', "-2+3+cmd|' /C calc'!A0", '-1e5', '-', '-1.', '--1', '-1 ', '-SUM(A1)', '+1', '=1', '@A1'])
      expect(neutralise(bad)).toBe(`'${bad}`);
  });
});

describe('export customers, then import customers (issue 22 item 5, issue 27)', () => {
  const SAMPLE = new URL('../../fixtures/sample/customers.csv', import.meta.url).pathname;
  const rp = (db: string, ...args: string[]): ReturnType<typeof run> => run(['--db', db, ...args]);
  const counts = async (db: string, file: string): Promise<Record<string, number>> => {
    const r = await rp(db, '--format', 'json', 'import', 'customers', file);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { counts: Record<string, number> }[])[0]!.counts;
  };

  it("the demo shop's customers (with a city column) come back byte for byte, plain and --excel, into the same and a new database", async () => {
    expect((await rp(t.db, '-q', 'import', 'customers', SAMPLE)).code).toBe(0);
    const first = (await rp(t.db, 'export', 'customers')).stdout;
    const lines = first.split('\n');
    expect(lines[0]).toBe('id,name,email,phone,type,account_manager,created_date,city');
    expect(lines[2]).toBe("C0002,Noah Williams,c0002@example.com,'+44 7700 118158,consumer,,2026-08-23,London");
    for (const excel of [false, true]) {
      const exported = (await rp(t.db, 'export', 'customers', ...(excel ? ['--excel'] : []))).stdout;
      if (excel) expect(exported).toContain('"=""+44 7700 118158"""');
      expect(await counts(t.db, t.file('again.csv', exported))).toMatchObject({ imported: 0, updated: 0, duplicate: 500, rejected: 0 });
      expect((await rp(t.db, 'export', 'customers')).stdout).toBe(first);
    }
    const fresh = t.dir + '/fresh.db';
    expect(await counts(fresh, t.file('c.csv', first))).toMatchObject({ imported: 500, rejected: 0 });
    expect((await rp(fresh, 'export', 'customers')).stdout).toBe(first);
    const d = new Database(t.db, { readonly: true });
    try {
      expect(d.prepare("SELECT phone, attributes FROM customers WHERE id = 'C0002'").get()).toEqual({
        phone: '+44 7700 118158',
        attributes: '{"city":"London"}',
      });
    } finally {
      d.close();
    }
  });

  it('extra columns named like fields, like the guard, or __proto__ keep their names; the union in first-seen order', async () => {
    const src = t.file('x.csv', 'customer_id,name,phone,__proto__,=tier,mobile\nA,=Ann,+44 1,p1,gold,+44 2\nB,Bo,,,,\n');
    expect((await counts(t.db, src)).imported).toBe(2);
    expect((await counts(t.db, t.file('y.csv', 'customer_id,created,country\nB,2024-01-02,UK\n'))).updated).toBe(1);
    const out = (await rp(t.db, 'export', 'customers')).stdout;
    expect(out.split('\n')[0]).toBe("id,name,email,phone,type,account_manager,created_date,'=tier,__proto__,mobile,country");
    expect(out.split('\n')[1]).toBe("A,'=Ann,,'+44 1,,,,gold,p1,'+44 2,");
    const json = JSON.parse((await rp(t.db, '--format', 'json', 'export', 'customers')).stdout) as { attributes: unknown }[];
    expect(json.map((c) => c.attributes)).toEqual([{ '=tier': 'gold', ['__proto__']: 'p1', mobile: '+44 2' }, { country: 'UK' }]);
    expect(await counts(t.db, t.file('back.csv', out))).toMatchObject({ updated: 0, duplicate: 2 });
    const fresh = t.dir + '/fresh.db';
    expect((await counts(fresh, t.file('back.csv', out))).imported).toBe(2);
    expect((await rp(fresh, 'export', 'customers')).stdout).toBe(out);
  });

  it("an older export's packed attributes column is unpacked", async () => {
    const old = t.file('old.csv', 'id,name,email,phone,type,account_manager,created_date,attributes\nA,Ann,,\'+44 1,,,,"{""city"":""Leeds""}"\n');
    expect((await counts(t.db, old)).imported).toBe(1);
    expect(scalarOf(t.db, "SELECT phone || ' ' || attributes FROM customers")).toBe('+44 1 {"city":"Leeds"}');
  });
});

function scalarOf(db: string, sql: string): unknown {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get();
  } finally {
    d.close();
  }
}
