/**
 * Command-level tests of `rapport segment`, `customers`, `customer`, `snapshots` and `config`,
 * each on a real temporary SQLite database loaded from the small hand-made shop in
 * fixtures/segment/.
 *
 * Every expected value below was worked out by hand from the fixture rows, not copied from the
 * program's output. The main as-of date is 2025-12-31. Day counts to it:
 *
 *   W1 weekly buyer: 20.00 on 2025-09-26, 10-03, 10-10, 10-17, 10-24, 10-31 (gaps 7 ×5), and one
 *      more on 2026-01-20, after the as-of date. Silent since 10-31: s = 61 > max(3×7, 14) = 21,
 *      and 61 <= max(6×7, 90) = 90, so decline (overdue). Value 6 × 2000 = 12000.
 *   Y1 yearly buyer: 500.00 on 1 Nov 2021..2025 (gaps 365, 365, 366, 365: median 365). Silent
 *      s = 60, far under 3 × 365; 5 purchase days, the 5th on 2025-11-01 (first + 180 long past),
 *      so stability. Only the 2025 purchase is inside the 365-day value window: value 50000,
 *      monetary 250000.
 *   D1 spending drop: 100.00 every 10 days 2025-08-01..09-30 (7 purchases, all 90..179 days back:
 *      previous window 70000), then 10.00 on 12-20 and 12-30 (recent 2000). Own gaps 10 ×7 and 81:
 *      median 10 <= 45, and 2000 < 0.5 × 70000, so decline though s = 1. Value 72000.
 *   F1 forming: 30.00 on 2025-11-10, 12-01, 12-22 (gaps 21, 21), refund -10.00 on 12-23. 3 purchase
 *      days, s = 9, no previous-window revenue: formation. Net 8000, refund share 1000/9000.
 *   S1 same day: three lines on 2025-12-20 (10.00 + 5.00 on invoice S-01, 7.50 on S-02): one
 *      purchase day, 2 orders, net 2250, average order 1125; s = 11, exploration.
 *   N1 refunded to zero: 50.00 on 12-10, -50.00 on 12-15: 1 purchase day, net 0 (lead), s = 21.
 *   R1 refunds only: -20.00 on 12-01: 0 purchase days, net -2000 (lead), s = 30 (last activity).
 *   E1 early abort: one 15.00 purchase on 2024-06-01, s = 578. One purchase: the population gap
 *      applies (below): 578 > max(6 × 31, 90) = 186: ended with 1 purchase day.
 *   M1 mid-way failure: 15.00 on 2024-01-10, 02-10, 03-10 (gaps 31, 29: median 30); s = 661 >
 *      max(180, 90): ended with 3 purchase days, stability never reached.
 *   X1 early exit: 25.00 on the 15th of each month 2024-01..2024-08 (gaps 31,29,31,30,31,30,31:
 *      median 31). Stability from max(5th purchase 05-15, 01-15 + 180 = 07-13) = 2024-07-13; last
 *      purchase 08-15: held 33 days < 365. s = 503 > 186: ended, early exit.
 *   L1 long-term: 40.00 on the 10th of Jan/Apr/Jul/Oct 2022-01..2024-04 (10 purchases, gaps
 *      90..92: median 91). Stability from the 5th purchase 2023-01-10; last 2024-04-10: held 456
 *      days >= 365. s = 630 > 6 × 91 = 546: ended, long-term.
 *
 * Population median gap (all customers' gaps up to 2025-12-31, 37 of them, sorted): 7 ×5,
 * 10 ×7, 21 ×2, 29 ×2, 30 ×2, 31 ×5, 81, 90 ×2, 91 ×3, 92 ×4, 365 ×3, 366: the 19th is 31.
 *
 * Value (net revenue of the 365 days to the as-of date), most first: D1 72000, Y1 50000,
 * W1 12000, F1 8000, S1 2250, then E1 L1 M1 N1 X1 at 0 and R1 at -2000. 11 customers: platinum
 * is the top round(0.55) = 1, gold the next to round(2.2) = 2, iron to round(5.5) = 6; but only
 * 5 have a positive value, so platinum D1, gold Y1, iron W1 F1 S1, lead the other 6.
 *
 * Stages: exploration S1 N1 R1; formation F1; stability Y1; decline W1 D1; ended E1 M1 X1 L1.
 *
 * customers.csv names W1, Y1, D1, F1, S1 (Y1 and D1 are businesses) and Z1, who never bought.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, minorUnits, run, tempDir, type RunOptions, type RunResult } from '../helpers.js';

const AS_OF = '2025-12-31';
const ESC = '\u001b';
const STACK_FRAME = '    at ';

const CUSTOMER_COLUMNS = [
  'customer_id',
  'name',
  'type',
  'first_purchase',
  'last_purchase',
  'recency_days',
  'frequency',
  'orders',
  'monetary',
  'avg_order_value',
  'refund_share',
  'typical_gap_days',
  'recent_revenue',
  'previous_revenue',
  'value',
  'tenure_days',
  'r_score',
  'f_score',
  'm_score',
  'rfm_segment',
  'tier',
  'stage',
  'exit_pattern',
  'stage_reason',
  'p_alive',
  'expected_purchases',
  'p_no_purchase',
  'next_purchase_date',
  'expected_purchases_365d',
  'expected_spend',
  'churn_risk',
  'risk_level',
  'clv',
  'value_at_risk',
  'reasons',
];

interface CustomerRow {
  customer_id: string;
  name: string | null;
  type: string | null;
  first_purchase: string | null;
  last_purchase: string | null;
  recency_days: number;
  frequency: number;
  orders: number;
  monetary: number;
  avg_order_value: number | null;
  refund_share: number;
  typical_gap_days: number | null;
  recent_revenue: number;
  previous_revenue: number;
  value: number;
  tenure_days: number | null;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_segment: string;
  tier: string;
  stage: string;
  exit_pattern: string | null;
  stage_reason: string;
}

interface GroupRow {
  name: string;
  customers: number;
  customer_share: number;
  revenue: number;
  revenue_share: number;
  average: number | null;
}

interface Summary {
  as_of: string;
  snapshot_id: number | null;
  customers: number;
  currency: string | null;
  revenue_window_days: number;
  stages: GroupRow[];
  exit_patterns: GroupRow[];
  tiers: GroupRow[];
  segments: GroupRow[];
}

interface Card {
  as_of: string;
  currency: string | null;
  customer: {
    id: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    type: string | null;
    account_manager: string | null;
    created_date: string | null;
  } | null;
  analysis: CustomerRow | null;
  why: { r: string; f: string; m: string; rule: string } | null;
  value_rank: number | null;
  customers_ranked: number;
  monthly_spend: { month: string; net: number }[];
  recent_transactions: {
    date: string;
    time: string | null;
    amount: number;
    quantity: number | null;
    product: string | null;
    channel: string | null;
    external_id: string | null;
  }[];
}

interface SnapshotRow {
  id: number;
  as_of: string;
  created_at: string;
  customers: number;
  current: boolean;
}

interface SettingRow {
  key: string;
  value: string;
  default: string;
  changed: boolean;
  description: string;
}

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

const fx = (name: string): string => fixture('segment', name);

/** `rapport --db <t.db> ...args`. */
function rp(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(['--db', t.db, ...args], opts);
}

