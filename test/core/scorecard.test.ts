/**
 * Last week's list, scored (issue 26): churn keeps the list it gives; a later churn or summary
 * report scores the newest list whose horizon has passed, and its counts are those a person gets by
 * counting the list's customers and the sales file by hand.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/measures.js';
import { scoreList } from '../../src/core/scorecard.js';
import type { Scorecard } from '../../src/core/scorecard.js';
import { fixture, run, tempDir } from '../helpers.js';

const LIST_DAY = '2026-03-01';
const HORIZON = 90;

/** Purchase days per customer in (from, to], straight from the sample's sales file (a sale is a line with a non-negative amount). */
function purchaseDaysFromFile(from: string, to: string): Map<string, number> {
  const rows = parse(fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8'), { columns: true }) as {
    customer_id: string;
    date: string;
    amount: string;
  }[];
  const days = new Map<string, Set<string>>();
  for (const row of rows) {
    const day = row.date.slice(0, 10);
    if (day <= from || day > to || Number(row.amount) < 0) continue;
    const id = row.customer_id;
    if (!days.has(id)) days.set(id, new Set());
    days.get(id)!.add(day);
  }
  return new Map([...days].map(([id, s]) => [id, s.size]));
}

describe('scoreList', () => {
  const list = { asOf: '2026-01-01', horizonDays: 30, method: 'model', recomputed: false };
  it('counts each level, the leavers it flagged, the ranking and the purchases', () => {
    const entries = [
      { customer_id: 'A', risk: 0.9, level: 'high', expected_purchases: 0.2 },
      { customer_id: 'B', risk: 0.8, level: 'high', expected_purchases: 0.5 },
      { customer_id: 'C', risk: 0.5, level: 'medium', expected_purchases: 1 },
      { customer_id: 'D', risk: 0.1, level: 'low', expected_purchases: 3 },
      { customer_id: 'E', risk: 0.05, level: 'low', expected_purchases: 2 },
    ];
    const card = scoreList(
      list,
      entries,
      new Map([
        ['B', 2],
        ['D', 4],
        ['E', 1],
      ]),
    );
    expect(card.levels).toEqual({ high: { flagged: 2, no_purchase: 1 }, medium: { flagged: 1, no_purchase: 1 }, low: { flagged: 2, no_purchase: 0 } });
    expect([card.left, card.left_flagged]).toEqual([2, 2]);
    // Leavers A (0.9) and C (0.5) against stayers B (0.8), D, E: 5 of 6 pairs ranked right.
    expect(card.auc).toBe(0.833);
    expect([card.predicted_purchases, card.actual_purchases]).toEqual([6.7, 7]);
    expect(card.scored_to).toBe('2026-01-31');
  });
  it('has no prediction when the list ranked without a model, and no AUC when nobody (or everybody) left', () => {
    const card = scoreList(
      list,
      [
        { customer_id: 'A', risk: 0.7, level: 'high', expected_purchases: null },
        { customer_id: 'B', risk: 0.2, level: 'low', expected_purchases: 1 },
      ],
      new Map([
        ['A', 1],
        ['B', 1],
      ]),
    );
    expect(card.predicted_purchases).toBeNull();
    expect(card.auc).toBeNull();
    expect(card.left).toBe(0);
  });
});

