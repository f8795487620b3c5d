/**
 * Tables on a terminal stop at 200 rows with a line saying how many more there are, unless
 * --limit asks for a number; CSV, JSON and a table written to a file or pipe have every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from './helpers.js';

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

  it('churn: the same cap, and the rows shown are the first of the full order', async () => {
    const csv = (await run(['--db', t.db, '--format', 'csv', 'churn', '--as-of', AS_OF], { tty: true })).stdout.trim().split('\n').slice(1);
    const screen = await run(['--db', t.db, '--no-color', 'churn', '--as-of', AS_OF], { tty: true });
    const shown = ids(screen.stdout).map((l) => /C\d{4}/.exec(l)![0]);
    expect(shown).toEqual(csv.slice(0, 200).map((l) => l.split(',')[0]));
    expect(screen.stdout).toContain(`… and ${csv.length - 200} more`);
  });

  it('a table written to a pipe or a file has every row', async () => {
    const piped = await run(['--db', t.db, '--format', 'table', 'customers', '--as-of', AS_OF]);
    const all = (await run(['--db', t.db, '--format', 'csv', 'customers', '--as-of', AS_OF])).stdout.trim().split('\n').length - 1;
    expect(ids(piped.stdout)).toHaveLength(all);
    expect(piped.stdout).not.toContain('more:');
  });
});
