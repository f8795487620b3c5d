import fs from 'node:fs';
import path from 'node:path';
import { DEFAULTS, generate } from './synth/generate.js';

/**
 * The large seeded history bench:large and bench:reports share, generated once into
 * bench/out/large/ and reused: the folder and the CSV's path.
 */
export function largeHistory(root: string, rows: number, customers: number): { work: string; csv: string } {
  const work = path.join(root, 'bench', 'out', 'large');
  fs.mkdirSync(work, { recursive: true });
  const csv = path.join(work, `transactions-${rows}-${customers}-seed${DEFAULTS.seed}.csv`);
  if (!fs.existsSync(csv)) {
    process.stderr.write(`generating ${csv} (about a minute per 10 million lines) ...\n`);
    const r = generate({ ...DEFAULTS, rows, customers }, csv);
    process.stderr.write(`  ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB\n`);
  }
  return { work, csv };
}
