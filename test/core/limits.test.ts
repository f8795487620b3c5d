import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/core/csv.js';
import { run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function rejects(db: string): { line: number; field: string | null; reason: string; raw_hex: string }[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT line, field, reason, hex(raw) AS raw_hex FROM rejects ORDER BY line').all() as {
      line: number;
      field: string | null;
      reason: string;
      raw_hex: string;
    }[];
  } finally {
    d.close();
  }
}

function stored(db: string): string[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT product FROM transactions ORDER BY id').pluck().all() as string[];
  } finally {
    d.close();
  }
}

describe('ids beyond Number.MAX_SAFE_INTEGER', () => {
  it('are a usage error naming the argument, not a question about another record', async () => {
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', t.file('s.csv', 'customer_id,date,amount\nC1,2025-01-01,1.00\n')])).code).toBe(0);
    for (const args of [
      ['complaint', 'show', '99999999999999999999'],
      ['complaint', 'show', '9007199254740993'],
      ['rejects', '99999999999999999999'],
    ]) {
      const r = await run(['--db', t.db, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/(complaint id|import_id) \d+ is too large: at most 9007199254740991/);
      expect(r.stdout).toBe('');
    }
    expect((await run(['--db', t.db, 'complaint', 'show', '9007199254740991'])).stderr).toContain('9007199254740991'); // the largest is asked about as itself
  });
});

describe('a rejected line longer than the record limit', () => {
  it('says in its reason that the raw text kept is cut (parser, small limit)', () => {
    const bad: string[] = [];
    const p = new CsvParser(
      { delimiter: ',', maxRecordChars: 100 },
      { record: () => undefined, bad: (raw, _line, reason) => bad.push(`${raw.length}|${reason}`) },
    );
    // As the reader gives it: in pieces, the line's end not yet read when the limit is passed.
    p.push('a,b\n' + 'x'.repeat(120));
    p.push('x'.repeat(130) + '\nok,1\n');
    p.end();
    expect(bad).toEqual(['100|line is longer than 100 characters; raw text cut: only its first 100 characters are kept, the rest of the line was dropped']);
  });

  it('and rapport rejects shows it, for a 17 MiB line', async () => {
    const file = t.file(
      'big.csv',
      'customer_id,date,amount,product\nC1,2025-01-01,1.00,a\nC1,2025-01-02,1.00,' + 'y'.repeat(17 * 1024 * 1024) + '\nC1,2025-01-03,1.00,c\n',
    );
    expect((await run(['--db', t.db, '-q', 'import', 'transactions', file])).code).toBe(0);
    const r = rejects(t.db);
    expect(r).toHaveLength(1);
    expect(r[0]!.line).toBe(3);
    expect(r[0]!.reason).toContain('raw text cut: only its first 16,777,216 characters are kept');
    expect(r[0]!.raw_hex.length / 2).toBe(16 * 1024 * 1024);
    const shown = await run(['--db', t.db, 'rejects', '1', '--format', 'json']);
    expect(shown.stdout).toContain('raw text cut');
    expect(stored(t.db)).toEqual(['a', 'c']);
  });
});

describe('a lone UTF-16 surrogate', () => {
  const rows = (middle: string): string => `customer_id,date,amount,product\nC1,2025-01-01,1.00,a\nC1,2025-01-02,1.00,${middle}\nC1,2025-01-03,1.00,c\n`;

  async function check(file: string): Promise<void> {
    const r = await run(['--db', t.db, 'import', 'transactions', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 row rejected');
    const [x] = rejects(t.db);
    expect(x).toMatchObject({ line: 3, field: 'product' });
    expect(x!.reason).toContain('U+D800');
    // Kept as U+FFFD, never as the invalid UTF-8 of a surrogate (ED A0 80).
    expect(x!.raw_hex).toContain('EFBFBD');
    expect(x!.raw_hex).not.toContain('EDA080');
    expect(stored(t.db)).toEqual(['a', 'c']);
  }

  it('in a UTF-16 file: the row is rejected naming line and field', async () => {
    await check(t.file('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows('b\ud800b'), 'utf16le')])));
  });

  it('the same encoded in a UTF-8 file: rejected the same way, not the whole file', async () => {
    const [head, tail] = rows('b\u0000b').split('\u0000');
    await check(t.file('u8.csv', Buffer.concat([Buffer.from(head!), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(tail!)])));
  });

  it("an encoded surrogate split across the reader's 256 KiB chunks", async () => {
    for (const shift of [0, 1, 2]) {
      const s = tempDir();
      try {
        // Padding rows so that the surrogate's three bytes start 0, 1 or 2 bytes before the chunk's end.
        const header = 'customer_id,date,amount,product\n';
        const pad: string[] = [];
        let size = header.length;
        const prefix = 'C1,2025-01-02,1.00,b';
        while (size + 40 < 262_144 - prefix.length - 200) {
          const line = `C2,2025-01-01,1.00,${'p'.repeat(15)}\n`;
          pad.push(line);
          size += line.length;
        }
        const fill = 262_144 - shift - 1 - size - prefix.length;
        const filler = `C2,2025-01-01,1.00,${'q'.repeat(fill - 20)}\n`;
        const before = Buffer.from(header + pad.join('') + filler + prefix);
        expect(before.length).toBe(262_144 - shift - 1);
        const file = s.file('split.csv', Buffer.concat([before, Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b\nC1,2025-01-03,1.00,\ud55c\n')]));
        const r = await run(['--db', s.db, 'import', 'transactions', file]);
        expect(r.code, `${shift}: ${r.stderr}`).toBe(0);
        const [x] = rejects(s.db);
        expect(x, String(shift)).toMatchObject({ field: 'product' });
        expect(x!.reason).toContain('U+D800');
        expect(stored(s.db).at(-1)).toBe('\ud55c'); // a Hangul syllable (ED 95 9C) read as itself
      } finally {
        s.cleanup();
      }
    }
  });
});
