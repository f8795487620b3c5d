/**
 * Command-level tests of `rapport import` (and status / imports / rejects) over the fixture
 * corpus in fixtures/import/, each on a real temporary SQLite database.
 *
 * Every expected number here was worked out by hand from the fixture's rows (the sums are in
 * the comments next to them), never copied from the program's output.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, minorUnits, run, tempDir, type RunResult } from '../helpers.js';

interface Counts {
  read: number;
  imported: number;
  updated: number;
  duplicate: number;
  rejected: number;
  blank_lines: number;
  customers_created: number;
  without_customer: number;
}

interface FileResult {
  file: string;
  status: 'imported' | 'already-imported' | 'refused' | 'dry-run';
  refusal: 'max-rejects' | 'all-rejected' | null;
  import_id: number | null;
  same_as: number | null;
  counts: Counts;
  reasons: { reason: string; count: number }[];
  mapping: Record<string, string>;
  extra_columns: string[];
  delimiter: string;
  encoding: string;
  date_layout: string;
  currency: string | null;
  preview: Record<string, unknown>[];
}

type Row = Record<string, unknown>;

const ESC = '\u001b';
const STACK_FRAME = '    at ';

const fx = (name: string): string => fixture('import', name);

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

/** `rapport --db <t.db> --format json import <kind> <files...> <options...>`, with stdout parsed. */
async function importJson(
  kind: 'transactions' | 'customers',
  files: string[],
  options: string[] = [],
  db = t.db,
): Promise<RunResult & { results: FileResult[] }> {
  const r = await run(['--db', db, '--format', 'json', 'import', kind, ...files, ...options]);
  let results: FileResult[];
  try {
    results = JSON.parse(r.stdout) as FileResult[];
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return { ...r, results };
}

/** The one result of a one-file import, after checking the exit code. */
async function importOne(kind: 'transactions' | 'customers', file: string, options: string[] = [], expectedCode = 0): Promise<FileResult> {
  const r = await importJson(kind, [file], options);
  expect(r.code, r.stderr).toBe(expectedCode);
  expect(r.results).toHaveLength(1);
  return r.results[0]!;
}

function withDb<T>(f: (d: Database.Database) => T, db = t.db): T {
  const d = new Database(db, { readonly: true });
  try {
    return f(d);
  } finally {
    d.close();
  }
}

/** One value from the database. */
function value<T = unknown>(sql: string, ...params: unknown[]): T {
  return withDb(
    (d) =>
      d
        .prepare(sql)
        .pluck()
        .get(...params) as T,
  );
}

function rows(sql: string, ...params: unknown[]): Row[] {
  return withDb((d) => d.prepare(sql).all(...params) as Row[]);
}

const txCount = (): number => value<number>('SELECT count(*) FROM transactions');
const txSum = (): number | null => value<number | null>('SELECT sum(amount) FROM transactions');

/** The stderr of a failed run: one error line (and optionally one hint line), no stack trace. */
function expectOneLineError(stderr: string): void {
  expect(stderr).not.toContain(STACK_FRAME);
  const lines = stderr.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('rapport:'))).toHaveLength(1);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
}

function csvRecords(text: string): Row[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
}

describe('clean.csv: ISO dates, plain amounts', () => {
  it('imports every row with the counts and the sum to the cent', async () => {
    const r = await importOne('transactions', fx('clean.csv'));
    expect(r.status).toBe('imported');
    expect(r.counts).toMatchObject({ read: 6, imported: 6, duplicate: 0, rejected: 0, customers_created: 4 });
    expect(r.import_id).toBeGreaterThan(0);
    // 12.50 + 7.25 + 30.00 + 4.99 + 125.00 + 18.40 = 198.14
    expect(txSum()).toBe(19814);
    expect(txCount()).toBe(6);
    expect(value('SELECT count(*) FROM customers')).toBe(4);
    expect(rows('SELECT customer_id, date, amount, product FROM transactions ORDER BY line')).toEqual([
      { customer_id: 'C001', date: '2024-01-05', amount: 1250, product: 'Coffee beans 250g' },
      { customer_id: 'C002', date: '2024-01-06', amount: 725, product: 'Green tea' },
      { customer_id: 'C003', date: '2024-01-09', amount: 3000, product: 'Teapot' },
      { customer_id: 'C001', date: '2024-01-15', amount: 499, product: 'Biscuits' },
      { customer_id: 'C004', date: '2024-02-01', amount: 12500, product: 'Gift hamper' },
      { customer_id: 'C002', date: '2024-02-03', amount: 1840, product: 'Coffee beans 1kg' },
    ]);
  });

  it('re-importing the same file says already-imported and adds nothing', async () => {
    const first = await importOne('transactions', fx('clean.csv'));
    const again = await importOne('transactions', fx('clean.csv'));
    expect(again.status).toBe('already-imported');
    expect(again.same_as).toBe(first.import_id);
    expect(again.counts.imported).toBe(0);
    expect(txCount()).toBe(6);
    expect(txSum()).toBe(19814);
    expect(value(`SELECT count(*) FROM imports WHERE status = 'complete'`)).toBe(1);
  });

  it('a copy of the file under another name is recognised by its content', async () => {
    await importOne('transactions', fx('clean.csv'));
    const copy = t.file('clean-copy.csv', fs.readFileSync(fx('clean.csv')));
    const again = await importOne('transactions', copy);
    expect(again.status).toBe('already-imported');
    expect(txCount()).toBe(6);
  });

  it('reads standard input given as -', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', '-'], { stdin: fs.readFileSync(fx('clean.csv')) });
    expect(r.code, r.stderr).toBe(0);
    const [res] = JSON.parse(r.stdout) as FileResult[];
    expect(res!.file).toBe('(stdin)');
    expect(res!.counts).toMatchObject({ read: 6, imported: 6 });
    expect(txSum()).toBe(19814);
  });
});

describe('messy.csv: spaced headers, $ amounts, blank lines, quoted fields', () => {
  it('maps the headers, reads the amounts and keeps the quoted comma and newline', async () => {
    const r = await importOne('transactions', fx('messy.csv'));
    expect(r.mapping).toMatchObject({ customer_id: 'Customer ID', date: 'Order Date', amount: 'Total', product: 'Item' });
    expect(r.extra_columns).toEqual(['Notes']);
    // Lines 5, 8 (spaces only) and 10 are blank; 5 records, one of them over lines 3-4.
    expect(r.counts).toMatchObject({ read: 5, imported: 5, duplicate: 0, rejected: 0, blank_lines: 3, customers_created: 4 });
    // 1,234.50 + 45.00 - 12.00 + 8.99 + 300.00 = 1,576.49
    expect(txSum()).toBe(157649);
    expect(rows('SELECT line, customer_id, date, amount, product, extra FROM transactions ORDER BY line')).toEqual([
      { line: 2, customer_id: 'C101', date: '2024-03-01', amount: 123450, product: 'Desk, oak', extra: null },
      { line: 3, customer_id: 'C102', date: '2024-03-02', amount: 4500, product: 'Lamp', extra: JSON.stringify({ Notes: 'Leave at the door\nring twice' }) },
      { line: 6, customer_id: 'C103', date: '2024-03-04', amount: -1200, product: 'Lamp shade', extra: JSON.stringify({ Notes: 'returned' }) },
      { line: 7, customer_id: 'C101', date: '2024-03-05', amount: 899, product: 'Bulbs', extra: null },
      { line: 9, customer_id: 'C104', date: '2024-03-07', amount: 30000, product: 'Chair', extra: null },
    ]);
  });
});

