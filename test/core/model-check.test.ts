/**
 * The model against what happened (issue 15): expected purchases per week after a cutoff, and the
 * report's weekly check on the sample shop, its counts taken again from the CSV here.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedByWeek } from '../../src/core/model/weekly.js';
import { expectedPurchases } from '../../src/core/model/registry.js';
import { fixture, run, tempDir } from '../helpers.js';

describe('expectedByWeek', () => {
  const params = { r: 0.5, alpha: 10, a: 0.8, b: 2.5 };
  const people = [
    { x: 0, tx: 0, T: 20 },
    { x: 4, tx: 18, T: 20 },
    { x: 2, tx: 5, T: 30 },
  ];
  it('weeks add up to the expectation over the whole span, in days or weeks', () => {
    const weekly = expectedByWeek('bgnbd', params, people, 'week', 12);
    expect(weekly).toHaveLength(12);
    const whole = people.reduce((s, p) => s + expectedPurchases('bgnbd', params, p, 12), 0);
    expect(weekly.reduce((a, b) => a + b, 0)).toBeCloseTo(whole, 9);
    // the same customers measured in days (alpha, a time scale, times 7): the same purchases per week
    const daily = expectedByWeek(
      'bgnbd',
      { ...params, alpha: params.alpha * 7 },
      people.map((p) => ({ x: p.x, tx: p.tx * 7, T: p.T * 7 })),
      'day',
      12,
    );
    for (let i = 0; i < 12; i++) expect(daily[i]!).toBeCloseTo(weekly[i]!, 9);
  });
  it('falls week by week, as customers drop out', () => {
    const weekly = expectedByWeek('bgnbd', params, people, 'week', 12);
    for (let i = 1; i < weekly.length; i++) expect(weekly[i]!).toBeLessThan(weekly[i - 1]!);
    expect(weekly[11]!).toBeGreaterThan(0);
  });
});

describe('the report’s check on the sample shop', () => {
  let t: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    t = tempDir();
    expect((await run(['--db', t.db, '-q', 'demo'])).code).toBe(0);
    // The horizon as set, not from the shop's rhythm (churn.horizon_days auto), so the weeks are known.
    expect((await run(['--db', t.db, 'config', 'set', 'churn.horizon_days', '90'])).code).toBe(0);
  }, 60_000);
  afterAll(() => t.cleanup());

  it('weeks of purchase days by the customers known at the cutoff, the model’s figures after it', async () => {
    const r = await run(['--db', t.db, '--format', 'csv', 'report', 'churn', '--as-of', '2026-10-31', '--table', 'model_check']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    // a 90-day horizon: 12 whole weeks after the cutoff (2026-10-31 less 84 days), 8 before it
    expect(rows).toHaveLength(20);
    expect(rows[8]![0]).toBe('2026-08-08');
    expect(rows.slice(0, 8).every((x) => x[2] === '')).toBe(true);
    expect(rows.slice(8).every((x) => Number(x[2]) > 0)).toBe(true);
    // the counts again, from the CSV: distinct (customer, day) with a sale, customers who bought by the cutoff
    const lines = fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const sales = lines.map((l) => l.split(',')).map((f) => ({ id: f[2]!, day: f[1]!.slice(0, 10), amount: Number(f[f.length - 4]) }));
    const known = new Set(sales.filter((s) => s.amount > 0 && s.day <= '2026-08-08').map((s) => s.id));
    for (const [from, actual] of rows) {
      const to = new Date(Date.parse(from!) + 7 * 86_400_000).toISOString().slice(0, 10);
      const days = new Set(sales.filter((s) => s.amount > 0 && known.has(s.id) && s.day > from! && s.day <= to).map((s) => `${s.id} ${s.day}`));
      expect(Number(actual), `${from}..${to}`).toBe(days.size);
    }
  });

  it('a shop too small for the model: the section is left out, saying why', async () => {
    const u = tempDir();
    await run(['--db', u.db, '-q', 'import', 'transactions', fixture('segment', 'shop.csv')]);
    await run(['--db', u.db, 'config', 'set', 'churn.horizon_days', '90']);
    const r = await run(['--db', u.db, '--format', 'json', 'report', 'churn', '--as-of', '2025-12-31']);
    const check = (JSON.parse(r.stdout) as { sections: { title: string; omitted?: string }[] }).sections.find(
      (s) => s.title === 'The model against what happened',
    )!;
    expect(check.omitted).toMatch(/^no model fitted on the sales up to 2025-10-08 \(not enough data: /);
    u.cleanup();
  });
});
