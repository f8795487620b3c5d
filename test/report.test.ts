/**
 * Reports on the hand-worked shop of fixtures/segment/ (its arithmetic is in the header of
 * test/segment-commands.test.ts). As of 2025-12-31: tiers platinum D1, gold Y1, iron W1 F1 S1,
 * lead the other six; stages exploration S1 N1 R1, formation F1, stability Y1, decline W1 D1,
 * ended E1 M1 X1 L1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from './helpers.js';

const AS_OF = '2025-12-31';
const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../bin/rapport.js');
let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
});
afterEach(() => t.cleanup());
const rp = (args: string[]) => run(['--db', t.db, ...args]);

interface Table {
  name: string;
  rows: Record<string, string | number | null>[];
}
interface Json {
  title: string;
  sections: { title: string; lines?: string[]; tables?: Table[]; chart?: { type: string } }[];
}
async function report(name: string, extra: string[] = []): Promise<{ json: Json; table: (n: string) => Table }> {
  const r = await rp(['--format', 'json', 'report', name, '--as-of', AS_OF, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as Json;
  return { json, table: (n) => json.sections.flatMap((s) => s.tables ?? []).find((x) => x.name === n)! };
}

describe('rapport report', () => {
  it('pyramid: customers and revenue per tier', async () => {
    const { table } = await report('pyramid');
    // revenue: net over the 365 days: D1 72000; Y1 50000; W1 12000 + F1 8000 + S1 2250; lead: R1 -2000
    expect(table('tiers').rows.map((r) => [r.name, r.customers, r.revenue])).toEqual([
      ['platinum', 1, 72000],
      ['gold', 1, 50000],
      ['iron', 3, 22250],
      ['lead', 6, -2000],
    ]);
  });

  it('lifecycle: stages, exit patterns, and moves since a date', async () => {
    const { table } = await report('lifecycle', ['--since', '2025-06-30']);
    expect(table('stages').rows.map((r) => [r.name, r.customers])).toEqual([
      ['exploration', 3],
      ['formation', 1],
      ['stability', 1],
      ['decline', 2],
      ['ended', 4],
    ]);
    expect(table('exit_patterns').rows.map((r) => r.customers)).toEqual([1, 1, 1, 1]);
    // W1 first bought 2025-09-26: not a customer on 2025-06-30, in decline now
    expect(table('stage_moves').rows).toContainEqual({ from: '(new)', to: 'decline', customers: 2 }); // W1 and D1 (first bought 2025-08-01)
  });

  it('movement: who changed tier, with the value', async () => {
    const { table } = await report('movement', ['--since', '2025-06-30']);
    const w1 = table('tier_changes').rows.find((r) => r.customer_id === 'W1');
    expect(w1).toMatchObject({ from: '(new)', to: 'iron', value: 12000 });
  });

  it('cohorts: the share of each first-purchase month still buying', async () => {
    const { table, json } = await report('cohorts');
    // S1 and N1 first bought in 2025-12: the cohort has 2, both bought in month 0
    expect(table('cohorts').rows.find((r) => r.cohort === '2025-12' && r.month === 0)).toMatchObject({ customers: 2, buying: 2, share_buying: 1 });
    // D1 (2025-08): bought monthly Aug-Sep, nothing in Oct-Nov, again in Dec (month 4)
    const d1 = table('cohorts').rows.filter((r) => r.cohort === '2025-08').map((r) => r.buying);
    expect(d1).toEqual([1, 1, 0, 0, 1]);
    expect(json.sections.some((s) => s.chart?.type === 'heatmap')).toBe(true);
  });

  it('rfm, staff and complaints', async () => {
    const rfm = (await report('rfm')).table('segments');
    expect(rfm.rows.reduce((s, r) => s + Number(r.customers), 0)).toBe(11);
    const staff = (await report('staff')).table('staff');
    // no account managers or staff in the fixture: everyone under "(nobody named)"; 4 of 11 ended
    expect(staff.rows).toEqual([expect.objectContaining({ staff: '(nobody named)', customers: 11, churn_rate: 4 / 11 })]);
    await rp(['-q', 'complaint', 'add', '--customer', 'W1', '--category', 'product', '--summary', 'stale', '--at', '2025-12-01']);
    const c = (await report('complaints')).table('complaints_by_category');
    expect(c.rows.find((r) => r.category === 'product')).toMatchObject({ total: 1, open: 1 });
  });

  it('churn: the watchlist by value at risk, and who is new on it since the last snapshot', async () => {
    expect((await rp(['-q', 'segment', '--as-of', '2025-10-31'])).code).toBe(0);
    const { table, json } = await report('churn');
    const rows = table('watchlist').rows;
    expect(rows.every((r) => r.risk_level !== 'low')).toBe(true);
    for (let i = 1; i < rows.length; i++) expect(Number(rows[i]!.value_at_risk)).toBeLessThanOrEqual(Number(rows[i - 1]!.value_at_risk));
    expect(json.sections[1]!.lines![0]).toBe('Compared with 2025-10-31.');
  });

  it('formats: Markdown, one CSV table by name, HTML without a single external reference', async () => {
    const md = await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF]);
    expect(md.stdout.startsWith('# Value pyramid as of 2025-12-31\n')).toBe(true);
    expect(md.stdout).toContain('| tier | customers | share |');
    const csv = await rp(['--format', 'csv', 'report', 'lifecycle', '--as-of', AS_OF, '--table', 'exit_patterns']);
    expect(csv.stdout.split('\n')[0]).toBe('name,customers,customer_share,revenue,revenue_share,average');
    const bad = await rp(['--format', 'csv', 'report', 'lifecycle', '--as-of', AS_OF, '--table', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('its tables: stages, stage_moves, exit_patterns');
    const html = await rp(['--format', 'html', 'report', 'summary', '--as-of', AS_OF]);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout.match(/class="chart /g)?.length).toBeGreaterThanOrEqual(6);
    expect(html.stdout).not.toMatch(/https?:\/\/|<script|src=/i);
    expect((await rp(['report', 'nope'])).code).toBe(2);
    expect((await rp(['--format', 'md', 'status'])).code).toBe(2);
  });

  it('a cron-like run: no terminal, CI set; the report lands whole in --out, nothing on stdout', () => {
    const out = path.join(t.dir, 'weekly.md');
    const r = spawnSync(process.execPath, [BIN, '--db', t.db, 'report', 'churn', '--as-of', AS_OF, '--out', out], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('\u001b[');
    expect(fs.readFileSync(out, 'utf8').startsWith('# Churn report as of 2025-12-31')).toBe(true);
  });
});

describe('--fail-if', () => {
  // Y1 (gold, value 500.00, low risk by the rules) gets an urgent complaint on 2025-12-01: overdue
  // by 12-02, so by 12-31 Y1 is at high risk; its value at risk is risk × value: s / limit =
  // 60 / max(6 × 365, 90) = 60 / 2190 of 50000 = 1370 (13.70). Nobody else is at high risk
  // with any value: the four ended customers are worth 0 over the window.
  beforeEach(async () => {
    expect((await rp(['-q', 'segment', '--as-of', '2025-10-31'])).code).toBe(0);
    expect((await rp(['-q', 'complaint', 'add', '--customer', 'Y1', '--category', 'service', '--priority', 'urgent', '--summary', 'late', '--at', '2025-12-01'])).code).toBe(0);
  });

  it('exits 5 and says why when conditions hold, and still writes the report', async () => {
    const out = path.join(t.dir, 'alert.md');
    const r = await rp(['report', 'churn', '--as-of', AS_OF, '--out', out, '--fail-if', 'high-risk-value>13', '--fail-if', 'overdue-complaints>0', '--fail-if', 'new-high-risk:gold', '--fail-if', 'new-high-risk:platinum']);
    expect(r.code).toBe(5);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'rapport: alert: high-risk-value>13: high-risk value 13.70 is above 13.00',
      'rapport: alert: overdue-complaints>0: 1 overdue complaint',
      'rapport: alert: new-high-risk:gold: newly at high risk: Y1',
    ]);
    expect(fs.readFileSync(out, 'utf8').startsWith('# Churn report')).toBe(true);
  });

  it('exits 0 when none holds, and refuses a condition it does not know', async () => {
    expect((await rp(['report', 'churn', '--as-of', AS_OF, '--fail-if', 'high-risk-value>13.70', '--fail-if', 'overdue-complaints>1'])).code).toBe(0);
    const bad = await rp(['report', 'churn', '--as-of', AS_OF, '--fail-if', 'sales<3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('conditions: high-risk-value>5000');
  });
});

describe('review fixes', () => {
  it('the churn report has its comparison tables from the first run, empty', async () => {
    const r = await rp(['--format', 'csv', 'report', 'churn', '--as-of', AS_OF, '--table', 'new_at_risk']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('customer_id,name,tier,value_at_risk,reasons\n');
    const note = await rp(['report', 'churn', '--as-of', AS_OF, '--fail-if', 'new-high-risk:gold']);
    expect(note.stderr).toContain('new-high-risk cannot hold this time');
  });

  it('--out report.html writes HTML; a folder is a plain error', async () => {
    const out = path.join(t.dir, 'p.html');
    expect((await rp(['report', 'pyramid', '--as-of', AS_OF, '--out', out])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    const dir = await rp(['report', 'pyramid', '--as-of', AS_OF, '--out', t.dir]);
    expect(dir.code).toBe(1);
    expect(dir.stderr.split('\n')[0]).toMatch(/^rapport: cannot write .*: it is a folder$/);
  });

  it('Markdown keeps names from carrying HTML; long tables are cut in documents, whole in CSV', async () => {
    await rp(['-q', 'complaint', 'add', '--customer', 'Q9', '--new-customer', '--name', '<img src=x onerror=alert(1)>', '--category', 'price', '--summary', 'x']);
    const md = (await rp(['--format', 'md', 'report', 'lifecycle', '--as-of', AS_OF, '--limit', '2'])).stdout;
    expect(md).toContain('… and 3 more');
    const csv = (await rp(['--format', 'csv', 'report', 'lifecycle', '--as-of', AS_OF, '--limit', '2'])).stdout;
    expect(csv.trimEnd().split('\n')).toHaveLength(6); // header + 5 stages
    const staffMd = (await rp(['--format', 'md', 'report', 'churn', '--as-of', AS_OF])).stdout;
    expect(staffMd).not.toContain('<img');
  });
});