describe('line-items.csv: UCI Online Retail layout (quantity × unit price, M/D/YYYY H:mm)', () => {
  it('settles the month-first layout from 12/13/2010 and computes each amount exactly', async () => {
    const r = await importOne('transactions', fx('line-items.csv'));
    expect(r.date_layout).toMatch(/^M\/D\/YYYY/);
    expect(r.mapping).toMatchObject({
      customer_id: 'CustomerID',
      date: 'InvoiceDate',
      quantity: 'Quantity',
      unit_price: 'UnitPrice',
      product: 'StockCode',
      external_id: 'InvoiceNo',
    });
    expect(r.mapping.amount).toBeUndefined();
    // The last line has no CustomerID (as in the real data set): a sale without a customer, stored.
    expect(r.counts).toMatchObject({ read: 10, imported: 10, duplicate: 0, rejected: 0, customers_created: 7, without_customer: 1 });
    expect(rows('SELECT line, customer_id, date, time, quantity, unit_price, amount, external_id FROM transactions ORDER BY line')).toEqual([
      { line: 2, customer_id: '17850', date: '2010-12-01', time: '08:26:00', quantity: 6, unit_price: 255, amount: 1530, external_id: '536365' }, // 6 × 2.55
      { line: 3, customer_id: '17850', date: '2010-12-01', time: '08:26:00', quantity: 6, unit_price: 339, amount: 2034, external_id: '536365' }, // 6 × 3.39
      { line: 4, customer_id: '13047', date: '2010-12-01', time: '08:34:00', quantity: 6, unit_price: 210, amount: 1260, external_id: '536367' }, // 6 × 2.1
      { line: 5, customer_id: '12583', date: '2010-12-01', time: '08:45:00', quantity: 24, unit_price: 375, amount: 9000, external_id: '536370' }, // 24 × 3.75
      { line: 6, customer_id: '12583', date: '2010-12-01', time: '08:45:00', quantity: 36, unit_price: 65, amount: 2340, external_id: '536370' }, // 36 × 0.65
      { line: 7, customer_id: '14911', date: '2010-12-02', time: '09:41:00', quantity: 12, unit_price: 85, amount: 1020, external_id: '536379' }, // 12 × 0.85
      { line: 8, customer_id: '15311', date: '2010-12-13', time: '09:49:00', quantity: -1, unit_price: 465, amount: -465, external_id: 'C536383' }, // cancellation: -1 × 4.65
      { line: 9, customer_id: '17511', date: '2010-12-13', time: '10:19:00', quantity: 100, unit_price: 165, amount: 16500, external_id: '536390' }, // 100 × 1.65
      // 48 × 0.165 = 7.92 exactly, although the price itself rounds to 0.17 for storage.
      { line: 10, customer_id: '13705', date: '2010-12-14', time: '10:25:00', quantity: 48, unit_price: 17, amount: 792, external_id: '536392' },
      { line: 11, customer_id: '', date: '2010-12-14', time: '11:52:00', quantity: 56, unit_price: 0, amount: 0, external_id: '536414' },
    ]);
    // 15.30 + 20.34 + 12.60 + 90.00 + 23.40 + 10.20 - 4.65 + 165.00 + 7.92 = 340.11
    expect(txSum()).toBe(34011);
    const extra = JSON.parse(value<string>('SELECT extra FROM transactions WHERE line = 10')) as Record<string, string>;
    // The description is the product's name (kept by code), no longer an extra attribute.
    expect(extra).toEqual({ Country: 'United Kingdom' });
    expect(value<string>(`SELECT name FROM products WHERE code = '21232'`)).toBe('STRAWBERRY CERAMIC TRINKET BOX, SMALL');
  });

  it('keeps the row without a customer as a sale of no customer: no reject, no customer record', async () => {
    const r = await importOne('transactions', fx('line-items.csv'));
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    expect(out.code).toBe(0);
    expect(csvRecords(out.stdout)).toHaveLength(0);
    expect(value<number>(`SELECT count(*) FROM customers WHERE id = ''`)).toBe(0);
    const s = minorUnits(JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, unknown>);
    expect(s).toMatchObject({ customers: 7, transactions: 10, lines_without_customer: 1, net_revenue_without_customer: 0 });
  });
});

describe('refunds.csv: negative amounts', () => {
  it('stores refunds negative and the net sum exactly', async () => {
    const r = await importOne('transactions', fx('refunds.csv'));
    expect(r.counts).toMatchObject({ read: 5, imported: 5, rejected: 0 });
    expect(rows('SELECT amount FROM transactions WHERE amount < 0 ORDER BY line').map((x) => x.amount)).toEqual([-4999, -550, -99]);
    // 49.99 - 49.99 + 20.00 - 5.50 - 0.99 = 13.51
    expect(txSum()).toBe(1351);
    const s = await run(['--db', t.db, '--format', 'json', 'status']);
    // refund_lines counts lines; refunds_amount is money (49.99 + 5.50 + 0.99 = 56.48 taken back).
    expect(JSON.parse(s.stdout)).toMatchObject({ transactions: 5, refund_lines: 3, refunds_amount: '-56.48', net_revenue: '13.51' });
  });
});

describe('duplicates.csv and the duplicate rule', () => {
  it('keeps two identical lines of one file', async () => {
    const r = await importOne('transactions', fx('duplicates.csv'));
    expect(r.counts).toMatchObject({ read: 3, imported: 3, duplicate: 0 });
    expect(value(`SELECT count(*) FROM transactions WHERE customer_id = 'C010' AND amount = 320`)).toBe(2);
    // 3.20 + 3.20 + 2.80
    expect(txSum()).toBe(920);
  });

  it('the n-th copy of a row is new only when the database holds fewer than n', async () => {
    await importOne('transactions', fx('duplicates.csv'));
    // The database holds the Flat white twice; this file has it three times and one new row.
    const f = t.file(
      'later.csv',
      'customer_id,date,amount,product\nC010,2024-05-01,3.20,Flat white\nC010,2024-05-01,3.20,Flat white\nC012,2024-05-02,4.10,Latte\nC010,2024-05-01,3.20,Flat white\n',
    );
    const r = await importOne('transactions', f);
    expect(r.counts).toMatchObject({ read: 4, imported: 2, duplicate: 2 });
    expect(value(`SELECT count(*) FROM transactions WHERE customer_id = 'C010' AND amount = 320`)).toBe(3);
    // 9.20 + 3.20 + 4.10
    expect(txSum()).toBe(1650);
  });
});

