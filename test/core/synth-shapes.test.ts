/**
 * The generator's shop shapes used to check the churn figures across shops (bench/synth): a
 * December peak, a shop growing fast and one shrinking.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { tempDir } from '../helpers.js';

const t = tempDir();
afterAll(() => t.cleanup());

/** Purchases (invoices) by month, and each customer's first month, of a generated shop. */
function shape(name: string, options: Partial<typeof DEFAULTS>): { months: Map<string, number>; firsts: Map<string, number> } {
  const file = path.join(t.dir, `${name}.csv`);
  generate({ ...DEFAULTS, seed: 5, customers: 3000, rows: null, start: '2021-01-01', end: '2023-12-31', ...options }, file);
  const months = new Map<string, number>();
  const firsts = new Map<string, number>();
  const seen = new Set<string>();
  const invoices = new Set<string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [invoice, date, customer] = line.split(',');
    if (!invoice?.startsWith('INV') || invoices.has(invoice)) continue;
    invoices.add(invoice);
    const month = date!.slice(0, 7);
    months.set(month, (months.get(month) ?? 0) + 1);
    if (!seen.has(customer!)) {
      seen.add(customer!);
      firsts.set(month.slice(0, 4), (firsts.get(month.slice(0, 4)) ?? 0) + 1);
    }
  }
  return { months, firsts };
}

describe('synthetic shop shapes', () => {
  it('a December peak: every customer buys three times as often in December', () => {
    const { months } = shape('seasonal', { decemberLift: 2 });
    // 2023: the shop has grown all year, so December is set against its neighbours
    const around = (months.get('2023-10')! + months.get('2023-11')!) / 2;
    expect(months.get('2023-12')! / around).toBeGreaterThan(2.2);
    const plain = shape('plain', {}).months;
    expect(plain.get('2023-12')! / ((plain.get('2023-10')! + plain.get('2023-11')!) / 2)).toBeLessThan(1.3);
  });

  it('joining grows fourfold a year in a growing shop and falls to a quarter in a shrinking one', () => {
    const up = shape('growing', { joinGrowth: 4 }).firsts;
    const down = shape('shrinking', { joinGrowth: 0.25 }).firsts;
    expect(up.get('2023')! / up.get('2022')!).toBeGreaterThan(3);
    expect(up.get('2023')! / up.get('2022')!).toBeLessThan(5);
    expect(down.get('2022')! / down.get('2023')!).toBeGreaterThan(3);
    expect(down.get('2022')! / down.get('2023')!).toBeLessThan(5);
  });
});
