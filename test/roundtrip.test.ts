import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutralise } from '../src/core/csvSafe.js';
import { decimalText } from '../src/core/money.js';
import { run, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** Every stored transaction but the database's own bookkeeping (which import, which line, the duplicate key). */
function sales(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT id, customer_id, date, time, amount, quantity, unit_price, product, channel, staff, payment_method, external_id, extra FROM transactions ORDER BY id').all();
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
      expect((await run(['--db', s.db, '-q', 'import', 'transactions', s.file('h.csv', 'customer_id,date,amount\nK,2025-01-01,1200\nK,2025-01-02,-300\n'), '--currency', 'JPY'])).code).toBe(0);
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
    expect([decimalText(0), decimalText(5), decimalText(-5), decimalText(123456), decimalText(-100), decimalText(1200, 0), decimalText(-1, 3), decimalText(9007199254740991)]).toEqual([
      '0.00', '0.05', '-0.05', '1234.56', '-1.00', '1200', '-0.001', '90071992547409.91',
    ]);
  });

  it('plain negative numbers are data; formulas after a minus are still guarded', () => {
    for (const ok of ['-1', '-12.50', '-3,5', '-.5', '-0']) expect(neutralise(ok)).toBe(ok);
    for (const bad of ['-1+1', '-2+3+cmd|\' /C calc\'!A0', '-1e5', '-', '-1.', '--1', '-1 ', '-SUM(A1)', '+1', '=1', '@A1']) expect(neutralise(bad)).toBe(`'${bad}`);
  });
});
