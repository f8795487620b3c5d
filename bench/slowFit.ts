/**
 * `npm run bench:fit`: the shop no purchase model fits (issue 24): 2,500 customers buying at
 * random through a year, 10,000 lines (synth --shape random, src/synth/generate.ts
 * generateRandom), imported into a SQLite file of its own. Times `segment`, `model` and every
 * report (Markdown, as cron pipes it) on the last day, each the whole process with its data going
 * to /dev/null; segment and model are the medians of --runs runs.
 * Goals: model within 10x segment, every report within 3x (segment + model). Prints each ratio
 * beside its goal and exits 1 when a run fails or a ratio is past its goal.
 * Options: --customers N (default 2500), --rows N (default 10000), --runs N (default 3),
 * --model-ratio R (default 10), --report-ratio R (default 3).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateRandom } from './synth/generate.js';
import { REPORTS } from '../src/reports/build.js';
import { timedRapport, type Run } from './timed.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2500' },
    rows: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    'model-ratio': { type: 'string', default: '10' },
    'report-ratio': { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);
const modelLimit = Number(values['model-ratio']);
const reportLimit = Number(values['report-ratio']);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-fit-'));
const db = path.join(dir, 'fit.db');
const csv = path.join(dir, 'transactions.csv');
const start = '2025-01-01';
const end = '2025-12-31';
const lines = generateRandom({ seed: 24, customers: Number(values.customers), rows: Number(values.rows), start, end }, csv);

function rapport(args: string[]): Run {
  return timedRapport(db, args, 2);
}

/** The run with the median time of n runs (a failed run counts as failed whatever the others did). */
function median(args: string[], n: number): Run {
  const all = Array.from({ length: n }, () => rapport(args));
  const failed = all.find((r) => r.exit !== 0);
  return failed ?? [...all].sort((a, b) => a.seconds - b.seconds)[Math.floor(n / 2)]!;
}

process.stderr.write(`the slow-fit shop: ${lines} lines, ${values.customers} customers buying at random from ${start} to ${end}\n`);
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
  customers: Number(values.customers),
  import: imported,
  segment,
  model,
  model_x_segment: modelRatio,
  model_goal: `model within ${modelLimit}x segment`,
  reports,
  report_goal: `every report within ${reportLimit}x (segment + model) = ${(budget * reportLimit).toFixed(1)} s`,
  failed: [...(modelOk ? [] : ['model']), ...slow.map(([name]) => name)],
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.stderr.write(`model ${model.seconds} s = ${modelRatio}x segment ${segment.seconds} s (goal <= ${modelLimit}x): ${modelOk ? 'ok' : 'PAST THE GOAL'}\n`);
for (const [name, r] of Object.entries(reports)) {
  process.stderr.write(
    `report ${name} ${r.seconds} s = ${r.x_segment_plus_model}x (segment + model) (goal <= ${reportLimit}x): ${r.exit === 0 && r.x_segment_plus_model <= reportLimit ? 'ok' : 'PAST THE GOAL'}\n`,
  );
}
process.exitCode = imported.exit === 0 && modelOk && slow.length === 0 ? 0 : 1;