describe('overlap-1.csv / overlap-2.csv: an export that repeats an earlier one', () => {
  it('adds only the new rows', async () => {
    const a = await importOne('transactions', fx('overlap-1.csv'));
    expect(a.counts).toMatchObject({ read: 3, imported: 3, duplicate: 0 });
    const b = await importOne('transactions', fx('overlap-2.csv'));
    expect(b.status).toBe('imported');
    expect(b.counts).toMatchObject({ read: 5, imported: 2, duplicate: 3, rejected: 0 });
    expect(txCount()).toBe(5);
    // 10.00 + 15.50 + 10.00 + 7.75 + 15.50 = 58.75
    expect(txSum()).toBe(5875);
    expect(rows('SELECT customer_id, date, amount FROM transactions WHERE import_id = ? ORDER BY line', b.import_id)).toEqual([
      { customer_id: 'C022', date: '2024-06-03', amount: 775 },
      { customer_id: 'C021', date: '2024-06-04', amount: 1550 },
    ]);
  });

  it('the older, smaller export after the newer one adds nothing', async () => {
    await importOne('transactions', fx('overlap-2.csv'));
    const r = await importOne('transactions', fx('overlap-1.csv'));
    expect(r.counts).toMatchObject({ read: 3, imported: 0, duplicate: 3 });
    expect(txCount()).toBe(5);
  });

  it('applies the rule across batches of a larger file (repeats in separate statements)', async () => {
    const line = (k: number): string => `G${k % 7},2024-0${1 + (k % 9)}-1${k % 10},${10 + k}.${String(k % 100).padStart(2, '0')}`;
    const head = 'customer_id,date,amount\n';
    // 60 distinct rows, each twice, the copies 60 lines apart: 120 rows, all kept.
    const first: string[] = [];
    for (let i = 0; i < 120; i++) first.push(line(i % 60));
    const r1 = await importOne('transactions', t.file('first.csv', head + first.join('\n') + '\n'));
    expect(r1.counts).toMatchObject({ read: 120, imported: 120, duplicate: 0 });
    // Each of the 60 rows three times (the database holds two of each): 60 new, 120 duplicates.
    const second: string[] = [];
    for (let i = 0; i < 180; i++) second.push(line(i % 60));
    const r2 = await importOne('transactions', t.file('second.csv', head + second.join('\n') + '\n'));
    expect(r2.counts).toMatchObject({ read: 180, imported: 60, duplicate: 120 });
    // The first file's rows in reverse order: another file, nothing new.
    const r3 = await importOne('transactions', t.file('third.csv', head + [...first].reverse().join('\n') + '\n'));
    expect(r3.counts).toMatchObject({ read: 120, imported: 0, duplicate: 120 });
    expect(txCount()).toBe(180);
    // Sum over k of (10 + k) + k/100 for k = 0..59, three times, in minor units.
    let one = 0;
    for (let k = 0; k < 60; k++) one += (10 + k) * 100 + (k % 100);
    expect(txSum()).toBe(3 * one);
  });
});

describe('bad-rows.csv: rejects', () => {
  const expectedRejects = [
    { line: '4', field: 'date' },
    { line: '5', field: 'amount' },
    { line: '8', field: '' },
    { line: '9', field: '' },
  ];

  it('stores the good rows and lists each bad row with its line and reason', async () => {
    const r = await importOne('transactions', fx('bad-rows.csv'));
    expect(r.status).toBe('imported');
    // 11 records (lines 6-7 are one record); bad: lines 4, 5, 8, 9. Line 3 has no customer: a sale of no customer.
    expect(r.counts).toMatchObject({ read: 11, imported: 7, duplicate: 0, rejected: 4, without_customer: 1 });
    // 10.00 + 5.00 + 8.00 + 1.25 + 3.00 + 6.75 + 0.50 = 34.50
    expect(txSum()).toBe(3450);
    expect(rows('SELECT line FROM transactions ORDER BY line').map((x) => x.line)).toEqual([2, 3, 6, 10, 11, 12, 13]);
    expect(value('SELECT customer_id FROM transactions WHERE line = 3')).toBe('');
    expect(value('SELECT extra FROM transactions WHERE line = 6')).toBe(JSON.stringify({ note: 'gift wrap,\nextra ribbon' }));

    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    expect(out.code).toBe(0);
    const recs = csvRecords(out.stdout);
    expect(recs.map((x) => ({ line: x.line, field: x.field }))).toEqual(expectedRejects);
    for (const x of recs) expect(x.import_id).toBe(String(r.import_id));
    expect(recs[0]!.reason).toMatch(/30/);
    expect(recs[0]!.reason).toMatch(/2024-02|February/i);
    expect(recs[1]!.reason).toContain('abc');
    expect(recs[2]!.reason).toMatch(/4\b.*\b3|3\b.*\b4/);
    expect(recs[3]!.reason).toMatch(/4\b.*\b5|5\b.*\b4/);
    expect(recs.map((x) => x.raw)).toEqual([
      'C031,2024-02-30,7.00,no such day',
      'C032,2024-07-03,abc,unreadable amount',
      'C034,2024-07-05,2.50',
      'C035,2024-07-06,4.00,ok,surplus',
    ]);
  });

  it('rejected rows leave no customer records behind', async () => {
    const r = await importOne('transactions', fx('bad-rows.csv'));
    // Customers of the stored rows: C030, C033, C036, C037, C038. C031, C032, C034 and C035
    // appear only on rejected rows.
    expect(r.counts.customers_created).toBe(5);
    expect(rows('SELECT id FROM customers ORDER BY id').map((x) => x.id)).toEqual(['C030', 'C033', 'C036', 'C037', 'C038']);
  });

  it('--max-rejects 0 refuses the file with exit 3 and stores no transactions', async () => {
    const r = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '0'], 3);
    expect(r.status).toBe('refused');
    expect(r.counts.rejected).toBeGreaterThan(0);
    expect(txCount()).toBe(0);
    expect(value('SELECT count(*) FROM customers')).toBe(0);
    expect(value(`SELECT count(*) FROM imports WHERE status = 'complete'`)).toBe(0);
    // The refused attempt is on record with its rejects, so they can be listed and fixed.
    expect(value('SELECT status FROM imports WHERE id = ?', r.import_id)).toBe('refused');
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    expect(out.code).toBe(0);
    expect(csvRecords(out.stdout)[0]).toMatchObject({ line: '4', field: 'date' });
    // A refused file is not "already imported": fixing the limit lets it in.
    const again = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '4']);
    expect(again.status).toBe('imported');
    expect(again.counts).toMatchObject({ imported: 7, rejected: 4 });
    expect(txSum()).toBe(3450);
  });

  it('--max-rejects N is a limit on the count of real rejects (the line without a customer is none): 4 passes, 3 refuses', async () => {
    const refused = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '3'], 3);
    expect(refused.status).toBe('refused');
    expect(refused.refusal).toBe('max-rejects');
    expect(txCount()).toBe(0);
    const ok = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '4']);
    expect(ok.status).toBe('imported');
    expect(txCount()).toBe(7);
  });

  it('--max-rejects 40% lets 4 rejects in 11 rows (36%) through, 35% refuses', async () => {
    const refused = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '35%'], 3);
    expect(refused.status).toBe('refused');
    expect(txCount()).toBe(0);
    const ok = await importOne('transactions', fx('bad-rows.csv'), ['--max-rejects', '40%']);
    expect(ok.status).toBe('imported');
    expect(ok.counts).toMatchObject({ read: 11, imported: 7, rejected: 4 });
    expect(txSum()).toBe(3450);
  });

  it('a refusal in table format: summary on stdout, the notice and hint on stderr', async () => {
    const r = await run(['--db', t.db, '--format', 'table', 'import', 'transactions', fx('bad-rows.csv'), '--max-rejects', '0']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/refused/);
    expect(r.stdout).not.toMatch(/^hint:/m);
    expect(r.stderr).toMatch(/max-rejects/);
    expect(r.stderr).toMatch(/^hint:/m);
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('--max-rejects with a bad value is a usage error', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('bad-rows.csv'), '--max-rejects', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-rejects');
  });
});

