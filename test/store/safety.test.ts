/**
 * Privacy and safety: no writing through symbolic links, SQL text stored as text in every field,
 * the database readable by its owner only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());
const rp = (args: string[]) => run(['--db', t.db, ...args]);

const NASTY = `x'); DROP TABLE customers; --`;
const QUOTES = `O'Brien "the" \`tick\` \\ ; -- /* */`;
// Emails are checked for their shape, so the quoted one has to be a plausible address.
const EMAIL = `o'hara+drop--@example.com`;

describe('safety', () => {
  it('--out never writes through or over a symbolic link without --force', async () => {
    const csv = t.file('c.csv', 'customer_id,name\nC1,Ann\n');
    expect((await rp(['-q', 'import', 'customers', csv])).code).toBe(0);
    const victim = t.file('victim.txt', 'precious\n');
    const link = path.join(t.dir, 'out.csv');
    fs.symlinkSync(victim, link);
    const r = await rp(['export', 'customers', '--out', link]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a symbolic link');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect((await rp(['export', 'customers', '--out', link, '--force'])).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(false); // the link was replaced, not followed
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('SQL-like text and quotes in every text field are stored as text, and the tables survive', async () => {
    const customers = t.file(
      'c.csv',
      `customer_id,name,email,phone,type,account_manager\n"${NASTY}","${QUOTES.replace(/"/g, '""')}","${EMAIL}","${NASTY}",consumer,"${NASTY}"\n`,
    );
    const sales = t.file(
      's.csv',
      `customer_id,date,amount,product,channel,staff,payment_method,invoice\n"${NASTY}",2025-01-01,10.00,"${NASTY}","${NASTY}","${QUOTES.replace(/"/g, '""')}","${NASTY}","${NASTY}"\n`,
    );
    expect((await rp(['-q', 'import', 'customers', customers])).code).toBe(0);
    expect((await rp(['-q', 'import', 'transactions', sales])).code).toBe(0);
    expect(
      (await rp(['-q', 'complaint', 'add', '--customer', NASTY, '--category', 'other', '--summary', NASTY, '--staff', QUOTES, '--at', '2025-01-02'])).code,
    ).toBe(0);
    expect((await rp(['-q', 'config', 'set', 'rfm.segments', `A: r1-5`])).code).toBe(0);
    expect((await rp(['-q', 'segment', '--as-of', '2025-01-31'])).code).toBe(0);
    const card = JSON.parse((await rp(['--format', 'json', 'customer', NASTY, '--as-of', '2025-01-31'])).stdout) as {
      customer: { name: string; email: string };
      recent_transactions: { product: string }[];
    };
    expect(card.customer).toMatchObject({ name: QUOTES, email: EMAIL });
    expect(card.recent_transactions[0]!.product).toBe(NASTY);
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(1);
      expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    } finally {
      db.close();
    }
    const list = JSON.parse((await rp(['--format', 'json', 'complaint', 'list', '--customer', NASTY])).stdout) as { id: number }[];
    const shown = JSON.parse((await rp(['--format', 'json', 'complaint', 'show', String(list[0]!.id)])).stdout) as { summary: string; staff: string };
    expect(shown).toMatchObject({ summary: NASTY, staff: QUOTES });
  });

  it('the database is created readable by its owner only', async () => {
    const csv = t.file('c.csv', 'customer_id,name\nC1,Ann\n');
    expect((await rp(['-q', 'import', 'customers', csv])).code).toBe(0);
    expect(fs.statSync(t.db).mode & 0o777).toBe(0o600);
  });

  it('no names, emails, phones or free text from the data reach stderr, whatever goes wrong', { timeout: 30_000 }, async () => {
    // What the user types may be repeated back; what the files hold may not (stderr ends up in a
    // cron job's mail and in logs). Customer ids may be named: they are how the user finds anyone.
    const people = [
      ['W1', 'Wendy Weekly', 'wendy.w@example.com', '+44 7700 900111'],
      ['Y1', 'Yearly Hampers Ltd', 'orders@yearly.example', '+44 7700 900222'],
      ['D1', 'Dropping Cafe Ltd', 'cafe@dropping.example', '+44 7700 900333'],
      ['F1', 'Fran Forming', 'fran.f@example.com', '+44 7700 900444'],
    ];
    const personal = people.flatMap((p) => p.slice(1));
    const secret = ['zelda-at-nowhere', 'Quentin Quux', '+44 7700 900999', 'the kettle scalded me'];
    const customers = t.file(
      'c.csv',
      'customer_id,name,email,phone\n' + people.map((p) => p.join(',')).join('\n') + `\nZ1,${secret[1]},${secret[0]},${secret[2]}\n`,
    );
    const headerless = t.file('h.csv', people.map((p) => p.join(',')).join('\n') + '\n');
    const namesOnly = t.file('n.csv', people.map((p) => `${p[0]},${p[1]}`).join('\n') + '\n');
    const shop = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/segment/shop.csv');
    const stderr: string[] = [];
    const go = async (args: string[]): Promise<number> => {
      const r = await rp(['--format', 'csv', ...args]);
      stderr.push(r.stderr);
      return r.code;
    };
    expect(await go(['import', 'customers', customers])).toBe(0); // Z1 rejected for its email
    expect(await go(['import', 'customers', headerless])).toBe(2);
    expect(await go(['import', 'customers', headerless, '--map', 'customer_id=id'])).toBe(2);
    expect(await go(['import', 'customers', namesOnly])).toBe(2);
    expect(await go(['import', 'transactions', shop])).toBe(0);
    expect(await go(['complaint', 'add', '--customer', 'W1', '--category', 'product', '--summary', secret[3]!, '--at', '2025-12-01'])).toBe(0);
    expect(await go(['complaint', 'add', '--customer', 'Wendy', '--category', 'product', '--summary', 'x'])).toBe(1); // did you mean W1?
    expect(await go(['customer', 'Fran'])).toBe(1);
    expect(await go(['segment', '--as-of', '2025-12-31'])).toBe(0);
    expect(await go(['churn', '--as-of', '2025-12-31'])).toBe(0);
    expect(
      await go([
        'report',
        'churn',
        '--as-of',
        '2025-12-31',
        '--since',
        '2025-10-01',
        '--fail-if',
        'new-high-risk:lead',
        '--fail-if',
        'overdue-complaints>0',
        '--fail-if',
        'high-risk-value>0',
      ]),
    ).toBe(5);
    expect(await go(['rejects', '1'])).toBe(0);
    const all = stderr.join('\n');
    expect(all).toMatch(/rejected/); // the reject was reported...
    expect(all).toMatch(/did you mean W1/); // ...and the id suggested
    for (const text of [...personal, ...secret]) expect(all, text).not.toContain(text);
  });
});
