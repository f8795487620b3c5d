/**
 * The words of issue 23's last round, where users read them. `model` says whether the level and
 * count follow the same season a year earlier (a seasonal shop of three years). One name for the
 * method, the same everywhere: where the purchase model's own chance of no purchase is the risk (a
 * young shop: too short a past to learn or calibrate on), the churn heading, the customer card,
 * `model`, the report's watchlist line and the backtest's column name it in the same words, in en
 * and zh-CN. And the card says when a next purchase date is the shop's usual gap rather than the
 * customer's own rhythm (a one-time buyer).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate, type SynthOptions } from '../../bench/synth/generate.js';
import { run, tempDir } from '../helpers.js';

/** A simulated shop imported into a fresh database. */
async function simulated(opts: Partial<SynthOptions>): Promise<ReturnType<typeof tempDir>> {
  const dir = tempDir();
  const csv = path.join(dir.dir, 'sim.csv');
  generate({ ...DEFAULTS, rows: null, ...opts }, csv);
  const r = await run(['--db', dir.db, '-q', 'import', 'transactions', csv, '--currency', 'GBP']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

let t: ReturnType<typeof tempDir>;
let young: ReturnType<typeof tempDir>;
const AS_OF = '2024-04-15';
beforeAll(async () => {
  // every customer buys three times as often in December, over three years
  t = await simulated({ seed: 31, customers: 1500, start: '2021-01-01', end: '2023-12-31', decemberLift: 2 });
  // every customer joins in the first 20 days; 105 days of history by the as-of date
  young = await simulated({ seed: 7, customers: 800, start: '2024-01-01', end: '2024-06-30', cohortDays: 20 });
  // a model on 105 days (the default asks for 180): too short for a window of the past to learn on
  expect((await run(['--db', young.db, '-q', 'config', 'set', 'model.min_history_days', '60'])).code).toBe(0);
}, 180_000);
afterAll(() => {
  t.cleanup();
  young.cleanup();
});

const rp = (args: string[]) => run(['--db', t.db, ...args]);

describe('the same season a year earlier, in words', () => {
  it('model says the level and count follow the December a year before, with the judgement, in en and zh-CN', async () => {
    const json = await rp(['--format', 'json', 'model', '--as-of', '2023-10-01', '--horizon', '91']);
    expect(json.code, json.stderr).toBe(0);
    const fit = JSON.parse(json.stdout) as {
      season_correction?: { year_before: string; level: { applied: boolean }; count: { applied: boolean }; judged: unknown[]; says: string[] };
    };
    expect(fit.season_correction).toBeDefined();
    const s = fit.season_correction!;
    expect(s.year_before).toBe('2022-10-02');
    expect(s.judged.length).toBeGreaterThanOrEqual(2);
    expect(s.says).toHaveLength(2);
    const table = await rp(['--format', 'table', 'model', '--as-of', '2023-10-01', '--horizon', '91']);
    expect(table.stdout).toContain(
      s.level.applied ? 'The level of churn risk follows the same season a year earlier' : 'The level of churn risk does not follow',
    );
    expect(table.stdout).toContain(s.count.applied ? 'The forecast count follows the same season a year earlier' : 'The forecast count does not follow');
    // a December three times as busy: the count follows it
    expect(s.count.applied).toBe(true);
    expect(table.stdout).toContain('the window after 2022-10-02');
    const zh = await rp(['--lang', 'zh-CN', '--format', 'table', 'model', '--as-of', '2023-10-01', '--horizon', '91']);
    expect(zh.stdout).toContain('一年前的同一季节（2022年10月2日 之后的窗口');
    expect(zh.stdout).not.toContain('The level of churn risk');
  }, 120_000);

  it('says nothing of seasons on under two years of history', async () => {
    const r = await rp(['--format', 'json', 'model', '--as-of', '2022-10-01', '--horizon', '91']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('season_correction');
  }, 120_000);
});

const rq = (args: string[]) => run(['--db', young.db, '--format', 'table', '--width', '400', ...args]);
const csvRows = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe.each([
  ['en', /risk = chance of no purchase in the next 91 days \(([^()]+)\)/, (m: string) => `churn risk: ${m}`],
  ['zh-CN', /风险 = 未来 91 天内不再购买的概率（([^（）]+)）/, (m: string) => `流失风险：${m}`],
])('the method named in %s', (lang, heading, modelLine) => {
  it('churn, the card, model, the report and the backtest use the same words', async () => {
    const churn = await rq(['--lang', lang, 'churn', '--as-of', AS_OF]);
    expect(churn.code, churn.stderr).toBe(0);
    const name = heading.exec(churn.stdout)?.[1];
    expect(name, churn.stdout.slice(0, 400)).toBeDefined();
    expect(name).toMatch(lang === 'en' ? / model$/ : / 模型$/);
    const rows = csvRows((await run(['--db', young.db, '--format', 'csv', 'churn', '--as-of', AS_OF])).stdout);
    const method = rows[0]!.indexOf('method');
    expect(rows[1]![method]).toBe('model');
    const card = await rq(['--lang', lang, 'customer', rows[1]![0]!, '--as-of', AS_OF]);
    expect(card.stdout).toContain(lang === 'en' ? `(${name});` : `（${name}）；`);
    const model = await rq(['--lang', lang, 'model', '--as-of', AS_OF]);
    expect(model.stdout).toContain(modelLine(name!));
    const report = await rq(['--lang', lang, 'report', 'churn', '--as-of', AS_OF, '--format', 'md']);
    expect(report.stdout).toContain(lang === 'en' ? `(${name})` : `（${name}）`);
    const backtest = await rq(['--lang', lang, 'churn', 'backtest', '--cutoff', '2024-03-15']);
    expect(backtest.stdout).toContain(name);
  }, 120_000);
});

describe('the next purchase date on the card', () => {
  it('says when it is the shop usual gap (a one-time buyer), not when it is their own rhythm', async () => {
    const rows = csvRows((await run(['--db', young.db, '--format', 'csv', 'customers', '--as-of', AS_OF])).stdout);
    const at = (k: string): number => rows[0]!.indexOf(k);
    const once = rows.find((r) => r[at('frequency')] === '1' && r[at('next_purchase_date')] !== '')!;
    const often = rows.find((r) => Number(r[at('frequency')]) >= 5 && r[at('next_purchase_date')] !== '')!;
    expect(once).toBeDefined();
    expect(often).toBeDefined();
    for (const [lang, words] of [
      ['en', "(at the shop's usual gap: too few purchases of their own for a rhythm)"],
      ['zh-CN', '（按全店的通常间隔推算：本人购买次数太少，看不出自己的规律）'],
    ] as const) {
      const one = await rq(['--lang', lang, 'customer', once[0]!, '--as-of', AS_OF]);
      expect(one.stdout).toContain(words);
      const many = await rq(['--lang', lang, 'customer', often[0]!, '--as-of', AS_OF]);
      expect(many.stdout).not.toContain(words);
      expect(many.stdout).toContain(lang === 'en' ? 'if still a customer, next purchase expected around' : '若仍是客户，预计在');
    }
  }, 120_000);
});