describe('--dry-run', () => {
  it('does not create a database that did not exist', async () => {
    const r = await importOne('transactions', fx('clean.csv'), ['--dry-run']);
    expect(r.status).toBe('dry-run');
    expect(r.import_id).toBeNull();
    expect(r.counts).toMatchObject({ read: 6, imported: 6, rejected: 0 });
    expect(r.preview.length).toBeGreaterThan(0);
    expect(r.preview[0]).toMatchObject({ customer_id: 'C001', date: '2024-01-05', amount: '12.50' });
    expect(fs.existsSync(t.db)).toBe(false);
    expect(fs.readdirSync(t.dir)).toEqual([]);
  });

  it('money for a program is a decimal with its currency, as in every other command: the JSON preview, the CSV summary', async () => {
    const r = await importOne('transactions', fx('clean.csv'), ['--dry-run', '--currency', 'JPY', '--round']);
    expect(r.currency).toBe('JPY');
    // 12.50 rounds to 13 yen: the preview says 13, not the stored integer read as 1300 or 13 cents.
    expect(r.preview[0]).toMatchObject({ customer_id: 'C001', amount: '13' });
    const csv = await run(['--db', t.db, '--format', 'csv', 'import', 'transactions', fx('clean.csv'), '--currency', 'GBP']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Row[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ file_sum: expect.stringMatching(/^\d+\.\d\d$/), currency: 'GBP' });
  });

  it('writes nothing to an existing database', async () => {
    await importOne('transactions', fx('clean.csv'));
    const before = rows('SELECT * FROM imports');
    const r = await importOne('transactions', fx('overlap-2.csv'), ['--dry-run']);
    expect(r.status).toBe('dry-run');
    expect(r.counts).toMatchObject({ read: 5, imported: 5 });
    expect(txCount()).toBe(6);
    expect(rows('SELECT * FROM imports')).toEqual(before);
    // Then for real: the dry run left no trace that would make it "already imported".
    const real = await importOne('transactions', fx('overlap-2.csv'));
    expect(real.status).toBe('imported');
    expect(txCount()).toBe(11);
  });

  it('writes nothing even when the file would be refused by --max-rejects', async () => {
    await importOne('transactions', fx('clean.csv'));
    const r = await importJson('transactions', [fx('bad-rows.csv')], ['--dry-run', '--max-rejects', '0']);
    // The dry run may report the refusal, but must not store an import record or rejects.
    expect(r.results).toHaveLength(1);
    expect(value('SELECT count(*) FROM imports')).toBe(1);
    expect(value('SELECT count(*) FROM rejects')).toBe(0);
    expect(txCount()).toBe(6);
  });
});

describe('columns: missing and mapped (unmapped.csv)', () => {
  it('"Client Ref" is read as the customer because it is the one column whose name holds a customer word, with a notice', async () => {
    const r = await importJson('transactions', [fx('unmapped.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.results[0]!.mapping).toMatchObject({ customer_id: 'Client Ref', date: 'Sale Date', amount: 'Amount' });
    expect(r.stderr).toMatch(/column "Client Ref" read as customer_id \(its name holds the word "client"\)/);
    expect(txSum()).toBe(2500);
  });

  it('a missing column is a usage error that lists the columns seen and suggests --map', async () => {
    const f = t.file('refs.csv', 'Ref,Sale Date,Amount\nR-1001,2024-12-02,19.99\n');
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('customer_id');
    for (const col of ['Ref', 'Sale Date', 'Amount']) expect(r.stderr).toContain(col);
    expect(r.stderr).toContain('--map');
    expectOneLineError(r.stderr);
    if (fs.existsSync(t.db)) expect(txCount()).toBe(0);
  });

  it('--map customer_id="Client Ref" fixes it', async () => {
    const r = await importOne('transactions', fx('unmapped.csv'), ['--map', 'customer_id=Client Ref']);
    expect(r.mapping).toMatchObject({ customer_id: 'Client Ref', date: 'Sale Date', amount: 'Amount' });
    expect(r.counts).toMatchObject({ read: 2, imported: 2 });
    // 19.99 + 5.01 = 25.00
    expect(txSum()).toBe(2500);
    expect(rows('SELECT customer_id FROM transactions ORDER BY line').map((x) => x.customer_id)).toEqual(['R-1001', 'R-1002']);
  });

  it('--map naming a column that is not there is a usage error listing the columns', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('unmapped.csv'), '--map', 'customer_id=Client']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Client Ref');
    expectOneLineError(r.stderr);
  });
});

describe('dates', () => {
  it('ambiguous-dates.csv is refused with a usage error asking for --date-format', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fx('ambiguous-dates.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--date-format');
    expect(r.stderr).toContain('03/04/2024');
    expectOneLineError(r.stderr);
    if (fs.existsSync(t.db)) expect(txCount()).toBe(0);
  });

  it('ambiguous-dates.csv with --date-format DD/MM/YYYY reads day first', async () => {
    const r = await importOne('transactions', fx('ambiguous-dates.csv'), ['--date-format', 'DD/MM/YYYY']);
    expect(r.counts).toMatchObject({ read: 4, imported: 4, rejected: 0 });
    expect(rows('SELECT date FROM transactions ORDER BY line').map((x) => x.date)).toEqual(['2024-04-03', '2024-06-05', '2024-12-11', '2024-02-01']);
    expect(txSum()).toBe(10000);
  });

  it('ambiguous-dates.csv with --date-format MM/DD/YYYY reads month first', async () => {
    const r = await importOne('transactions', fx('ambiguous-dates.csv'), ['--date-format', 'MM/DD/YYYY']);
    expect(r.counts).toMatchObject({ read: 4, imported: 4 });
    expect(rows('SELECT date FROM transactions ORDER BY line').map((x) => x.date)).toEqual(['2024-03-04', '2024-05-06', '2024-11-12', '2024-01-02']);
  });

  it('dmy-dates.csv is settled as day-first by 28/03/2024', async () => {
    const r = await importOne('transactions', fx('dmy-dates.csv'));
    expect(r.date_layout).toMatch(/^D+\/M+\/YYYY$/);
    expect(r.counts).toMatchObject({ read: 4, imported: 4, rejected: 0 });
    expect(rows('SELECT date FROM transactions ORDER BY line').map((x) => x.date)).toEqual(['2024-03-05', '2024-03-28', '2024-04-02', '2024-04-11']);
    // 15.00 + 22.50 + 7.25 + 3.10 = 47.85
    expect(txSum()).toBe(4785);
  });

  it('an unusable --date-format is a usage error', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('dmy-dates.csv'), '--date-format', 'QQ/MM']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr);
  });
});

