/**
 * Six things a new user met walking the README (the sample shop, data to 2026-10-31, English and
 * Chinese), each as they read it: the horizon said once, a reject's value in the import's
 * summary, a report on data weeks old, bad numbers for numeric flags, the "Not shown" list's
 * wording, and the stage's reason without parentheses inside parentheses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../../src/commands/complaint.js';
import { setLang } from '../../src/i18n/index.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { run, sampleShop, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir();
  await sampleShop(t.db);
});
afterAll(() => t.cleanup());

const tty = (args: string[], lang = 'en') => run(['--db', t.db, '--lang', lang, '--no-pager', ...args], { tty: true, columns: 400, env: { NO_COLOR: '1' } });

/** True when a bracket opens inside another (ASCII or full-width). */
function nested(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '（') depth++;
    else if (ch === ')' || ch === '）') depth--;
    if (depth > 1) return true;
  }
  return false;
}

describe('the horizon', () => {
  it("is said once in churn's heading, model's title and the backtest's title, in both languages", async () => {
    const churn = await tty(['churn', '--as-of', '2026-10-31', '--limit', '3']);
    expect(churn.code, churn.stderr).toBe(0);
    const heading = churn.stdout.split('\n')[0]!;
    expect(heading).toContain("horizon 91 days, a quarter, the span calls are planned for, as twice the shop's typical");
    const model = await tty(['model', '--as-of', '2026-10-31', '--no-save']);
    expect(model.code, model.stderr).toBe(0);
    expect(model.stdout.split('\n')[0]).toContain('horizon: 91 days (a quarter, the span calls are planned for,');
    const backtest = await tty(['churn', 'backtest', '--cutoff', '2026-06-30']);
    expect(backtest.stdout.split('\n')[0]).toContain('(91 days, a quarter,');
    const zh = await tty(['churn', '--as-of', '2026-10-31', '--limit', '3'], 'zh-CN');
    expect(zh.stdout.split('\n')[0]).toContain('预测期 91 天，即一个季度，客户联系通常按季度安排，因为本店典型购买间隔');
    for (const text of [heading, model.stdout.split('\n')[0]!, backtest.stdout.split('\n')[0]!]) {
      expect(text).not.toMatch(/(\d+) days[:,]? \(?\1 days/);
      expect(nested(text)).toBe(false);
    }
    expect(zh.stdout.split('\n')[0]).not.toMatch(/(\d+) ?天[：，（]\1 ?天/);
  }, 60_000);
});

describe("the import's summary of rejects", () => {
  const header = 'invoice,date,customer_id,product,quantity,unit_price,amount,channel,staff,payment_method';
  const long = 'x' + 'y'.repeat(5000);
  const rows = [
    'INV900001,2026-11-02 10:00,C0100,Teapot,1,34.00,thirty-four pounds,web,,card',
    'INV900002,2026-13-02 10:00,C0100,Teapot,1,34.00,34.00,web,,card',
    `INV900003,2026-11-02 10:00,C0100,Teapot,${long},34.00,34.00,web,,card`,
    'INV900004,2026-13-05 10:00,C0100,Teapot,1,34.00,34.00,web,,card',
    'INV900005,2026-11-03 10:00,C0100,Teapot,1,34.00,34.00,web,,card',
  ];

  it('names the line, field and value of each reason, the value cut with … when long (en, zh-CN, dry run)', async () => {
    const file = t.file('bad-rows.csv', [header, ...rows].join('\n') + '\n');
    const en = await run(['--db', t.db, 'import', 'transactions', file, '--dry-run'], { tty: true, columns: 400, env: { NO_COLOR: '1' } });
    expect(en.code, en.stderr).toBe(0);
    const lines = en.stdout.split('\n');
    expect(lines).toContain('           1  line 2, amount: "thirty-four pounds" is not an amount');
    expect(lines).toContain('           2  line 3 and 1 more, date: month 13 does not exist');
    const cut = lines.find((l) => l.includes('quantity:'))!;
    expect(cut).toBe(`           1  line 4, quantity: "${long.slice(0, 39)}…" is not a quantity`);
    const zh = await run(['--db', t.db, '--lang', 'zh-CN', 'import', 'transactions', file, '--dry-run'], { tty: true, columns: 400, env: { NO_COLOR: '1' } });
    expect(zh.stdout).toContain('           1  第 2 行，amount："thirty-four pounds" 不是金额');
    expect(zh.stdout).toContain(`第 4 行，quantity："${long.slice(0, 39)}…" 不是数量`);
    // Piped, the summary is on stderr, one line: lines and fields, but no value from the data on
    // stderr, a log (safety.test); JSON on stdout keeps the first reject whole.
    const json = await run(['--db', t.db, 'import', 'transactions', file, '--dry-run', '--format', 'json']);
    expect(json.stderr).toContain(
      `bad-rows.csv: 4 rows rejected: line 3 and 1 more, date: month 13 does not exist; line 2, amount: … is not an amount; line 4, quantity: … is not a quantity\n`,
    );
    const reasons = (JSON.parse(json.stdout) as { reasons: { reason: string; count: number; first_line: number; first: string }[] }[])[0]!.reasons;
    expect(reasons.find((r) => r.reason === 'quantity: … is not a quantity')).toEqual({
      reason: 'quantity: … is not a quantity',
      count: 1,
      first_line: 4,
      first: `quantity: "${long}" is not a quantity`,
    });
  });

  it('names them in the one-line error of a file whose every row was rejected', async () => {
    const file = t.file('all-bad.csv', [header, rows[1], rows[3]].join('\n') + '\n');
    const r = await run(['--db', t.db, 'import', 'transactions', file, '--dry-run']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`rapport: ${file}: nothing imported: all 2 rows were rejected; most often, as on line 2: date: month 13 does not exist\nhint: `);
  });
});

describe('a report on data whose newest sale is older than its week', () => {
  it('says so on stderr and in the report (terminal, Markdown, HTML, JSON), naming the newest sale and how long ago', async () => {
    const term = await tty(['report', 'churn', '--as-of', '2026-12-07', '--no-save']);
    expect(term.code, term.stderr).toBe(0);
    expect(term.stderr).toContain(
      "warning: the newest sale is from 2026-10-31, 37 days before the report's date 2026-12-07, so its week has no sales in it; import the newer sales, or add --as-of 2026-10-31",
    );
    const said = 'The newest sale in the data is from 2026-10-31, 37 days before 2026-12-07: the week to 2026-12-07 has no sales in it';
    expect(term.stdout).toContain(`Stale data\n${said}`);
    const md = await run(['--db', t.db, 'report', 'churn', '--as-of', '2026-12-07', '--no-save', '--format', 'md']);
    expect(md.stdout).toContain(`## Stale data\n\n${said}`);
    const html = await run(['--db', t.db, 'report', 'churn', '--as-of', '2026-12-07', '--no-save', '--format', 'html']);
    expect(html.stdout).toContain('Stale data');
    expect(html.stdout).toContain('37 days before');
    const json = await run(['--db', t.db, 'report', 'churn', '--as-of', '2026-12-07', '--no-save', '--format', 'json']);
    expect((JSON.parse(json.stdout) as { stale: unknown }).stale).toEqual({ newestSale: '2026-10-31', daysBefore: 37, periodDays: 7, everyoneGone: false });
    const zh = await tty(['report', 'churn', '--as-of', '2026-12-07', '--no-save'], 'zh-CN');
    expect(zh.stderr).toContain('警告：最新的一笔销售在 2026-10-31，比报告日期 2026-12-07 早 37 天');
    expect(zh.stdout).toContain('数据过旧\n数据中最新的一笔销售在 2026年10月31日，比 2026年12月7日 早 37 天');
  }, 120_000);

  it('says nothing when a sale falls in the week to the as-of date, or --as-of is at or before the data end', async () => {
    for (const asOf of ['2026-10-31', '2026-11-06', '2026-09-30']) {
      const json = await run(['--db', t.db, 'report', 'churn', '--as-of', asOf, '--no-save', '--format', 'json']);
      expect(json.code, json.stderr).toBe(0);
      expect(json.stderr).not.toContain('newest sale');
      expect((JSON.parse(json.stdout) as { stale: unknown }).stale).toBeNull();
    }
  }, 120_000);
});

describe('a bad number for a numeric flag', () => {
  const cases: [string[], string, string][] = [
    [['churn', '--limit', '-3'], '--limit must be a whole number, 1 or more, not "-3"', 'for example --limit 20'],
    [['customers', '--limit', 'ten'], '--limit must be a whole number, 1 or more, not "ten"', 'for example --limit 20'],
    [['report', 'churn', '--limit', '0'], '--limit must be a whole number, 1 or more, not "0"', 'for example --limit 20'],
    [['rejects', '--limit', '2.5'], '--limit must be a whole number, 1 or more, not "2.5"', 'for example --limit 20'],
    [['imports', '--limit', '-1'], '--limit must be a whole number, 1 or more, not "-1"', 'for example --limit 20'],
    [['--width', '0x10', 'status'], '--width must be a whole number, 1 or more, not "0x10"', 'for example --width 100'],
    [['customer', 'C0001', '--months', '300'], '--months must be a whole number from 1 to 240, not "300"', 'for example --months 24'],
    [['customer', 'C0001', '--transactions', '-2'], '--transactions must be a whole number, 0 or more, not "-2"', 'for example --transactions 10'],
    [['complaint', 'summary', '--days', '0'], '--days must be a whole number, 1 or more, not "0"', 'for example --days 90'],
    [['import', 'transactions', 'x.csv', '--preview', '1e2'], '--preview must be a whole number, 0 or more, not "1e2"', 'for example --preview 20'],
  ];
  for (const [args, message, hint] of cases) {
    it(`${args.join(' ')}: one line naming the flag, the value and what it takes, a hint, exit 2`, async () => {
      const r = await run(['--db', t.db, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`rapport: ${message}\nhint: ${hint}\n`);
    });
  }
  it('in Chinese too', async () => {
    const r = await run(['--db', t.db, '--lang', 'zh-CN', 'churn', '--limit', '-3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rapport：--limit 必须是不小于 1 的整数，不能是“-3”\n提示：例如 --limit 20\n');
  });
});

describe('the report\'s "Not shown" list', () => {
  it('continues each title with a lower-case reason in English, a full-width colon in Chinese', async () => {
    // No snapshot before this date: "Since the last report" has nothing to compare with.
    const en = await tty(['report', 'summary', '--as-of', '2026-10-30', '--no-save']);
    expect(en.code, en.stderr).toBe(0);
    const shown = en.stdout.slice(en.stdout.indexOf('\nNot shown\n'));
    expect(shown).toContain('Since the last report: no earlier snapshot to compare with');
    expect(shown).not.toMatch(/: [A-Z]/);
    const zh = await tty(['report', 'summary', '--as-of', '2026-10-30', '--no-save'], 'zh-CN');
    expect(zh.stdout).toContain('上次报告以来：没有更早的快照可供比较');
    expect(zh.stdout).not.toMatch(/上次报告以来: /);
  }, 120_000);
});

describe("the lifecycle stage's reason", () => {
  it('has no parentheses inside parentheses on the counter\'s "who this is" or the customer card, in either language', async () => {
    const csv = await run(['--db', t.db, 'customers', '--as-of', '2026-10-31', '--format', 'json']);
    const all = JSON.parse(csv.stdout) as { customer_id: string; stage: string; exit_pattern: string | null; stage_reason: string }[];
    // One customer of each stage and way of ending (the reasons' every template).
    const ids = [...new Map(all.map((c) => [`${c.stage} ${c.exit_pattern} ${/usual gap/.test(c.stage_reason)}`, c.customer_id])).values()];
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const db = new SqliteStore(openDatabase(t.db, { create: false }), t.db);
    try {
      for (const lang of ['en', 'zh-CN'] as const) {
        setLang(lang);
        for (const id of ids) {
          // Who this is: the line after "returning customer", tier and stage with the stage's reason.
          const said = await profile(db, id);
          const line = said[said.findIndex((l) => /returning customer|老客户/.test(l)) + 1]!;
          expect(nested(line), line).toBe(false);
          // The card: the line after the tier's.
          const card = (await tty(['customer', id, '--as-of', '2026-10-31'], lang)).stdout.split('\n');
          const stage = card[card.findIndex((l) => /^Tier |层，价值/.test(l)) + 1]!;
          expect(stage.length).toBeGreaterThan(8);
          expect(nested(stage), stage).toBe(false);
        }
      }
      setLang('en');
      const c0085 = (await profile(db, 'C0085')).join('\n');
      expect(c0085).toMatch(/tier \w+, stage \w+: no purchase for \d+ days/);
      // The risk's level in brackets, as on the card (流失风险（高）): 流失风险高 read as "in churn risk".
      setLang('zh-CN');
      expect((await profile(db, 'C0085')).join('\n')).toMatch(/\n {2}流失风险（[高中低]，\d+%）：/);
    } finally {
      setLang('en');
      db.close();
    }
  }, 120_000);
});
