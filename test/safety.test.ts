/**
 * Privacy and safety: no writing through symbolic links, SQL text stored as text in every field,
 * the database readable by its owner only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { run, tempDir } from './helpers.js';

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
    const customers = t.file('c.csv', `customer_id,name,email,phone,type,account_manager\n"${NASTY}","${QUOTES.replace(/"/g, '""')}","${EMAIL}","${NASTY}",consumer,"${NASTY}"\n`);
    const sales = t.file('s.csv', `customer_id,date,amount,product,channel,staff,payment_method,invoice\n"${NASTY}",2025-01-01,10.00,"${NASTY}","${NASTY}","${QUOTES.replace(/"/g, '""')}","${NASTY}","${NASTY}"\n`);
    expect((await rp(['-q', 'import', 'customers', customers])).code).toBe(0);
    expect((await rp(['-q', 'import', 'transactions', sales])).code).toBe(0);
    expect((await rp(['-q', 'complaint', 'add', '--customer', NASTY, '--category', 'other', '--summary', NASTY, '--staff', QUOTES, '--at', '2025-01-02'])).code).toBe(0);
    expect((await rp(['-q', 'config', 'set', 'rfm.segments', `A: r1-5`])).code).toBe(0);
    expect((await rp(['-q', 'segment', '--as-of', '2025-01-31'])).code).toBe(0);
    const card = JSON.parse((await rp(['--format', 'json', 'customer', NASTY, '--as-of', '2025-01-31'])).stdout) as { customer: { name: string; email: string }; recent_transactions: { product: string }[] };
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
});