describe('encodings and file shapes', () => {
  it('bom.csv: the UTF-8 byte-order mark does not hide the first header', async () => {
    const r = await importOne('transactions', fx('bom.csv'));
    expect(r.mapping.customer_id).toBe('customer_id');
    expect(r.counts).toMatchObject({ read: 2, imported: 2 });
    expect(rows('SELECT customer_id FROM transactions ORDER BY line').map((x) => x.customer_id)).toEqual(['C040', 'C041']);
    // 11.11 + 22.22
    expect(txSum()).toBe(3333);
  });

  it('crlf.csv: CRLF line ends leave no carriage return in the values', async () => {
    const r = await importOne('transactions', fx('crlf.csv'));
    expect(r.counts).toMatchObject({ read: 3, imported: 3, rejected: 0, blank_lines: 0 });
    expect(rows('SELECT product FROM transactions ORDER BY line').map((x) => x.product)).toEqual(['Mug', 'Plate, blue', 'Spoon']);
    expect(value(`SELECT count(*) FROM transactions WHERE product LIKE '%' || char(13) || '%' OR customer_id LIKE '%' || char(13) || '%'`)).toBe(0);
    // 5.05 + 6.60 + 1.35 = 13.00
    expect(txSum()).toBe(1300);
  });

  it('semicolon.csv with --decimal-comma: "1.234,50" is 123450 minor units', async () => {
    const r = await importOne('transactions', fx('semicolon.csv'), ['--decimal-comma']);
    expect(r.delimiter).toBe(';');
    expect(r.counts).toMatchObject({ read: 4, imported: 4, rejected: 0 });
    expect(rows('SELECT date, amount FROM transactions ORDER BY line')).toEqual([
      { date: '2024-10-03', amount: 123450 },
      { date: '2024-10-15', amount: 1299 },
      { date: '2024-10-21', amount: -350 },
      { date: '2024-11-05', amount: 75 },
    ]);
    // 1,234.50 + 12.99 - 3.50 + 0.75 = 1,244.74
    expect(txSum()).toBe(124474);
  });

  it('semicolon.csv without --decimal-comma rejects the amounts rather than misreading them: nothing imported, exit 4', async () => {
    const r = await importOne('transactions', fx('semicolon.csv'), [], 4);
    expect(r.status).toBe('refused');
    expect(r.refusal).toBe('all-rejected');
    expect(r.counts).toMatchObject({ read: 4, imported: 0, rejected: 4 });
    expect(txCount()).toBe(0);
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'json']);
    const recs = JSON.parse(out.stdout) as Row[];
    expect(recs.map((x) => x.field)).toEqual(['amount', 'amount', 'amount', 'amount']);
    // "12,99" and "0,75" can only be decimal commas: the reason says so.
    expect(String(recs[1]!.reason)).toContain('--decimal-comma');
  });

  it('an explicit --delimiter works too', async () => {
    const r = await importOne('transactions', fx('semicolon.csv'), ['--delimiter', ';', '--decimal-comma']);
    expect(r.counts).toMatchObject({ read: 4, imported: 4 });
    expect(txSum()).toBe(124474);
  });

  it('latin1.csv without --encoding fails with exit 1 naming line 3 and suggesting windows-1252', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'customers', fx('latin1.csv')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    // Line 2 is plain ASCII; "Zoë" on line 3 is the first byte that is not UTF-8.
    expect(r.stderr).toMatch(/line 3\b/);
    expect(r.stderr).toContain('--encoding');
    // The file is Western European text: the first suggestion must be the encoding that reads it.
    expect(r.stderr).toMatch(/try --encoding (windows-1252|latin1|iso-8859-1|cp1252)\b/i);
    expect(JSON.parse(r.stdout)).toEqual([]);
    if (fs.existsSync(t.db)) expect(value('SELECT count(*) FROM customers')).toBe(0);
  });

  it('latin1.csv with --encoding windows-1252 decodes the names (and the euro sign)', async () => {
    const r = await importOne('customers', fx('latin1.csv'), ['--encoding', 'windows-1252']);
    expect(r.counts).toMatchObject({ read: 4, imported: 4, rejected: 0 });
    expect(rows('SELECT id, name FROM customers ORDER BY id')).toEqual([
      { id: 'L001', name: 'Alice Brown' },
      { id: 'L002', name: 'Zoë Martin' },
      { id: 'L003', name: 'François Dupont' },
      { id: 'L004', name: 'Jürgen Müller' },
    ]);
    expect(JSON.parse(value<string>(`SELECT attributes FROM customers WHERE id = 'L003'`))).toEqual({ city: 'Paris', note: 'avoir 20 €' });
    expect(JSON.parse(value<string>(`SELECT attributes FROM customers WHERE id = 'L004'`))).toEqual({ city: 'Zürich' });
  });

  it('gbk.csv without --encoding fails on line 1 and suggests gb18030', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('gbk.csv')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toMatch(/line 1\b/);
    expect(r.stderr).toMatch(/try --encoding (gb18030|gbk)\b/);
  });

  it('gbk.csv with --encoding gb18030 maps the Chinese headers', async () => {
    const r = await importOne('transactions', fx('gbk.csv'), ['--encoding', 'gb18030']);
    expect(r.mapping).toMatchObject({ customer_id: '客户编号', date: '日期', amount: '金额', product: '商品名称' });
    expect(r.counts).toMatchObject({ read: 4, imported: 4, rejected: 0 });
    expect(rows('SELECT customer_id, product, amount FROM transactions ORDER BY line')).toEqual([
      { customer_id: 'K001', product: '绿茶', amount: 8800 },
      { customer_id: 'K002', product: '乌龙茶', amount: 12850 },
      { customer_id: 'K001', product: '退货 绿茶', amount: -800 },
      { customer_id: 'K003', product: '茶杯', amount: 3520 },
    ]);
    // 88.00 + 128.50 - 8.00 + 35.20 = 243.70
    expect(txSum()).toBe(24370);
  });

  it('an unknown --encoding is a usage error, like any other bad option value', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('clean.csv'), '--encoding', 'klingon-8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('klingon-8');
    expectOneLineError(r.stderr);
  });

  it('header-only.csv imports 0 rows with exit 0', async () => {
    const r = await importOne('transactions', fx('header-only.csv'));
    expect(r.status).toBe('imported');
    expect(r.counts).toMatchObject({ read: 0, imported: 0, rejected: 0 });
    expect(txCount()).toBe(0);
  });

  it('empty.csv (0 bytes) fails with exit 1 and a one-line error', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fx('empty.csv')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('empty.csv');
    expect(r.stderr).toMatch(/empty/);
    expect(r.stdout).not.toContain('rapport:');
  });

  it('binary.bin fails with exit 1 and a one-line error', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fx('binary.bin')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('binary.bin');
    expect(r.stderr).toMatch(/binary|not (CSV|text)/i);
    if (fs.existsSync(t.db)) expect(txCount()).toBe(0);
  });

  it('a missing file fails with exit 1 and a one-line error', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', path.join(t.dir, 'nope.csv')]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('nope.csv');
  });

  it('truncated.csv: the cut last line is a reject that says so', async () => {
    const r = await importOne('transactions', fx('truncated.csv'));
    expect(r.counts).toMatchObject({ read: 3, imported: 2, rejected: 1 });
    // 9.99 + 14.00
    expect(txSum()).toBe(2399);
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    const recs = csvRecords(out.stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]!.line).toBe('4');
    expect(recs[0]!.raw).toBe('C072,2024-11-0');
    expect(String(recs[0]!.reason)).toMatch(/last line|cut|truncat/i);
  });

  it('one bad file among several does not stop the others, and the exit code reports it', async () => {
    const r = await importJson('transactions', [fx('clean.csv'), fx('empty.csv'), fx('refunds.csv')]);
    expect(r.code).toBe(1);
    expect(r.results.map((x) => [path.basename(x.file), x.status])).toEqual([
      ['clean.csv', 'imported'],
      ['refunds.csv', 'imported'],
    ]);
    expect(txSum()).toBe(19814 + 1351);
    expectOneLineError(r.stderr);
  });
});

