/**
 * `npm run bench:shapes`: histories of unusual shapes (issue 24: "no input that makes a command
 * crawl"), each imported into a SQLite file of its own, then `segment`, `model`, `churn`, `report
 * summary` and `report churn` timed at the data's last day, each the whole process. Prints a line
 * per shape with each command's time and its ratio to segment, the goals beside them (model within
 * 10x segment, each report within 3x segment + model), and exits 1 past one.
 * Shapes: onetime (50,000 one-time buyers over two years), whale (one customer with 200,000
 * purchases among 200 small ones), longhist (500 customers over twenty years), oneday (100,000
 * lines on one day), twice (150,000 customers who each bought exactly twice).
 * Options: --shape NAME (repeatable; default all), --scale F (multiplies the sizes; default 1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rng } from './synth/generate.js';
import { timedRapport, type Run } from './timed.js';

const SHAPES = ['onetime', 'whale', 'longhist', 'oneday', 'twice'] as const;
type Shape = (typeof SHAPES)[number];

const { values } = parseArgs({
  options: {
    shape: { type: 'string', multiple: true },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(values.scale);
const shapes = (values.shape ?? [...SHAPES]) as Shape[];
for (const s of shapes) if (!SHAPES.includes(s)) throw new Error(`--shape must be one of ${SHAPES.join(', ')}, not ${s}`);

/** Writes the shape's transactions CSV; returns its line count. Days count from 2004-01-01. */
function write(shape: Shape, file: string): number {
  const u = rng(24);
  const base = Date.UTC(2004, 0, 1);
  const day = (d: number): string => new Date(base + d * 86_400_000).toISOString().slice(0, 10);
  const n = (x: number): number => Math.max(1, Math.round(x * scale));
  const out: string[] = ['invoice,date,customer_id,product,quantity,unit_price,amount'];
  const line = (d: number, customer: string, amount: string): void => void out.push(`I${out.length},${day(d)},${customer},Thing,1,${amount},${amount}`);
  const price = (): string => (5 + u() * 50).toFixed(2);
  if (shape === 'onetime') for (let c = 0; c < n(50_000); c++) line(Math.floor(u() * 700), `C${c}`, price());
  if (shape === 'whale') {
    for (let i = 0; i < n(200_000); i++) line(Math.floor(i / 300), 'BIG', '3.00');
    for (let c = 0; c < 200; c++) line(Math.floor(u() * 660), `C${c}`, '9.99');
  }
  if (shape === 'longhist')
    for (let c = 0; c < n(500); c++) for (let d = Math.floor(u() * 300); d < 7300; d += 1 + Math.floor(u() * 60)) line(d, `C${c}`, price());
  if (shape === 'oneday') for (let i = 0; i < n(100_000); i++) line(100, `C${Math.floor(u() * n(20_000))}`, '4.50');
  if (shape === 'twice')
    for (let c = 0; c < n(150_000); c++) {
      const first = Math.floor(u() * 600);
      line(first, `C${c}`, '10.00');
      line(first + 1 + Math.floor(u() * 100), `C${c}`, '12.00');
    }
  // In date order, as a shop's export comes.
  const [head, ...rows] = out;
  rows.sort((a, b) => (a.split(',')[1]! < b.split(',')[1]! ? -1 : a.split(',')[1]! > b.split(',')[1]! ? 1 : 0));
  fs.writeFileSync(file, [head, ...rows].join('\n') + '\n');
  return rows.length;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-shapes-'));
const results: Record<string, unknown>[] = [];
let ok = true;
try {
  for (const shape of shapes) {
    const db = path.join(dir, `${shape}.db`);
    const csv = path.join(dir, `${shape}.csv`);
    const lines = write(shape, csv);
    process.stderr.write(`${shape}: ${lines} lines\n`);
    const imported = timedRapport(db, ['import', 'transactions', csv], 2);
    const last = lastDay(csv);
    const runs: Record<string, Run> = {};
    for (const cmd of [['segment'], ['model'], ['churn'], ['report', 'summary', '--format', 'md'], ['report', 'churn', '--format', 'md']])
      runs[cmd.slice(0, 2).join(' ').replace(' --format', '')] = timedRapport(db, [...cmd, '--as-of', last], 2);
    const seg = runs.segment!.seconds;
    const budget = seg + runs.model!.seconds;
    const modelX = runs.model!.seconds / seg;
    const reportX = Math.max(runs['report summary']!.seconds, runs['report churn']!.seconds) / budget;
    const failed = [imported, ...Object.values(runs)].some((r) => r.exit !== 0);
    const shapeOk = !failed && modelX <= 10 && reportX <= 3;
    ok &&= shapeOk;
    process.stderr.write(
      `${shape}: model ${modelX.toFixed(2)}x segment (goal <= 10x), slowest report ${reportX.toFixed(2)}x (segment + model) (goal <= 3x): ${shapeOk ? 'ok' : 'PAST THE GOAL'}\n`,
    );
    results.push({
      shape,
      lines,
      import: imported,
      ...runs,
      model_x_segment: Number(modelX.toFixed(2)),
      report_x_segment_plus_model: Number(reportX.toFixed(2)),
      ok: shapeOk,
    });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  JSON.stringify(
    {
      machine: `${os.cpus().length} cores, Node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      results,
    },
    null,
    2,
  ) + '\n',
);
process.exitCode = ok ? 0 : 1;

/** The file's last date (its rows are in date order). */
function lastDay(csv: string): string {
  const text = fs.readFileSync(csv, 'utf8').trimEnd();
  return text.slice(text.lastIndexOf('\n') + 1).split(',')[1]!;
}
