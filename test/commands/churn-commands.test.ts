/**
 * rapport model, churn and churn backtest end to end, on a shop simulated by the project's
 * seeded generator (src/synth: customers follow MBG/NBD with r = 0.9, α = 25 days, a = 0.9,
 * b = 7, spend Gamma-Gamma with p = 6, q = 4, γ = 15), so the truth is known, and on the small
 * hand-made shop of fixtures/segment/ (too little data: the rules decide).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import { fixture, minorUnits, run, tempDir } from '../helpers.js';
import { methodName } from '../../src/i18n/phrase.js';
import type { RiskMethod } from '../../src/core/model/churn.js';

let t: ReturnType<typeof tempDir>;
const END = '2025-12-31';
beforeAll(async () => {
  t = tempDir();
  const csv = path.join(t.dir, 'sim.csv');
  generate({ ...DEFAULTS, seed: 11, customers: 3000, rows: null, start: '2023-01-01', end: END }, csv);
  const r = await run(['--db', t.db, '-q', 'import', 'transactions', csv, '--currency', 'GBP']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(() => t.cleanup());

const rp = (args: string[], db = t.db) => run(['--db', db, ...args]);
async function json<T>(args: string[], db = t.db): Promise<T> {
  const r = await rp(['--format', 'json', ...args], db);
  expect(r.code, r.stderr).toBe(0);
  // money read back into minor units (the expectations here compare cents)
  return minorUnits(JSON.parse(r.stdout) as T);
}

interface Fit {
  used: boolean;
  time_unit: string;
  sufficiency: { ok: boolean; problems: string[] };
  purchase: { model: string; params: { r: number; alpha: number; a: number; b: number }; converged: boolean } | null;
  spend: { params: { p: number; q: number; v: number }; left_out: number } | null;
}

describe('rapport model on a simulated shop', () => {
  it('recovers the simulated MBG/NBD parameters (days)', async () => {
    const f = await json<Fit>(['model', '--as-of', END, '--time-unit', 'day', '--no-save']);
    expect(f.sufficiency.ok).toBe(true);
    expect(f.purchase!.model).toBe('mbgnbd');
    expect(f.purchase!.converged).toBe(true);
    // 3,000 customers on calendar days (same-day purchases merge): within 35%
    const truth = { r: 0.9, alpha: 25, a: 0.9, b: 7 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(Math.abs(f.purchase!.params[k] / truth[k] - 1), `${k} = ${f.purchase!.params[k]}`).toBeLessThan(0.35);
  });

  it('fits Pareto/NBD when asked, and refuses unknown models', { timeout: 120_000 }, async () => {
    const p = await json<Fit>(['model', '--as-of', END, '--model', 'paretonbd', '--no-save']);
    expect(p.purchase!.model).toBe('paretonbd');
    expect(Object.keys(p.purchase!.params).sort()).toEqual(['alpha', 'beta', 'r', 's']);
    const bad = await rp(['model', '--model', 'xgboost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--model must be auto, mbgnbd, paretonbd, bgnbd or nbd');
  });

  it(
    'names the NBD (nobody leaves) wherever it lists the models it takes: help, error and config, in both languages (they listed three)',
    { timeout: 120_000 },
    async () => {
      const n = await json<Fit>(['model', '--as-of', END, '--model', 'nbd', '--no-save']);
      expect(n.purchase!.model).toBe('nbd');
      for (const lang of ['en', 'zh-CN']) {
        const help = await rp(['--lang', lang, 'model', '--help']);
        const bad = await rp(['--lang', lang, 'model', '--model', 'xgboost']);
        const config = await rp(['--lang', lang, '--format', 'json', 'config', 'list']);
        const described = (JSON.parse(config.stdout) as { key: string; description: string }[]).find((r) => r.key === 'model.name')!;
        for (const text of [help.stdout.replace(/\s+/g, ' '), bad.stderr, described.description]) expect(text, lang).toMatch(/bgnbd (or|或) nbd/);
      }
    },
  );

  it('states the time unit: weeks scale α by 7 and leave r, a, b alone', { timeout: 120_000 }, async () => {
    const day = await json<Fit>(['model', '--as-of', END, '--time-unit', 'day', '--no-save']);
    const week = await json<Fit>(['model', '--as-of', END, '--time-unit', 'week', '--no-save']);
    expect(week.time_unit).toBe('week');
    expect(week.purchase!.params.alpha).toBeCloseTo(day.purchase!.params.alpha / 7, 1);
    expect(week.purchase!.params.r).toBeCloseTo(day.purchase!.params.r, 2);
  });

  it('fits spend per purchase with Gamma-Gamma, in minor units', async () => {
    const f = await json<Fit>(['model', '--as-of', END, '--no-save']);
    // mean spend per purchase pγ/(q − 1) is 6 × 15 / 3 = £30 in the simulation; the generator then
    // rounds each line up to whole items (at least one), which lifts small spends: within 40%
    const { p, q, v } = f.spend!.params;
    expect(q).toBeGreaterThan(1);
    expect(Math.abs((p * v) / (q - 1) / 3000 - 1)).toBeLessThan(0.4);
    expect(f.spend!.left_out).toBe(0);
  });
});

describe('rapport churn backtest on a simulated shop', () => {
  it('predicts who buys nothing in the next 90 days, better than chance and no worse than recency', async () => {
    const b = await json<{
      customers: number;
      method: string;
      model_scores: {
        auc: number;
        predicted_purchases: number;
        actual_purchases: number;
        calibration: { customers: number; predicted: number | null; observed: number | null }[];
      };
      recency_rule: { auc: number };
    }>(['churn', 'backtest', '--cutoff', '2025-09-30', '--horizon', '90d']);
    // model auto: what ranks is learned from the shop's past (or a simple score that did better out of time)
    expect(['learned', 'recency', 'overdue', 'expected']).toContain(b.method);
    expect(b.model_scores.auc).toBeGreaterThan(0.8);
    expect(b.model_scores.auc).toBeGreaterThanOrEqual(b.recency_rule.auc - 0.01);
    // the truth is the model's own story: total purchases within 20%
    expect(Math.abs(b.model_scores.predicted_purchases / b.model_scores.actual_purchases - 1)).toBeLessThan(0.2);
    // calibration: in well-filled bins, observed within 15 points of predicted
    for (const bin of b.model_scores.calibration) if (bin.customers >= 100) expect(Math.abs(bin.observed! - bin.predicted!)).toBeLessThan(0.15);
  });

  it('takes --horizon after backtest, refuses the watchlist options, and names --cutoff in date errors', async () => {
    const b = await json<{ horizon_days: number; horizon_end: string }>(['churn', 'backtest', '--cutoff', '2025-09-30', '--horizon', '30d']);
    expect(b).toMatchObject({ horizon_days: 30, horizon_end: '2025-10-30' });
    const level = await rp(['churn', 'backtest', '--cutoff', '2025-09-30', '--level', 'high']);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('--level does not apply to churn backtest');
    const bad = await rp(['churn', 'backtest', '--cutoff', '2025-13-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cutoff 2025-13-01 is not a day of the calendar');
    const early = await rp(['churn', 'backtest', '--cutoff', '2019-01-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('no customer bought anything up to 2019-01-01');
  });

  it('prints the comparison as CSV rows', async () => {
    const r = await rp(['--format', 'csv', 'churn', 'backtest', '--cutoff', '2025-09-30']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // the score's column is named by its method, as in the JSON and the table
    expect(lines[0]).toMatch(/^metric,(learned|overdue|expected),recency_rule$/);
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'metric',
      'auc',
      'high_flagged',
      'high_precision',
      'high_recall',
      'predicted_purchases',
      'actual_purchases',
    ]);
  });

  it('groups thousands in its counts as every other table does, in both languages (was 19748 beside 19,652)', async () => {
    for (const lang of ['en', 'zh-CN']) {
      const r = await rp(['--lang', lang, '--format', 'table', 'churn', 'backtest', '--cutoff', '2025-09-30', '--horizon', '90d']);
      expect(r.code, r.stderr).toBe(0);
      const cells = r.stdout.split('\n').filter((l) => l.startsWith('│'));
      // the shop is big enough for counts in the thousands, so the check can fail
      expect(cells.some((l) => /\d,\d{3}/.test(l))).toBe(true);
      expect(cells.filter((l) => /\d{4}/.test(l))).toEqual([]);
    }
  });

  it('refuses a horizon that runs past the data', async () => {
    const r = await rp(['churn', 'backtest', '--cutoff', '2025-12-01', '--horizon', '90d']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/past your last transaction/);
    expect(r.stderr).toMatch(/hint: choose a cutoff on or before 2025-10-0\d/);
  });
});

describe('one name for the method (issue 23)', () => {
  it(
    'model, churn and churn backtest at one date name one method: in the JSON, the method column, and in words in each heading and the backtest column, in both languages',
    { timeout: 180_000 },
    async () => {
      // One run used to say "lifecycle rules" on stderr, "recency" in the column and "rules" in the backtest header.
      const at = ['--horizon', '90d'];
      const D = '2025-09-30';
      const f = await json<{ churn_risk_from: RiskMethod }>(['model', '--as-of', D, ...at, '--no-save']);
      const rows = await json<{ method: string }[]>(['churn', '--as-of', D, ...at, '--no-save']);
      const b = await json<{ method: string; method_name: string; model: 'mbgnbd' | 'paretonbd' | 'bgnbd' | 'nbd' | null }>([
        'churn',
        'backtest',
        '--cutoff',
        D,
        ...at,
      ]);
      const m = f.churn_risk_from;
      expect([...new Set(rows.map((r) => r.method))]).toEqual([m]);
      expect(b.method).toBe(m);
      expect(b.method_name).toBe(methodName(m, b.model, 'en'));
      for (const lang of ['en', 'zh-CN'] as const) {
        const name = methodName(m, b.model, lang);
        for (const args of [
          ['model', '--as-of', D, ...at, '--no-save'],
          ['churn', '--as-of', D, ...at, '--no-save', '--limit', '1'],
          ['churn', 'backtest', '--cutoff', D, ...at],
        ]) {
          const r = await rp(['--lang', lang, '--format', 'table', ...args]);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout, `${lang} ${args[0]} ${args[1]}`).toContain(name);
        }
      }
    },
  );
});

describe('rapport churn: the watchlist', () => {
  it('leads with who to call by the value that can still be kept, then the win-back list; filters by level and tier, and explains the risky ones', async () => {
    const all = await json<
      { value_at_risk: number; keep_value: number; list: string; risk_level: string; tier: string; reasons: string; churn_risk: number; clv: number }[]
    >(['churn', '--as-of', END]);
    expect(all.length).toBeGreaterThan(1000);
    // those to call (medium or high first, then low), then those already gone, each by its own value
    const group = (r: (typeof all)[number]): number => (r.list === 'win-back' ? 2 : r.risk_level === 'low' ? 1 : 0);
    for (let i = 1; i < all.length; i++) {
      const [p, q] = [all[i - 1]!, all[i]!];
      expect(group(q)).toBeGreaterThanOrEqual(group(p));
      if (group(p) === group(q)) expect(group(q) === 2 ? q.value_at_risk <= p.value_at_risk : q.keep_value <= p.keep_value).toBe(true);
    }
    expect(all.slice(0, 20).every((r) => r.risk_level !== 'low')).toBe(true);
    expect(all.some((r) => r.list === 'win-back')).toBe(true);
    for (const r of all) {
      expect(r.churn_risk >= 0 && r.churn_risk <= 1).toBe(true);
      // both printed rounded: risk to 3 places, money to whole minor units
      expect(Math.abs(r.value_at_risk - r.churn_risk * r.clv)).toBeLessThanOrEqual(r.clv * 0.0005 + 1);
      if (r.risk_level !== 'low') expect(r.reasons.length).toBeGreaterThan(0);
    }
    const some = await json<{ risk_level: string; tier: string }[]>(['churn', '--as-of', END, '--level', 'medium,high', '--tier', 'gold,iron']);
    expect(some.length).toBeGreaterThan(0);
    expect(some.every((r) => r.risk_level !== 'low' && (r.tier === 'gold' || r.tier === 'iron'))).toBe(true);
    // the same customers, the same tiers, whether the fit was made on this run or saved before
    const again = await json<{ tier: string; customer_id: string }[]>(['churn', '--as-of', END]);
    expect(again.map((r) => [r.customer_id, r.tier])).toEqual(all.map((r) => [(r as unknown as { customer_id: string }).customer_id, r.tier]));
  });

  it('on a terminal 80 columns wide shows both lists, each under its own heading with its first rows and how many more (the win-back list was never reached)', async () => {
    const all = await json<{ customer_id: string; list: string }[]>(['churn', '--as-of', END, '--no-save']);
    const calls = all.filter((r) => r.list === 'call').map((r) => r.customer_id);
    const gone = all.filter((r) => r.list === 'win-back').map((r) => r.customer_id);
    // the shop has more to call than the 200 rows a terminal showed, and a win-back list after them
    expect(calls.length).toBeGreaterThan(200);
    expect(gone.length).toBeGreaterThan(5);
    const n = (x: number): string => x.toLocaleString('en-US');
    for (const [lang, words] of [
      ['en', { call: `To call: ${n(calls.length)} customers`, gone: `Win back: ${n(gone.length)} customers`, more: ['more to call', 'more to win back'] }],
      ['zh-CN', { call: `待联系：${n(calls.length)} 位`, gone: `挽回名单：${n(gone.length)} 位`, more: ['位待联系客户未显示', '位待挽回客户未显示'] }],
    ] as const) {
      for (const limit of [null, 3]) {
        const r = await run(['--db', t.db, '--lang', lang, '--no-pager', 'churn', '--as-of', END, '--no-save', ...(limit ? ['--limit', String(limit)] : [])], {
          tty: true,
          columns: 80,
          env: { NO_COLOR: '1' },
        });
        expect(r.code, r.stderr).toBe(0);
        const out = r.stdout;
        const at = [out.indexOf(words.call), out.indexOf(words.gone)];
        expect(at[0], out).toBeGreaterThan(-1);
        expect(at[1], out).toBeGreaterThan(at[0]!);
        // the first cell of each table row that starts a customer, in each part
        const ids = (text: string): string[] =>
          text
            .split('\n')
            .map((l) => /^│ (\S+)/.exec(l)?.[1])
            .filter((x): x is string => x !== undefined && (calls.includes(x) || gone.includes(x)));
        const [shownCalls, shownGone] = [ids(out.slice(at[0], at[1])), ids(out.slice(at[1]))];
        // ten to call and five to win back on a terminal; --limit N of each
        const [capCalls, capGone] = limit === null ? [10, 5] : [limit, limit];
        expect(shownCalls, `${lang} ${limit}`).toEqual(calls.slice(0, capCalls));
        expect(shownGone, `${lang} ${limit}`).toEqual(gone.slice(0, capGone));
        const flat = out.replace(/\s*\n\s*/g, lang === 'en' ? ' ' : '');
        expect(flat).toContain(lang === 'en' ? `… and ${n(calls.length - capCalls)} ${words.more[0]}` : `另有 ${n(calls.length - capCalls)} ${words.more[0]}`);
        expect(flat).toContain(lang === 'en' ? `… and ${n(gone.length - capGone)} ${words.more[1]}` : `另有 ${n(gone.length - capGone)} ${words.more[1]}`);
      }
    }
    // CSV and JSON keep the first --limit rows of the whole order, each with its list, as before
    const limited = await json<{ customer_id: string; list: string }[]>(['churn', '--as-of', END, '--no-save', '--limit', '3']);
    expect(limited).toEqual(all.slice(0, 3));
  });

  it('says in its help how the list is ordered: those to call first, then the win-back list (it said "sorted by value at risk")', async () => {
    const en = (await rp(['churn', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(en).toContain('those to call first, by that value, then the win-back list, by value at risk');
    expect(en).not.toContain('sorted by value at risk');
    const zh = (await rp(['--lang', 'zh-CN', 'churn', '--help'])).stdout.replace(/\s+/g, '');
    expect(zh).toContain('先列应联系的客户，按仍可挽留的价值排序，再列挽回名单');
  });

  it('rejects bad levels, tiers and horizons with a hint', async () => {
    for (const args of [
      ['--level', 'severe'],
      ['--tier', 'diamond'],
      ['--horizon', '90 days'],
      ['--horizon', '0d'],
      ['--level', ','],
    ]) {
      const r = await rp(['churn', '--as-of', END, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/hint: /);
    }
  });

  it('customers carries the churn columns, and the pyramid ranks by lifetime value once the model is saved', async () => {
    // a date no earlier test fitted
    const day = '2025-12-30';
    const before = await json<{ tiers_by: string }>(['segment', '--as-of', day, '--no-save']);
    expect((await rp(['model', '--as-of', day])).code).toBe(0);
    const after = await json<{ tiers_by: string }>(['segment', '--as-of', day, '--no-save']);
    expect([before.tiers_by, after.tiers_by]).toEqual(['net_revenue', 'clv']);
    const rows = await json<{ p_alive: number | null; clv: number | null; value: number; tier: string }[]>(['customers', '--as-of', day, '--limit', '50']);
    // a snapshot of the date is saved again by rapport model, now ranked by lifetime value
    const other = '2025-12-29';
    expect((await rp(['-q', 'segment', '--as-of', other])).code).toBe(0);
    const m = await rp(['model', '--as-of', other]);
    expect(m.stderr).toMatch(/snapshot \d+ \(as of 2025-12-29\) saved again/);
    const snaps = await json<{ as_of: string; value_basis: string; current: boolean }[]>(['snapshots']);
    expect(snaps.find((x) => x.as_of === other)).toMatchObject({ value_basis: 'clv', current: true });
    expect(rows.every((r) => r.p_alive !== null && r.clv !== null && r.value === r.clv)).toBe(true);
  });
});

describe('the next purchase date (issue 23)', () => {
  it('dates an overdue customer a usual gap on, not the day after the as-of date, and the card says it holds if they are still a customer', async () => {
    const rows = await json<{ customer_id: string; recency_days: number; typical_gap_days: number | null; next_purchase_date: string | null }[]>([
      'customers',
      '--as-of',
      END,
    ]);
    const day = (iso: string): number => Date.parse(iso) / 86_400_000;
    const overdue = rows.filter((r) => r.typical_gap_days !== null && r.typical_gap_days >= 2 && r.recency_days > r.typical_gap_days);
    expect(overdue.length).toBeGreaterThan(100);
    for (const r of overdue) {
      const ahead = day(r.next_purchase_date!) - day(END);
      expect(ahead, r.customer_id).toBeGreaterThan(1);
      expect(ahead, r.customer_id).toBeLessThanOrEqual(Math.round(r.typical_gap_days!));
    }
    const late = overdue.sort((p, q) => q.recency_days - p.recency_days)[0]!;
    const card = await rp(['--format', 'table', 'customer', late.customer_id, '--as-of', END]);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout).toMatch(
      // (a date that is only the shop's usual gap says so: churn-season.test.ts)
      new RegExp(
        `chance they are still a customer by the model; if still a customer, next purchase expected around ${late.next_purchase_date}( \\(at the shop's usual gap: too few purchases of their own for a rhythm\\))?;`,
      ),
    );
    const zh = await rp(['--lang', 'zh-CN', '--format', 'table', 'customer', late.customer_id, '--as-of', END]);
    const [y, m, d] = late.next_purchase_date!.split('-').map(Number);
    expect(zh.stdout).toMatch(
      new RegExp(
        `仍是活跃客户的概率为 [\\d.]+%；若仍是客户，预计在 ${y}年${m}月${d}日 前后再次购买(（按全店的通常间隔推算：本人购买次数太少，看不出自己的规律）)?；`,
      ),
    );
  });
});

describe('too little data', () => {
  it('says so, fits nothing, and lets the lifecycle rules give the risk', async () => {
    const s = tempDir();
    try {
      expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')], s.db)).code).toBe(0);
      const f = await json<Fit>(['model', '--as-of', END], s.db);
      expect(f.used).toBe(false);
      expect(f.purchase).toBeNull();
      expect(f.sufficiency.problems.join(' ')).toMatch(/customers with purchases \(the model needs 200\)/);
      const r = await rp(['--format', 'json', 'churn', '--as-of', END], s.db);
      expect(r.stderr).toContain('no model');
      const rows = JSON.parse(r.stdout) as { method: string; clv: number | null; customer_id: string; risk_level: string }[];
      expect(rows.every((x) => x.method === 'rules' && x.clv === null)).toBe(true);
      // the ended ones (silent past their ended limit) are at full risk
      expect(rows.filter((x) => ['E1', 'M1', 'X1', 'L1'].includes(x.customer_id)).every((x) => x.risk_level === 'high')).toBe(true);
    } finally {
      s.cleanup();
    }
  });
});

describe('issue 13 at the command line', () => {
  it('a failed spend fit leaves the tiers by revenue, and says why', async () => {
    const day = '2025-12-27';
    const before = await json<{ customer_id: string; tier: string }[]>(['customers', '--as-of', day]);
    expect((await rp(['-q', 'model', '--as-of', day])).code).toBe(0);
    // The spend model failing as it did on retail-2011-2015.csv: the saved fit has a purchase model and no spend model.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(t.db);
    db.prepare(`UPDATE model_fits SET fit = json_set(fit, '$.spend', json('null'), '$.spendProblem', 'the spend model did not converge') WHERE as_of = ?`).run(
      day,
    );
    db.close();
    const seg = await rp(['--format', 'json', 'segment', '--as-of', day, '--no-save']);
    expect((JSON.parse(seg.stdout) as { tiers_by: string }).tiers_by).toBe('net_revenue');
    expect(seg.stderr).toContain('tiers rank by net revenue, not lifetime value: the saved fit has no spend model (the spend model did not converge)');
    const after = await json<{ customer_id: string; tier: string }[]>(['customers', '--as-of', day]);
    expect(after.map((r) => [r.customer_id, r.tier])).toEqual(before.map((r) => [r.customer_id, r.tier]));
  });

  it('warns on stderr when the newest sale is long before --as-of, naming the date to use; reports say it too', async () => {
    const late = '2026-12-31';
    for (const args of [
      ['segment', '--no-save'],
      ['churn', '--limit', '1'],
      ['customers', '--limit', '1'],
    ]) {
      const r = await rp([args[0]!, '--as-of', late, ...args.slice(1)]);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/warning: the newest sale is from (2025-12-\d\d), \d+ days before the as-of date 2026-12-31.*add --as-of \1/);
    }
    const report = await rp(['--format', 'md', 'report', 'pyramid', '--as-of', late]);
    expect(report.stdout).toMatch(/Stale data[\s\S]*the newest sale is from 2025-12-\d\d/);
    const fresh = await rp(['segment', '--as-of', END, '--no-save']);
    expect(fresh.stderr).not.toContain('newest sale');
  });

  it('a zero-amount line is a sale of nothing, not a refund', async () => {
    const s = tempDir();
    try {
      const csv = path.join(s.dir, 'zero.csv');
      fs.writeFileSync(csv, 'customer_id,date,amount\nZ1,2025-01-10,0.00\nR1,2025-01-10,-5.00\n');
      expect((await rp(['-q', 'import', 'transactions', csv], s.db)).code).toBe(0);
      const rows = await json<{ customer_id: string; frequency: number; first_purchase: string | null }[]>(['customers', '--as-of', '2025-02-01'], s.db);
      expect(rows.find((r) => r.customer_id === 'Z1')).toMatchObject({ frequency: 1, first_purchase: '2025-01-10' });
      expect(rows.find((r) => r.customer_id === 'R1')).toMatchObject({ frequency: 0, first_purchase: null });
      const churn = await json<{ customer_id: string; reasons: string }[]>(['churn', '--as-of', '2025-06-01'], s.db);
      expect(churn.find((r) => r.customer_id === 'Z1')!.reasons).not.toContain('only refunds');
      expect(churn.find((r) => r.customer_id === 'R1')!.reasons).toContain('only refunds');
    } finally {
      s.cleanup();
    }
  });
});