/** Runs and insists on exit 0. */
async function ok(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await rp(args, opts);
  expect(r.code, `rapport ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** JSON output, with money read back into minor units (the expectations here are in cents). */
function parseJson<T>(r: RunResult): T {
  let parsed: T;
  try {
    parsed = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return minorUnits(parsed);
}

/** The fixture shop: the customers file first, then the transactions. */
async function loadShop(): Promise<void> {
  await ok(['-q', 'import', 'customers', fx('customers.csv')]);
  await ok(['-q', 'import', 'transactions', fx('shop.csv')]);
}

async function summary(extra: string[] = [], asOf = AS_OF): Promise<Summary> {
  return parseJson<Summary>(await ok(['--format', 'json', 'segment', '--as-of', asOf, ...extra]));
}

async function customers(extra: string[] = [], asOf = AS_OF): Promise<CustomerRow[]> {
  return parseJson<CustomerRow[]>(await ok(['--format', 'json', 'customers', '--as-of', asOf, ...extra]));
}

async function customerMap(asOf = AS_OF): Promise<Record<string, CustomerRow>> {
  return Object.fromEntries((await customers([], asOf)).map((c) => [c.customer_id, c]));
}

async function one(id: string, asOf = AS_OF): Promise<CustomerRow> {
  const row = (await customerMap(asOf))[id];
  if (row === undefined) throw new Error(`no row for ${id} as of ${asOf}`);
  return row;
}

async function card(id: string, extra: string[] = [], asOf = AS_OF): Promise<Card> {
  return parseJson<Card>(await ok(['--format', 'json', 'customer', id, '--as-of', asOf, ...extra]));
}

async function snapshots(): Promise<SnapshotRow[]> {
  return parseJson<SnapshotRow[]>(await ok(['--format', 'json', 'snapshots']));
}

async function configGet(key: string): Promise<string> {
  return (await ok(['config', 'get', key])).stdout.replace(/\n$/, '');
}

const ids = (rows: readonly { customer_id: string }[]): string[] => rows.map((r) => r.customer_id);

/** name -> customers of one summary group. */
const counts = (rows: readonly GroupRow[]): Record<string, number> => Object.fromEntries(rows.map((r) => [r.name, r.customers]));

function csvRecords(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** The stderr of a failed run: one `rapport:` line, optionally one `hint:` line, no stack. */
function expectOneLineError(r: RunResult, code: number, pattern?: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).not.toContain(STACK_FRAME);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^rapport: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
  if (pattern) expect(lines[0]).toMatch(pattern);
  expect(r.stdout).toBe('');
}

describe('rapport segment: the summary', () => {
  it('counts the customers in each stage, exit pattern and tier', async () => {
    await loadShop();
    const s = await summary();
    expect(s.as_of).toBe(AS_OF);
    expect(s.customers).toBe(11);
    expect(s.currency).toBeNull();
    expect(s.revenue_window_days).toBe(365);
    expect(s.stages.map((g) => g.name)).toEqual(['exploration', 'formation', 'stability', 'decline', 'ended']);
    expect(counts(s.stages)).toEqual({ exploration: 3, formation: 1, stability: 1, decline: 2, ended: 4 });
    expect(counts(s.exit_patterns)).toEqual({ 'early abort': 1, 'mid-way failure': 1, 'early exit': 1, 'long-term': 1 });
    expect(s.tiers.map((g) => g.name)).toEqual(['platinum', 'gold', 'iron', 'lead']);
    expect(counts(s.tiers)).toEqual({ platinum: 1, gold: 1, iron: 3, lead: 6 });
    // Every customer has one segment.
    expect(s.segments.reduce((n, g) => n + g.customers, 0)).toBe(11);
  });

  it('sums revenue over the value window per group, with shares and averages', async () => {
    await loadShop();
    const s = await summary();
    const tier = Object.fromEntries(s.tiers.map((g) => [g.name, g]));
    // platinum D1 72000; gold Y1 50000; iron W1 12000 + F1 8000 + S1 2250; lead R1 -2000 + five 0s.
    expect(tier.platinum).toMatchObject({ customers: 1, revenue: 72000, average: 72000 });
    expect(tier.gold).toMatchObject({ customers: 1, revenue: 50000, average: 50000 });
    expect(tier.iron).toMatchObject({ customers: 3, revenue: 22250 });
    expect(tier.lead).toMatchObject({ customers: 6, revenue: -2000, revenue_share: 0 });
    // Positive value in all: 72000 + 50000 + 12000 + 8000 + 2250 = 144250.
    expect(tier.platinum!.revenue_share).toBeCloseTo(72000 / 144250, 9);
    expect(tier.gold!.customer_share).toBeCloseTo(1 / 11, 9);
    const stage = Object.fromEntries(s.stages.map((g) => [g.name, g]));
    // decline: W1 12000 + D1 72000; ended customers bought nothing in 2025.
    expect(stage.decline).toMatchObject({ customers: 2, revenue: 84000, average: 42000 });
    expect(stage.ended).toMatchObject({ customers: 4, revenue: 0 });
    // exploration: S1 2250 + N1 0 + R1 -2000.
    expect(stage.exploration).toMatchObject({ customers: 3, revenue: 250 });
  });

  it('prints CSV rows group,name,customers,customer_share,revenue,revenue_share,average', async () => {
    await loadShop();
    const r = await ok(['--format', 'csv', 'segment', '--as-of', AS_OF]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('group,name,customers,customer_share,revenue,revenue_share,average,currency');
    const recs = csvRecords(r.stdout);
    // 5 stages + 4 exit patterns + 4 tiers + 11 default segments (none falls to "Other").
    expect(recs).toHaveLength(24);
    expect(recs.filter((x) => x.group === 'stage').map((x) => x.name)).toEqual(['exploration', 'formation', 'stability', 'decline', 'ended']);
    expect(recs.find((x) => x.group === 'tier' && x.name === 'platinum')).toMatchObject({ customers: '1', revenue: '720.00', average: '720.00', currency: '' });
    expect(recs.find((x) => x.group === 'exit_pattern' && x.name === 'long-term')).toMatchObject({ customers: '1', revenue: '0.00' });
  });

  it('draws a pyramid and tables on a terminal, and CSV when piped', async () => {
    await loadShop();
    const tty = await ok(['segment', '--as-of', AS_OF, '--no-save'], { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.stdout).toContain('11 customers as of 2025-12-31');
    expect(tty.stdout).toContain('Value pyramid');
    for (const title of ['Tiers', 'Lifecycle stages', 'How ended relationships ended', 'RFM segments']) expect(tty.stdout).toContain(title);
    expect(tty.stdout).toMatch(/█+.*platinum/);
    expect(tty.stdout).toMatch(/│ decline +│ +2 │/);
    // Money in the table is written in currency units: D1's 72000 pence.
    expect(tty.stdout).toContain('720.00');
    expect(tty.stdout).not.toContain('group,name');
    expect(tty.stdout).not.toContain(ESC);
    const piped = await ok(['segment', '--as-of', AS_OF, '--no-save']);
    expect(piped.stdout.split('\n')[0]).toBe('group,name,customers,customer_share,revenue,revenue_share,average,currency');
    expect(piped.stdout).not.toContain('Value pyramid');
  });

  it('colours the terminal table unless NO_COLOR is set', async () => {
    await loadShop();
    const coloured = await ok(['segment', '--as-of', AS_OF, '--no-save'], { tty: true });
    expect(coloured.stdout).toContain(ESC);
    const plain = await ok(['segment', '--as-of', AS_OF, '--no-save'], { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain(ESC);
  });

  it('notes the saved snapshot on stderr, and says nothing with --quiet', async () => {
    await loadShop();
    const r = await ok(['--format', 'json', 'segment', '--as-of', AS_OF]);
    const id = parseJson<Summary>(r).snapshot_id;
    expect(id).toBeGreaterThan(0);
    expect(r.stderr).toBe(`saved snapshot ${id} (as of 2025-12-31)\n`);
    const q = await ok(['--quiet', '--format', 'json', 'segment', '--as-of', '2025-06-30']);
    expect(q.stderr).toBe('');
    expect(parseJson<Summary>(q).snapshot_id).toBeGreaterThan(0);
  });

  it('saves nothing with --no-save', async () => {
    await loadShop();
    const r = await ok(['--format', 'json', 'segment', '--as-of', AS_OF, '--no-save']);
    expect(parseJson<Summary>(r).snapshot_id).toBeNull();
    expect(r.stderr).not.toContain('saved snapshot');
    expect(await snapshots()).toEqual([]);
  });

  it('gives exit 0 and an empty summary on a database without transactions', async () => {
    await ok(['-q', 'import', 'customers', fx('customers.csv')]);
    const r = await ok(['--format', 'json', 'segment', '--as-of', AS_OF]);
    const s = parseJson<Summary>(r);
    expect(s.customers).toBe(0);
    for (const g of [...s.stages, ...s.exit_patterns, ...s.tiers, ...s.segments]) {
      expect(g.customers).toBe(0);
      expect(g.revenue).toBe(0);
      expect(g.average).toBeNull();
    }
    expect(s.stages).toHaveLength(5);
    expect(s.tiers).toHaveLength(4);
    expect(r.stderr).toContain('no customer bought anything up to 2025-12-31');
    expect(parseJson<CustomerRow[]>(await ok(['--format', 'json', 'customers', '--as-of', AS_OF]))).toEqual([]);
    expect((await ok(['--format', 'csv', 'customers', '--as-of', AS_OF])).stdout).toBe([...CUSTOMER_COLUMNS, 'currency'].join(',') + '\n');
  });

  it('ignores transactions after the as-of date', async () => {
    await loadShop();
    // As of 2025-06-30 only Y1 (4 purchases), E1, M1, X1 and L1 had bought anything.
    const s = await summary(['--no-save'], '2025-06-30');
    expect(s.customers).toBe(5);
    const rows = await customerMap('2025-06-30');
    expect(Object.keys(rows).sort()).toEqual(['E1', 'L1', 'M1', 'X1', 'Y1']);
  });

  it.each(['2025-02-29', '2025-2-3', '31/12/2025', '2025-13-01', '2025-12-32', 'yesterday', '20251231'])('refuses --as-of %s with exit 2', async (bad) => {
    await loadShop();
    for (const cmd of [['segment'], ['customers'], ['customer', 'W1']]) {
      const r = await rp([...cmd, '--as-of', bad]);
      expectOneLineError(r, 2, /--as-of/);
    }
    expect(await snapshots()).toEqual([]);
  });

  it('takes a leap day as a real date', async () => {
    await loadShop();
    // As of 2024-02-29: M1 (01-10, 02-10), X1 (01-15, 02-15), L1 (9 purchases) and Y1 (3 purchases).
    expect(Object.keys(await customerMap('2024-02-29')).sort()).toEqual(['L1', 'M1', 'X1', 'Y1']);
  });

  it('refuses an unknown option with exit 2 and one line', async () => {
    await loadShop();
    expectOneLineError(await rp(['segment', '--as-of', AS_OF, '--bogus']), 2, /--bogus/);
  });

  it('never creates a database at a mistyped path (segment, config set)', async () => {
    for (const args of [
      ['segment', '--as-of', AS_OF],
      ['config', 'set', 'rfm.bins', '4'],
    ]) {
      expectOneLineError(await rp(args), 1, /no database at/);
      expect(fs.existsSync(t.db)).toBe(false);
    }
  });
});

describe('lifecycle stages', () => {
  it('puts a weekly buyer silent for two months in decline, a yearly buyer silent as long not', async () => {
    await loadShop();
    const rows = await customerMap();
    expect(rows.W1).toMatchObject({ recency_days: 61, typical_gap_days: 7, stage: 'decline', exit_pattern: null });
    expect(rows.W1!.stage_reason).toMatch(/61 days/);
    expect(rows.Y1).toMatchObject({ recency_days: 60, typical_gap_days: 365, frequency: 5, stage: 'stability' });
  });

  it('calls a weekly buyer overdue only after three usual gaps of silence', async () => {
    await loadShop();
    // W1's last purchase is 2025-10-31, usual gap 7 days: 21 days of silence is on the limit,
    // 22 is over it. First purchase 2025-09-26 is under 180 days back: not stable yet.
    expect(await one('W1', '2025-11-21')).toMatchObject({ recency_days: 21, stage: 'formation' });
    expect(await one('W1', '2025-11-22')).toMatchObject({ recency_days: 22, stage: 'decline' });
  });

  it('calls a frequent buyer whose spending fell under half in decline, though they bought yesterday', async () => {
    await loadShop();
    expect(await one('D1')).toMatchObject({
      recency_days: 1,
      frequency: 9,
      typical_gap_days: 10,
      recent_revenue: 2000,
      previous_revenue: 70000,
      stage: 'decline',
    });
  });

  it('reaches every exit pattern, each by the customer built for it', async () => {
    await loadShop();
    const rows = await customerMap();
    expect(rows.E1).toMatchObject({ stage: 'ended', exit_pattern: 'early abort', frequency: 1, recency_days: 578 });
    expect(rows.M1).toMatchObject({ stage: 'ended', exit_pattern: 'mid-way failure', frequency: 3, recency_days: 661 });
    expect(rows.X1).toMatchObject({ stage: 'ended', exit_pattern: 'early exit', frequency: 8, recency_days: 503 });
    expect(rows.L1).toMatchObject({ stage: 'ended', exit_pattern: 'long-term', frequency: 10, recency_days: 630 });
    // Only ended customers carry an exit pattern.
    for (const c of Object.values(rows)) expect(c.exit_pattern === null).toBe(c.stage !== 'ended');
  });

  it('ends a relationship only after six usual gaps, and at least 90 days', async () => {
    await loadShop();
    // M1: last purchase 2024-03-10, usual gap 30: ended after max(180, 90) = 180 days of silence.
    expect(await one('M1', '2024-09-06')).toMatchObject({ recency_days: 180, stage: 'decline', exit_pattern: null });
    expect(await one('M1', '2024-09-07')).toMatchObject({ recency_days: 181, stage: 'ended', exit_pattern: 'mid-way failure' });
  });

  it('changes a stage when --as-of falls before later purchases', async () => {
    await loadShop();
    // Y1 as of 2025-06-30 has 4 yearly purchases (2021..2024): not yet the 5 that stability needs.
    expect(await one('Y1', '2025-06-30')).toMatchObject({ frequency: 4, monetary: 200000, last_purchase: '2024-11-01', stage: 'formation' });
    // On the day of the 5th purchase stability is reached.
    expect(await one('Y1', '2025-11-01')).toMatchObject({ frequency: 5, recency_days: 0, stage: 'stability' });
    // X1 as of 2024-08-20: stable since 2024-07-13, bought 5 days ago: not ended yet.
    expect(await one('X1', '2024-08-20')).toMatchObject({ frequency: 8, recency_days: 5, stage: 'stability', exit_pattern: null });
  });

  it('counts a purchase after the as-of date only once the date reaches it', async () => {
    await loadShop();
    expect(await one('W1')).toMatchObject({ frequency: 6, monetary: 12000, last_purchase: '2025-10-31' });
    expect(await one('W1', '2026-01-31')).toMatchObject({ frequency: 7, monetary: 14000, last_purchase: '2026-01-20', recency_days: 11 });
  });
});

describe('measures', () => {
  it('counts several lines on one day as one purchase, and distinct invoices as orders', async () => {
    await loadShop();
    expect(await one('S1')).toMatchObject({
      frequency: 1,
      orders: 2,
      monetary: 2250,
      avg_order_value: 1125,
      first_purchase: '2025-12-20',
      last_purchase: '2025-12-20',
      stage: 'exploration',
    });
  });

  it('handles a customer with only refunds: no purchases, negative net, lead', async () => {
    await loadShop();
    expect(await one('R1')).toMatchObject({
      frequency: 0,
      orders: 0,
      monetary: -2000,
      value: -2000,
      first_purchase: null,
      last_purchase: null,
      recency_days: 30,
      tier: 'lead',
    });
  });

  it('puts a customer whose refunds bring net revenue to zero in lead', async () => {
    await loadShop();
    expect(await one('N1')).toMatchObject({ frequency: 1, monetary: 0, value: 0, refund_share: 1, tier: 'lead' });
  });

  it('subtracts a refund on a later day without counting it as a purchase', async () => {
    await loadShop();
    // F1: 3 × 30.00 - 10.00; the refund day 12-23 is not a purchase, so recency runs from 12-22.
    expect(await one('F1')).toMatchObject({ frequency: 3, recency_days: 9, monetary: 8000, avg_order_value: 2667, refund_share: 0.1111, stage: 'formation' });
  });

  it('ranks tiers by net revenue of the last 365 days only', async () => {
    await loadShop();
    const rows = await customerMap();
    const tiers = Object.fromEntries(Object.values(rows).map((c) => [c.customer_id, c.tier]));
    expect(tiers).toEqual({
      D1: 'platinum',
      Y1: 'gold',
      W1: 'iron',
      F1: 'iron',
      S1: 'iron',
      E1: 'lead',
      L1: 'lead',
      M1: 'lead',
      N1: 'lead',
      X1: 'lead',
      R1: 'lead',
    });
    // Y1 spent 2500.00 in all, but only the 2025-11-01 hamper falls in the window.
    expect(rows.Y1).toMatchObject({ monetary: 250000, value: 50000 });
    // L1 spent 400.00, all before 2025: value 0.
    expect(rows.L1).toMatchObject({ monetary: 40000, value: 0 });
  });

  it("uses the customer's own median gap with two gaps or more, else the population's", async () => {
    await loadShop();
    const rows = await customerMap();
    expect(rows.W1!.typical_gap_days).toBe(7);
    expect(rows.F1!.typical_gap_days).toBe(21);
    expect(rows.M1!.typical_gap_days).toBe(30);
    expect(rows.L1!.typical_gap_days).toBe(91);
    // One purchase (or none): the population's median gap, 31 (see the top of this file).
    expect(rows.E1!.typical_gap_days).toBe(31);
    expect(rows.S1!.typical_gap_days).toBe(31);
    expect(rows.R1!.typical_gap_days).toBe(31);
  });

  it('scores the most recent buyer R5 and the longest silent R1 by quantile', async () => {
    await loadShop();
    const rows = await customerMap();
    expect(rows.D1!.r_score).toBe(5); // bought 1 day ago, the most recent
    expect(rows.M1!.r_score).toBe(1); // silent 661 days, the longest
    expect(rows.L1!.f_score).toBe(5); // 10 purchase days, the most
    expect(rows.R1!.f_score).toBe(1); // no purchase at all
    for (const c of Object.values(rows)) for (const s of [c.r_score, c.f_score, c.m_score]) expect(s).toBeGreaterThanOrEqual(1);
    for (const c of Object.values(rows)) for (const s of [c.r_score, c.f_score, c.m_score]) expect(s).toBeLessThanOrEqual(5);
  });
});

describe('rapport customers', () => {
  it('prints exactly the documented CSV header', async () => {
    await loadShop();
    const r = await ok(['--format', 'csv', 'customers', '--as-of', AS_OF]);
    // the documented columns, then the currency the money columns are in
    expect(r.stdout.split('\n')[0]).toBe([...CUSTOMER_COLUMNS, 'currency'].join(','));
    const recs = csvRecords(r.stdout);
    expect(recs).toHaveLength(11);
    // Blank cells for what is empty: R1 never purchased, has no name.
    expect(recs.find((x) => x.customer_id === 'R1')).toMatchObject({ name: '', first_purchase: '', monetary: '-20.00', exit_pattern: '' });
  });

  it('gives JSON objects with exactly the documented keys, in order', async () => {
    await loadShop();
    const rows = await customers();
    expect(rows).toHaveLength(11);
    for (const row of rows) expect(Object.keys(row)).toEqual([...CUSTOMER_COLUMNS, 'currency']);
    const y1 = rows.find((r) => r.customer_id === 'Y1')!;
    expect(y1).toMatchObject({ name: 'Yearly Hampers Ltd', type: 'business', first_purchase: '2021-11-01', orders: 5 });
  });

  it('sorts by value, most first, ties by customer id', async () => {
    await loadShop();
    expect(ids(await customers())).toEqual(['D1', 'Y1', 'W1', 'F1', 'S1', 'E1', 'L1', 'M1', 'N1', 'X1', 'R1']);
  });

  it('sorts numbers largest first and text A to Z by default', async () => {
    await loadShop();
    expect(ids(await customers(['--sort', 'recency_days']))).toEqual(['M1', 'L1', 'E1', 'X1', 'W1', 'Y1', 'R1', 'N1', 'S1', 'F1', 'D1']);
    expect(ids(await customers(['--sort', 'customer_id']))).toEqual(['D1', 'E1', 'F1', 'L1', 'M1', 'N1', 'R1', 'S1', 'W1', 'X1', 'Y1']);
    // Named customers A to Z (the unnamed ones come after them).
    expect(ids(await customers(['--sort', 'name', '--limit', '5']))).toEqual(['D1', 'F1', 'S1', 'W1', 'Y1']);
  });

  it('takes :asc and :desc, breaking ties by customer id', async () => {
    await loadShop();
    // Purchase days: R1 0; E1 N1 S1 1; F1 M1 3; Y1 5; W1 6; X1 8; D1 9; L1 10.
    expect(ids(await customers(['--sort', 'frequency:asc']))).toEqual(['R1', 'E1', 'N1', 'S1', 'F1', 'M1', 'Y1', 'W1', 'X1', 'D1', 'L1']);
    expect(ids(await customers(['--sort', 'frequency:desc', '--limit', '3']))).toEqual(['L1', 'D1', 'X1']);
    expect(ids(await customers(['--sort', 'value:asc', '--limit', '3']))).toEqual(['R1', 'E1', 'L1']);
  });

  it('filters by tier and by stage', async () => {
    await loadShop();
    expect(ids(await customers(['--tier', 'lead']))).toEqual(['E1', 'L1', 'M1', 'N1', 'X1', 'R1']);
    expect(ids(await customers(['--tier', 'iron']))).toEqual(['W1', 'F1', 'S1']);
    expect(ids(await customers(['--stage', 'decline']))).toEqual(['D1', 'W1']);
    expect(ids(await customers(['--stage', 'exploration']))).toEqual(['S1', 'N1', 'R1']);
  });

  it('filters by exit pattern', async () => {
    await loadShop();
    expect(ids(await customers(['--exit', 'early abort']))).toEqual(['E1']);
    expect(ids(await customers(['--exit', 'mid-way failure']))).toEqual(['M1']);
    expect(ids(await customers(['--exit', 'early exit']))).toEqual(['X1']);
    expect(ids(await customers(['--exit', 'long-term']))).toEqual(['L1']);
  });

  it('filters by customer type, with unknown for customers no customers file describes', async () => {
    await loadShop();
    expect(ids(await customers(['--type', 'business']))).toEqual(['D1', 'Y1']);
    expect(ids(await customers(['--type', 'consumer']))).toEqual(['W1', 'F1', 'S1']);
    expect(ids(await customers(['--type', 'unknown', '--sort', 'customer_id']))).toEqual(['E1', 'L1', 'M1', 'N1', 'R1', 'X1']);
    expect(await customers(['--type', 'channel'])).toEqual([]);
  });

  it('combines filters, sort and limit', async () => {
    await loadShop();
    expect(ids(await customers(['--tier', 'lead', '--stage', 'ended', '--sort', 'recency_days', '--limit', '2']))).toEqual(['M1', 'L1']);
    expect(await customers(['--stage', 'stability', '--tier', 'platinum'])).toEqual([]);
  });

  it('prints a table on a terminal and CSV when piped', async () => {
    await loadShop();
    const tty = await ok(['customers', '--as-of', AS_OF, '--limit', '2'], { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.stdout).toMatch(/│ customer │ name +│ tier/);
    expect(tty.stdout).toMatch(/│ D1 +│ Dropping Cafe Ltd +│ platinum │ decline/);
    expect(tty.stdout).toContain('720.00');
    expect(tty.stdout).not.toContain('W1');
    expect(tty.stdout).not.toContain('customer_id,');
    const piped = await ok(['customers', '--as-of', AS_OF, '--limit', '2']);
    expect(csvRecords(piped.stdout).map((x) => x.customer_id)).toEqual(['D1', 'Y1']);
  });

  it.each([
    [['--tier', 'diamond'], /--tier/],
    [['--stage', 'dead'], /--stage/],
    [['--exit', 'vanished'], /--exit/],
    [['--type', 'alien'], /--type/],
    [['--sort', 'bogus'], /--sort/],
    [['--sort', 'value:up'], /--sort/],
    [['--sort', 'value:asc:desc'], /--sort/],
    [['--limit', '0'], /--limit/],
    [['--limit', 'ten'], /--limit/],
    [['--segment', 'Whales'], /Whales/],
  ])('refuses customers %j with exit 2 and one line', async (args, pattern) => {
    await loadShop();
    expectOneLineError(await rp(['customers', '--as-of', AS_OF, ...args]), 2, pattern);
  });

  it('hints at the valid names for an unknown sort column or segment', async () => {
    await loadShop();
    const sort = await rp(['customers', '--as-of', AS_OF, '--sort', 'bogus']);
    expect(sort.stderr.split('\n')[1]).toMatch(/^hint: .*recency_days/);
    const seg = await rp(['customers', '--as-of', AS_OF, '--segment', 'Whales']);
    expect(seg.stderr.split('\n')[1]).toMatch(/^hint: .*Champions/);
  });
});

describe('rapport customer: the card', () => {
  it('gives the documented JSON keys, the value rank and the analysis row', async () => {
    await loadShop();
    const c = await card('D1');
    expect(Object.keys(c)).toEqual([
      'as_of',
      'currency',
      'customer',
      'analysis',
      'why',
      'value_rank',
      'customers_ranked',
      'monthly_spend',
      'recent_transactions',
      'complaints',
    ]);
    expect(Object.keys(c.customer!)).toEqual(['id', 'name', 'email', 'phone', 'type', 'account_manager', 'created_date']);
    expect(c.customer).toMatchObject({ id: 'D1', name: 'Dropping Cafe Ltd', email: 'cafe@dropping.example', type: 'business' });
    expect(Object.keys(c.analysis!)).toEqual(CUSTOMER_COLUMNS);
    expect(c.analysis).toMatchObject({ customer_id: 'D1', tier: 'platinum', stage: 'decline', monetary: 72000 });
    expect(Object.keys(c.why!)).toEqual(['r', 'f', 'm', 'rule']);
    expect(c.value_rank).toBe(1);
    expect(c.customers_ranked).toBe(11);
    // W1 is third by value (after D1 72000 and Y1 50000).
    expect((await card('W1')).value_rank).toBe(3);
  });

  it('lists recent transactions newest first, up to --transactions, none after the as-of date', async () => {
    await loadShop();
    const c = await card('W1', ['--transactions', '2']);
    expect(c.recent_transactions.map((x) => [x.date, x.external_id, x.amount, x.product])).toEqual([
      ['2025-10-31', 'W-06', 2000, 'Tea'],
      ['2025-10-24', 'W-05', 2000, 'Tea'],
    ]);
    expect(Object.keys(c.recent_transactions[0]!).sort()).toEqual(['amount', 'channel', 'date', 'external_id', 'product', 'product_name', 'quantity', 'time']);
    // As of 2026-01-31 the January purchase is the newest.
    expect((await card('W1', ['--transactions', '1'], '2026-01-31')).recent_transactions.map((x) => x.external_id)).toEqual(['W-07']);
  });

  it('sums net spend per month over the last --months months, refunds included', async () => {
    await loadShop();
    // F1: November 30.00; December 30.00 + 30.00 - 10.00 = 50.00.
    expect((await card('F1', ['--months', '3'])).monthly_spend).toEqual([
      { month: '2025-10', net: 0 },
      { month: '2025-11', net: 3000 },
      { month: '2025-12', net: 5000 },
    ]);
    // W1 across the year end, as of 2026-01-31: October 5 × 20.00 (09-26 is in September), January 20.00.
    expect((await card('W1', ['--months', '4'], '2026-01-31')).monthly_spend).toEqual([
      { month: '2025-10', net: 10000 },
      { month: '2025-11', net: 0 },
      { month: '2025-12', net: 0 },
      { month: '2026-01', net: 2000 },
    ]);
  });

  it('fails with exit 1 for an unknown customer id', async () => {
    await loadShop();
    const r = await rp(['customer', 'NOPE', '--as-of', AS_OF]);
    expectOneLineError(r, 1);
    expect(r.stderr.split('\n')[0]).toBe('rapport: no customer "NOPE"');
  });

  it('shows a known customer with no purchases up to the as-of date, without analysis', async () => {
    await loadShop();
    const z = await card('Z1');
    expect(z.customer).toMatchObject({ id: 'Z1', name: 'Zoe Notyet', type: 'consumer' });
    expect(z.analysis).toBeNull();
    expect(z.why).toBeNull();
    expect(z.value_rank).toBeNull();
    expect(z.recent_transactions).toEqual([]);
    // W1 before their first purchase (2025-09-26).
    const w = await card('W1', [], '2025-09-01');
    expect(w.customer?.name).toBe('Wendy Weekly');
    expect(w.analysis).toBeNull();
    expect(w.recent_transactions).toEqual([]);
    const tty = await ok(['customer', 'Z1', '--as-of', AS_OF], { tty: true, env: { NO_COLOR: '1' } });
    expect(tty.stdout).toContain('Zoe Notyet');
    expect(tty.stdout).toContain('no purchases up to this date');
  });

  it('zh-CN: the score lines space an amount from the word after it, as the catalogue spaces numbers (was 2,500.00的客户); a unit stays joined', async () => {
    await loadShop();
    const lines = (await ok(['--lang', 'zh-CN', '--format', 'table', 'customer', 'D1', '--as-of', AS_OF])).stdout.split('\n');
    expect(lines.find((l) => l.includes('  M 5'))).toMatch(/按分位数：720\.00 至 2,500\.00 的客户得 5 分$/);
    expect(lines.find((l) => l.includes('  R 5'))).toMatch(/按分位数：1 至 9 天的客户得 5 分$/);
  });

  it('refuses --months 0 with exit 2', async () => {
    await loadShop();
    expectOneLineError(await rp(['customer', 'W1', '--as-of', AS_OF, '--months', '0']), 2, /--months/);
  });
});

describe('rapport snapshots', () => {
  it('lists one snapshot per as-of date; segmenting a date again replaces its snapshot', async () => {
    await loadShop();
    await ok(['segment', '--as-of', AS_OF]);
    await ok(['segment', '--as-of', '2025-06-30']);
    await ok(['segment', '--as-of', AS_OF]);
    const list = await snapshots();
    expect(list.map((s) => [s.as_of, s.customers, s.current]).sort()).toEqual([
      ['2025-06-30', 5, true],
      ['2025-12-31', 11, true],
    ]);
    for (const s of list) expect(Object.keys(s)).toEqual(['kind', 'id', 'as_of', 'created_at', 'customers', 'value_basis', 'current', 'horizon_days']);
  });

  it('gives a replaced snapshot a new id, never the old one', async () => {
    await loadShop();
    const first = await summary();
    const again = await summary();
    expect(again.snapshot_id).not.toBe(first.snapshot_id);
    expect((await snapshots()).map((s) => s.id)).toEqual([again.snapshot_id]);
  });

  it('replaces the snapshot with one that sees newly imported data', async () => {
    await loadShop();
    await ok(['segment', '--as-of', AS_OF]);
    // later.csv adds G1, who bought on 2025-12-15.
    await ok(['-q', 'import', 'transactions', fx('later.csv')]);
    const s = await summary();
    expect(s.customers).toBe(12);
    const list = await snapshots();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ as_of: AS_OF, customers: 12, current: true, id: s.snapshot_id });
  });

  it('stops being current once transactions are imported after it', async () => {
    await loadShop();
    await ok(['segment', '--as-of', AS_OF]);
    expect((await snapshots())[0]!.current).toBe(true);
    await ok(['-q', 'import', 'transactions', fx('later.csv')]);
    expect((await snapshots())[0]!.current).toBe(false);
    // And customers does not serve the stale snapshot: G1 is there.
    expect(ids(await customers(['--sort', 'customer_id']))).toContain('G1');
  });

  it('stops being current once a setting changes, and customers follows the new setting', async () => {
    await loadShop();
    await ok(['segment', '--as-of', AS_OF]);
    await ok(['config', 'set', 'tier.window_days', '0']);
    expect((await snapshots())[0]!.current).toBe(false);
    // Value is now all-history net revenue: Y1 250000 leads D1 72000.
    expect((await one('Y1')).tier).toBe('platinum');
  });

  it('prints a human table on a terminal', async () => {
    await loadShop();
    await ok(['-q', 'segment', '--as-of', AS_OF]);
    const r = await ok(['snapshots'], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.stdout).toMatch(/2025-12-31/);
    expect(r.stdout).toMatch(/│ +11 │/);
  });
});

describe('rapport config', () => {
  it('round-trips set, get, list and unset', async () => {
    await loadShop();
    expect(await configGet('tier.cuts')).toBe('5,15,30');
    const set = await ok(['config', 'set', 'tier.cuts', '10, 20, 30']);
    expect(set.stderr).toContain('tier.cuts = 10,20,30');
    expect(await configGet('tier.cuts')).toBe('10,20,30');
    expect(parseJson<{ key: string; value: string }>(await ok(['--format', 'json', 'config', 'get', 'tier.cuts']))).toEqual({
      key: 'tier.cuts',
      value: '10,20,30',
    });
    // --format csv: a header row, as config list's CSV has (it printed the bare value); piped without it, bare for the shell.
    expect((await ok(['--format', 'csv', 'config', 'get', 'tier.cuts'])).stdout).toBe('key,value\ntier.cuts,"10,20,30"\n');
    expect((await ok(['config', 'get', 'tier.cuts'])).stdout).toBe('10,20,30\n');
    let list = parseJson<SettingRow[]>(await ok(['--format', 'json', 'config', 'list']));
    expect(list.find((s) => s.key === 'tier.cuts')).toMatchObject({ value: '10,20,30', default: '5,15,30', changed: true });
    expect(list.find((s) => s.key === 'rfm.bins')).toMatchObject({ value: '5', changed: false });
    await ok(['config', 'unset', 'tier.cuts']);
    expect(await configGet('tier.cuts')).toBe('5,15,30');
    list = parseJson<SettingRow[]>(await ok(['--format', 'json', 'config', 'list']));
    expect(list.find((s) => s.key === 'tier.cuts')!.changed).toBe(false);
    for (const key of [
      'rfm.bins',
      'rfm.recency_days',
      'rfm.frequency',
      'rfm.monetary',
      'rfm.segments',
      'tier.method',
      'tier.cuts',
      'tier.window_days',
      'lifecycle.window_days',
      'lifecycle.drop_share',
    ]) {
      expect(list.map((s) => s.key)).toContain(key);
    }
  });

  it('stores a share written as a percentage as a fraction', async () => {
    await loadShop();
    await ok(['config', 'set', 'lifecycle.drop_share', '25%']);
    expect(await configGet('lifecycle.drop_share')).toBe('0.25');
  });

  it.each([
    ['rfm.bins', '6'],
    ['rfm.bins', 'five'],
    ['tier.method', 'median'],
    ['tier.cuts', '5,15'],
    ['tier.cuts', '5,15,130'],
    ['tier.window_days', '-1'],
    ['tier.window_days', '1.5'],
    ['lifecycle.drop_share', '1.5'],
    ['lifecycle.decline_gaps', '0'],
    ['rfm.recency_days', '30,7,90,365'],
    ['rfm.segments', 'Champions r4'],
    ['rfm.segments', 'Other: r1-5'],
    ['rfm.segments', 'Top: r9'],
  ])('refuses %s = %s with exit 2 and keeps the old value', async (key, value) => {
    await loadShop();
    const before = await configGet(key);
    expectOneLineError(await rp(['config', 'set', key, value]), 2, new RegExp(key.replace('.', '\\.')));
    expect(await configGet(key)).toBe(before);
  });

  it('refuses an unknown key with exit 2 and a hint listing the settings', async () => {
    await loadShop();
    for (const args of [
      ['get', 'rfm.colour'],
      ['set', 'rfm.colour', 'blue'],
      ['unset', 'rfm.colour'],
    ]) {
      const r = await rp(['config', ...args]);
      expectOneLineError(r, 2, /rfm\.colour/);
      expect(r.stderr.split('\n')[1]).toMatch(/^hint: .*rfm\.bins/);
    }
  });

  it('refuses settings that conflict with each other, on set and on unset', async () => {
    await loadShop();
    // rfm.bins is 5: recency needs 4 cut points.
    expectOneLineError(await rp(['config', 'set', 'rfm.recency_days', '7,30,90']), 2, /rfm\.recency_days/);
    await ok(['config', 'set', 'rfm.recency_days', '7,30,90,365']);
    // Now 4 bins would need 3 cut points.
    expectOneLineError(await rp(['config', 'set', 'rfm.bins', '4']), 2, /rfm\.bins/);
    expect(await configGet('rfm.bins')).toBe('5');
    // Rank cuts are sizes: they must add up to 100 at most.
    expectOneLineError(await rp(['config', 'set', 'tier.cuts', '50,40,30']), 2, /tier\.cuts/);
    // Stability must need more purchases than exploration allows (2).
    expectOneLineError(await rp(['config', 'set', 'lifecycle.stability_min_purchases', '2']), 2);
    // Ended needs at least as many gaps as decline (3).
    expectOneLineError(await rp(['config', 'set', 'lifecycle.ended_gaps', '2']), 2);
    // Going back to 5 bins with 3 recency cut points does not fit either.
    await ok(['config', 'unset', 'rfm.recency_days']);
    await ok(['config', 'set', 'rfm.bins', '4']);
    await ok(['config', 'set', 'rfm.recency_days', '7,30,90']);
    expectOneLineError(await rp(['config', 'unset', 'rfm.bins']), 2, /rfm\.bins/);
    expect(await configGet('rfm.bins')).toBe('4');
  });

  it('values customers over all history with tier.window_days 0', async () => {
    await loadShop();
    await ok(['config', 'set', 'tier.window_days', '0']);
    // All-history net: Y1 250000, D1 72000, L1 40000, X1 20000, W1 12000, F1 8000, M1 4500,
    // S1 2250, E1 1500, N1 0, R1 -2000. Cuts at ranks 1, 2 and 6.
    const rows = await customers();
    expect(ids(rows)).toEqual(['Y1', 'D1', 'L1', 'X1', 'W1', 'F1', 'M1', 'S1', 'E1', 'N1', 'R1']);
    expect(rows.map((r) => r.tier)).toEqual(['platinum', 'gold', 'iron', 'iron', 'iron', 'iron', 'lead', 'lead', 'lead', 'lead', 'lead']);
    expect(rows.map((r) => r.value)).toEqual([250000, 72000, 40000, 20000, 12000, 8000, 4500, 2250, 1500, 0, -2000]);
    expect((await summary(['--no-save'])).revenue_window_days).toBe(0);
  });

  it('scores recency by the cut points given, and names segments by the rules given', async () => {
    await loadShop();
    await ok(['config', 'set', 'rfm.recency_days', '7,30,90,365']);
    await ok(['config', 'set', 'rfm.segments', 'Fresh: r5 | Warm: r3-4 | Cold: r1-2']);
    expect(await configGet('rfm.segments')).toBe('Fresh: r5 | Warm: r3-4 | Cold: r1-2');
    // Recency: <= 7 days scores 5, <= 30 scores 4, <= 90 scores 3, <= 365 scores 2, more 1.
    // R1 has refunds only: no purchase, so 1 on every dimension whatever the cut points.
    const rows = await customerMap();
    const r = Object.fromEntries(Object.values(rows).map((c) => [c.customer_id, c.r_score]));
    expect(r).toEqual({ D1: 5, F1: 4, S1: 4, N1: 4, R1: 1, W1: 3, Y1: 3, E1: 1, L1: 1, M1: 1, X1: 1 });
    const s = await summary(['--no-save']);
    expect(s.segments.map((g) => [g.name, g.customers])).toEqual([
      ['Fresh', 1],
      ['Warm', 5],
      ['Cold', 5],
    ]);
    // --segment is case-insensitive.
    expect(ids(await customers(['--segment', 'WARM', '--sort', 'customer_id']))).toEqual(['F1', 'N1', 'S1', 'W1', 'Y1']);
    expect(ids(await customers(['--segment', 'cold', '--sort', 'customer_id']))).toEqual(['E1', 'L1', 'M1', 'R1', 'X1']);
    // The old default names are gone.
    expectOneLineError(await rp(['customers', '--as-of', AS_OF, '--segment', 'Champions']), 2);
  });

  it('names customers no rule matches "Other", and warns about the gaps when set', async () => {
    await loadShop();
    await ok(['config', 'set', 'rfm.recency_days', '7,30,90,365']);
    const set = await ok(['config', 'set', 'rfm.segments', 'Recent: r5']);
    expect(set.stderr).toMatch(/match no rule/);
    const s = await summary(['--no-save']);
    expect(s.segments.map((g) => [g.name, g.customers])).toEqual([
      ['Recent', 1],
      ['Other', 10],
    ]);
    expect(ids(await customers(['--segment', 'recent']))).toEqual(['D1']);
    expect(await customers(['--segment', 'other'])).toHaveLength(10);
  });

  it('reads monetary cut points in currency units', async () => {
    await loadShop();
    await ok(['config', 'set', 'rfm.monetary', '10,100,500,1000']);
    // Net: Y1 2500.00 -> 5; D1 720.00 -> 4; L1 400.00, X1 200.00, W1 120.00 -> 3;
    // F1 80.00, M1 45.00, S1 22.50, E1 15.00 -> 2; N1 0.00, R1 -20.00 -> 1.
    const m = Object.fromEntries((await customers()).map((c) => [c.customer_id, c.m_score]));
    expect(m).toEqual({ Y1: 5, D1: 4, L1: 3, X1: 3, W1: 3, F1: 2, M1: 2, S1: 2, E1: 2, N1: 1, R1: 1 });
  });

  it('applies lifecycle settings to the stages', async () => {
    await loadShop();
    // Overdue only after 90 days: W1 (61 days silent) is no longer in decline; forming.
    await ok(['config', 'set', 'lifecycle.decline_min_days', '90']);
    expect((await one('W1')).stage).toBe('formation');
    await ok(['config', 'unset', 'lifecycle.decline_min_days']);
    expect((await one('W1')).stage).toBe('decline');
    // drop_share 0 turns the spending-drop test off: D1 is forming (first purchase under 180 days back).
    await ok(['config', 'set', 'lifecycle.drop_share', '0']);
    expect((await one('D1')).stage).toBe('formation');
  });

  it('uses the population gap for customers with fewer own gaps than lifecycle.own_gap_min_gaps', async () => {
    await loadShop();
    await ok(['config', 'set', 'lifecycle.own_gap_min_gaps', '3']);
    const rows = await customerMap();
    // F1 and M1 have 2 gaps each: now the population's 31; W1 (5 gaps) keeps their own 7.
    expect(rows.F1!.typical_gap_days).toBe(31);
    expect(rows.M1!.typical_gap_days).toBe(31);
    expect(rows.W1!.typical_gap_days).toBe(7);
  });
});
