/**
 * Issue 14: real exports come in whole. Sales without a customer, files without a header, a file
 * that failed saying so, headers and dates as real exports write them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importTransactionsJson, minorUnits, reportMinorUnits, run, scalar, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const fx = (name: string): string => path.resolve('fixtures', 'import', name);

interface Result {
  status: string;
  refusal: string | null;
  import_id: number | null;
  counts: { read: number; imported: number; duplicate: number; rejected: number; blank_lines: number; customers_created: number; without_customer: number };
  mapping: Record<string, string>;
  date_layout: string;
}

const imp = (file: string, ...options: string[]): Promise<{ code: number; stderr: string; r: Result }> => importTransactionsJson<Result>(t.db, file, options);

const value = <T>(sql: string): T => scalar<T>(t.db, sql);

/** "12.75" -> 12750 thousandths, exactly (no floating point). */
function thousandths(price: string): bigint {
  const [whole, frac = ''] = price.split('.');
  return BigInt(whole!) * 1000n + BigInt((frac + '000').slice(0, 3));
}

/** The file's own total in pence, summed from its Quantity × UnitPrice with integers: with a customer, without, all. */
function fileTotals(file: string): { withCustomer: bigint; withoutCustomer: bigint; lines: number; withoutLines: number } {
  const records = parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[];
  let withCustomer = 0n;
  let withoutCustomer = 0n;
  let withoutLines = 0;
  for (const r of records) {
    const milli = BigInt(r.Quantity!) * thousandths(r.UnitPrice!);
    expect(milli % 10n).toBe(0n); // every line is a whole number of pence
    if (r.CustomerID!.trim() === '') {
      withoutCustomer += milli / 10n;
      withoutLines++;
    } else withCustomer += milli / 10n;
  }
  return { withCustomer, withoutCustomer, lines: records.length, withoutLines };
}

describe('a wholesaler-shaped export (UK online retail layout)', () => {
  it('imports every line, with and without a customer, and the totals match the file to the penny', async () => {
    const file = fx('wholesaler.csv');
    const want = fileTotals(file);
    expect(want.withoutLines).toBeGreaterThan(10);
    const { code, r } = await imp(file);
    expect(code).toBe(0);
    // Every line accounted for: stored (the repeated line too) and none rejected or dropped.
    expect(r.counts.read).toBe(want.lines);
    expect(r.counts.imported + r.counts.duplicate + r.counts.rejected).toBe(want.lines);
    expect(r.counts).toMatchObject({ imported: want.lines, rejected: 0, without_customer: want.withoutLines });
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(want.lines);
    expect(BigInt(value<number>(`SELECT sum(amount) FROM transactions WHERE customer_id <> ''`))).toBe(want.withCustomer);
    expect(BigInt(value<number>(`SELECT sum(amount) FROM transactions WHERE customer_id = ''`))).toBe(want.withoutCustomer);
    // Cancellations (C-prefixed invoices) are negative lines.
    expect(value<number>(`SELECT count(*) FROM transactions WHERE external_id LIKE 'C%' AND amount < 0`)).toBe(2);
    // No customer record for the lines without one.
    expect(value<number>(`SELECT count(*) FROM customers WHERE id = ''`)).toBe(0);

    const s = minorUnits(JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, number>);
    expect(BigInt(s.net_revenue!)).toBe(want.withCustomer + want.withoutCustomer);
    expect(s.lines_without_customer).toBe(want.withoutLines);
    expect(BigInt(s.net_revenue_without_customer!)).toBe(want.withoutCustomer);
    expect(s.rejected_rows).toBe(r.counts.rejected);
  });

  it('--max-rejects 1% accepts it: lines without a customer are not rejects', async () => {
    const { code, r } = await imp(fx('wholesaler.csv'), '--max-rejects', '1%');
    expect(code).toBe(0);
    expect(r.status).toBe('imported');
  });

  it('sales without a customer stay out of everything per customer', async () => {
    await imp(fx('wholesaler.csv'));
    const seg = await run(['--db', t.db, '--format', 'json', 'customers', '--as-of', '2010-12-31']);
    expect(seg.code, seg.stderr).toBe(0);
    const ids = (JSON.parse(seg.stdout) as { customer_id: string }[]).map((c) => c.customer_id);
    expect(ids).not.toContain('');
    expect(ids.length).toBe(value<number>(`SELECT count(DISTINCT customer_id) FROM transactions WHERE customer_id <> ''`));
  });
});

