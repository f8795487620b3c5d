import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { neutralise } from '../../src/core/csvSafe.js';
import { run, tempDir } from '../helpers.js';

describe('formula injection (OWASP CSV injection)', () => {
  it('prefixes text that a spreadsheet would run, and leaves the rest', () => {
    for (const bad of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(bad)).toBe(`'${bad}`);
    for (const ok of ['Ann', ' =not first', 'a=b', '', "O'Brien"]) expect(neutralise(ok)).toBe(ok);
  });
});

let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  const customers = t.file('c.csv', 'customer_id,name,email,phone\nC1,=HYPERLINK("http://x"),ann@example.com,+44 7700 900000\nC2,Zoë Ølsen,zoe@example.com,\n');
  const sales = t.file('s.csv', 'customer_id,date,amount,product\nC1,2025-01-01,10.00,@SUM(A1)\nC1,2025-01-05,-4.00,Teapot\nC2,2025-01-02,7.50,-Mug\n');
  expect((await run(['--db', t.db, '-q', 'import', 'customers', customers])).code).toBe(0);
  expect((await run(['--db', t.db, '-q', 'import', 'transactions', sales])).code).toBe(0);
});
afterEach(() => t.cleanup());
const rp = (args: string[]) => run(['--db', t.db, ...args]);

describe('rapport export', () => {
  it('CSV: dangerous text neutralised, numbers still numbers', async () => {
    const c = await rp(['export', 'customers']);
    expect(c.code).toBe(0);
    const rows = parse(c.stdout, { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ id: 'C1', name: `'=HYPERLINK("http://x")`, phone: "'+44 7700 900000" });
    expect(rows[1]!.name).toBe('Zoë Ølsen');
    const s = parse((await rp(['export', 'transactions'])).stdout, { columns: true }) as Record<string, string>[];
    expect(s.map((r) => [r.product, r.amount])).toEqual([
      ["'@SUM(A1)", '10.00'],
      ['Teapot', '-4.00'],
      ["'-Mug", '7.50'],
    ]);
  });

  it('JSON keeps every value exact', async () => {
    const r = await rp(['--format', 'json', 'export', 'customers']);
    const rows = JSON.parse(r.stdout) as { name: string; phone: string | null }[];
    expect(rows[0]).toMatchObject({ name: '=HYPERLINK("http://x")', phone: '+44 7700 900000' });
  });

  it('--excel starts the file with a UTF-8 byte order mark; only for CSV', async () => {
    const r = await run(['--db', t.db, 'export', 'customers', '--excel', '--out', 'excel.csv'], { cwd: t.dir });
    expect(r.code).toBe(0);
    const bytes = fs.readFileSync(path.join(t.dir, 'excel.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // phones shown as text, without the apostrophe the plain CSV's formula guard adds
    const recs = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    const phones = recs.map((x) => x.phone).filter((x) => x !== '');
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/^="[+0][0-9 ()./-]*"$/);
    expect((await rp(['--format', 'json', 'export', 'customers', '--excel'])).code).toBe(2);
  });

  it('--redact: stable pseudonyms for names, emails and phones', async () => {
    const a = parse((await rp(['export', 'customers', '--redact'])).stdout, { columns: true }) as Record<string, string>[];
    const b = parse((await rp(['export', 'customers', '--redact'])).stdout, { columns: true }) as Record<string, string>[];
    expect(a).toEqual(b);
    expect(a[0]!.name).toMatch(/^person-[0-9a-f]{16}$/);
    expect(a[0]!.email).toMatch(/^[0-9a-f]{16}@redacted\.invalid$/);
    expect(a[0]!.phone).toMatch(/^phone-[0-9a-f]{16}$/);
    expect(a[0]!.name).not.toBe(a[1]!.name);
    expect(JSON.stringify(a)).not.toMatch(/ann@|Zoë|7700/);
  });

  it('--out replaces the file only on success; a failed export leaves the old one and no temporary file', async () => {
    const target = path.join(t.dir, 'seg.csv');
    fs.writeFileSync(target, 'old\n');
    const r = await rp(['export', 'segments', '--out', target]); // no snapshot yet
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no snapshot to export yet');
    expect(fs.readFileSync(target, 'utf8')).toBe('old\n');
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await rp(['-q', 'segment', '--as-of', '2025-01-31'])).code).toBe(0);
    expect((await rp(['export', 'segments', '--out', target])).code).toBe(0);
    const rows = parse(fs.readFileSync(target, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x.as_of, x.customer_id])).toEqual([
      ['2025-01-31', 'C1'],
      ['2025-01-31', 'C2'],
    ]);
  });

  it('exports complaints and rejects too, and refuses an unknown table', async () => {
    expect((await rp(['-q', 'complaint', 'add', '--customer', 'C1', '--category', 'price', '--summary', '=1+1'])).code).toBe(0);
    const c = parse((await rp(['export', 'complaints'])).stdout, { columns: true }) as Record<string, string>[];
    expect(c[0]).toMatchObject({ customer_id: 'C1', summary: "'=1+1", status: 'open' });
    expect((await rp(['export', 'rejects'])).stdout).toBe('id,import_id,line,field,reason,raw\n');
    expect((await rp(['export', 'everything'])).code).toBe(2);
  });
});