describe('amount spellings and the content of a row', () => {
  it('reads the documented spellings exactly and rejects the unreadable ones', async () => {
    const f = t.file(
      'spellings.csv',
      [
        'customer_id,date,amount',
        'S1,2024-02-01,1234.5', // 1,234.50
        'S2,2024-02-01,"1,234.50"', // 1,234.50
        'S3,2024-02-01,12.00-', // -12.00
        'S4,2024-02-01,(0.99)', // -0.99
        'S5,2024-02-01,0.10', // 0.10
        'S6,2024-02-01,3.395', // finer than a cent: reject
        'S7,2024-02-01,"12,50"', // a decimal comma without --decimal-comma: reject
        'S8,2024-02-01,1e3', // not an exact amount: reject
        '',
      ].join('\n'),
    );
    const r = await importOne('transactions', f);
    expect(r.counts).toMatchObject({ read: 8, imported: 5, rejected: 3 });
    expect(rows('SELECT customer_id, amount FROM transactions ORDER BY line')).toEqual([
      { customer_id: 'S1', amount: 123450 },
      { customer_id: 'S2', amount: 123450 },
      { customer_id: 'S3', amount: -1200 },
      { customer_id: 'S4', amount: -99 },
      { customer_id: 'S5', amount: 10 },
    ]);
    // 1,234.50 + 1,234.50 - 12.00 - 0.99 + 0.10 = 2,456.11
    expect(txSum()).toBe(245611);
    const out = await run(['--db', t.db, '--format', 'json', 'rejects', String(r.import_id)]);
    const recs = JSON.parse(out.stdout) as Row[];
    expect(recs.map((x) => [x.line, x.field])).toEqual([
      [7, 'amount'],
      [8, 'amount'],
      [9, 'amount'],
    ]);
    expect(String(recs[1]!.reason)).toContain('--decimal-comma');
  });

  it('"1,234.50" and "1234.5" are the same content for the duplicate rule', async () => {
    await importOne('transactions', t.file('a.csv', 'customer_id,date,amount\nS1,2024-02-01,1234.5\n'));
    const r = await importOne('transactions', t.file('b.csv', 'customer_id,date,amount\nS1,2024-02-01,"1,234.50"\nS1,2024-02-02,"1,234.50"\n'));
    expect(r.counts).toMatchObject({ read: 2, imported: 1, duplicate: 1 });
    expect(txCount()).toBe(2);
  });

  it('several files in one command: each its own import, the later one deduplicated against the earlier', async () => {
    const r = await importJson('transactions', [fx('overlap-1.csv'), fx('overlap-2.csv')]);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => [x.counts.imported, x.counts.duplicate])).toEqual([
      [3, 0],
      [2, 3],
    ]);
    expect(r.results[0]!.import_id).not.toBe(r.results[1]!.import_id);
    expect(txSum()).toBe(5875);
  });
});

describe('date layout settled late in a long file', () => {
  it('a day above 12 after the first 2,000 rows still settles day-first', async () => {
    const lines = ['customer_id,date,amount'];
    // 2,400 rows dated 01/02/2024 .. (all ambiguous), then one 25/04/2024 on line 2,402.
    for (let i = 0; i < 2400; i++) lines.push(`D${i % 40},0${1 + (i % 9)}/0${1 + (i % 8)}/2024,1.00`);
    lines.push('D1,25/04/2024,2.00');
    const r = await importOne('transactions', t.file('late-date.csv', lines.join('\n') + '\n'));
    expect(r.counts).toMatchObject({ read: 2401, imported: 2401, rejected: 0 });
    // Row 0 is 01/01/2024, row 10 is 02/03/2024 (day 2, month 3), the last 25/04/2024.
    expect(value('SELECT date FROM transactions WHERE line = 2')).toBe('2024-01-01');
    expect(value('SELECT date FROM transactions WHERE line = 12')).toBe('2024-03-02');
    expect(value('SELECT date FROM transactions WHERE line = 2402')).toBe('2024-04-25');
    expect(txSum()).toBe(2400 * 100 + 200);
  });
});

describe('more encodings and dry-run output', () => {
  it('utf16le-bom.csv: the byte-order mark selects UTF-16', async () => {
    const r = await importOne('transactions', fx('utf16le-bom.csv'));
    expect(r.counts).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    expect(rows('SELECT customer_id, product, amount FROM transactions ORDER BY line')).toEqual([
      { customer_id: 'U001', product: 'Crème brûlée', amount: 150 },
      { customer_id: 'U002', product: 'Café au lait', amount: 225 },
    ]);
  });

  it('--dry-run in table format shows the mapping and the counts, and writes nothing', async () => {
    const r = await run(['--db', t.db, '--format', 'table', 'import', 'transactions', fx('line-items.csv'), '--dry-run', '--preview', '2'], { tty: false });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dry run/i);
    for (const col of ['InvoiceNo', 'StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID']) expect(r.stdout).toContain(col);
    expect(r.stdout).toMatch(/10 read/);
    expect(r.stdout).toMatch(/10 new/);
    expect(r.stdout).toMatch(/1 of the rows read without a customer/);
    expect(r.stdout).not.toContain(ESC);
    expect(fs.existsSync(t.db)).toBe(false);
  });

  it('customers with --map and --encoding together (the example in docs/import.md)', async () => {
    const f = t.file('clients.csv', Buffer.from('Client Ref,name,city\nK-1,Ana Müller,Köln\n', 'latin1'));
    const r = await importOne('customers', f, ['--map', 'customer_id=Client Ref', '--encoding', 'windows-1252']);
    expect(r.counts).toMatchObject({ read: 1, imported: 1 });
    expect(rows('SELECT id, name, attributes FROM customers')).toEqual([{ id: 'K-1', name: 'Ana Müller', attributes: JSON.stringify({ city: 'Köln' }) }]);
  });
});