describe('sales without a customer in the reports', () => {
  type Report = {
    sections: { title: string; chart?: { points?: { label: string; value: number }[] }; tables?: { name: string; rows: Record<string, unknown>[] }[] }[];
  };
  const report = async (name: string): Promise<Report> => {
    const r = await run(['--db', t.db, '--format', 'json', 'report', name, '--as-of', '2024-03-31']);
    expect(r.code, r.stderr).toBe(0);
    return reportMinorUnits(JSON.parse(r.stdout) as Report);
  };

  it('count in the revenue trend and in the staff sales lines, not in the per-customer staff table', async () => {
    // Li: A 10.00 and 4.00 without a customer; Mo: 6.00 without a customer and B 5.00.
    await imp(t.file('st.csv', 'customer,date,amount,staff\nA,2024-01-05,10.00,Li\n,2024-01-06,4.00,Li\n,2024-02-07,6.00,Mo\nB,2024-02-08,5.00,Mo\n'));
    const cohorts = await report('cohorts');
    expect(cohorts.sections.find((x) => x.title === 'Revenue by month')!.chart!.points).toEqual([
      { label: '2024-01', value: '14.00' },
      { label: '2024-02', value: '11.00' },
      { label: '2024-03', value: '0.00' }, // as of 2024-03-31: a whole month without a sale
    ]);
    const cohortRows = cohorts.sections.find((x) => x.title === 'Cohorts')!.tables![0]!.rows;
    // Two customers in two cohorts; the sales without one belong to no cohort.
    expect(cohortRows.filter((x) => x.month === 0).map((x) => [x.cohort, x.customers, x.revenue])).toEqual([
      ['2024-01', 1, 1000],
      ['2024-02', 1, 500],
    ]);
    // The first section with tables: a stale-data notice may come first (the sales end weeks before).
    const staff = (await report('staff')).sections.find((s) => s.tables !== undefined)!.tables!;
    expect(staff.find((x) => x.name === 'staff')!.rows.map((x) => [x.staff, x.customers, x.revenue])).toEqual([
      ['Li', 1, 1000],
      ['Mo', 1, 500],
    ]);
    expect(staff.find((x) => x.name === 'staff_sales')!.rows).toEqual([
      { staff: 'Li', lines: 2, net: 1400, lines_without_customer: 1, net_without_customer: 400 },
      { staff: 'Mo', lines: 2, net: 1100, lines_without_customer: 1, net_without_customer: 600 },
    ]);
  });
});

describe('a file whose every row is rejected', () => {
  it('exits 4 and says nothing was imported; nothing is stored and its rejects can be listed', async () => {
    const f = t.file('wrong.csv', 'customer,date,amount\nA,2024-01-01,x\nB,2024-01-02,y\n');
    const { code, stderr, r } = await imp(f);
    expect(code).toBe(4);
    expect(stderr).toMatch(/nothing imported: all 2 rows were rejected/);
    expect(stderr).toMatch(/^hint:/m);
    expect(r).toMatchObject({ status: 'refused', refusal: 'all-rejected' });
    expect(value<number>('SELECT count(*) FROM transactions')).toBe(0);
    const rejects = JSON.parse((await run(['--db', t.db, '--format', 'json', 'rejects', String(r.import_id)])).stdout) as unknown[];
    expect(rejects).toHaveLength(2);
  });

  it('when a --date-format rejected them all, the hint offers the layout that reads the rejected dates', async () => {
    const { code, stderr, r } = await imp(fx('month-names.csv'), '--date-format', 'DD-MMM-YYYY');
    expect(code).toBe(4);
    expect(r.counts).toMatchObject({ read: 40, rejected: 40, imported: 0 });
    expect(stderr).toMatch(/hint: .*the rejected dates all read with --date-format D-MMM-YY\n/);
    // And the layout offered does import the file.
    const again = await imp(fx('month-names.csv'), '--date-format', 'D-MMM-YY');
    expect(again.code).toBe(0);
    expect(again.r.counts.imported).toBe(40);
  });

  it('--max-rejects keeps its own exit code 3', async () => {
    const f = t.file('wrong.csv', 'customer,date,amount\nA,2024-01-01,x\n');
    expect((await imp(f, '--max-rejects', '0')).code).toBe(3);
  });

  it('a file with a header and no rows is not a failure', async () => {
    expect((await imp(fx('header-only.csv'))).code).toBe(0);
  });
});