describe('the scorecard in the churn and summary reports', () => {
  const t = tempDir();
  const db = t.db;
  const rp = (args: string[]) => run(['--db', db, ...args]);
  let given: { customer_id: string; risk_level: string }[];
  beforeAll(async () => {
    expect((await rp(['-q', 'import', 'customers', fixture('sample', 'customers.csv'), '--currency', 'GBP'])).code).toBe(0);
    expect((await rp(['-q', 'import', 'transactions', fixture('sample', 'transactions.csv')])).code).toBe(0);
    const r = await rp(['--format', 'json', 'churn', '--as-of', LIST_DAY, '--horizon', `${HORIZON}d`]);
    expect(r.code, r.stderr).toBe(0);
    given = JSON.parse(r.stdout) as typeof given;
  }, 120_000);
  afterAll(() => t.cleanup());

  it('churn keeps the list it gave, and snapshots lists it', async () => {
    const r = await rp(['--format', 'json', 'snapshots']);
    const lists = (JSON.parse(r.stdout) as { kind: string; as_of: string; horizon_days: number | null; customers: number }[]).filter(
      (s) => s.kind === 'churn_list',
    );
    expect(lists).toEqual([expect.objectContaining({ as_of: LIST_DAY, horizon_days: HORIZON, customers: given.length })]);
  });

  it("scores it once its horizon has passed: each level's counts are the hand count from the list and the sales file", async () => {
    const asOf = addDays(LIST_DAY, HORIZON + 10);
    const r = await rp(['--format', 'json', 'report', 'churn', '--as-of', asOf, '--no-save']);
    expect(r.code, r.stderr).toBe(0);
    const card = (JSON.parse(r.stdout) as { scorecard: Scorecard }).scorecard;
    const bought = purchaseDaysFromFile(LIST_DAY, addDays(LIST_DAY, HORIZON));
    const count = (level: string) => {
      const at = given.filter((g) => g.risk_level === level);
      return { flagged: at.length, no_purchase: at.filter((g) => !bought.has(g.customer_id)).length };
    };
    expect(card).toMatchObject({ list_as_of: LIST_DAY, horizon_days: HORIZON, recomputed: false, customers: given.length });
    expect(card.levels).toEqual({ high: count('high'), medium: count('medium'), low: count('low') });
    expect(card.levels.high.flagged).toBeGreaterThan(0);
    expect(card.actual_purchases).toBe(given.reduce((n, g) => n + (bought.get(g.customer_id) ?? 0), 0));
    expect(card.left).toBe(given.filter((g) => !bought.has(g.customer_id)).length);
    // The list the report printed was not kept (--no-save): only the churn run's list is there.
    const lists = (JSON.parse((await rp(['--format', 'json', 'snapshots'])).stdout) as { kind: string }[]).filter((s) => s.kind === 'churn_list');
    expect(lists).toHaveLength(1);
  }, 120_000);

  it('says it in words on the terminal, high risk first, and the summary opens its churn part with it', async () => {
    const asOf = addDays(LIST_DAY, HORIZON + 10);
    const high = given.filter((g) => g.risk_level === 'high');
    const bought = purchaseDaysFromFile(LIST_DAY, addDays(LIST_DAY, HORIZON));
    const gone = high.filter((g) => !bought.has(g.customer_id)).length;
    const r = await rp(['--format', 'md', 'report', 'summary', '--as-of', asOf, '--no-save']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Of the ${high.length} customers called high risk on 2026-03-01, ${gone} bought nothing by 2026-05-30; ${high.length - gone} came back.`,
    );
    expect(r.stdout.indexOf('## How the earlier list did')).toBeLessThan(r.stdout.indexOf('## Churn watchlist'));
  }, 120_000);

  it('before its horizon has passed, names the day it can be scored and scores the list computed again instead', async () => {
    const asOf = addDays(LIST_DAY, 30);
    const r = await rp(['--format', 'json', 'report', 'churn', '--as-of', asOf, '--no-save']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { scorecard: Scorecard | null; sections: { title: string; lines?: string[] }[] };
    const lines = report.sections.find((s) => s.title === 'How the earlier list did')!.lines ?? [];
    expect(lines).toContain('The list of 2026-03-01 can be scored on 2026-05-30.');
    if (report.scorecard !== null) {
      expect(report.scorecard.recomputed).toBe(true);
      expect(report.scorecard.list_as_of < LIST_DAY).toBe(true);
      expect(addDays(report.scorecard.list_as_of, report.scorecard.horizon_days)).toBe(asOf);
    }
  }, 120_000);

  it('churn --no-save keeps nothing; a later list for the same day replaces the earlier one', async () => {
    const before = (JSON.parse((await rp(['--format', 'json', 'snapshots'])).stdout) as { kind: string }[]).filter((s) => s.kind === 'churn_list').length;
    expect((await rp(['-q', '--format', 'json', 'churn', '--as-of', '2026-04-01', '--no-save'])).code).toBe(0);
    expect((await rp(['-q', '--format', 'json', 'churn', '--as-of', LIST_DAY, '--horizon', '60d'])).code).toBe(0);
    const lists = (JSON.parse((await rp(['--format', 'json', 'snapshots'])).stdout) as { kind: string; as_of: string; horizon_days: number }[]).filter(
      (s) => s.kind === 'churn_list',
    );
    expect(lists.length).toBe(before);
    expect(lists.find((l) => l.as_of === LIST_DAY)?.horizon_days).toBe(60);
  }, 120_000);
});
