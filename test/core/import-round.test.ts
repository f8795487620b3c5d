/**
 * --round (issue 25): amounts with more decimals than the currency's minor unit, rounded on
 * their decimal text by a named rule, counted, with the file's exact sum beside the stored one;
 * without the flag they stay rejects, and the summary says what --round would save.
 *
 * fixtures/import/discounted-prices.csv, worked by hand (half up | half to even):
 *   16.448 -> 16.45 | 16.45      272.736 -> 272.74 | 272.74     333.999 -> 334.00 | 334.00
 *   10.125 -> 10.13 | 10.12      10.135  -> 10.14  | 10.14      -4.035  -> -4.04  | -4.04
 *   0.0049 -> 0.00  | 0.00       5.245   -> 5.25   | 5.24
 *   exact: 20.00, 7.5, 99.99 (127.49)
 *   file sum 772.1479; rounded half up 772.16; half to even 772.14 (10.125 and 5.245 go down).
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MoneyParser, exactText, groupDecimal, lineAmountExact, roundExact } from '../../src/core/money.js';
import { fixture, run, tempDir } from '../helpers.js';

const FILE = fixture('import', 'discounted-prices.csv');

interface Result {
  status: string;
  refusal: string | null;
  counts: { read: number; imported: number; duplicate: number; rejected: number };
  reasons: { reason: string; count: number }[];
  rounding: { rule: string | null; rounded: number; needs_rounding: number; file_sum: string; stored_sum: string } | null;
}

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

async function importJson(files: string[], options: string[] = []): Promise<{ code: number; stderr: string; results: Result[] }> {
  const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', ...files, ...options]);
  return { code: r.code, stderr: r.stderr, results: JSON.parse(r.stdout || '[]') as Result[] };
}

function storedCents(): { n: number; sum: number } {
  const db = new Database(t.db, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS n, coalesce(sum(amount), 0) AS sum FROM transactions').get() as { n: number; sum: number };
  } finally {
    db.close();
  }
}

describe('rounding an amount on its decimal text', () => {
  const up = new MoneyParser({ decimalComma: false, exponent: 2, round: 'half-up' });
  const even = new MoneyParser({ decimalComma: false, exponent: 2, round: 'half-even' });

  it('rounds halves away from zero, or to the even digit', () => {
    expect([up.parse('10.125'), up.parse('10.135'), up.parse('-4.025'), up.parse('(2.345)')]).toEqual([1013, 1014, -403, -235]);
    expect([even.parse('10.125'), even.parse('10.135'), even.parse('-4.025'), even.parse('(2.345)')]).toEqual([1012, 1014, -402, -234]);
    // Not a tie: anything past the half decides, however far down.
    expect([even.parse('10.12501'), even.parse('10.1349999'), up.parse('0.0049')]).toEqual([1013, 1013, 0]);
  });

  it('keeps what it rounded off exactly, with the sign of the amount', () => {
    up.parse('16.448');
    expect(up.excess).toEqual({ units: -2n, scale: 1 }); // 1644.8 cents stored as 1645
    up.parse('-16.448');
    expect(up.excess).toEqual({ units: 2n, scale: 1 });
    up.parse('16.40');
    expect(up.excess).toBeNull(); // trailing zeros are not rounding
    expect(exactText(164500n, { units: -2n, scale: 1 }, 2)).toBe('1644.998');
    expect(exactText(-5n, { units: 0n, scale: 0 }, 2)).toBe('-0.05');
    expect(groupDecimal('2326534.3543')).toBe('2,326,534.3543');
  });

  it('rounds to the minor unit of the currency, with a decimal comma too', () => {
    expect(new MoneyParser({ decimalComma: true, exponent: 2, round: 'half-up' }).parse('1.234,565 €')).toBe(123457);
    expect(new MoneyParser({ decimalComma: false, exponent: 0, round: 'half-up' }).parse('1234.5')).toBe(1235);
    expect(new MoneyParser({ decimalComma: false, exponent: 0, round: 'half-even' }).parse('1234.5')).toBe(1234);
    expect(new MoneyParser({ decimalComma: false, exponent: 3, round: 'half-even' }).parse('1.0005')).toBe(1000);
  });

  it('refuses the same amounts without a rule, as before', () => {
    const strict = new MoneyParser({ decimalComma: false, exponent: 2 });
    expect(strict.parse('16.448')).toBeNaN();
    expect(strict.explain('16.448')).toBe(`"16.448" has more decimal places than the currency's 2`);
  });

  it('rounds a quantity times a price by the rule asked for', () => {
    // 3 × 0.125 = 0.375: half up 0.38, half to even 0.38; 1 × 0.125 = 0.125: 0.13 | 0.12.
    expect(lineAmountExact('1', '0.125', { decimalComma: false, exponent: 2, round: 'half-even' })).toEqual({ minor: 12, excess: { units: 5n, scale: 1 } });
    expect(lineAmountExact('1', '0.125', { decimalComma: false, exponent: 2 })!.minor).toBe(13);
    expect(roundExact(-125n, 1, 'half-even').value).toBe(-12n);
  });
});

describe('import transactions --round', () => {
  it('without --round keeps such rows as rejects and says what --round would save', async () => {
    const r = await importJson([FILE]);
    expect(r.code).toBe(0);
    const res = r.results[0]!;
    expect(res.counts).toMatchObject({ read: 11, imported: 3, rejected: 8 });
    expect(res.reasons).toMatchObject([{ reason: "amount: … has more decimal places than the currency's 2", count: 8 }]);
    expect(res.rounding).toEqual({ rule: null, rounded: 0, needs_rounding: 8, file_sum: '127.49', stored_sum: '127.49' });
    expect(r.stderr).toContain("8 rows have more decimals than the currency's 2: add --round to round them half up");
    expect(storedCents()).toEqual({ n: 3, sum: 12749 });
  });

  it('rounds half up by default: every row kept, the file sum beside the stored one', async () => {
    const r = await importJson([FILE], ['--round']);
    expect(r.code).toBe(0);
    const res = r.results[0]!;
    expect(res.counts).toMatchObject({ read: 11, imported: 11, rejected: 0 });
    expect(res.rounding).toEqual({ rule: 'half-up', rounded: 8, needs_rounding: 0, file_sum: '772.1479', stored_sum: '772.16' });
    expect(r.stderr).toContain("8 amounts rounded half up to 2 decimals: the file's sum 772.1479, stored 772.16");
    expect(storedCents()).toEqual({ n: 11, sum: 77216 });
  });

  it('rounds half to even when asked', async () => {
    const r = await importJson([FILE], ['--rounding', 'half-even']);
    expect(r.results[0]!.rounding).toEqual({ rule: 'half-even', rounded: 8, needs_rounding: 0, file_sum: '772.1479', stored_sum: '772.14' });
    expect(storedCents()).toEqual({ n: 11, sum: 77214 });
  });

  it('is another reading of the file: importing it again with --round adds the rows rounding keeps', async () => {
    await importJson([FILE]);
    const again = await importJson([FILE], ['--round']);
    expect(again.results[0]!.status).toBe('imported');
    expect(again.results[0]!.counts).toMatchObject({ imported: 8, duplicate: 3 });
    expect(storedCents()).toEqual({ n: 11, sum: 77216 });
  });

  it('prints the suggestion under the rejects on a terminal, and the rounding in Chinese', async () => {
    const plain = await run(['--db', t.db, '--format', 'table', 'import', 'transactions', FILE]);
    expect(plain.stdout).toContain(
      "  8 rows have more decimals than the currency's 2: add --round to round them half up (--rounding half-even to round half to even)",
    );
    const zhPlain = await run(['--db', t.dir + '/zh.db', '--lang', 'zh-CN', '--format', 'table', 'import', 'transactions', FILE]);
    expect(zhPlain.stdout).toMatch(/第 \d+ 行及另外 7 行，amount："\d+\.\d{3,}" 的小数位多于币种的 2 位/);
    expect(zhPlain.stdout).toContain('8 行金额的小数位多于币种的 2 位：加 --round 可四舍五入后导入');
    const zh = await run(['--db', t.db, '--lang', 'zh-CN', '--format', 'table', 'import', 'transactions', FILE, '--round']);
    expect(zh.stdout).toContain('8 笔金额按四舍五入保留 2 位小数：文件中的合计 772.1479，存入 772.16');
  });

  it('carries the counts and sums in CSV', async () => {
    const r = await run(['--db', t.db, '--format', 'csv', 'import', 'transactions', FILE, '--rounding', 'half-even']);
    const [head, row] = r.stdout.trim().split('\n');
    const cells = Object.fromEntries(head!.split(',').map((k, i) => [k, row!.split(',')[i]]));
    expect(cells).toMatchObject({ rounded: '8', needs_rounding: '0', file_sum: '772.1479', stored_sum: '772.14' });
  });

  it('refuses a rule it does not know', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', FILE, '--rounding', 'down']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'down' is invalid");
  });

  it('takes --round before the file as a flag, not the file as its rule', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', '--round', FILE]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { rounding: { rule: string } }[])[0]!.rounding.rule).toBe('half-up');
  });

  it('names --round as the way out when rounding is why every row was rejected', async () => {
    const f = t.file('all.csv', 'customer_id,date,amount\nC1,2024-01-01,1.005\nC2,2024-01-02,2.499\n');
    const r = await importJson([f]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/hint: .*2 rows have more decimals than the currency's 2: add --round/);
  });

  it('counts only the rows --round would save: a row wrong in another way too is not one', async () => {
    // Line 3 would round, but its currency contradicts line 2's; line 4 would round and import.
    const f = t.file('mixed.csv', 'customer_id,date,amount,currency\nC1,2024-01-01,10.00,EUR\nC2,2024-01-02,1.005,USD\nC3,2024-01-03,2.005,EUR\n');
    const r = await importJson([f]);
    const res = r.results[0]!;
    expect(res.counts).toMatchObject({ imported: 1, rejected: 2 });
    // Both are still rejected for their decimals, as before --round existed.
    expect(res.reasons).toMatchObject([{ reason: "amount: … has more decimal places than the currency's 2", count: 2 }]);
    expect(res.rounding!.needs_rounding).toBe(1);
    const rounded = await run(['--db', t.dir + '/other.db', '--format', 'json', 'import', 'transactions', f, '--round']);
    const out = (JSON.parse(rounded.stdout) as Result[])[0]!;
    expect(out.counts).toMatchObject({ imported: 2, rejected: 1 });
    expect(out.reasons[0]!.reason).toMatch(/^currency: … mixes currencies/);
  });
});
