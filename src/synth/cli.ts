/**
 * Writes a seeded synthetic shop: `node dist/synth/cli.js OUT_DIR [--customers N] [--rows N]
 * [--seed S] [--start DATE] [--end DATE]`. The demo's fixtures/sample came from:
 *   node dist/synth/cli.js fixtures/sample --customers 500 --rows 0 --seed 7 --start 2023-11-01 --end 2026-10-31
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, generate } from './generate.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    customers: { type: 'string' },
    rows: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: node dist/synth/cli.js OUT_DIR [--customers N] [--rows N] [--seed S] [--start YYYY-MM-DD] [--end YYYY-MM-DD]\n');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
const opts = {
  ...DEFAULTS,
  customers: values.customers ? Number(values.customers) : DEFAULTS.customers,
  rows: values.rows === '0' ? null : values.rows ? Number(values.rows) : DEFAULTS.rows,
  seed: values.seed ? Number(values.seed) : DEFAULTS.seed,
  start: values.start ?? DEFAULTS.start,
  end: values.end ?? DEFAULTS.end,
};
const r = generate(opts, path.join(dir, 'transactions.csv'), path.join(dir, 'customers.csv'));
process.stderr.write(`wrote ${r.rows} transaction lines (${r.refunds} refunds, ${(r.bytes / 1e6).toFixed(1)} MB) for ${r.customers} customers to ${dir}\n`);
