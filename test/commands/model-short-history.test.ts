/**
 * On a history too short to judge anything out of time (issue 23, seen on the real CD sample):
 * `model` says why auto took the model it took when no window could compare them, counts its
 * windows in proper plurals, and `churn backtest` gives the same reason as `model` and heads its
 * churn_risk column as churn_risk, not as a second "recency rule" column. English and Chinese.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { run, tempDir } from '../helpers.js';

let db: string;
// 200 days of history to the as-of date: the 91-day window before it has 109 days before its cutoff, a fit needs 180.
const AS_OF = '2025-07-20';

beforeAll(async () => {
  const t = tempDir();
  const csv = path.join(t.dir, 'short.csv');
  generate({ ...DEFAULTS, seed: 7, customers: 1500, rows: null, start: '2025-01-01', end: '2025-10-31' }, csv);
  db = t.db;
  const r = await run(['--db', db, '-q', 'import', 'transactions', csv]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('a history too short to judge out of time', () => {
  it('model says why auto took its model, and counts one window as one', async () => {
    const r = await run(['--db', db, '--format', 'table', 'model', '--as-of', AS_OF, '--horizon', '91d', '--no-save']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Not compared: no 91-day window before this date has the 180 days of history a fit needs before it, so auto uses the first model/);
    expect(r.stdout).toContain('fitted on 1 window of 91 days');
    expect(r.stdout).not.toContain('window(s)');
    const zh = await run(['--db', db, '--lang', 'zh-CN', '--format', 'table', 'model', '--as-of', AS_OF, '--horizon', '91d', '--no-save']);
    expect(zh.code, zh.stderr).toBe(0);
    expect(zh.stdout).toContain('未比较模型：此日期之前没有哪个 91 天窗口在截止日前有拟合所需的 180 天历史');
  }, 120_000);

  it('churn backtest gives the same reason as model, and one column is churn_risk', async () => {
    const r = await run(['--db', db, '--format', 'table', 'churn', 'backtest', '--cutoff', AS_OF, '--horizon', '91d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("churn_risk is the recency rule here (the shop's past is too short to judge anything out of time)");
    expect(r.stdout).not.toContain('ranked best on the shop');
    expect(r.stdout).toMatch(/churn_risk \(the recency rule; count by MBG\/NBD\)/);
    expect(r.stdout.match(/│ recency rule\s*│/g) ?? []).toHaveLength(1);
    const zh = await run(['--db', db, '--lang', 'zh-CN', '--format', 'table', 'churn', 'backtest', '--cutoff', AS_OF, '--horizon', '91d']);
    expect(zh.code, zh.stderr).toBe(0);
    expect(zh.stdout).toContain('本店历史太短，无法做样本外时间检验');
  }, 120_000);
});
