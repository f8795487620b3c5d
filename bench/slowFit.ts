/**
 * `npm run bench:fit`: the shops no purchase model fits (issue 24), each imported into a SQLite
 * file of its own:
 * - random: 2,500 customers buying at random through a year, 10,000 lines (synth --shape random,
 *   bench/synth/generate.ts generateRandom);
 * - twice: 20,000 customers who each bought exactly twice, at the same two amounts, 40,000 lines
 *   (generateTwice): no heterogeneity in rate or spend to find.
 * Times `segment`, `model` and every report (Markdown, as cron pipes it) on the last day, each the
 * whole process with its data going to /dev/null; segment and model are the medians of --runs runs.
 * Goals: model within 10x segment, every report within 3x (segment + model). Prints each ratio
 * beside its goal and exits 1 when a run fails or a ratio is past its goal.
 * Options: --shop random|twice|all (default all), --customers N (random's, default 2500), --rows N
 * (random's, default 10000), --twice-customers N (default 20000), --runs N (default 3),
 * --model-ratio R (default 10), --report-ratio R (default 3).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateRandom, generateTwice } from './synth/generate.js';
import { REPORTS } from '../src/reports/build.js';
import { timedRapport, type Run } from './timed.js';

const { values } = parseArgs({
  options: {
    shop: { type: 'string', default: 'all' },
    customers: { type: 'string', default: '2500' },
    'twice-customers': { type: 'string', default: '20000' },
    rows: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'model-ratio': { type: 'string', default: '10' },
    'report-ratio': { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);
const modelLimit = Number(values['model-ratio']);
const reportLimit = Number(values['report-ratio']);

const start = '2025-01-01';
const end = '2025-12-31';

/** One shop's figures: its import, segment, model and reports, each ratio beside its goal. */
function benchShop(shop: 'random' | 'twice'): { ok: boolean; result: Record<string, unknown> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-fit-'));
  const db = path.join(dir, 'fit.db');
  const csv = path.join(dir, 'transactions.csv');
  const customers = Number(shop === 'random' ? values.customers : values['twice-customers']);
  const lines =
    shop === 'random'
      ? generateRandom({ seed: 24, customers, rows: Number(values.rows), start, end }, csv)
      : generateTwice({ seed: 24, customers, start, end }, csv);
  const rapport = (args: string[]): Run => timedRapport(db, args, 2);
  /** The run with the median time of n runs (a failed run counts as failed whatever the others did). */
  const median = (args: string[], n: number): Run => {
    const all = Array.from({ length: n }, () => rapport(args));
    const failed = all.find((r) => r.exit !== 0);
    return failed ?? [...all].sort((a, b) => a.seconds - b.seconds)[Math.floor(n / 2)]!;
  };
  const what = shop === 'random' ? `${customers} customers buying at random` : `${customers} customers who each bought exactly twice`;
  process.stderr.write(`the ${shop} shop: ${lines} lines, ${what} from ${start} to ${end}\n`);
  const imported = rapport(['import', 'transactions', csv]);
  const segment = median(['segment', '--as-of', end], runs);
  const model = median(['model', '--as-of', end], runs);
  const modelRatio = Number((model.seconds / segment.seconds).toFixed(2));
  const budget = segment.seconds + model.seconds;
  const reports: Record<string, Run & { x_segment_plus_model: number }> = {};
  for (const name of REPORTS) {
    const r = rapport(['report', name, '--as-of', end, '--format', 'md']);
    reports[name] = { ...r, x_segment_plus_model: Number((r.seconds / budget).toFixed(2)) };
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const slow = Object.entries(reports).filter(([, r]) => r.exit !== 0 || r.x_segment_plus_model > reportLimit);
  const modelOk = model.exit === 0 && segment.exit === 0 && modelRatio <= modelLimit;
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    lines,
    customers,
    import: imported,
    segment,
    model,
    model_x_segment: modelRatio,
    model_goal: `model within ${modelLimit}x segment`,
    reports,
    report_goal: `every report within ${reportLimit}x (segment + model) = ${(budget * reportLimit).toFixed(1)} s`,
    failed: [...(modelOk ? [] : ['model']), ...slow.map(([name]) => name)],
  };
  process.stderr.write(
    `model ${model.seconds} s = ${modelRatio}x segment ${segment.seconds} s (goal <= ${modelLimit}x): ${modelOk ? 'ok' : 'PAST THE GOAL'}\n`,
  );
  for (const [name, r] of Object.entries(reports)) {
    process.stderr.write(
      `report ${name} ${r.seconds} s = ${r.x_segment_plus_model}x (segment + model) (goal <= ${reportLimit}x): ${r.exit === 0 && r.x_segment_plus_model <= reportLimit ? 'ok' : 'PAST THE GOAL'}\n`,
    );
  }
  return { ok: imported.exit === 0 && modelOk && slow.length === 0, result };
}

const shops = values.shop === 'all' ? (['random', 'twice'] as const) : ([values.shop as 'random' | 'twice'] as const);
if (!shops.every((s) => s === 'random' || s === 'twice')) throw new Error(`--shop must be random, twice or all, not ${values.shop}`);
const results = shops.map((shop) => ({ shop, ...benchShop(shop) }));
process.stdout.write(JSON.stringify(Object.fromEntries(results.map((r) => [r.shop, r.result])), null, 2) + '\n');
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
