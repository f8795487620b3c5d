/**
 * What a new user met walking the README on a terminal 80 columns wide (the sample shop, English
 * and Chinese): the words they need to type back or read stay whole, and numbers read alike.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/core/settings.js';
import { fixture, run, tempDir } from '../helpers.js';
import { displayWidth } from '../../src/cli/output.js';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir();
  // From a folder deep enough that the paths cannot fit at 80 columns wherever the checkout sits.
  const deep = (name: string) => t.file(`exports-of-the-shop-${'x'.repeat(40)}-${name}`, fs.readFileSync(fixture('sample', name)));
  expect((await run(['--db', t.db, '-q', 'import', 'customers', deep('customers.csv')])).code).toBe(0);
  expect((await run(['--db', t.db, '-q', 'import', 'transactions', deep('transactions.csv')])).code).toBe(0);
});
afterAll(() => t.cleanup());

const at80 = (args: string[], lang: string) => run(['--db', t.db, '--lang', lang, ...args], { tty: true, columns: 80, env: { NO_COLOR: '1' } });
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('on a terminal 80 columns wide', () => {
  for (const lang of ['en', 'zh-CN']) {
    it(`config list keeps every setting's key whole (it is what config set is given) and what each does readable, not cut (${lang})`, async () => {
      const r = await at80(['--no-pager', 'config', 'list'], lang);
      expect(r.code, r.stderr).toBe(0);
      // A line of its own for each setting, "key: value", and what it does wrapped under it: in
      // a table the description was cut to about 18 columns ("RFM scores run 1.…").
      const lines = r.stdout.split('\n');
      const keys = lines.filter((l) => /^\S/.test(l)).map((l) => l.split(':')[0]);
      expect(keys).toEqual(SETTINGS.map((s) => s.key));
      const described = lines.filter((l) => l.startsWith('    '));
      expect(described.length).toBeGreaterThanOrEqual(SETTINGS.length);
      expect(described.some((l) => l.includes('…'))).toBe(false);
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
      if (lang === 'en') {
        const data = await run(['--db', t.db, '--format', 'json', 'config', 'list']);
        const text = lines.join('\n').replace(/\n {4}/g, ' ');
        for (const row of JSON.parse(data.stdout) as { description: string }[]) expect(text).toContain(row.description);
      }
    });

    it(`config list on a wide terminal is a table (${lang})`, async () => {
      const r = await run(['--db', t.db, '--lang', lang, '--no-pager', 'config', 'list'], { tty: true, columns: 160, env: { NO_COLOR: '1' } });
      expect(r.code, r.stderr).toBe(0);
      const keys = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('│ '))
        .map((l) => l.split('│')[1]!.trim());
      for (const s of SETTINGS) expect(keys).toContain(s.key);
    });

    it(`status keeps the name of each imported file, cutting its folder if anything (${lang})`, async () => {
      const r = await at80(['--no-pager', 'status'], lang);
      expect(r.code, r.stderr).toBe(0);
      expect(widest(r.stdout)).toBeLessThanOrEqual(80);
      expect(r.stdout).toContain('transactions.csv │');
      expect(r.stdout).toContain('customers.csv │');
    });
  }

  it('a report shows a number column with the same decimals in every row (31.0 beside 30.6, not 31)', async () => {
    const data = await run(['--db', t.db, '--format', 'json', 'report', 'churn', '--as-of', '2026-10-31']);
    expect(data.code, data.stderr).toBe(0);
    const tables = (JSON.parse(data.stdout) as { sections: { tables?: { name: string; rows: Record<string, unknown>[] }[] }[] }).sections.flatMap(
      (s) => s.tables ?? [],
    );
    const expected = tables
      .find((x) => x.name === 'model_check')!
      .rows.map((row) => row.predicted)
      .filter((v): v is number => typeof v === 'number');
    const inYear = tables
      .find((x) => x.name === 'watchlist')!
      .rows.map((row) => row.expected_purchases_365d)
      .filter((v): v is number => typeof v === 'number');
    // The shop's figures hold both kinds: a whole number and one with a tenth, in each column.
    for (const values of [expected, inYear]) {
      expect(values.some(Number.isInteger)).toBe(true);
      expect(values.some((v) => !Number.isInteger(v))).toBe(true);
    }
    for (const format of ['md', 'html']) {
      const r = await run(['--db', t.db, '--format', format, 'report', 'churn', '--as-of', '2026-10-31']);
      expect(r.code, r.stderr).toBe(0);
      for (const v of [...expected, ...inYear].filter(Number.isInteger)) expect(r.stdout).toContain(format === 'md' ? `| ${v}.0 |` : `>${v}.0<`);
    }
    const term = await at80(['--no-pager', 'report', 'churn', '--as-of', '2026-10-31'], 'en');
    expect(term.code, term.stderr).toBe(0);
    for (const v of expected.filter(Number.isInteger)) expect(term.stdout).toMatch(new RegExp(`│ +${v}\\.0 │`));
  });
});

describe('an --out that cannot be written', () => {
  it("says why in the reader's language, not in Node's English (ENOENT: no such file or directory …)", async () => {
    const out = `${t.dir}/no-such-folder/customers.csv`;
    const zh = await run(['--db', t.db, '--lang', 'zh-CN', 'export', 'customers', '--out', out]);
    expect(zh.code).toBe(1);
    expect(zh.stdout).toBe('');
    expect(zh.stderr.split('\n')[0]).toBe(`rapport：无法写入 ${out}：所在的文件夹不存在`);
    expect(zh.stderr).not.toMatch(/ENOENT|no such file/);
    const en = await run(['--db', t.db, 'export', 'customers', '--out', out]);
    expect(en.stderr.split('\n')[0]).toBe(`rapport: cannot write ${out}: its folder does not exist`);
  });
});

describe("model's learned ranking, in words a reader follows", () => {
  it('says once that churn risk is learned, counts its windows in plain plural, and lists Chinese dates with 、', async () => {
    const en = await run(['--db', t.db, 'model', '--as-of', '2026-10-31', '--no-save', '--format', 'table', '--width', '300']);
    expect(en.code, en.stderr).toBe(0);
    const title = en.stdout.split('\n').find((l) => l.startsWith('What ranks churn risk:'))!;
    // was: "What ranks churn risk: learned from this shop's past, learned on 3 window(s) of 91 days …"
    expect(title).toMatch(/, fitted on 3 windows of 91 days of your past \(cutoffs [\d-]+, [\d-]+, [\d-]+\)$/);
    expect(title.match(/learned/g)).toHaveLength(1);
    const zh = await run(['--db', t.db, '--lang', 'zh-CN', 'model', '--as-of', '2026-10-31', '--no-save', '--format', 'table', '--width', '300']);
    expect(zh.code, zh.stderr).toBe(0);
    const zhTitle = zh.stdout.split('\n').find((l) => l.startsWith('流失风险的排序依据：'))!;
    expect(zhTitle.match(/学得/g)).toHaveLength(1);
    expect(zhTitle).toMatch(/（截止日 \d{4}年\d+月\d+日、\d{4}年\d+月\d+日、\d{4}年\d+月\d+日）$/);
  });
});

describe('churn: every money column names its currency', () => {
  it('value and to keep each say GBP, as the customers table does', async () => {
    const g = tempDir();
    try {
      expect((await run(['--db', g.db, '-q', 'import', 'transactions', fixture('sample', 'transactions.csv'), '--currency', 'GBP'])).code).toBe(0);
      const r = await run(['--db', g.db, '-q', '--no-pager', 'churn', '--as-of', '2026-10-31'], { tty: true, columns: 250, env: { NO_COLOR: '1' } });
      expect(r.code, r.stderr).toBe(0);
      // Each table's heading (its lines down to the rule), column by column.
      const lines = r.stdout.split('\n');
      const headings = lines.flatMap((l, i) => {
        if (!l.startsWith('│ customer')) return [];
        const rows = lines
          .slice(
            i,
            lines.findIndex((x, k) => k > i && x.startsWith('├')),
          )
          .map((x) => x.split('│').map((c) => c.trim()));
        return [
          rows[0]!.map((_, col) =>
            rows
              .map((row) => row[col])
              .filter(Boolean)
              .join(' '),
          ),
        ];
      });
      // The list to call, then the win-back list, each its own table.
      expect(headings).toHaveLength(2);
      for (const h of ['value GBP', 'to keep GBP']) expect(headings[0]).toContain(h);
      for (const h of ['value GBP', 'at risk GBP']) expect(headings[1]).toContain(h);
    } finally {
      g.cleanup();
    }
  }, 60_000);
});