describe('larger files (parsed in bulk, beyond the first 64 KiB sample)', () => {
  const HEAD = 'customer_id,date,amount,product\n';
  const day = (i: number): string => new Date(Date.UTC(2023, 0, 1) + Math.floor(i / 300) * 86_400_000).toISOString().slice(0, 10);
  const minorOf = (i: number): number => 100 + (i % 300) * 17 + (i % 11);
  const money = (m: number): string => `${Math.floor(m / 100)}.${String(m % 100).padStart(2, '0')}`;

  /**
   * Rows `from`..`to`-1. Row i with i % 1000 === 999 has an unreadable amount; row i with
   * i % 500 === 0 is written twice (two identical lines). Returns the text and, worked out
   * alongside it, what an import must find.
   */
  function build(from: number, to: number): { text: string; read: number; good: number; sum: number; rejectLines: number[] } {
    const lines: string[] = [];
    let good = 0;
    let sum = 0;
    const rejectLines: number[] = [];
    for (let i = from; i < to; i++) {
      const bad = i % 1000 === 999;
      const line = `B${i % 997},${day(i)},${bad ? 'n/a' : money(minorOf(i))},Item ${i % 50}`;
      const copies = i % 500 === 0 ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        lines.push(line);
        if (bad) rejectLines.push(lines.length + 1);
        else {
          good++;
          sum += minorOf(i);
        }
      }
    }
    return { text: HEAD + lines.join('\n') + '\n', read: lines.length, good, sum, rejectLines };
  }

  it('a 100,000-row file: counts, identical lines kept, reject lines and the sum exact', async () => {
    const all = build(0, 100_000);
    const file = t.file('big.csv', all.text);
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 1024 * 1024);
    // 100,000 rows + 200 doubled lines; 100 bad amounts.
    expect(all.read).toBe(100_200);
    expect(all.rejectLines).toHaveLength(100);
    const r = await importOne('transactions', file);
    expect(r.counts).toMatchObject({ read: all.read, imported: all.good, duplicate: 0, rejected: 100, customers_created: 997 });
    expect(txCount()).toBe(all.good);
    expect(txSum()).toBe(all.sum);
    const out = await run(['--db', t.db, '--format', 'json', 'rejects', String(r.import_id)]);
    const recs = JSON.parse(out.stdout) as Row[];
    expect(recs.map((x) => x.line)).toEqual(all.rejectLines);
    expect(new Set(recs.map((x) => x.field))).toEqual(new Set(['amount']));
  });

  it('an overlapping larger export adds only its new rows', async () => {
    const first = build(0, 60_000);
    await importOne('transactions', t.file('first.csv', first.text));
    const second = build(30_000, 100_000);
    const r = await importOne('transactions', t.file('second.csv', second.text));
    const fresh = build(60_000, 100_000);
    const overlap = build(30_000, 60_000);
    expect(r.counts).toMatchObject({
      read: second.read,
      imported: fresh.good,
      duplicate: overlap.good,
      rejected: overlap.rejectLines.length + fresh.rejectLines.length,
    });
    const all = build(0, 100_000);
    expect(txCount()).toBe(all.good);
    expect(txSum()).toBe(all.sum);
  });

  function withBadByte(rows: number, badRow: number): Buffer {
    const parts: Buffer[] = [Buffer.from(HEAD)];
    for (let i = 0; i < rows; i++) {
      const line = `B${i % 997},${day(i)},${money(minorOf(i))},`;
      if (i === badRow) parts.push(Buffer.from(line + 'Zo'), Buffer.from([0xeb]), Buffer.from(' Martin\n'));
      else parts.push(Buffer.from(line + `Item ${i % 50}\n`));
    }
    return Buffer.concat(parts);
  }

  it('a windows-1252 byte after the first 64 KiB: exit 1 naming its line, nothing stored', async () => {
    const file = t.file('late.csv', withBadByte(5000, 4000));
    expect(fs.statSync(file).size).toBeGreaterThan(64 * 1024);
    const r = await run(['--db', t.db, 'import', 'transactions', file]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    // Row 4000 (0-based) is on line 4002: the header is line 1.
    expect(r.stderr).toMatch(/line 4002\b/);
    expect(r.stderr).toContain('--encoding');
    expect(txCount()).toBe(0);
    expect(value('SELECT count(*) FROM imports')).toBe(0);
    expect(value('SELECT count(*) FROM customers')).toBe(0);
  });

  it('the same deep in a file of several MiB: exit 1 naming its line, nothing stored', async () => {
    const file = t.file('late-big.csv', withBadByte(100_000, 90_000));
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 1024 * 1024);
    const r = await run(['--db', t.db, 'import', 'transactions', file]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toMatch(/line 90002\b/);
    expect(r.stderr).toContain('--encoding');
    expect(txCount()).toBe(0);
    expect(value('SELECT count(*) FROM imports')).toBe(0);
    expect(value('SELECT count(*) FROM customers')).toBe(0);
  });
});

describe('currencies', () => {
  it('--currency sets the database currency; a different one later is refused and adds nothing', async () => {
    const a = await importOne('transactions', fx('clean.csv'), ['--currency', 'GBP']);
    expect(a.currency).toBe('GBP');
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fx('refunds.csv'), '--currency', 'EUR']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GBP');
    expect(r.stderr).toContain('EUR');
    expectOneLineError(r.stderr);
    expect(txCount()).toBe(6);
    expect(txSum()).toBe(19814);
    const s = await run(['--db', t.db, '--format', 'json', 'status']);
    expect(JSON.parse(s.stdout)).toMatchObject({ currency: 'GBP' });
  });

  it('$ amounts are rejected in a GBP database; plain ones are kept', async () => {
    await importOne('transactions', fx('clean.csv'), ['--currency', 'GBP']);
    const r = await importOne('transactions', fx('messy.csv'));
    // Lines 2, 3, 7 and 9 carry "$"; only "(12.00)" on line 6 has no sign.
    expect(r.counts).toMatchObject({ read: 5, imported: 1, rejected: 4 });
    expect(txSum()).toBe(19814 - 1200);
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    const recs = csvRecords(out.stdout);
    expect(recs.map((x) => x.line)).toEqual(['2', '3', '7', '9']);
    for (const x of recs) expect(x.reason).toContain('GBP');
  });

  it('a file that mixes currency signs has the odd rows rejected', async () => {
    const f = t.file('mixed.csv', 'customer_id,date,amount\nM1,2024-01-02,$10.00\nM2,2024-01-03,£5.00\nM3,2024-01-04,$2.50\n');
    const r = await importOne('transactions', f);
    expect(r.counts).toMatchObject({ read: 3, imported: 2, rejected: 1 });
    expect(txSum()).toBe(1250);
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    const recs = csvRecords(out.stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ line: '3', field: 'amount' });
  });

  it('an invalid --currency code is a usage error', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('clean.csv'), '--currency', 'pounds']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr);
  });
});

describe('customers.csv', () => {
  it('imports customers, normalising types and rejecting a bad email and an unknown type', async () => {
    const r = await importOne('customers', fx('customers.csv'));
    expect(r.counts).toMatchObject({ read: 7, imported: 5, updated: 0, duplicate: 0, rejected: 2 });
    expect(rows('SELECT id, type, created_date FROM customers ORDER BY id')).toEqual([
      { id: 'CU01', type: 'consumer', created_date: '2023-01-15' },
      { id: 'CU02', type: 'business', created_date: '2022-11-03' },
      { id: 'CU03', type: 'business', created_date: '2023-06-20' }, // "company"
      { id: 'CU04', type: 'channel', created_date: '2021-09-09' }, // "distributor"
      { id: 'CU07', type: 'consumer', created_date: '2024-04-12' }, // "individual"
    ]);
    expect(value(`SELECT name FROM customers WHERE id = 'CU02'`)).toBe('Harbour Café Ltd');
    expect(value(`SELECT account_manager FROM customers WHERE id = 'CU04'`)).toBe('Priya Shah');
    expect(JSON.parse(value<string>(`SELECT attributes FROM customers WHERE id = 'CU01'`))).toEqual({ city: 'Leeds' });
    const out = await run(['--db', t.db, 'rejects', String(r.import_id), '--format', 'csv']);
    const recs = csvRecords(out.stdout);
    expect(recs.map((x) => [x.line, x.field])).toEqual([
      ['6', 'email'],
      ['7', 'type'],
    ]);
    expect(recs[0]!.reason).toContain('sam.lee@example');
    expect(recs[1]!.reason).toContain('florist');
  });

  it('a second, changed export counts new, updated and unchanged customers', async () => {
    await importOne('customers', fx('customers.csv'));
    const r = await importOne('customers', fx('customers-2.csv'));
    // new: CU05 (email fixed), CU08; updated: CU02 (manager), CU07 (email); unchanged: CU01, CU03, CU04.
    expect(r.counts).toMatchObject({ read: 7, imported: 2, updated: 2, duplicate: 3, rejected: 0 });
    expect(value('SELECT count(*) FROM customers')).toBe(7);
    expect(value(`SELECT account_manager FROM customers WHERE id = 'CU02'`)).toBe('Tom Reid');
    expect(value(`SELECT email FROM customers WHERE id = 'CU07'`)).toBe('dev@patel.example.com');
    expect(value(`SELECT email FROM customers WHERE id = 'CU05'`)).toBe('sam.lee@example.com');
    const again = await importOne('customers', fx('customers-2.csv'));
    expect(again.status).toBe('already-imported');
  });

  it('transactions for known customers create no new customer records', async () => {
    await importOne('customers', fx('customers.csv'));
    const f = t.file('sales.csv', 'customer_id,date,amount\nCU01,2024-06-01,9.99\nCU02,2024-06-02,100.00\nCU99,2024-06-03,1.00\n');
    const r = await importOne('transactions', f);
    expect(r.counts).toMatchObject({ imported: 3, customers_created: 1 });
    expect(value(`SELECT name FROM customers WHERE id = 'CU01'`)).toBe("Mia O'Brien");
    expect(value('SELECT count(*) FROM customers')).toBe(6);
  });
});

