/**
 * Tables on a terminal stop at 200 rows with a line saying how many more there are, unless
 * --limit asks for a number; CSV, JSON and a table written to a file or pipe have every row.
 * And they fit the terminal's width by wrapping long text between words.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.js';
import { displayWidth, fitColumns, printRows, type Column } from '../../src/cli/output.js';
import { fixture, run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
const AS_OF = '2026-10-31';
beforeAll(async () => {
  t = tempDir();
  const r = await run(['--db', t.db, '-q', 'import', 'transactions', fixture('sample', 'transactions.csv')]);
  expect(r.code, r.stderr).toBe(0);
}, 30_000);
afterAll(() => t.cleanup());

const ids = (out: string): string[] => out.split('\n').filter((l) => /^\W*C\d{4}\b/.test(l));

describe('tables on a terminal', () => {
  it('customers: 200 rows and a count of the rest; --limit shows what it asks for', async () => {
    const all = (await run(['--db', t.db, '--format', 'csv', 'customers', '--as-of', AS_OF], { tty: true })).stdout.trim().split('\n').length - 1;
    expect(all).toBeGreaterThan(300);
    const screen = await run(['--db', t.db, '--no-color', 'customers', '--as-of', AS_OF], { tty: true });
    expect(screen.code).toBe(0);
    expect(ids(screen.stdout)).toHaveLength(200);
    expect(screen.stdout).toContain(`… and ${all - 200} more: --limit N shows more, --format csv or json gives them all`);
    const limited = await run(['--db', t.db, '--no-color', 'customers', '--as-of', AS_OF, '--limit', '300'], { tty: true });
    expect(ids(limited.stdout)).toHaveLength(300);
    expect(limited.stdout).not.toContain('more:');
  });

  it('churn: each list its own cap, 10 to call and 5 to win back, the first of each in the full order, and a count of the rest of each', async () => {
    const data = JSON.parse((await run(['--db', t.db, '--format', 'json', 'churn', '--as-of', AS_OF], { tty: true })).stdout) as {
      customer_id: string;
      list: string;
    }[];
    const calls = data.filter((r) => r.list === 'call').map((r) => r.customer_id);
    const gone = data.filter((r) => r.list === 'win-back').map((r) => r.customer_id);
    const screen = await run(['--db', t.db, '--no-color', 'churn', '--as-of', AS_OF], { tty: true });
    const shown = ids(screen.stdout).map((l) => /C\d{4}/.exec(l)![0]);
    expect(shown).toEqual([...calls.slice(0, 10), ...gone.slice(0, 5)]);
    expect(screen.stdout).toContain(`… and ${calls.length - 10} more to call`);
    expect(screen.stdout).toContain(`… and ${gone.length - 5} more to win back`);
  });

  it("a report's --limit is its own: 300 rows asked, 300 shown, and its own count of the rest", async () => {
    const r = await run(['--db', t.db, '--no-color', 'report', 'churn', '--as-of', AS_OF, '--limit', '300'], { tty: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('--limit N shows more');
    expect(ids(r.stdout).length).toBeGreaterThan(200);
  });

  it('a table written to a pipe or a file has every row', async () => {
    const piped = await run(['--db', t.db, '--format', 'table', 'customers', '--as-of', AS_OF]);
    const all = (await run(['--db', t.db, '--format', 'csv', 'customers', '--as-of', AS_OF])).stdout.trim().split('\n').length - 1;
    expect(ids(piped.stdout)).toHaveLength(all);
    expect(piped.stdout).not.toContain('more:');
  });
});

describe('tables fit the terminal by wrapping between words', () => {
  const COLUMNS: Column[] = [{ key: 'id' }, { key: 'day' }, { key: 'why', clip: 20 }];
  function screen(width: number | null, rows: Record<string, unknown>[], columns = COLUMNS): string {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (b: Buffer) => (text += b.toString('utf8')));
    const io: IO = {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      stdoutIsTTY: true,
      width,
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
  const rows = [
    { id: 'C0001', day: '2025-12-01', why: 'no purchase for 120 days, 5.7× their usual 21-day gap; nothing spent in the last 90 days' },
    { id: 'C0002', day: '2025-11-02', why: 'one-time buyer, 30 days ago' },
  ];
  const words = (out: string): string[] => out.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').split(/\s+/);

  it('wraps the long text column to the width and keeps every word, and no date or id is cut', () => {
    const out = screen(60, rows);
    const lines = out.trimEnd().split('\n');
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(60);
    expect(lines.length).toBeGreaterThan(6); // the reasons took more than one line each
    for (const w of rows.flatMap((r) => `${r.id} ${r.day} ${r.why}`.split(' '))) expect(words(out), w).toContain(w);
  });

  it('leaves a table that fits as it is, uncut; with no width known, or too narrow a window to wrap into, it cuts long text instead', () => {
    const wide = screen(200, rows);
    expect(wide).toContain(rows[0]!.why);
    const unknown = screen(null, rows);
    expect(unknown).not.toContain(rows[0]!.why);
    expect(unknown).toContain('no purchase for 120…');
    // 12 columns of a 12-character code each cannot fit 40 columns even cut: the rightmost are
    // left out, and a line after the table names them; every line fits.
    const many: Column[] = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}` }));
    const row = Object.fromEntries(many.map((c) => [c.key, 'abcdefghijkl']));
    const narrow = screen(40, [{ ...row, why: rows[0]!.why }], [...many, { key: 'why', clip: 20 }]);
    // (the note after the table is prose, which the terminal's line fitter wraps: linefit.ts)
    for (const l of narrow
      .trimEnd()
      .split('\n')
      .filter((x) => !x.startsWith('(')))
      expect(displayWidth(l), l).toBeLessThanOrEqual(40);
    expect(narrow).toMatch(/^│ k0 /m);
    expect(narrow).toMatch(/not shown at this width: .*k11, why; a wider window or --format csv shows them/);
  });

  it('cuts the widest prose first, then codes, and never an id, a date or a number', () => {
    const cols: Column[] = [{ key: 'customer_id' }, { key: 'tier' }, { key: 'day' }, { key: 'revenue', align: 'right' }, { key: 'name' }, { key: 'why' }];
    const data = [
      {
        customer_id: 'C0000123456',
        tier: 'platinum',
        day: '2025-12-01',
        revenue: '1,234,567.89',
        name: 'Margaretha Wilhelmina van der Berg-Oosterhout',
        why: rows[0]!.why,
      },
      { customer_id: 'C0000123457', tier: 'lead', day: '2025-11-02', revenue: '12.00', name: 'Li Wei', why: rows[1]!.why },
    ];
    for (const width of [60, 70, 80]) {
      const out = screen(width, data, cols);
      for (const l of out
        .trimEnd()
        .split('\n')
        .filter((x) => !x.startsWith('(')))
        expect(displayWidth(l), l).toBeLessThanOrEqual(width);
      for (const whole of ['C0000123456', '2025-12-01', '1,234,567.89', 'C0000123457', '12.00']) expect(out).toContain(whole);
    }
    // At 80 the names and reasons are cut (not wrapped: they cannot get 20 columns each), the tier is whole.
    const at80 = screen(80, data, cols);
    expect(at80).toContain('platinum');
    expect(at80).toMatch(/│ Marg[a-z]*… +│ no purch[a-z ]*… +│/);
  });

  it('leaves out a column that is empty in every row, in every table (CSV keeps it)', () => {
    const cols: Column[] = [{ key: 'id' }, { key: 'name' }, { key: 'day' }];
    const data = [
      { id: 'C1', name: '', day: '2025-01-01' },
      { id: 'C2', name: null, day: '2025-01-02' },
    ];
    expect(screen(80, data, cols)).not.toContain('name');
    expect(screen(null, data, cols)).not.toContain('name');
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (b: Buffer) => (text += b.toString('utf8')));
    printRows(
      {
        stdout,
        stderr: new PassThrough(),
        stdin: new PassThrough(),
        stdoutIsTTY: false,
        progress: false,
        color: false,
        canPrompt: false,
        quiet: true,
        env: {},
        cwd: '/',
      },
      'csv',
      cols,
      data,
    );
    expect(text.split('\n')[0]).toBe('id,name,day');
  });

  it('fitColumns: every column its floor, the room shared by how much more each would take', () => {
    // width 40, 3 columns: 40 - 4 borders - 6 padding = 30 for the text
    expect(fitColumns([5, 10, 20], [5, 10, 6], 60)).toBe('fits');
    expect(fitColumns([5, 10, 20], [5, 10, 6], 40)).toEqual([null, null, 17]);
    expect(fitColumns([5, 30, 30], [5, 8, 8], 40)).toEqual([null, 15, 14]); // 13 + 12: the odd character to the first
    expect(fitColumns([10, 10], [10, 10], 20)).toBe('too wide');
    // a column wide only for its header gives little; the long text gets the room
    expect(fitColumns([10, 100], [5, 12], 60)).toEqual([9, 48]);
    expect([displayWidth('abc'), displayWidth('客户'), displayWidth('\x1b[1mbold\x1b[22m'), displayWidth('☕☕')]).toEqual([3, 4, 4, 4]);
  });
});

describe('a coloured cell that must be cut', () => {
  it('keeps its colour code whole and ends the colour with the cut', async () => {
    const { ioFromProcess, guarded } = await import('../../src/cli/io.js');
    const out = Object.assign(new PassThrough(), { text: '', isTTY: true, columns: 40 });
    out.on('data', (c: Buffer) => (out.text += c.toString('utf8')));
    const err = Object.assign(new PassThrough(), { isTTY: false });
    const io: IO = guarded(ioFromProcess({ stdout: out, stderr: err, stdin: new PassThrough(), env: { FORCE_COLOR: '1' }, cwd: () => '/' }));
    const red = (s: string): string => `\x1b[31m${s}\x1b[39m`;
    const columns: Column[] = [{ key: 'id' }, { key: 'name' }, { key: 'risk' }, { key: 'note' }];
    // The colour comes from the column's show(), as rapport churn colours a risk level; the data's
    // own escape codes are shown as text.
    const rows = [{ id: 'C0001', name: 'Annabel Featherstonehaugh', risk: 'medium', note: 'bought nothing for ninety days \x1b[8m' }];
    printRows(
      io,
      'table',
      columns.map((c) => (c.key === 'risk' ? { ...c, show: (v: unknown) => red(String(v)) } : c)),
      rows,
    );
    for (const line of out.text.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    // No broken sequence shown as text, and the colour opened in the cell is closed in it.
    expect(out.text).not.toContain('\\x1b[3');
    expect(out.text).not.toContain('\x1b[8m');
    const cell = out.text.split('\n').find((l) => l.includes('C0001'))!;
    expect(cell).toContain('\x1b[31m');
    expect(cell.indexOf('\x1b[39m')).toBeGreaterThan(cell.indexOf('\x1b[31m'));
  });
});
