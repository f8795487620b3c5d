import { afterEach, describe, expect, it } from 'vitest';
import { dayIndex, MeasureBuilder, median, type CustomerDay } from '../../src/core/measures.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { customerDays } from '../../src/store/sqlite/measures.js';
import { run, tempDir } from '../helpers.js';

const day = (customerId: string, date: string, net: number, extra: Partial<CustomerDay> = {}): CustomerDay => ({
  customerId,
  date,
  net,
  gross: net > 0 ? net : 0,
  refunds: net < 0 ? -net : 0,
  invoices: 0,
  purchased: net > 0,
  ...extra,
});

describe('MeasureBuilder (worked by hand)', () => {
  const b = new MeasureBuilder('2024-03-01', { window: 30, valueWindow: 45, minOwnGaps: 2, kth: 2 });
  [
    day('A', '2024-01-01', 1000, { invoices: 2 }),
    day('A', '2024-01-11', 500, { invoices: 1 }),
    day('A', '2024-01-31', -200), // a refund-only day is not a purchase
    day('A', '2024-02-20', 300),
    day('B', '2024-02-01', 100),
    day('C', '2024-02-15', -50), // only refunds
  ].forEach((d) => b.add(d));
  const { customers, populationGapDays } = b.finish();
  const [a, bb, c] = customers;

  it('counts purchases, orders, revenue and refunds', () => {
    expect(a).toMatchObject({ firstPurchase: '2024-01-01', lastPurchase: '2024-02-20', purchaseDays: 3, orders: 4 });
    expect(a).toMatchObject({ netRevenue: 1600, grossRevenue: 1800, refunds: 200, avgOrderValue: 400 });
    expect(a!.refundShare).toBeCloseTo(200 / 1800, 12);
  });

  it('measures tenure, recency and the gaps (2024 is a leap year)', () => {
    // 01-01 -> 03-01 is 31 + 29 = 60 days; 02-20 -> 03-01 is 10; gaps 10 and 40, median 25
    expect(a).toMatchObject({ tenureDays: 60, recencyDays: 10, ownGapDays: 25, typicalGapDays: 25 });
  });

  it('splits revenue into the recent window and the one before it', () => {
    // ages: 02-20 is 10 days (recent); 01-31 is 30 and 01-11 is 50 (previous); 01-01 is 60 (neither)
    expect(a).toMatchObject({ recentRevenue: 300, previousRevenue: 300 });
    // the 45-day value window takes ages 10 and 30: 300 - 200
    expect(a).toMatchObject({ valueRevenue: 100 });
  });

  it('keeps the date of the kth purchase day', () => {
    expect(a!.kthPurchase).toBe('2024-01-11');
  });

  it('falls back to the population gap for one-time buyers', () => {
    expect(populationGapDays).toBe(25);
    expect(bb).toMatchObject({ purchaseDays: 1, ownGapDays: null, typicalGapDays: 25, recencyDays: 29 });
  });

  it('handles a customer with only refunds', () => {
    expect(c).toMatchObject({ purchaseDays: 0, orders: 0, firstPurchase: null, avgOrderValue: null, netRevenue: -50, refundShare: 1 });
    // no purchase to age from: recency runs from the last transaction (02-15 -> 03-01)
    expect(c).toMatchObject({ recencyDays: 15, lastActivity: '2024-02-15', kthPurchase: null });
  });

  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('customerDays from the database', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it('sums each customer-day, counts invoices on purchases, and ignores later dates', async () => {
    t = tempDir();
    const csv = t.file(
      'x.csv',
      'customer,date,amount,invoice\nA,2024-01-01,10.00,I1\nA,2024-01-01,5.00,I1\nA,2024-01-01,2.00,I2\nA,2024-01-01,-1.00,R1\nA,2024-01-05,3.00,\nB,2024-01-02,4.00,I3\nA,2024-02-01,9.00,I4\n',
    );
    expect((await run(['--db', t.db, 'import', 'transactions', csv])).code).toBe(0);
    const db = openDatabase(t.db, { create: false });
    const days = [...customerDays(db, '2024-01-31')];
    db.close();
    expect(days).toEqual([
      { customerId: 'A', date: '2024-01-01', net: 1600, gross: 1700, refunds: 100, invoices: 2, purchased: true },
      { customerId: 'A', date: '2024-01-05', net: 300, gross: 300, refunds: 0, invoices: 0, purchased: true },
      { customerId: 'B', date: '2024-01-02', net: 400, gross: 400, refunds: 0, invoices: 1, purchased: true },
    ]);
  });
});

describe('dayIndex', () => {
  it('agrees with Date.parse on every day from 1899 to 2101', () => {
    for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      if (dayIndex(iso) !== t / 86_400_000) expect(`${iso}: ${dayIndex(iso)}`).toBe(`${iso}: ${t / 86_400_000}`);
    }
    expect(dayIndex('1970-01-01')).toBe(0);
    expect(dayIndex('2024-03-01') - dayIndex('2024-02-28')).toBe(2);
  });
});
