/**
 * `rapport model` says what it did with the forecast count (issue 23, the 15% goal), in text and
 * JSON, English and Chinese: on a shop whose buying falls year by year the windows of its own
 * past correct the count; on one whose buying dropped for one quarter only they do not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, generate, rng } from '../../bench/synth/generate.js';
import { run, tempDir } from '../helpers.js';

interface Correction {
  model: string;
  applied: boolean;
  ratio: number;
  windows: { cutoff: string; predicted_purchases: number; actual_purchases: number }[];
  held_out: { cutoff: string; error_without: number; error_with: number }[];
  error_without: number | null;
  error_with: number | null;
  says: string;
}

let t: ReturnType<typeof tempDir>;
const START = '2022-01-01';
const END = '2025-12-31';
const swinging = (): string => path.join(t.dir, 'swinging.db');
const falling = (): string => path.join(t.dir, 'falling.db');

beforeAll(async () => {
  t = tempDir();
  const csv = path.join(t.dir, 'sim.csv');
  generate({ ...DEFAULTS, seed: 11, customers: 3000, rows: null, start: START, end: END }, csv);
  const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
  /** The shop with each invoice kept with the chance `keep` gives on its date. */
  const thinned = (name: string, keep: (date: string) => number): string => {
    const u = rng(3);
    const kept = new Map<string, boolean>();
    const file = path.join(t.dir, name);
    const out = lines.filter((line, k) => {
      if (k === 0) return true;
      const [invoice, date] = line.split(',');
      if (!kept.has(invoice!)) kept.set(invoice!, u() < keep(date!.slice(0, 10)));
      return kept.get(invoice!)!;
    });
    fs.writeFileSync(file, out.join('\n') + '\n');
    return file;
  };
  const span = Date.parse(END) - Date.parse(START);
  // Buying falling over the years: from every invoice at the start to 40% at the end.
  const fallingCsv = thinned('falling.csv', (date) => 1 - (0.6 * (Date.parse(date) - Date.parse(START))) / span);
  // Buying down to 60% in one quarter only (the third of 2025, the middle of the three 91-day windows).
  const swingingCsv = thinned('swinging.csv', (date) => (date >= '2025-07-03' && date <= '2025-09-30' ? 0.6 : 1));
  for (const [file, db] of [
    [swingingCsv, swinging()],
    [fallingCsv, falling()],
  ] as const) {
    const r = await run(['--db', db, '-q', 'import', 'transactions', file]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => t.cleanup());

async function correction(db: string): Promise<Correction> {
  const r = await run(['--db', db, '--format', 'json', 'model', '--as-of', END, '--no-save']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { forecast_correction: Correction }).forecast_correction;
}

/** `model` for people, in English or Chinese. */
async function table(db: string, lang: 'en' | 'zh-CN'): Promise<string> {
  const r = await run(['--db', db, '--lang', lang, '--format', 'table', 'model', '--as-of', END, '--no-save']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('the forecast correction in rapport model', () => {
  it(
    'a shop buying less year by year: the count is corrected, and text and JSON say by how much and how it did out of time',
    { timeout: 240_000 },
    async () => {
      const c = await correction(falling());
      expect(c.applied).toBe(true);
      expect(c.ratio).toBeLessThan(0.95);
      expect(c.windows.length).toBeGreaterThanOrEqual(2);
      expect(c.error_with!).toBeLessThan(c.error_without!);
      expect(c.says).toMatch(/^The forecast count is .+'s times 0\.\d{3}: on \d windows of the shop's past \(after \d{4}-\d\d-\d\d/);
      expect(c.says).toContain(`against ${(c.error_without! * 100).toFixed(1)}% without`);
      expect(await table(falling(), 'en')).toContain(`times ${c.ratio.toFixed(3)}`);
      expect(await table(falling(), 'zh-CN')).toContain(`的预测乘以 ${c.ratio.toFixed(3)}`);
    },
  );

  it(
    'a shop whose buying dropped for one quarter: the older windows would not have helped the newer, so no correction, and it says why',
    { timeout: 240_000 },
    async () => {
      const c = await correction(swinging());
      expect(c.applied).toBe(false);
      expect(c.ratio).toBe(1);
      expect(c.held_out).toHaveLength(2);
      expect(c.error_with!).toBeGreaterThanOrEqual(c.error_without!);
      expect(c.says).toMatch(
        /^The forecast count is .+'s as fitted: 3 windows of the shop's past .* it made the count's error [\d.]+% against [\d.]+% without$/,
      );
      expect(await table(swinging(), 'zh-CN')).toMatch(/预测的购买次数即 .+ 的原始预测/);
    },
  );
});
