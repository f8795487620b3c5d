/**
 * Writes a seeded synthetic shop: `node dist-dev/bench/synth/cli.js OUT_DIR [--customers N] [--rows N]
 * [--seed S] [--start DATE] [--end DATE] [--shape retail|wholesaler|cohort|random|seasonal|growing|shrinking]`. The demo's fixtures/sample came from:
 *   node dist-dev/bench/synth/cli.js fixtures/sample --customers 500 --rows 0 --seed 7 --start 2023-11-01 --end 2026-10-31
 * Shapes: retail (the defaults); wholesaler (trade accounts ordering every few weeks, almost
 * nobody leaving: r = 2, α = 40 days, dropout Beta(0.2, 60) per order, about 0.3%); cohort (a CD
 * retailer's shape: every customer's first purchase in the first 12 weeks, then seldom buying and
 * often leaving, with the BG/NBD estimates on the CDNOW cohort of Fader, Hardie & Lee 2005,
 * "Counting your customers the easy way": r = 0.243, α = 4.414 weeks (30.9 days), a = 0.793,
 * b = 2.426; about 18 months suits it); random
 * (lines from customers and days drawn uniformly: no model fits; generateRandom); seasonal (the
 * retail customers buying three times as often in December, a gift shop's Christmas peak: an
 * assumed lift, not a fit); growing (new customers each month four times as many a year later,
 * a young shop taking off) and shrinking (a quarter as many a year later, a shop losing its
 * pull): the retail story with joining at a rate e^(g·t). A tiny shop is the retail shape with
 * --customers 150 over two years.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, generate, generateRandom } from './generate.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    customers: { type: 'string' },
    rows: { type: 'string' },
    seed: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    shape: { type: 'string' },
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: node dist-dev/bench/synth/cli.js OUT_DIR [--customers N] [--rows N] [--seed S] [--start YYYY-MM-DD] [--end YYYY-MM-DD]\n');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
const shape = values.shape ?? 'retail';
const SHAPES: Record<string, Partial<typeof DEFAULTS>> = {
  retail: {},
  wholesaler: { r: 2, alpha: 40, a: 0.2, b: 60 },
  cohort: { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426, cohortDays: 84 },
  random: {},
  seasonal: { decemberLift: 2 },
  growing: { joinGrowth: 4 },
  shrinking: { joinGrowth: 0.25 },
};
if (!(shape in SHAPES)) {
  process.stderr.write(`unknown --shape ${shape}: ${Object.keys(SHAPES).join(', ')}\n`);
  process.exit(2);
}
const opts = {
  ...DEFAULTS,
  ...SHAPES[shape],
  customers: values.customers ? Number(values.customers) : DEFAULTS.customers,
  rows: values.rows === '0' ? null : values.rows ? Number(values.rows) : DEFAULTS.rows,
  seed: values.seed ? Number(values.seed) : DEFAULTS.seed,
  start: values.start ?? DEFAULTS.start,
  end: values.end ?? DEFAULTS.end,
};
if (shape === 'random') {
  const n = generateRandom(
    { seed: opts.seed, customers: opts.customers, rows: opts.rows ?? 10_000, start: opts.start, end: opts.end },
    path.join(dir, 'transactions.csv'),
  );
  process.stderr.write(`wrote ${n} transaction lines for up to ${opts.customers} customers to ${dir}\n`);
  process.exit(0);
}
const r = generate(opts, path.join(dir, 'transactions.csv'), path.join(dir, 'customers.csv'));
process.stderr.write(`wrote ${r.rows} transaction lines (${r.refunds} refunds, ${(r.bytes / 1e6).toFixed(1)} MB) for ${r.customers} customers to ${dir}\n`);