describe('a shop too small for a purchase model (issue 23)', () => {
  it('ranks and calibrates by its own past where that was judged out of time, not by the lifecycle rules', async () => {
    const s = tempDir();
    try {
      const csv = path.join(s.dir, 'tiny.csv');
      generate({ ...DEFAULTS, seed: 34, customers: 150, rows: null, start: '2022-01-01', end: '2023-12-31' }, csv);
      expect((await rp(['-q', 'import', 'transactions', csv], s.db)).code).toBe(0);
      const f = await json<Fit & { learned: { held_out: { chosen: string } | null } | null }>(['model', '--as-of', '2023-12-31', '--no-save'], s.db);
      expect(f.purchase).toBeNull();
      expect(f.sufficiency.problems.join(' ')).toMatch(/the model needs 200/);
      expect(f.learned!.held_out).not.toBeNull();
      const rows = await json<{ method: string; churn_risk: number }[]>(['churn', '--as-of', '2023-12-31', '--no-save'], s.db);
      expect(rows.length).toBe(150);
      expect(rows.every((r) => r.method === f.learned!.held_out!.chosen)).toBe(true);
    } finally {
      s.cleanup();
    }
  }, 120_000);
});

describe('a short history the past cannot calibrate (issue 23)', () => {
  it(
    "a cohort shop's 272 days asked for 273: recency blended with the model on the 92 days that have a fit's history, the model sets the level, and model, churn and JSON say so",
    { timeout: 120_000 },
    async () => {
      // The CD retailer's shape (bench/synth --shape cohort): every first purchase in the first 12 weeks.
      const csv = path.join(t.dir, 'cohort.csv');
      const db = path.join(t.dir, 'cohort.db');
      generate(
        {
          ...DEFAULTS,
          seed: 23,
          customers: 2400,
          rows: null,
          start: '1997-01-01',
          end: '1997-09-30',
          r: 0.243,
          alpha: 30.9,
          a: 0.793,
          b: 2.426,
          cohortDays: 84,
        },
        csv,
      );
      expect((await rp(['-q', 'import', 'transactions', csv], db)).code).toBe(0);
      const args = ['--as-of', '1997-09-30', '--horizon', '273d'];
      const f = await json<{ churn_risk_from: string; learned: { window_days: number; verdict: string } }>(['model', ...args, '--no-save'], db);
      expect(f.churn_risk_from).toBe('learned');
      expect(f.learned.window_days).toBe(92);
      expect(f.learned.verdict).toMatch(
        /^churn_risk blends recency, purchase frequency and MBG\/NBD's expected purchases, weighed on the 92 days after 1997-06-30 .*, its level set as of this date by MBG\/NBD's chance of no purchase in the next 273 days/,
      );
      const table = await rp(['churn', ...args, '--limit', '1', '--format', 'table'], db);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toContain("learned from this shop's past, its level set by the MBG/NBD model as of this date");
      const zh = await rp(['--lang', 'zh-CN', 'model', ...args, '--no-save', '--format', 'table'], db);
      expect(zh.stdout).toContain('其水平按截至当日MBG/NBD给出的未来 273 天内不再购买的概率设定');
    },
  );
});
