/**
 * One history, two back ends: the same files imported into a SQLite file and into a PostgreSQL
 * database give byte-identical output from the commands people and scripts read (issue 16).
 * Runs only with RAPPORT_TEST_PG (vitest.config.ts).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';
import { createTestDb, type TestDb } from './pgHelpers.js';

const SAMPLE = path.resolve('fixtures/sample');
const AS_OF = '2026-10-31';
let pg: TestDb;
let tmp: ReturnType<typeof tempDir>;

/** Runs the same command on both stores: [sqlite, postgres]. */
async function both(args: string[], env: Record<string, string> = {}): Promise<[Awaited<ReturnType<typeof run>>, Awaited<ReturnType<typeof run>>]> {
  const a = await run(['--db', tmp.db, ...args], { env: { ...process.env, ...env } as Record<string, string> });
  const b = await run(['--db', pg.url, ...args], { env: { ...process.env, ...env } as Record<string, string> });
  return [a, b];
}

/** Import-record fields that are the moment of the run, not the data. */
const moment = (text: string): string => text.replace(/"(started_at|finished_at|created_at|seconds)": ?("[^"]*"|[\d.]+)/g, '"$1": "…"');

beforeAll(async () => {
  pg = await createTestDb();
  tmp = tempDir();
  for (const args of [
    ['import', 'customers', path.join(SAMPLE, 'customers.csv')],
    ['import', 'transactions', path.join(SAMPLE, 'transactions.csv'), '--currency', 'GBP'],
  ]) {
    const [a, b] = await both(['-q', ...args]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
  }
}, 300_000);

afterAll(async () => {
  await pg?.drop();
  tmp?.cleanup();
});

describe('the same history in SQLite and PostgreSQL', () => {
  it('imports the same rows: counts, duplicates on a second import, status', async () => {
    const [a, b] = await both([
      '--format',
      'json',
      'import',
      'transactions',
      path.join(SAMPLE, 'transactions.csv'),
      '--currency',
      'GBP',
      '--no-dedupe',
      '--dry-run',
    ]);
    expect(b.code).toBe(a.code);
    const [sa, sb] = await both(['--format', 'json', 'status']);
    const strip = (t: string): unknown => {
      const o = JSON.parse(t) as Record<string, unknown>;
      delete o.database;
      delete o.store;
      return JSON.parse(moment(JSON.stringify(o, null, 1)));
    };
    expect(strip(sb.stdout)).toEqual(strip(sa.stdout));
  });

  it('segment, customers, model and churn print byte-identical JSON', async () => {
    for (const args of [
      ['segment', '--as-of', AS_OF],
      ['customers', '--as-of', AS_OF],
      ['customers', '--as-of', AS_OF, '--tier', 'platinum', '--sort', 'value'],
      ['model', '--as-of', AS_OF],
      ['churn', '--as-of', AS_OF],
      ['churn', 'backtest', '--cutoff', '2026-04-30'],
      ['customers', '--as-of', AS_OF],
    ]) {
      const [a, b] = await both(['--format', 'json', ...args]);
      expect(a.code, `${args.join(' ')}: ${a.stderr}`).toBe(0);
      expect(b.code, `${args.join(' ')}: ${b.stderr}`).toBe(0);
      expect(moment(b.stdout), args.join(' ')).toBe(moment(a.stdout));
    }
  }, 300_000);

  it('reports and exports are byte-identical', async () => {
    for (const args of [
      ['report', 'summary', '--as-of', AS_OF],
      ['report', 'cohorts', '--as-of', AS_OF],
      ['export', 'segments'],
      ['export', 'customers'],
    ]) {
      const [a, b] = await both(['--format', 'json', ...args]);
      expect(a.code, `${args.join(' ')}: ${a.stderr}`).toBe(0);
      expect(b.code, `${args.join(' ')}: ${b.stderr}`).toBe(0);
      expect(b.stdout, args.join(' ')).toBe(a.stdout);
    }
    // Transactions: the same rows, each from the same line of the same import. Their ids are the
    // store's own numbering (SQLite numbers a batch's duplicate-rule conflicts after the batch), so
    // they are compared without it.
    const [a, b] = await both(['--format', 'json', 'export', 'transactions']);
    const rows = (text: string): string[] => (JSON.parse(text) as Record<string, unknown>[]).map(({ id: _id, ...rest }) => JSON.stringify(rest)).sort();
    expect(rows(b.stdout)).toEqual(rows(a.stdout));
  }, 300_000);

  it('complaints logged by flags read back the same', async () => {
    const first = (await run(['--db', tmp.db, '--format', 'json', 'customers', '--as-of', AS_OF, '--limit', '1'])).stdout;
    const id = (JSON.parse(first) as { customer_id: string }[])[0]!.customer_id;
    for (const args of [
      ['complaint', 'add', '--customer', id, '--category', 'service', '--summary', '等了很久 waited', '--at', '2026-10-01T10:00:00Z'],
      ['complaint', 'update', '1', '--status', 'in_progress', '--at', '2026-10-02T10:00:00Z'],
      ['complaint', 'resolve', '1', '--resolution', 'refunded', '--satisfied', 'yes', '--compensation', '5.00', '--at', '2026-10-03T10:00:00Z'],
    ]) {
      const [a, b] = await both(['--format', 'json', ...args]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
    }
    for (const args of [
      ['complaint', 'list'],
      ['complaint', 'show', '1'],
      ['complaint', 'summary', '--as-of', AS_OF],
      ['churn', '--as-of', AS_OF],
    ]) {
      const [a, b] = await both(['--format', 'json', ...args]);
      expect(b.stdout, args.join(' ')).toBe(a.stdout);
    }
  }, 300_000);
});
