/**
 * The parsing worker started ahead of its file (src/import/parallel.ts warmUp). The worker runs
 * the build in dist/ (`npm test` builds it first).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inWorker, warmUp, warmedUp } from '../../src/import/parallel.js';
import { produceTransactions, type Batch } from '../../src/import/produce.js';
import { contentAt } from '../../src/store/packedRows.js';
import { sniffFile } from '../../src/import/sniff.js';
import { tempDir } from '../helpers.js';

const DIST_PARALLEL = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/import/parallel.js');

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

const options = { kind: 'transactions' as const, map: {}, decimalComma: false, noHeader: false, dryRun: false, keepAll: false, preview: 0 };

describe('the parsing worker started ahead (warmUp)', () => {
  it('takes the file it is given later, and the next file gets a new worker', async () => {
    const lines = ['customer_id,date,amount'];
    for (let i = 0; i < 5000; i++) lines.push(`C${i % 70},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i}.25`);
    const file = t.file('sales.csv', lines.join('\n') + '\n');
    const size = Buffer.byteLength(lines.join('\n') + '\n');
    const shape = sniffFile({ name: 'sales.csv', path: file, size, sha256: null, cleanup: () => {} }, options);
    const source = { name: 'sales.csv', path: file, size };
    const settings = { decimalComma: false, currency: null, allowedCurrencies: null, round: null };
    warmUp();
    expect(warmedUp()).toBe(true);
    for (const round of [1, 2]) {
      let rows = 0;
      const customers = new Set<string>();
      const stats = await inWorker(source, shape, settings, (b: Batch) => {
        rows += b.count;
        for (const c of b.customers) customers.add(c);
      });
      // The warmed-up worker did the first file; none is left for the second.
      expect(warmedUp(), `round ${round}`).toBe(false);
      expect(rows).toBe(5000);
      expect(stats.read).toBe(5000);
      expect(customers.size).toBe(70);
      expect(stats.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('gives back the packed batches it was sent, and packs later ones into their buffers unchanged', async () => {
    const lines = ['customer_id,date,amount,product'];
    for (let i = 0; i < 20_000; i++) lines.push(`C${i % 700},2024-02-${String(1 + (i % 28)).padStart(2, '0')},${i}.5,Product ${'é'.repeat(i % 5)}${i % 37}`);
    const text = lines.join('\n') + '\n';
    const file = t.file('sales.csv', text);
    const size = Buffer.byteLength(text);
    const shape = sniffFile({ name: 'sales.csv', path: file, size, sha256: null, cleanup: () => {} }, options);
    const settings = { decimalComma: false, currency: null, allowedCurrencies: null, round: null };
    const source = { name: 'sales.csv', path: file, size };
    const expected: string[] = [];
    produceTransactions(
      source,
      shape,
      settings,
      (b) => {
        for (let i = 0; i < b.count; i++) expected.push(contentAt(b.packed!, i) + ' ' + b.lines[i] + ' ' + b.keys[i]);
      },
      true,
    );
    const got: string[] = [];
    const given: Batch['packed'][] = [];
    await inWorker(
      source,
      shape,
      settings,
      (b: Batch) => {
        for (let i = 0; i < b.count; i++) got.push(contentAt(b.packed!, i) + ' ' + b.lines[i] + ' ' + b.keys[i]);
        given.push(b.packed);
      },
      true,
    );
    expect(got).toEqual(expected);
    // 10 batches of 2,000 rows and the last, empty: each went back to the worker once written (moved: emptied here).
    expect(given.length).toBe(11);
    expect(given.filter((r) => r!.values.length === 0).length).toBe(11);
  });

  it('does not keep the process alive when no file comes for it', () => {
    // A run that ends without using it (a file already imported, an error) exits at once.
    const script = t.file('warm.mjs', `const p = await import(${JSON.stringify(DIST_PARALLEL)});\np.warmUp();\nconsole.log(p.warmedUp());\n`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('true');
  });
});
