/**
 * The words of issue 23's last round, where users read them: `model` says whether the level and
 * count follow the same season a year earlier (a seasonal shop of three years), and the customer
 * card says when a next purchase date rests on the shop's usual gap, not the customer's own.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir();
  const csv = path.join(t.dir, 'seasonal.csv');
  // every customer buys three times as often in December, over three years
  generate({ ...DEFAULTS, seed: 31, customers: 1500, rows: null, start: '2021-01-01', end: '2023-12-31', decemberLift: 2 }, csv);
  const r = await run(['--db', t.db, '-q', 'import', 'transactions', csv, '--currency', 'GBP']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());

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
    expect(zh.stdout).toContain('一年前的同一季节（2022-10-02 之后的窗口');
    expect(zh.stdout).not.toContain('The level of churn risk');
  }, 120_000);

  it('says nothing of seasons on under two years of history', async () => {
    const r = await rp(['--format', 'json', 'model', '--as-of', '2022-10-01', '--horizon', '91']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('season_correction');
  }, 120_000);
});
