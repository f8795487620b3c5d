/**
 * Issue 21 and 24's terminal part: tables keep what matters at a narrow width (each command says
 * which columns go first; ids, the sort key, risk and money stay), a column empty in every row
 * goes, a very long cell is cut (and whole with --width); percentages that never contradict their
 * level; "1 day"; the currency note; and the as-of default for an old export (analysis.as_of).
 */
import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.js';
import { printRows, type Column } from '../../src/cli/output.js';
import { riskPercent } from '../../src/core/model/churn.js';
import { usedColumns } from '../../src/reports/render.js';
import { fixture, run, tempDir } from '../helpers.js';

function table(width: number | null, columns: Column[], rows: Record<string, unknown>[], whole = false): string {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const io: IO = {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    stdoutIsTTY: true,
    width,
    widthAsked: whole,
    progress: false,
    color: false,
    canPrompt: false,
    quiet: true,
    env: {},
    cwd: '/',
  };
  printRows(io, 'table', columns, rows);
  return text;
}

describe('tables keep what matters', () => {
  const cols: Column[] = [
    { key: 'customer_id' },
    { key: 'name' },
    { key: 'tier' },
    { key: 'stage', drop: 4 },
    { key: 'segment', drop: 2 },
    { key: 'rfm', drop: 1 },
    { key: 'last_purchase', drop: 3 },
    { key: 'frequency', align: 'right', drop: 5 },
    { key: 'monetary', align: 'right' },
    { key: 'value', align: 'right' },
  ];
  const rows = [
    {
      customer_id: 'C0021',
      name: 'Arthur Jones',
      tier: 'platinum',
      stage: 'formation',
      segment: 'Champions',
      rfm: '555',
      last_purchase: '2026-10-24',
      frequency: 53,
      monetary: '2,497.06',
      value: '2,497.06',
    },
    {
      customer_id: 'C0033',
      name: 'José Jones',
      tier: 'platinum',
      stage: 'decline',
      segment: "Can't Lose Them",
      rfm: '455',
      last_purchase: '2026-09-15',
      frequency: 58,
      monetary: '3,461.58',
      value: '1,786.71',
    },
  ];

  it('at 80 columns leaves out the declared columns first, in order, and keeps money and ids whole', () => {
    const out = table(80, cols, rows);
    for (const l of out
      .trimEnd()
      .split('\n')
      .filter((x) => !x.startsWith('(')))
      expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    for (const whole of ['C0021', '2,497.06', '3,461.58', '1,786.71', 'Arthur Jones']) expect(out).toContain(whole);
    expect(out).toMatch(/not shown at this width: stage, segment, rfm, last_purchase;/);
    expect(out).toContain('frequency');
    expect(out).toMatch(/│ monetary │ +value │/);
    // Wider, nothing goes.
    expect(table(200, cols, rows)).not.toContain('not shown');
  });

  it('cuts a path in the middle, keeping its base name', () => {
    const c: Column[] = [
      { key: 'id', align: 'right' },
      { key: 'file_name', cutMiddle: true },
      { key: 'rows', align: 'right' },
    ];
    const out = table(50, c, [{ id: 1, file_name: '/home/someone/exports/2024/shop-orders-december.csv', rows: '1,234' }]);
    expect(out).toMatch(/│ \/home\/?[^ ]*…[^ ]*shop-orders-december\.csv │/);
  });

  it('leaves out a column empty in every row of a report table (HTML and Markdown), keeps it when one row has it', () => {
    const tb = {
      name: 'watchlist',
      columns: [
        { key: 'customer_id', header: 'customer', kind: 'text' as const },
        { key: 'name', header: 'name', kind: 'text' as const },
      ],
      rows: [
        { customer_id: 'C1', name: null },
        { customer_id: 'C2', name: '' },
      ],
    };
    const r = { exponent: 2, currency: null };
    expect(usedColumns(tb, r).columns.map((c) => c.key)).toEqual(['customer_id']);
    expect(usedColumns({ ...tb, rows: [...tb.rows, { customer_id: 'C3', name: 'Ann' }] }, r).columns).toHaveLength(2);
  });

  it('cuts a 200,000-character cell with a marker on a terminal; --width gives it whole', () => {
    const long = Array.from({ length: 40_000 }, (_, i) => `w${i}`)
      .join(' ')
      .slice(0, 200_000);
    const c: Column[] = [{ key: 'line', align: 'right' }, { key: 'raw' }];
    const cut = table(120, c, [{ line: 3, raw: long }]);
    expect(cut).toContain('…');
    expect(cut.split('\n').length).toBeLessThan(20);
    const whole = table(120, c, [{ line: 3, raw: long }], true);
    expect(whole.replace(/[│\s]+/g, ' ')).toContain(long.slice(-200).split(' ').slice(1).join(' '));
    for (const l of whole.trimEnd().split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(120);
  });
});

describe('words and numbers', () => {
  it('a percentage never contradicts its risk level', () => {
    const s = { mediumRisk: 0.5, highRisk: 0.75 };
    expect(riskPercent(0.749, s)).toBe('74.9');
    expect(riskPercent(0.7496, s)).toBe('74.9');
    expect(riskPercent(0.75, s)).toBe('75');
    expect(riskPercent(0.4999, s)).toBe('49.9');
    expect(riskPercent(0.634, s)).toBe('63');
    expect(riskPercent(0.74999, s, 1)).toBe('74.99');
  });

  it("a reason's percentage is the risk column's: rounded from the three decimals the table holds", () => {
    const s = { mediumRisk: 0.5, highRisk: 0.75 };
    // 0.43489 is 0.435 in the table's column (44%); the reason said "only 43%" from the raw value.
    expect(riskPercent(0.43489, s)).toBe(riskPercent(0.435, s));
    expect(riskPercent(0.43489, s)).toBe('44');
  });

  let t: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    t = tempDir();
    const r = await run(['--db', t.db, 'import', 'transactions', fixture('sample', 'transactions.csv')]);
    expect(r.code, r.stderr).toBe(0);
    // said once, on stderr, when no currency is set
    expect(r.stderr.match(/no currency is set/g)).toHaveLength(1);
    expect(r.stderr).toContain('--currency');
  }, 30_000);
  afterAll(() => t.cleanup());

  it('"1 day ago", not "1 days ago"', async () => {
    const csv = (await run(['--db', t.db, '--format', 'csv', 'customers', '--as-of', '2026-10-31'])).stdout.trim().split('\n');
    const head = csv[0]!.split(',');
    const at = head.indexOf('last_purchase');
    const id = csv
      .slice(1)
      .find((l) => l.split(',')[at] === '2026-10-30')!
      .split(',')[0]!;
    const card = await run(['--db', t.db, 'customer', id, '--as-of', '2026-10-31'], { tty: true });
    expect(card.stdout).toContain('(1 day ago)');
    expect(card.stdout).not.toMatch(/\b1 days/);
  });
});

