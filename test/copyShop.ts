/** A shop with something in every table, and what each command prints of it: for the copy tests (test/store/copy.test.ts, test/pg/copy.test.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { fixture, run } from './helpers.js';

export const AS_OF = '2026-11-30';

/** A shop with something in every table: sales, customers, a rejected line, product names, settings, snapshots, a fit, complaints with history. */
export async function fullShop(db: string, dir: string): Promise<void> {
  const ok = async (args: string[]): Promise<void> => {
    const r = await run(['--db', db, '-q', ...args]);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  };
  await ok(['import', 'customers', fixture('sample', 'customers.csv'), '--currency', 'GBP']);
  const lines = fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8').trimEnd().split('\n');
  // A product name column gives the products table a row; one bad amount gives a reject.
  const header = lines[0]! + ',product_name';
  const body = lines.slice(1).map((l, i) => (i === 3 ? l.replace(/,(-?\d+\.\d\d),/, ',twelve,') : l) + (i < 5 ? ',A named thing' : ','));
  const file = path.join(dir, 'sales.csv');
  fs.writeFileSync(file, [header, ...body].join('\n') + '\n');
  const imp = await run(['--db', db, '-q', 'import', 'transactions', file]);
  expect([0, 3], imp.stderr).toContain(imp.code);
  // An overlapping export: its rows are duplicates, noted against the rows they matched.
  const overlap = path.join(dir, 'overlap.csv');
  fs.writeFileSync(overlap, [header, ...body.slice(10, 30)].join('\n') + '\n');
  await ok(['import', 'transactions', overlap]);
  await ok(['config', 'set', 'tier.window_days', '180']);
  await ok(['segment', '--as-of', AS_OF]);
  await ok(['model', '--as-of', AS_OF]);
  await ok(['churn', '--as-of', '2026-06-30', '--horizon', '90d']); // a churn list kept for a later scorecard
  await ok(['complaint', 'add', '--customer', 'C0042', '--category', 'price', '--priority', 'high', '--summary', 'too dear', '--staff', 'Ana']);
  await ok(['complaint', 'note', '1', 'called back, left a message']);
  await ok(['complaint', 'resolve', '1', '--resolution', 'price matched', '--satisfied', 'yes']);
  await ok(['complaint', 'add', '--customer', 'C0101', '--category', 'service', '--priority', 'normal', '--summary', 'late']);
}

/** What a person or a script reads, command by command, with the database's own path taken out. */
export const COMMANDS: string[][] = [
  ['status'],
  ['imports'],
  ['rejects'],
  ['snapshots'],
  ['config', 'list'],
  ['segment', '--as-of', AS_OF, '--no-save'],
  ['customers', '--as-of', AS_OF],
  ['churn', '--as-of', AS_OF, '--no-save'],
  ['customer', 'C0042', '--as-of', AS_OF],
  ['complaint', 'list'],
  ['complaint', 'list', '--status', 'resolved'],
  ['complaint', 'show', '1'],
  ['complaint', 'summary'],
  ['export', 'transactions'],
  ['export', 'customers'],
  ['export', 'segments'],
  ['export', 'complaints'],
  ['report', 'summary', '--as-of', AS_OF, '--format', 'md', '--no-save'],
];

export async function outputs(db: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const args of COMMANDS) {
    const format = args.includes('--format') ? [] : ['--format', 'json'];
    const r = await run(['--db', db, ...format, ...args]);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    out[args.join(' ')] = r.stdout.split(db).join('<db>');
  }
  return out;
}