describe('a file without a header row', () => {
  it('is refused with the exact command to use, and that command imports it', async () => {
    const file = fx('headerless.tsv');
    const refused = await run(['--db', t.db, 'import', 'transactions', file]);
    expect(refused.code).toBe(2);
    const cmd = /rapport import transactions (\S+) --no-header --map customer_id=1 --map amount=2 --map date=3/.exec(refused.stderr);
    expect(cmd, refused.stderr).not.toBeNull();
    // The cells of the first line are not repeated (they may be a customer's details).
    expect(refused.stderr).not.toContain('760');
    const { code, r } = await imp(file, '--no-header', '--map', 'customer_id=1', '--map', 'amount=2', '--map', 'date=3');
    expect(code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    // The first line is data: all 12 lines are rows.
    expect(r.counts).toMatchObject({ read: lines.length, imported: lines.length, rejected: 0 });
    const total = lines.reduce((s, l) => s + Number(l.split('\t')[1]) * 100, 0);
    expect(value<number>('SELECT sum(amount) FROM transactions')).toBe(total);
    expect(value<string>('SELECT customer_id FROM transactions WHERE line = 1')).toBe(lines[0]!.split('\t')[0]);
  });

  it('rejects --raw gives the bad lines with no header line back, and the command says --no-header', async () => {
    const f = t.file('h.tsv', '760\t25\t2009-11-06\n860\tx\t2012-09-28\n');
    const { r } = await imp(f, '--no-header', '--map', 'customer_id=1', '--map', 'amount=2', '--map', 'date=3');
    const raw = await run(['--db', t.db, 'rejects', String(r.import_id), '--raw']);
    expect(raw.stdout).toBe('860\tx\t2012-09-28\n');
    expect(raw.stderr).toMatch(/--delimiter tab --no-header --map customer_id="1" --map amount="2" --map date="3"/);
  });

  it('--map by number without --no-header reads the first line as data, with a notice', async () => {
    const { code, stderr, r } = await imp(fx('headerless.tsv'), '--map', 'customer_id=1', '--map', 'amount=2', '--map', 'date=3');
    expect(code).toBe(0);
    expect(stderr).toMatch(/first line is data.*--no-header/);
    expect(r.counts.read).toBe(12);
  });

  it('a column number past the last column, or a name with --no-header, is a usage error', async () => {
    const far = await run([
      '--db',
      t.db,
      'import',
      'transactions',
      fx('headerless.tsv'),
      '--no-header',
      '--map',
      'customer_id=1',
      '--map',
      'amount=4',
      '--map',
      'date=3',
    ]);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/has 3 columns/);
    const missing = await run(['--db', t.db, 'import', 'transactions', fx('headerless.tsv'), '--no-header', '--map', 'customer_id=1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/named by number/);
  });
});

describe('headers and dates as real exports write them', () => {
  it('customer_id,trans_date,tran_amount with 14-Jan-15 dates imports with no flags, saying what it chose', async () => {
    const { code, stderr, r } = await imp(fx('month-names.csv'));
    expect(code, stderr).toBe(0);
    expect(r.mapping).toMatchObject({ customer_id: 'customer_id', date: 'trans_date', amount: 'tran_amount' });
    expect(stderr).toMatch(/column "trans_date" read as date/);
    expect(stderr).toMatch(/column "tran_amount" read as amount/);
    expect(r.date_layout).toBe('D-MMM-YY');
    expect(stderr).toMatch(/dates read as D-MMM-YY \(day first/);
    const first = fs.readFileSync(fx('month-names.csv'), 'utf8').split('\r\n')[1]!.split(',');
    expect(first[1]).toBe('01-Mar-14');
    expect(value<string>('SELECT date FROM transactions WHERE line = 2')).toBe('2014-03-01');
    expect(r.counts).toMatchObject({ read: 40, imported: 40, rejected: 0 });
  });

  it('"Order Date (UTC)" is the date when it is the only column with that word; two candidates are not guessed', async () => {
    const one = t.file('one.csv', 'Customer,Order Date (UTC),Amount\nA,2024-01-01,1.00\n');
    const { code, r } = await imp(one);
    expect(code).toBe(0);
    expect(r.mapping.date).toBe('Order Date (UTC)');
    const two = t.file('two.csv', 'Customer,Order Date (UTC),Ship Date,Amount\nA,2024-01-01,2024-01-02,1.00\n');
    const res = await run(['--db', t.db, 'import', 'transactions', two]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/cannot find the date column/);
  });

  it('a two-digit-year month-name column that does not settle is refused, offering only layouts that read it', async () => {
    const f = t.file('few.csv', 'customer,date,amount\nA,01-Jan-11,1\nB,02-Feb-12,1\n');
    const res = await run(['--db', t.db, 'import', 'transactions', f]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--date-format D-MMM-YY or --date-format YY-MMM-D/);
  });

  it('an unknown layout is offered a --date-format only if it reads the sampled dates', async () => {
    const f = t.file('dots.csv', 'customer,date,amount\nA,3 March 2024,1\nB,14 April 2024,1\n');
    const ok = await imp(f);
    // "3 March 2024" is a month-name date with a four-digit year: settled, not a hint.
    expect(ok.code).toBe(0);
    expect(ok.r.date_layout).toBe('D MMMM YYYY');
    const odd = t.file('odd.csv', 'customer,date,amount\nA,March 3rd 2024,1\n');
    const res = await run(['--db', t.db, 'import', 'transactions', odd]);
    expect(res.code).toBe(2);
    expect(res.stderr).not.toMatch(/--date-format DD-MMM-YYYY/);
    expect(res.stderr).toMatch(/tokens/);
  });
});

describe('product names from a description column', () => {
  it('keeps Description by StockCode and shows it on the card and in the products report', async () => {
    await imp(fx('wholesaler.csv'));
    const records = parse(fs.readFileSync(fx('wholesaler.csv')), { columns: true }) as Record<string, string>[];
    const named = new Map(records.filter((r) => r.Description!.trim() !== '').map((r) => [r.StockCode!, r.Description!.trim()]));
    expect(value<number>('SELECT count(*) FROM products')).toBe(named.size);
    for (const [code, name] of named) expect(value<string>(`SELECT name FROM products WHERE code = '${code}'`)).toBe(name);
    // The line with no description has a code and no name.
    expect(value<number | undefined>(`SELECT 1 FROM products WHERE code = '21134'`)).toBeUndefined();

    const someone = records.find((r) => r.CustomerID !== '')!;
    const card = JSON.parse((await run(['--db', t.db, '--format', 'json', 'customer', someone.CustomerID!, '--as-of', '2010-12-31'])).stdout) as {
      recent_transactions: { product: string; product_name: string | null }[];
    };
    expect(card.recent_transactions.length).toBeGreaterThan(0);
    for (const x of card.recent_transactions) expect(x.product_name).toBe(named.get(x.product) ?? null);

    const rep = await run(['--db', t.db, '--format', 'json', 'report', 'products', '--as-of', '2010-12-31']);
    expect(rep.code, rep.stderr).toBe(0);
    const report = reportMinorUnits(
      JSON.parse(rep.stdout) as { sections: { tables: { rows: { product: string; name: string; net: number; net_without_customer: number }[] }[] }[] },
    );
    const rows = report.sections.find((s) => s.tables !== undefined)!.tables[0]!.rows;
    expect(rows.find((x) => x.product === '22423')!.name).toBe('REGENCY CAKESTAND 3 TIER');
    // Fewer than 20 products, so every sale is in the table: the whole shop's net, with and without customers.
    expect(rows.reduce((a, x) => a + x.net, 0)).toBe(value<number>('SELECT sum(amount) FROM transactions'));
    expect(rows.reduce((a, x) => a + x.net_without_customer, 0)).toBe(value<number>(`SELECT sum(amount) FROM transactions WHERE customer_id = ''`));
  });

  it('a file with only a name column (product_name) keeps it as the product', async () => {
    const f = t.file('names.csv', 'customer,date,amount,product_name\nA,2024-01-01,1.00,Green Tea\n');
    const { r } = await imp(f);
    expect(r.mapping.product).toBe('product_name');
    expect(value<string>('SELECT product FROM transactions')).toBe('Green Tea');
  });
});
