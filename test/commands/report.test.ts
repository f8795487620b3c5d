/**
 * Reports on the hand-worked shop of fixtures/segment/ (its arithmetic is in the header of
 * test/commands/segment-commands.test.ts). As of 2025-12-31: tiers platinum D1, gold Y1, iron W1 F1 S1,
 * lead the other six; stages exploration S1 N1 R1, formation F1, stability Y1, decline W1 D1,
 * ended E1 M1 X1 L1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, reportMinorUnits, run, tempDir } from '../helpers.js';
import Database from 'better-sqlite3';

const AS_OF = '2025-12-31';
const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
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
  sections: {
    title: string;
    lines?: string[];
    tables?: Table[];
    chart?: { type: string; title?: string; levels?: { label: string; share: number }[] };
    headline?: { label: string; value: string; detail: string }[];
    omitted?: string;
  }[];
}
async function report(name: string, extra: string[] = []): Promise<{ json: Json; table: (n: string) => Table }> {
  const r = await rp(['--format', 'json', 'report', name, '--as-of', AS_OF, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const json = reportMinorUnits(JSON.parse(r.stdout) as Json);
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
    const d1 = table('cohorts')
      .rows.filter((r) => r.cohort === '2025-08')
      .map((r) => r.buying);
    expect(d1).toEqual([1, 1, 0, 0, 1]);
    expect(json.sections.some((s) => s.chart?.type === 'heatmap')).toBe(true);
  });

  it('cohorts in JSON: the net revenue by month chart has every month in its place (0.00 without a sale) and money as decimals in the currency, as its tables do', async () => {
    const r = await rp(['--format', 'json', 'report', 'cohorts', '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    const trend = (
      JSON.parse(r.stdout) as { sections: { chart?: { type: string; kind?: string; points?: { label: string; value: unknown }[] } }[] }
    ).sections.find((s) => s.chart?.type === 'trend')!.chart!;
    expect(trend.kind).toBe('money');
    // 2025-11: Y1's 500.00 and F1's 30.00 (shop.csv); not the minor units 53000 and 7250.
    expect(trend.points!.slice(-2)).toEqual([
      { label: '2025-11', value: '530.00' },
      { label: '2025-12', value: '72.50' },
    ]);
    expect(trend.points!.every((p) => typeof p.value === 'string' && /^-?\d+\.\d\d$/.test(p.value))).toBe(true);
    // The 24 months to the last complete one, each in its place: a month without a sale is 0.00, not left out.
    const months = Array.from({ length: 24 }, (_, k) => `${2024 + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`);
    expect(trend.points!.map((p) => p.label)).toEqual(months);
    expect(trend.points!.find((p) => p.label === '2024-09')!.value).toBe('0.00');
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

  it('churn: the watchlist leads with who to call by the value that can still be kept, those already gone last by value at risk, and who is new on it since the last snapshot', async () => {
    expect((await rp(['-q', 'segment', '--as-of', '2025-10-31'])).code).toBe(0);
    const { table, json } = await report('churn');
    const rows = table('watchlist').rows;
    expect(rows.every((r) => r.risk_level !== 'low')).toBe(true);
    // those already gone carry nothing to keep and come last
    const gone = rows.findIndex((r) => Number(r.keep_value) === 0);
    const [call, winBack] = gone === -1 ? [rows, []] : [rows.slice(0, gone), rows.slice(gone)];
    expect(call.length).toBeGreaterThan(0);
    for (let i = 1; i < call.length; i++) expect(Number(call[i]!.keep_value)).toBeLessThanOrEqual(Number(call[i - 1]!.keep_value));
    for (let i = 1; i < winBack.length; i++) expect(Number(winBack[i]!.value_at_risk)).toBeLessThanOrEqual(Number(winBack[i - 1]!.value_at_risk));
    expect(json.sections.find((s) => s.title === 'Since the last report')!.lines![0]).toBe('Compared with 2025-10-31.');
  });

  it('formats: Markdown, one CSV table by name, HTML without a single external reference', async () => {
    const md = await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF]);
    expect(md.stdout.startsWith('# Value pyramid as of 2025-12-31\n')).toBe(true);
    expect(md.stdout).toContain('| tier | customers | share |');
    const csv = await rp(['--format', 'csv', 'report', 'lifecycle', '--as-of', AS_OF, '--table', 'exit_patterns']);
    expect(csv.stdout.split('\n')[0]).toBe('name,customers,customer_share,revenue,revenue_share,average,currency');
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
    const r = spawnSync(process.execPath, [BIN, '--db', t.db, 'report', 'churn', '--as-of', AS_OF, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('\u001b[');
    expect(fs.readFileSync(out, 'utf8').startsWith('# Churn report as of 2025-12-31')).toBe(true);
  });

  it('--out /dev/stdout in a pipe writes the report down the pipe, as > would (a script naming its stdout), rather than refusing the system link', () => {
    // A shell's pipe (node's own 'pipe' is a socket pair, which /dev/stdout cannot be opened on).
    const r = spawnSync(
      '/bin/sh',
      ['-c', '"$0" "$@" | cat', process.execPath, BIN, '--db', t.db, 'report', 'pyramid', '--as-of', AS_OF, '--out', '/dev/stdout', '--format', 'md'],
      {
        encoding: 'utf8',
        env: { ...process.env, CI: '1' },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('# ')).toBe(true);
    // A link elsewhere is still refused (safety.test.ts).
  });

  it("--out FILE says where the report went on stderr, in the reader's language; -q and a stream say nothing", async () => {
    const file = path.join(t.dir, 'said.md');
    const said = await run(['--db', t.db, 'report', 'pyramid', '--as-of', AS_OF, '--out', file]);
    expect(said.code, said.stderr).toBe(0);
    expect(said.stderr).toContain(`wrote the report to ${file}`);
    const zh = await run(['--db', t.db, '--lang', 'zh-CN', 'report', 'pyramid', '--as-of', AS_OF, '--out', file]);
    expect(zh.stderr).toContain(`报告已写入 ${file}`);
    expect((await run(['--db', t.db, '-q', 'report', 'pyramid', '--as-of', AS_OF, '--out', file])).stderr).toBe('');
    expect((await run(['--db', t.db, 'report', 'pyramid', '--as-of', AS_OF, '--out', '/dev/null'])).stderr).not.toContain('wrote');
  });

  it('--out /dev/stdout --force with stdout sent to a file writes the file through the link and never replaces the link (as root that would take /dev/stdout from every process)', () => {
    const file = path.join(t.dir, 'through.md');
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        '"$0" "$@" > "$OUT"',
        process.execPath,
        BIN,
        '--db',
        t.db,
        'report',
        'pyramid',
        '--as-of',
        AS_OF,
        '--out',
        '/dev/stdout',
        '--format',
        'md',
        '--force',
      ],
      { encoding: 'utf8', env: { ...process.env, CI: '1', OUT: file } },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(file, 'utf8').startsWith('# ')).toBe(true);
    expect(fs.lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('another writer holding the lock at cron time costs the kept churn list, never the report or the churn list printed', async () => {
    const out = path.join(t.dir, 'weekly.md');
    const writer = new Database(t.db);
    writer.exec('BEGIN IMMEDIATE');
    let report, churn;
    try {
      const env = { RAPPORT_BUSY_TIMEOUT_MS: '200' };
      report = await run(['--db', t.db, 'report', 'churn', '--as-of', AS_OF, '--out', out], { env });
      churn = await run(['--db', t.db, '--format', 'csv', 'churn', '--as-of', AS_OF], { env });
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    for (const r of [report, churn]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('the churn list of 2025-12-31 was not kept for later scorecards: the database is busy');
    }
    expect(fs.readFileSync(out, 'utf8').startsWith('# Churn report as of 2025-12-31')).toBe(true);
    expect(churn.stdout.split('\n')[0]).toMatch(/^customer_id,/);
    const kept = JSON.parse((await rp(['--format', 'json', 'snapshots'])).stdout) as { kind: string }[];
    expect(kept.filter((s) => s.kind === 'churn_list')).toEqual([]);
  });
});

describe('--fail-if', () => {
  // Y1 (gold, value 500.00, low risk by the rules) gets an urgent complaint on 2025-12-01: overdue
  // by 12-02, so by 12-31 Y1 is at high risk; its value at risk is risk × value: s / limit =
  // 60 / max(6 × 365, 90) = 60 / 2190 of 50000 = 1370 (13.70). Nobody else is at high risk
  // with any value: the four ended customers are worth 0 over the window.
  beforeEach(async () => {
    expect((await rp(['-q', 'segment', '--as-of', '2025-10-31'])).code).toBe(0);
    expect(
      (await rp(['-q', 'complaint', 'add', '--customer', 'Y1', '--category', 'service', '--priority', 'urgent', '--summary', 'late', '--at', '2025-12-01']))
        .code,
    ).toBe(0);
  });

  it('exits 5 and says why when conditions hold, and still writes the report', async () => {
    const out = path.join(t.dir, 'alert.md');
    const r = await rp([
      'report',
      'churn',
      '--as-of',
      AS_OF,
      '--out',
      out,
      '--fail-if',
      'high-risk-value>13',
      '--fail-if',
      'overdue-complaints>0',
      '--fail-if',
      'new-high-risk:gold',
      '--fail-if',
      'new-high-risk:platinum',
    ]);
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
    expect(r.stdout).toBe('customer_id,name,tier,value_at_risk,reasons,currency\n');
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
    await rp([
      '-q',
      'complaint',
      'add',
      '--customer',
      'Q9',
      '--new-customer',
      '--name',
      '<img src=x onerror=alert(1)>',
      '--category',
      'price',
      '--summary',
      'x',
    ]);
    const md = (await rp(['--format', 'md', 'report', 'lifecycle', '--as-of', AS_OF, '--limit', '2'])).stdout;
    expect(md).toContain('… and 3 more');
    const csv = (await rp(['--format', 'csv', 'report', 'lifecycle', '--as-of', AS_OF, '--limit', '2'])).stdout;
    expect(csv.trimEnd().split('\n')).toHaveLength(6); // header + 5 stages
    const staffMd = (await rp(['--format', 'md', 'report', 'churn', '--as-of', AS_OF])).stdout;
    expect(staffMd).not.toContain('<img');
  });
});

describe('the summary report opens with the answer (issue 15)', () => {
  const summary = async (): Promise<Json> => {
    const r = await rp(['--format', 'json', 'report', 'summary', '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Json;
  };

  it('headline: customers active, the last complete month against the one before, value at risk, who to call', async () => {
    // Y1 (gold) at high risk through an overdue urgent complaint (see --fail-if above): the one call
    await rp(['-q', 'complaint', 'add', '--customer', 'Y1', '--category', 'service', '--priority', 'urgent', '--summary', 'late', '--at', '2025-12-01']);
    const json = await summary();
    expect(json.sections[0]!.title).toBe('At a glance');
    const h = json.sections[0]!.headline!;
    expect(h.map((x) => x.label)).toEqual(['Customers active', 'Revenue, December 2025', 'Value at risk', 'To call this week']);
    // 11 customers, 4 ended (E1 M1 X1 L1)
    expect(h[0]).toMatchObject({ value: '7', detail: 'of 11; 4 relationships ended' });
    // December: D1 10+10, F1 30+30-10, S1 10+5+7.50, N1 50-50, R1 -20 = 72.50; November: Y1 500, F1 30 = 530.00
    expect(h[1]).toMatchObject({ value: '72.50', detail: 'down 86% on November 2025 (530.00)' });
    expect(h[3]).toMatchObject({ value: '1' });
    expect(h[3]!.detail).toContain('Yearly Hampers Ltd');
    // the headline's value at risk is the watchlist's: the sum over everyone at medium or high risk
    const at = h[2]!.value;
    expect(json.sections.find((s) => s.title === 'Churn watchlist')!.lines![0]).toContain(`${at} at risk`);
    // and the ten risk bands hold every customer
    const bands = json.sections.flatMap((s) => s.tables ?? []).find((t) => t.name === 'risk_spread')!;
    expect(bands.rows).toHaveLength(10);
    expect(bands.rows.reduce((n, r) => n + Number(r.customers), 0)).toBe(11);
  });

  it('headline on stale data: the last whole month the data cover, said so, not "down 100%" for a month not imported yet', async () => {
    // The newest sale is 2026-01-20: as of 2026-03-10, February has no sales because the data stop before it.
    const r = await rp(['--format', 'json', 'report', 'summary', '--as-of', '2026-03-10']);
    expect(r.code, r.stderr).toBe(0);
    const h = (JSON.parse(r.stdout) as Json).sections.find((s) => s.title === 'At a glance')!.headline!;
    expect(h[1]).toEqual({
      label: 'Revenue, December 2025',
      value: '72.50',
      detail: 'down 86% on November 2025 (530.00); the last whole month in the data, which has no sales after 2026-01-20',
    });
    const zh = await rp(['--lang', 'zh-CN', '--format', 'md', 'report', 'summary', '--as-of', '2026-03-10']);
    expect(zh.stdout).toContain('- 2025年12月销售额：**72.50**，比2025年11月下降 86%（530.00）；这是数据中最后一个完整的月份，2026年1月20日之后没有销售\n');
    expect(zh.stdout).not.toContain('下降 100%');
  });

  it('the pyramid is drawn by share of revenue, not by customer counts', async () => {
    const json = await summary();
    const chart = json.sections.find((s) => s.chart?.type === 'pyramid')!.chart!;
    expect(chart.title).toBe('Share of revenue per tier');
    const tiers = json.sections.flatMap((s) => s.tables ?? []).find((t) => t.name === 'tiers')!;
    expect(chart.levels!.map((l) => l.share)).toEqual(tiers.rows.map((r) => r.revenue_share));
    // platinum (D1, 720.00) has the widest bar; gold (Y1, 500.00) about 500/720 of it; lead (net refunds) none
    const md = (await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF])).stdout;
    const bar = (tier: string): number =>
      (
        md
          .split('\n')
          .find((l) => l.includes(`  ${tier} `))!
          .match(/█/g) ?? []
      ).length;
    expect(bar('platinum')).toBe(30);
    expect(bar('gold')).toBeGreaterThanOrEqual(20);
    expect(bar('gold')).toBeLessThanOrEqual(22);
    expect(bar('lead')).toBe(0);
  });

  it('empty sections are left out with one line why; complaint categories with none are not listed', async () => {
    const json = await summary();
    const omitted = json.sections.filter((s) => s.omitted !== undefined).map((s) => `${s.title}: ${s.omitted}`);
    expect(omitted).toEqual([
      'Since the last report: no earlier snapshot to compare with',
      expect.stringMatching(/^The model against what happened: no model fitted on the sales up to \d{4}-\d\d-\d\d \(not enough data: .*\)$/),
      'Moves between stages: no earlier snapshot to compare with',
      'Movement: no earlier snapshot to compare with',
      'Complaints: no complaints logged by 2025-12-31',
      'Staff: the records name no account manager and no member of staff',
    ]);
    const md = (await rp(['--format', 'md', 'report', 'summary', '--as-of', AS_OF])).stdout;
    expect(md).not.toContain('## Staff');
    expect(md).not.toContain('(nobody named)');
    expect(md).toContain('## Not shown\n\n- Since the last report: no earlier snapshot to compare with\n');
    const html = (await rp(['--format', 'html', 'report', 'summary', '--as-of', AS_OF])).stdout;
    expect(html).toContain('<li>Complaints: no complaints logged by <span class="date">2025-12-31</span></li>');
    // The title's date does not break across lines on a phone either.
    expect(html).toContain('<h1>Customer report as of <span class="date">2025-12-31</span></h1>');
    expect(html).toContain('<a href="#not-shown">Not shown</a>');
    // every entry of the table of contents leads to a section
    for (const [, id] of html.matchAll(/<a href="#([^"]+)">/g)) expect(html).toContain(`<section id="${id}">`);
    // with one complaint the section comes back, listing only its category
    await rp(['-q', 'complaint', 'add', '--customer', 'W1', '--category', 'product', '--summary', 'stale', '--at', '2025-12-01']);
    const again = await summary();
    expect(again.sections.find((s) => s.title === 'Complaints')!.omitted).toBeUndefined();
    expect(
      again.sections
        .flatMap((s) => s.tables ?? [])
        .find((t) => t.name === 'complaints_by_category')!
        .rows.map((r) => r.category),
    ).toEqual(['product']);
  });

  it('reader text holds no command-line instructions', async () => {
    for (const format of ['md', 'html', 'table']) {
      const out = (await rp(['--format', format, '--no-pager', 'report', 'summary', '--as-of', AS_OF, '--limit', '2'])).stdout;
      expect(out).toContain('more, not shown here');
      expect(out, format).not.toMatch(/rapport (segment|model)|--format|--table|--since/);
    }
  });

  it('terminal charts: cohort months past 9 keep apart; the staff text names what the bars show', async () => {
    const cohorts = (await rp(['--format', 'table', 'report', 'cohorts', '--as-of', '2026-06-30'])).stdout;
    const head = cohorts.split('\n').find((l) => /^\s+0\s+1\s/.test(l))!;
    expect(head.trim().split(/\s+/)).toEqual(Array.from({ length: head.trim().split(/\s+/).length }, (_, i) => String(i)));
    expect(head).toContain(' 9 10 11');
    // the hand-worked shop again, each sale served by Ann (D1's) or Bo (the others)
    const lines = fs.readFileSync(fixture('segment', 'shop.csv'), 'utf8').trimEnd().split('\n');
    const withStaff = path.join(t.dir, 'staffed.csv');
    fs.writeFileSync(withStaff, [`${lines[0]},staff`, ...lines.slice(1).map((l) => `${l},${l.split(',')[2] === 'D1' ? 'Ann' : 'Bo'}`)].join('\n') + '\n');
    const db = path.join(t.dir, 'staffed.db');
    expect((await run(['--db', db, '-q', 'import', 'transactions', withStaff])).code).toBe(0);
    const staff = (await run(['--db', db, '--format', 'table', 'report', 'staff', '--as-of', AS_OF])).stdout;
    expect(staff).toContain('Retention by staff:');
    expect(staff).toContain('Retention: the share of those customers whose relationship has not ended');
  });

  it('terminal cohort grid keeps within the width: the months that do not fit are left out and named (the shop has 50, since 2021-11)', async () => {
    for (const [lang, named] of [
      ['en', '(months 23 to 49 left out at this width'],
      ['zh-CN', '（此宽度下未显示第 23 至 49 个月'],
    ] as const) {
      const out = (await rp(['--lang', lang, '--width', '80', '--format', 'table', 'report', 'cohorts', '--as-of', AS_OF])).stdout.split('\n');
      const grid = out.filter((l) => /^ {12}0 {2}1 |^ {2}\d{4}-\d{2} {2}/.test(l));
      expect(grid).toHaveLength(9); // the month heading and the 8 cohorts
      for (const l of grid) expect(l.length, l).toBeLessThanOrEqual(80);
      expect(grid[0]!.trim().split(/\s+/).at(-1)).toBe('22');
      expect(out.join('\n')).toContain(named);
    }
    // A document has room for every month.
    const md = (await rp(['--format', 'md', 'report', 'cohorts', '--as-of', AS_OF])).stdout;
    expect(md).toContain(' 48 49');
    expect(md).not.toContain('left out at this width');
  });
});

describe('the pyramid in colour (rapport segment)', () => {
  it('no tier drawn in bright white, yellow or grey, which vanish on a light or a dark terminal', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
    delete env.NO_COLOR;
    const r = spawnSync(process.execPath, [BIN, '--db', t.db, '--format', 'table', 'segment', '--as-of', AS_OF], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const bars = r.stdout.split('\n').filter((l) => l.includes('█'));
    expect(bars).toHaveLength(4);
    expect(bars.join('\n')).toContain('\u001b['); // coloured at all
    // SGR 97 bright white, 33/93 yellow, 90 grey
    for (const l of bars) expect(l).not.toMatch(/\u001b\[(97|33|93|90)m/);
  });
});
