/**
 * Hostile input: malformed files and a seeded fuzz of the importer. Whatever comes in: no crash,
 * no hang, no stack trace; a clear one-line error or rejects; nothing stored from a refused file.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { rng } from '../../bench/synth/generate.js';
import { run, tempDir, type RunResult } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const HEADER = 'invoice,date,customer_id,amount,product\n';
const VALID = HEADER + 'I1,2025-01-01,C1,10.00,Tea\nI2,2025-01-02,C2,-3.50,"Mug, large"\nI3,2025-01-03,C1,7.25,Cake\n';

function count(): number {
  if (!fs.existsSync(t.db)) return 0;
  const db = openDatabase(t.db, { create: false });
  try {
    return db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The run ended the way rapport ends: a documented exit code, one-line errors, no stack. */
function wellBehaved(r: RunResult, what: string): void {
  expect([0, 1, 2, 3, 4], `${what}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr, what).not.toContain('unexpected error');
  if (r.code !== 0) expect(r.stderr.split('\n').filter((l) => l.startsWith('rapport: ')).length, what).toBeGreaterThanOrEqual(1);
}

async function importBytes(name: string, bytes: Buffer | string, extra: string[] = []): Promise<RunResult> {
  const file = t.file(name, bytes);
  return run(['--db', t.db, '--format', 'json', '-q', 'import', 'transactions', file, ...extra]);
}

describe('a corpus of malformed files', () => {
  const cases: [string, () => Buffer | string][] = [
    ['random bytes', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['empty file', () => ''],
    ['header only', () => HEADER],
    ['truncated inside a quoted field', () => VALID + 'I4,2025-01-04,C3,1.00,"never closed'],
    ['a 10 MB single field', () => HEADER + `I4,2025-01-04,C3,1.00,"${'x'.repeat(10 * 1024 * 1024)}"\n`],
    ['a million columns in one line', () => HEADER + 'I4,2025-01-04,C3,1.00,' + ','.repeat(1_000_000) + '\n'],
    ['NUL bytes in a field', () => HEADER + 'I4,2025-01-04,C3,1.00,Te\u0000a\n'],
    [
      'mixed encodings (Latin-1 bytes in UTF-8)',
      () =>
        Buffer.concat([
          Buffer.from(VALID),
          Buffer.from([
            0x49, 0x35, 0x2c, 0x32, 0x30, 0x32, 0x35, 0x2d, 0x30, 0x31, 0x2d, 0x30, 0x35, 0x2c, 0x43, 0x33, 0x2c, 0x31, 0x2e, 0x30, 0x30, 0x2c, 0x43, 0x61,
            0x66, 0xe9, 0x0a,
          ]),
        ]),
    ],
    ['formula-like and SQL-like text', () => HEADER + `I4,2025-01-04,C3,1.00,"=cmd|'/C calc'!A0"\nI5,2025-01-04,C4,1.00,"'; DROP TABLE transactions; --"\n`],
    ['an extremely long name', () => 'customer_id,name\n' + `C9,${'N'.repeat(100_000)}\n`],
    ['impossible and extreme dates', () => HEADER + 'I4,0000-00-00,C3,1.00,a\nI5,9999-12-31,C3,1.00,b\nI6,2025-02-30,C3,1.00,c\n'],
    [
      'extreme amounts',
      () =>
        HEADER +
        'I4,2025-01-04,C3,1e308,a\nI5,2025-01-04,C3,NaN,b\nI6,2025-01-04,C3,-0,c\nI7,2025-01-04,C3,99999999999999999999,d\nI8,2025-01-04,C3,Infinity,e\n',
    ],
    ['a line of only quotes', () => HEADER + '"""""""""""""""""""""""\n' + 'I9,2025-01-05,C5,2.00,ok\n'],
    ['CR-only line ends and a BOM', () => '\ufeff' + VALID.replace(/\n/g, '\r')],
  ];
  for (const [what, make] of cases) {
    it(
      what,
      async () => {
        const before = count();
        const kind = what === 'an extremely long name' ? 'customers' : 'transactions';
        const file = t.file('h.csv', make());
        const r = await run(['--db', t.db, '--format', 'json', '-q', 'import', kind, file]);
        wellBehaved(r, what);
        if (r.code !== 0) expect(count(), `${what}: nothing stored from a refused file`).toBe(before);
        else if (kind === 'transactions' && r.stdout.trim() !== '') {
          // every line accounted for: stored, duplicate, rejected or blank
          const res = (JSON.parse(r.stdout) as { counts: { read: number; imported: number; duplicate: number; rejected: number; blank_lines: number } }[])[0]!
            .counts;
          expect(res.imported + res.duplicate + res.rejected, what).toBe(res.read);
          expect(count()).toBe(before + res.imported);
        }
      },
      60_000,
    );
  }

  it('impossible dates and amounts are rejects with a reason, not stored values', async () => {
    const r = await importBytes(
      'd.csv',
      HEADER + 'I4,0000-00-00,C3,1.00,a\nI5,9999-12-31,C3,1.00,b\nI6,2025-01-04,C3,1e308,c\nI7,2025-01-04,C3,NaN,d\nI8,2025-01-04,C3,5.00,ok\n',
    );
    expect(r.code).toBe(0);
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT date, amount FROM transactions').all()).toEqual([{ date: '2025-01-04', amount: 500 }]);
      expect(db.prepare('SELECT count(*) FROM rejects').pluck().get()).toBe(4);
    } finally {
      db.close();
    }
  });
});

describe('fuzz: seeded mutations of a valid file', () => {
  it('300 variants: each imports or is refused cleanly, and every line is accounted for', async () => {
    const rand = rng(2024);
    const base = Buffer.from(VALID + 'I4,2025-01-04,C3,1.00,"quoted, with ""quotes"""\nI5,04/01/2025,C4,£2.50,x\n');
    const pieces = [',', '"', '\n', '\r', '\u0000', 'é', '€', '-', '=', '1e9', '\t', ';', '""'];
    for (let i = 0; i < 300; i++) {
      let b = Buffer.from(base);
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * b.length);
        const op = rand();
        if (op < 0.3) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(rand() * 5))]);
        else if (op < 0.7) b = Buffer.concat([b.subarray(0, at), Buffer.from(pieces[Math.floor(rand() * pieces.length)]!), b.subarray(at)]);
        else if (op < 0.85) b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), b.subarray(at + 1)]);
        else b = b.subarray(0, at); // truncated
      }
      t.cleanup();
      t = tempDir();
      const r = await importBytes(`f${i}.csv`, b);
      wellBehaved(r, `variant ${i}: ${JSON.stringify(b.toString('latin1').slice(0, 200))}`);
      if (r.code !== 0) expect(count(), `variant ${i}`).toBe(0);
      else if (r.stdout.trim() !== '') {
        const res = (JSON.parse(r.stdout) as { counts: { read: number; imported: number; duplicate: number; rejected: number } }[])[0]!.counts;
        expect(res.imported + res.duplicate + res.rejected, `variant ${i}`).toBe(res.read);
        expect(count(), `variant ${i}`).toBe(res.imported);
      }
    }
  }, 120_000);
});
