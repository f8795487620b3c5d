/** Money in CSV and JSON: exact decimals in the currency, the currency named (issue 15). */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { moneyJson, moneyValue } from '../../src/core/moneyOut.js';
import { run, tempDir } from '../helpers.js';

describe('money as data', () => {
  it('turns whole minor units into the decimal text, by the currency exponent, and leaves the rest', () => {
    const gbp = { exponent: 2, currency: 'GBP' };
    expect([moneyValue(85994, gbp), moneyValue(-5, gbp), moneyValue(30, gbp), moneyValue(0, gbp)]).toEqual(['859.94', '-0.05', '0.30', '0.00']);
    expect(moneyValue(1200, { exponent: 0, currency: 'JPY' })).toBe('1200');
    expect(moneyValue(1500, { exponent: 3, currency: 'KWD' })).toBe('1.500');
    expect([moneyValue(null, gbp), moneyValue('x', gbp), moneyValue(0.5, gbp)]).toEqual([null, 'x', 0.5]);
    expect(moneyJson({ clv: 85994, frequency: 12, churn_risk: 0.5 }, gbp)).toEqual({ clv: '859.94', frequency: 12, churn_risk: 0.5 });
    expect(moneyJson({ analysis: { monetary: 100 }, monthly_spend: [{ month: '2025-01', net: -250 }], value_rank: 3 }, gbp)).toEqual({
      analysis: { monetary: '1.00' },
      monthly_spend: [{ month: '2025-01', net: '-2.50' }],
      value_rank: 3,
    });
  });
});

describe('commands write money in the currency', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it('status, customers, churn, segment and a report: decimals exact to the cent and a currency column', async () => {
    t = tempDir();
    // Amounts whose float sums show artefacts (0.1 + 0.2): the output must not.
    const lines = ['customer_id,date,amount'];
    for (let i = 0; i < 30; i++) lines.push(`A${i % 3},2025-0${1 + (i % 6)}-1${i % 9},0.10`, `A${i % 3},2025-0${1 + (i % 6)}-2${i % 7},0.20`);
    const file = t.file('sales.csv', lines.join('\n') + '\n');
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', file, '--currency', 'EUR'])).code).toBe(0);

    const status = JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ currency: 'EUR', net_revenue: '9.00', refunds_amount: '0.00' });

    const csv = (await run(['--db', t.db, '--format', 'csv', 'customers', '--as-of', '2025-07-01'])).stdout;
    const recs = parse(csv, { columns: true }) as Record<string, string>[];
    expect(recs).toHaveLength(3);
    for (const r of recs) {
      expect(r.currency).toBe('EUR');
      expect(r.monetary).toMatch(/^\d+\.\d\d$/);
    }
    expect(recs.reduce((s, r) => s + Math.round(Number(r.monetary) * 100), 0)).toBe(900);

    const churn = JSON.parse((await run(['--db', t.db, '--format', 'json', 'churn', '--as-of', '2025-07-01'])).stdout) as Record<string, unknown>[];
    for (const r of churn) {
      expect(r.currency).toBe('EUR');
      if (r.value_at_risk !== null) expect(r.value_at_risk).toMatch(/^\d+\.\d\d$/);
      // The value that can still be kept is money like the value at risk, not minor units.
      expect(r.keep_value).toMatch(/^\d+\.\d\d$/);
    }
    const seg = (await run(['--db', t.db, '--format', 'csv', 'segment', '--no-save', '--as-of', '2025-07-01'])).stdout;
    expect(seg.split('\n')[0]!.endsWith(',revenue_share,average,currency')).toBe(true);
    const report = JSON.parse((await run(['--db', t.db, '--format', 'json', 'report', 'pyramid', '--as-of', '2025-07-01'])).stdout) as {
      currency: string;
      sections: { tables?: { name: string; rows: Record<string, unknown>[] }[] }[];
    };
    expect(report.currency).toBe('EUR');
    const tiers = report.sections.flatMap((s) => s.tables ?? []).find((x) => x.name === 'tiers')!;
    for (const r of tiers.rows) expect(String(r.revenue)).toMatch(/^\d+\.\d\d$/);
  });
});
