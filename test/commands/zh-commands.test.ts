/**
 * The commands a person reads, in Chinese, on the Chinese fixture shop: run in-process with the
 * language set by setLang (as the CLI does before a command runs), and compared with the same
 * runs in English where the output is data (CSV and JSON never change with the language).
 */
import fs from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import stringWidth from 'string-width';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from '../helpers.js';
import { setLang, type Lang } from '../../src/i18n/index.js';
import { ioFromProcess } from '../../src/cli/io.js';
import type { Context } from '../../src/cli/context.js';
import type { Format } from '../../src/cli/output.js';
import { runStatus } from '../../src/commands/status.js';
import { runSegment } from '../../src/commands/segment.js';
import { runChurn } from '../../src/commands/churn.js';
import { runCustomer } from '../../src/commands/customer.js';
import { runCustomers, parseCustomersOptions } from '../../src/commands/customers.js';
import { runModel } from '../../src/commands/model.js';
import { runSnapshots } from '../../src/commands/snapshots.js';
import { parseAsOf } from '../../src/app/run.js';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';

const AS_OF = '2026-11-28';
let t: ReturnType<typeof tempDir>;

beforeAll(async () => {
  t = tempDir();
  for (const [kind, file, extra] of [
    ['customers', 'customers.csv', []],
    ['transactions', 'transactions.csv', ['--currency', 'CNY']],
  ] as const) {
    const r = await run(['--db', t.db, '-q', 'import', kind, fixture('zh-shop', file), ...extra]);
    expect(r.code, r.stderr).toBe(0);
  }
  const c = await run([
    '--db',
    t.db,
    '-q',
    'complaint',
    'add',
    '--customer',
    'KH0001',
    '--category',
    'service',
    '--summary',
    '茶叶受潮，要求换货',
    '--at',
    '2026-11-20',
  ]);
  expect(c.code, c.stderr).toBe(0);
  const m = await run(['--db', t.db, '-q', 'model', '--as-of', AS_OF]);
  expect(m.code, m.stderr).toBe(0);
  const s = await run(['--db', t.db, '-q', 'segment', '--as-of', AS_OF]);
  expect(s.code, s.stderr).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());
afterEach(() => setLang('en'));

/** A command run in a language: stdout a 120-column terminal for tables, a pipe otherwise. */
async function inLang(
  lang: Lang,
  format: Format,
  command: (ctx: Context) => Promise<number>,
  db = t.db,
): Promise<{ code: number; stdout: string; stderr: string }> {
  setLang(lang);
  const keep = (tty: boolean): PassThrough & { text: string; isTTY: boolean; columns: number } => {
    const s = Object.assign(new PassThrough(), { text: '', isTTY: tty, columns: 120 });
    s.on('data', (c: Buffer) => (s.text += c.toString('utf8')));
    return s;
  };
  const stdout = keep(format === 'table');
  const stderr = keep(false);
  const io = ioFromProcess({ stdout, stderr, stdin: Readable.from([]), env: { NO_COLOR: '1' }, cwd: () => t.dir });
  try {
    const code = await command({ io, dbPath: db, dbChosen: true, format });
    await new Promise((r) => setImmediate(r));
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    setLang('en');
  }
}

/** The display column where each line's value starts, for "label  value" lines. */
function valueColumns(lines: string[], labels: string[]): number[] {
  return labels.map((label) => {
    const line = lines.find((l) => l.trimStart().startsWith(label + ' '))!;
    expect(line, label).toBeDefined();
    const rest = line.slice(line.indexOf(label) + label.length);
    return stringWidth(line.slice(0, line.indexOf(label) + label.length)) + rest.length - rest.trimStart().length;
  });
}

describe('commands in Chinese', () => {
  it('status: Chinese labels lined up by display width, ¥ money and Chinese dates', async () => {
    const r = await inLang('zh-CN', 'table', runStatus);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const cols = valueColumns(lines, ['客户数', '交易（行数）', '净销售额', '被拒的行（所有导入）']);
    expect(new Set(cols).size).toBe(1);
    expect(r.stdout).toMatch(/净销售额 +¥[\d,]+\.\d\d\n/);
    // The file's own first and last days, written as a Chinese reader writes dates.
    const days = fs
      .readFileSync(fixture('zh-shop', 'transactions.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[1]!.slice(0, 10))
      .sort();
    const zhDate = (iso: string): string => `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
    expect(r.stdout).toContain(`日期范围                ${zhDate(days[0]!)} 至 ${zhDate(days[days.length - 1]!)}`);
    expect(r.stdout).toContain('最近的导入：');
    expect(r.stdout).not.toMatch(/net revenue|refund lines|last imports/);
  });

  it('imports: status and kind in Chinese words on a terminal; CSV keeps the codes', async () => {
    const r = await run(['--db', t.db, '--width', '200', 'imports'], { tty: true, env: { RAPPORT_LANG: 'zh-CN' } });
    expect(r.code, r.stderr).toBe(0);
    for (const words of ['│ 已完成 ', '│ 交易 ', '│ 客户 ']) expect(r.stdout, words).toContain(words);
    expect(r.stdout).not.toMatch(/\bcomplete\b|│ (transactions|customers) /);
    const csv = await run(['--db', t.db, 'imports', '--format', 'csv'], { env: { RAPPORT_LANG: 'zh-CN' } });
    expect(csv.stdout.split('\n')[1]).toMatch(/^\d+,(transactions|customers),[^,]*,complete,/);
  });

  it("segment: the pyramid and every group in the domain's terms; the JSON is the same in both languages", async () => {
    const r = await inLang('zh-CN', 'table', (ctx) => runSegment({ asOf: AS_OF, save: false }, ctx));
    expect(r.code, r.stderr).toBe(0);
    for (const word of ['客户价值金字塔', '价值分层', '生命周期阶段', '铂金层', '重铅层', '考察期', '已流失', '初期流产型', '长期保持型'])
      expect(r.stdout).toContain(word);
    expect(r.stdout).not.toMatch(/platinum|exploration|early abort|Value pyramid/);
    const en = await inLang('en', 'json', (ctx) => runSegment({ asOf: AS_OF, save: false }, ctx));
    const zh = await inLang('zh-CN', 'json', (ctx) => runSegment({ asOf: AS_OF, save: false }, ctx));
    expect(zh.stdout).toBe(en.stdout);
    expect(JSON.parse(zh.stdout).tiers[0].name).toBe('platinum');
  });

  it("churn: the watchlist's heading, headers and risk levels in Chinese; the CSV the same in both languages", async () => {
    const options = { asOf: AS_OF, horizonDays: null, levels: null, tiers: null, limit: 40 };
    const r = await inLang('zh-CN', 'table', (ctx) => runChurn(options, ctx));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^流失预警名单（截至 2026年11月28日）：/);
    expect(r.stdout).toMatch(/│ 客户编号 +│ 姓名/);
    expect(r.stdout).toMatch(/│ 高 +│/);
    // The reasons and the horizon are worded for a Chinese reader, not left as rapport's English.
    expect(r.stdout).not.toMatch(/no purchase|typical gap|whole weeks|days ago/);
    expect(r.stdout).not.toMatch(/│ (high|low|medium) /);
    const en = await inLang('en', 'csv', (ctx) => runChurn(options, ctx));
    const zh = await inLang('zh-CN', 'csv', (ctx) => runChurn(options, ctx));
    expect(zh.stdout).toBe(en.stdout);
    expect(zh.stdout.split('\n')[0]).toMatch(/^customer_id,name,tier,stage,/);
  });

  it('customers: headers and values in Chinese, dates as a Chinese reader writes them', async () => {
    const r = await inLang('zh-CN', 'table', (ctx) => runCustomers(parseCustomersOptions({ asOf: AS_OF, limit: 5 }), ctx));
    expect(r.code, r.stderr).toBe(0);
    // At this width the segment and RFM columns go first (customers declares them); the note names them in Chinese.
    expect(r.stdout).toMatch(/│ 客户编号 +│ 姓名 +│ 价值层 +│ 阶段 +│/);
    expect(r.stdout).toContain('细分');
    expect(r.stdout).toMatch(/│ 铂金层 +│/);
    expect(r.stdout).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
  });

  it('the card: labels and sentences in Chinese, values lined up by display width; its JSON the same in both languages', async () => {
    const options = { id: 'KH0001', asOf: AS_OF, months: 12, transactions: 3 };
    const r = await inLang('zh-CN', 'table', (ctx) => runCustomer(options, ctx));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const cols = valueColumns(lines, ['首次购买', '最近购买', '净销售额', '平均订单额', '客户时长']);
    expect(new Set(cols).size).toBe(1);
    expect(r.stdout).not.toMatch(/no purchase|bought|days since|stage began/);
    expect(r.stdout).toMatch(/截至 2026年11月28日/);
    expect(r.stdout).toMatch(/净销售额 +¥[\d,]+\.\d\d（总额 ¥/);
    expect(r.stdout).toMatch(/(铂金层|黄金层|钢铁层|重铅层)，价值 ¥/);
    expect(r.stdout).toMatch(/流失风险（(高|中|低)）：/);
    expect(r.stdout).toContain('最近的交易');
    // The complaint's category and status padded by display width: the summary starts where the English layout puts it.
    expect(r.stdout).toContain('投诉（1）');
    const complaint = lines.find((l) => l.includes('茶叶受潮'))!;
    expect(complaint).toMatch(/^ {2}#1 {2}2026年11月20日 {2}服务流失 +\S+ +茶叶受潮，要求换货$/);
    expect(stringWidth(complaint.slice(0, complaint.indexOf('茶叶受潮')))).toBe(2 + 2 + 2 + stringWidth('2026年11月20日') + 2 + 10 + 1 + 20 + 1);
    const en = await inLang('en', 'json', (ctx) => runCustomer(options, ctx));
    const zh = await inLang('zh-CN', 'json', (ctx) => runCustomer(options, ctx));
    expect(zh.stdout).toBe(en.stdout);
  });

  it('model: the fit in words in Chinese; the JSON the same in both languages', async () => {
    const options = { asOf: AS_OF, model: null, horizonDays: null, timeUnit: null, save: false };
    const r = await inLang('zh-CN', 'table', (ctx) => runModel(options, ctx));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^模型（截至 2026年11月28日），时间单位：周/);
    expect(r.stdout).toMatch(/购买模型：.+（已收敛，迭代 \d+ 次）/);
    expect(r.stdout).toMatch(/全体客户每次消费的平均金额 ¥[\d,]+\.\d\d/);
    const en = await inLang('en', 'json', (ctx) => runModel(options, ctx));
    const zh = await inLang('zh-CN', 'json', (ctx) => runModel(options, ctx));
    expect(zh.stdout).toBe(en.stdout);
  }, 120_000);

  it('snapshots: headers and the current flag in Chinese', async () => {
    const r = await inLang('zh-CN', 'table', runSnapshots);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ 编号 +│ 截止日期 +│ 生成时间/);
    expect(r.stdout).toMatch(/2026年11月28日/);
  });

  it('the stale-data warning in Chinese, on stderr', async () => {
    const r = await inLang('zh-CN', 'csv', (ctx) => runSegment({ asOf: '2027-12-31', save: false }, ctx));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^警告：最近一笔销售在 2026-11-\d\d，比分析日期 2027-12-31 早 \d{3} 天/m);
    expect(r.stdout).not.toContain('警告');
  });

  it('usage errors in Chinese', () => {
    setLang('zh-CN');
    expect(() => parseAsOf('2026-02-30')).toThrow('--as-of 2026-02-30 不是日历上存在的日期');
    setLang('en');
    expect(() => parseAsOf('2026-02-30')).toThrow('--as-of 2026-02-30 is not a day of the calendar');
  });
});

describe('the model comparison in Chinese', () => {
  it('words the verdict from its figures: in English as the JSON has it, in Chinese with the same figures', async () => {
    // A simulated shop with three years of history, long enough for model auto to compare on its last horizon.
    const csv = `${t.dir}/sim.csv`;
    const db = `${t.dir}/sim.db`;
    generate({ ...DEFAULTS, seed: 5, customers: 600, rows: null, start: '2023-01-01', end: '2025-12-31' }, csv);
    expect((await run(['--db', db, '-q', 'import', 'transactions', csv, '--currency', 'GBP'])).code).toBe(0);
    const options = { asOf: '2025-12-31', model: 'auto' as const, horizonDays: null, timeUnit: null, save: false };
    const json = await inLang('en', 'json', (ctx) => runModel(options, ctx), db);
    // the verdict of what ranks, judged out of time (issue 23), as the JSON words it
    const verdict = (JSON.parse(json.stdout) as { learned: { verdict: string } | null }).learned?.verdict;
    expect(verdict).toMatch(/AUC \d\.\d{3}/);
    const en = await inLang('en', 'table', (ctx) => runModel(options, ctx), db);
    expect(en.stdout).toContain(`\n  ${verdict!}\n`);
    const zh = await inLang('zh-CN', 'table', (ctx) => runModel(options, ctx), db);
    expect(zh.stdout).toMatch(/│ 候选 +│ AUC（不再购买）/);
    const figures = [...verdict!.matchAll(/[+−]?\d\.\d{3}/g)].map((m) => m[0]);
    const line = zh.stdout.split('\n').find((l) => l.startsWith('  流失风险'))!;
    expect(line).toBeDefined();
    expect([...line.matchAll(/[+−]?\d\.\d{3}/g)].map((m) => m[0])).toEqual(figures);
  }, 120_000);
});