describe('export review fixes', () => {
  it('--redact blanks free-form columns too', async () => {
    const s = tempDir();
    try {
      const c = s.file('c.csv', 'customer_id,name,home_address\nK1,Kim Secret,12 Acacia Avenue\n');
      const x = s.file('x.csv', 'customer_id,date,amount,customer_email\nK1,2025-01-01,5.00,kim@secret.example\nK1,not a date,5.00,kim@secret.example\n');
      expect((await run(['--db', s.db, '-q', 'import', 'customers', c])).code).toBe(0);
      expect((await run(['--db', s.db, '-q', 'import', 'transactions', x])).code).toBe(0);
      for (const what of ['customers', 'transactions', 'rejects']) {
        const out = (await run(['--db', s.db, 'export', what, '--redact'])).stdout;
        expect(out, what).not.toMatch(/Acacia|kim@secret|Kim Secret/);
      }
    } finally {
      s.cleanup();
    }
  });

  it('a failed export writes nothing to stdout', async () => {
    const r = await rp(['export', 'segments']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('--excel and phone numbers', () => {
  it('writes a phone number as text Excel shows without an apostrophe, and guards anything else', async () => {
    const { excelPhone } = await import('../../src/commands/export.js');
    expect(excelPhone('+44 7700 118158')).toBe('="+44 7700 118158"');
    expect(excelPhone('07700 900123')).toBe('="07700 900123"');
    expect(excelPhone('+1 (555) 010-9999')).toBe('="+1 (555) 010-9999"');
    // not only a phone number: the usual formula guard
    expect(excelPhone('+44 7700"&HYPERLINK("http://x")')).toBe('\'+44 7700"&HYPERLINK("http://x")');
    expect(excelPhone('=1+1')).toBe("'=1+1");
    expect(excelPhone('')).toBe('');
    expect(excelPhone(null)).toBe('');
  });
});

describe('export segments carries the churn columns', () => {
  it('as rapport churn gives them for the snapshot date', async () => {
    const s = tempDir();
    try {
      const db = ['--db', s.db];
      expect((await run([...db, '-q', 'demo'])).code).toBe(0);
      const out = await run([...db, '--format', 'json', 'export', 'segments']);
      expect(out.code, out.stderr).toBe(0);
      const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
      const churn = JSON.parse((await run([...db, '--format', 'json', 'churn', '--as-of', String(rows[0]!.as_of)])).stdout) as Record<string, unknown>[];
      const byId = new Map(churn.map((r) => [r.customer_id, r]));
      let compared = 0;
      for (const r of rows) {
        const c = byId.get(r.customer_id);
        if (c === undefined) continue;
        for (const k of ['churn_risk', 'risk_level', 'next_purchase_date', 'expected_purchases_365d', 'clv', 'value_at_risk'])
          expect(r[k], `${String(r.customer_id)} ${k}`).toEqual(c[k]);
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
      expect(rows.some((r) => typeof r.clv === 'string' && /^\d+\.\d\d$/.test(r.clv))).toBe(true);
    } finally {
      s.cleanup();
    }
  });
});