describe('the default as-of on an old export (analysis.as_of)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeAll(() => {
    t = tempDir();
  });
  afterAll(() => t.cleanup());

  it('warns with the hint, follows the setting, and export says which stale snapshot it used', async () => {
    // Weekly buyers whose history ended in 2015: stale as of today after 4 usual gaps.
    const lines = ['customer_id,date,amount'];
    for (let c = 1; c <= 20; c++)
      for (let w = 0; w < 30; w++) lines.push(`C${c},${new Date(Date.UTC(2014, 8, 1) + (w * 7 + c) * 86_400_000).toISOString().slice(0, 10)},10.00`);
    const file = t.file('old.csv', lines.join('\n') + '\n');
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', file])).code).toBe(0);
    const last = lines
      .map((l) => l.split(',')[1]!)
      .filter((d) => /^\d/.test(d))
      .sort()
      .pop()!;

    const first = await run(['--db', t.db, 'segment']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/before today, the default as-of date: more than 4 of the shop's usual gaps between purchases \(\d+ days\)/);
    expect(first.stderr).toContain('rapport config set analysis.as_of last-sale');
    expect(first.stderr).toContain(`--as-of ${last}`);

    const exported = await run(['--db', t.db, 'export', 'segments']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/warning: exporting snapshot 1, as of \d{4}-\d\d-\d\d, long after the newest sale/);

    expect((await run(['--db', t.db, 'config', 'set', 'analysis.as_of', 'last-sale'])).code).toBe(0);
    const second = await run(['--db', t.db, 'segment']);
    expect(second.stderr).not.toContain('warning');
    const snaps = (await run(['--db', t.db, '--format', 'csv', 'snapshots'])).stdout;
    expect(snaps).toContain(`,${last},`);
    const again = await run(['--db', t.db, 'export', 'segments']);
    expect(again.stderr).not.toContain('warning');
    expect(again.stdout.split('\n')[1]).toContain(last);

    const bad = await run(['--db', t.db, 'config', 'set', 'analysis.as_of', 'yesterday']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('last-sale');
  });
});

describe('planTable: a short prose column wraps too, so long prose is wrapped rather than cut', () => {
  it("churn's watchlist at 80 columns: names wrap between words and the reasons stay whole", async () => {
    const { planTable } = await import('../../src/cli/output.js');
    const cols = [
      { key: 'customer_id' },
      { key: 'name' },
      { key: 'risk_level' },
      { key: 'churn_risk', align: 'right' as const },
      { key: 'clv', align: 'right' as const },
      { key: 'keep_value', align: 'right' as const },
      { key: 'reasons' },
    ];
    const head = ['customer', 'name', 'risk', 'p', 'value GBP', 'to keep', 'reasons'];
    const reason = 'no purchase for 88 days, 16.0× their usual 5.5-day gap; spend down 90% on the previous 90 days';
    const cells = [
      ['C0085', 'Liam Nguyen', 'high', '93%', '31.59', '446.56', reason],
      ['C0316', 'Olivia Clarke', 'high', '83%', '78.82', '307.94', 'one-time buyer, 44 days ago'],
    ];
    const plan = planTable(cols, head, cells, 80);
    expect(plan.wrap).toBe(true);
    expect(plan.hidden).toEqual([]);
    // Wrapped, the reasons column is at least WRAP_MIN wide and every line of it fits.
    expect(plan.widths[6]!).toBeGreaterThanOrEqual(16);
    expect(plan.widths.reduce((a, w) => a + w + 3, 1)).toBeLessThanOrEqual(80);
  });
});