describe('status, imports and rejects output', () => {
  async function loadThree(): Promise<void> {
    await importOne('transactions', fx('clean.csv'));
    await importOne('transactions', fx('refunds.csv'));
    await importOne('transactions', fx('truncated.csv'));
  }

  it('status --format json', async () => {
    await loadThree();
    const r = await run(['--db', t.db, '--format', 'json', 'status']);
    expect(r.code).toBe(0);
    const s = minorUnits(JSON.parse(r.stdout) as Row & { last_imports: Row[] });
    // clean (6 rows, C001-C004) + refunds (5 rows, C001-C003) + truncated (2 rows, C070, C071; 1 reject)
    expect(s).toMatchObject({
      customers: 6,
      transactions: 13,
      first_date: '2024-01-05',
      last_date: '2024-11-02',
      net_revenue: 19814 + 1351 + 2399,
      refund_lines: 3,
      imports: 3,
      rejected_rows: 1,
    });
    expect(s.last_imports.map((i) => path.basename(String(i.file)))).toEqual(['truncated.csv', 'refunds.csv', 'clean.csv']);
  });

  it('status --format csv', async () => {
    await loadThree();
    const r = await run(['--db', t.db, '--format', 'csv', 'status']);
    expect(r.code).toBe(0);
    const recs = csvRecords(r.stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      customers: '6',
      transactions: '13',
      net_revenue: ((19814 + 1351 + 2399) / 100).toFixed(2),
      refund_lines: '3',
      imports: '3',
      rejected_rows: '1',
    });
  });

  it('imports --format json and csv', async () => {
    await loadThree();
    const j = await run(['--db', t.db, '--format', 'json', 'imports']);
    expect(j.code).toBe(0);
    const list = JSON.parse(j.stdout) as Row[];
    expect(list.map((i) => [path.basename(String(i.file_name)), i.status, i.rows_read, i.rows_imported, i.rows_rejected])).toEqual([
      ['truncated.csv', 'complete', 3, 2, 1],
      ['refunds.csv', 'complete', 5, 5, 0],
      ['clean.csv', 'complete', 6, 6, 0],
    ]);
    const c = await run(['--db', t.db, '--format', 'csv', 'imports']);
    expect(c.code).toBe(0);
    const recs = csvRecords(c.stdout);
    expect(recs.map((i) => [path.basename(String(i.file_name)), i.rows_imported])).toEqual([
      ['truncated.csv', '2'],
      ['refunds.csv', '5'],
      ['clean.csv', '6'],
    ]);
    const limited = await run(['--db', t.db, '--format', 'json', 'imports', '--limit', '1']);
    expect((JSON.parse(limited.stdout) as Row[]).map((i) => path.basename(String(i.file_name)))).toEqual(['truncated.csv']);
  });

  it('rejects (all imports) in json and csv', async () => {
    await importOne('transactions', fx('bad-rows.csv'));
    await importOne('transactions', fx('truncated.csv'));
    const j = await run(['--db', t.db, '--format', 'json', 'rejects']);
    expect(j.code).toBe(0);
    const list = JSON.parse(j.stdout) as Row[];
    expect(list.map((x) => [path.basename(String(x.file_name)), x.line])).toEqual([
      ['bad-rows.csv', 4],
      ['bad-rows.csv', 5],
      ['bad-rows.csv', 8],
      ['bad-rows.csv', 9],
      ['truncated.csv', 4],
    ]);
    const c = await run(['--db', t.db, '--format', 'csv', 'rejects', '--limit', '2']);
    expect(csvRecords(c.stdout).map((x) => x.line)).toEqual(['4', '5']);
  });

  it('rejects for an import that does not exist fails with exit 1', async () => {
    await importOne('transactions', fx('clean.csv'));
    const r = await run(['--db', t.db, 'rejects', '99']);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
  });

  it('status on a missing database exits 1 with a hint and does not create the file', async () => {
    for (const cmd of [['status'], ['imports'], ['rejects']]) {
      const r = await run(['--db', t.db, ...cmd]);
      expect(r.code, cmd.join(' ')).toBe(1);
      expectOneLineError(r.stderr);
      expect(r.stderr).toMatch(/^hint: /m);
      expect(r.stdout).toBe('');
      expect(fs.existsSync(t.db)).toBe(false);
    }
    expect(fs.readdirSync(t.dir)).toEqual([]);
  });
});

describe('terminal behaviour', () => {
  it('with tty:false, stdout carries only data: no escape codes, and CSV by default', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('clean.csv')], { tty: false });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    const recs = csvRecords(r.stdout);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ status: 'imported', read: '6', imported: '6' });
    for (const cmd of [['status'], ['imports'], ['rejects'], ['--format', 'table', 'status'], ['--format', 'table', 'imports']]) {
      const s = await run(['--db', t.db, ...cmd], { tty: false });
      expect(s.code).toBe(0);
      expect(s.stdout, cmd.join(' ')).not.toContain(ESC);
    }
  });

  it('a table on a terminal; NO_COLOR and --no-color take the escape codes out of stdout', async () => {
    await importOne('transactions', fx('clean.csv'));
    const plain = await run(['--db', t.db, 'status'], { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).toMatch(/transactions \(lines\)\s+6/);
    const flag = await run(['--db', t.db, '--no-color', 'imports'], { tty: true });
    expect(flag.code).toBe(0);
    expect(flag.stdout).not.toContain(ESC);
  });

  it('progress goes to stderr, the result to stdout', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fx('clean.csv')], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('clean.csv');
    expect(r.stdout).toMatch(/6 read/);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toMatch(/\d+%/);
    expect(r.stderr).toMatch(/100%/);
  });

  it('--quiet keeps stderr empty on success', async () => {
    const r = await run(['--db', t.db, '--quiet', 'import', 'transactions', fx('clean.csv')], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('clean.csv');
  });

  it('errors go to stderr, and stdout stays parseable JSON', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fx('clean.csv'), fx('binary.bin')]);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as FileResult[];
    expect(results.map((x) => path.basename(x.file))).toEqual(['clean.csv']);
    expect(r.stdout).not.toContain('binary');
    expect(r.stderr).toContain('binary.bin');
  });
});
