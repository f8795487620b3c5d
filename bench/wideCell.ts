/**
 * `npm run bench:cell`: a rejected line of 200,000 characters printed by `rapport rejects` on a
 * terminal (a pseudo-terminal 120 columns wide, src/bench/pty.ts) against the same rejects as CSV
 * to /dev/null, each the whole process, the median of 3 runs. Terminal output must be linear in
 * what it prints (issue 24: this took 31-48 s on a terminal against 0.2 s as CSV): exits 1 when
 * the terminal takes more than 3x the CSV time. Options: --chars N (default 200000), --ratio R
 * (default 3), --width W (default 120).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { converse } from './pty.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../bin/rapport.js');
const { values } = parseArgs({
  options: { chars: { type: 'string', default: '200000' }, ratio: { type: 'string', default: '3' }, width: { type: 'string', default: '120' } },
});
const chars = Number(values.chars);
const limit = Number(values.ratio);
const width = Number(values.width);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-cell-'));
const db = path.join(dir, 'cell.db');
const csv = path.join(dir, 'long-line.csv');
// Words, so a table has somewhere to wrap: the shape that was slowest.
const words: string[] = [];
for (let n = 0, i = 0; n < chars; i++) {
  const w = `w${i % 1000}`;
  words.push(w);
  n += w.length + 1;
}
fs.writeFileSync(csv, `customer_id,date,amount\nC1,2024-01-02,10.00\nC2,2024-01-03,12.00,${words.join(' ').slice(0, chars)}\n`);
const imported = spawnSync(process.execPath, [bin, '--db', db, '--quiet', 'import', 'transactions', csv], { encoding: 'utf8' });
if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

function csvRun(): number {
  const sink = fs.openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, '--db', db, 'rejects', '--format', 'csv'], { stdio: ['ignore', sink, 'pipe'] });
  const s = seconds(t0);
  fs.closeSync(sink);
  if (r.status !== 0) throw new Error(`rejects --format csv failed: ${r.stderr.toString()}`);
  return s;
}

async function terminalRun(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  const t0 = process.hrtime.bigint();
  const r = await converse(`${process.execPath} ${bin} --db ${db} --no-pager rejects`, [], env, 600_000, { cols: width, rows: 50 });
  const s = seconds(t0);
  if (r.code !== 0 || !r.screen.includes('…')) throw new Error(`rejects on a terminal failed (exit ${r.code}): ${r.screen.slice(-500)}`);
  return s;
}

const csvTimes: number[] = [];
const terminalTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  csvTimes.push(csvRun());
  terminalTimes.push(await terminalRun());
}
fs.rmSync(dir, { recursive: true, force: true });
const csvTime = median(csvTimes);
const terminalTime = median(terminalTimes);
const ratio = terminalTime / csvTime;
const result = {
  machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
  rejected_line_chars: chars,
  terminal_columns: width,
  csv_seconds: Number(csvTime.toFixed(2)),
  terminal_seconds: Number(terminalTime.toFixed(2)),
  ratio: Number(ratio.toFixed(2)),
  goal: `terminal within ${limit}x CSV`,
  ok: ratio <= limit,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (!result.ok) process.stderr.write(`too slow: the terminal took ${result.ratio}x the CSV time (goal ${limit}x)\n`);
process.exitCode = result.ok ? 0 : 1;
