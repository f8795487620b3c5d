import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { run, tempDir, fixture } from '../helpers.js';
import { runDemo } from '../../src/commands/demo.js';
import { setLang } from '../../src/i18n/index.js';
import { ioFromProcess } from '../../src/cli/io.js';

let t: ReturnType<typeof tempDir>;
afterEach(() => {
  setLang('en');
  t?.cleanup();
});

/** A stream that keeps what is written to it. */
function sink(): PassThrough & { text: string } {
  const s = Object.assign(new PassThrough(), { text: '' });
  s.on('data', (c: Buffer) => (s.text += c.toString('utf8')));
  return s;
}

/** Lines and net sum of the sample file, worked out from the CSV itself (not from rapport). */
function sampleTotals(): { rows: number; net: number; customers: number } {
  const lines = fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8').trim().split('\n').slice(1);
  let net = 0;
  for (const l of lines) {
    // amount is the 7th column; product names with commas are quoted, so read from the right.
    const cols = l.split(',');
    const amount = cols[cols.length - 4]!;
    const [whole, frac = ''] = amount.replace('-', '').split('.');
    const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    net += amount.startsWith('-') ? -cents : cents;
  }
  const customers = fs.readFileSync(fixture('sample', 'customers.csv'), 'utf8').trim().split('\n').length - 1;
  return { rows: lines.length, net, customers };
}

describe('rapport demo', () => {
  it('imports the sample shop into ./rapport-demo.db and prints the status', async () => {
    t = tempDir();
    const r = await run(['demo', '--format', 'json'], { cwd: t.dir });
    expect(r.code).toBe(0);
    const db = path.join(t.dir, 'rapport-demo.db');
    expect(fs.existsSync(db)).toBe(true);
    expect(fs.existsSync(path.join(t.dir, 'rapport.db'))).toBe(false);
    const want = sampleTotals();
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(want.rows);
    expect(d.prepare('SELECT sum(amount) FROM transactions').pluck().get()).toBe(want.net);
    expect(d.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(want.customers);
    d.close();
    expect(r.stdout).toContain(`"transactions": ${want.rows}`);
    // money as the currency's decimals, exactly
    expect(r.stdout).toContain(`"net_revenue": "${(want.net / 100).toFixed(2)}"`);
  });

  it('starts afresh when run again, and never overwrites a database named with --db', async () => {
    t = tempDir();
    expect((await run(['demo'], { cwd: t.dir })).code).toBe(0);
    expect((await run(['demo'], { cwd: t.dir })).code).toBe(0);
    const d = new Database(path.join(t.dir, 'rapport-demo.db'), { readonly: true });
    expect(d.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(2);
    d.close();
    const mine = t.file('mine.db', 'precious');
    const r = await run(['--db', mine, 'demo'], { cwd: t.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('wants a fresh database');
    expect(fs.readFileSync(mine, 'utf8')).toBe('precious');
  });
});

describe('rapport demo in Chinese', () => {
  it('imports the Chinese tea shop in CNY and narrates in Chinese', async () => {
    t = tempDir();
    setLang('zh-CN');
    const stdout = sink();
    const stderr = sink();
    const io = ioFromProcess({ stdout, stderr, stdin: Readable.from([]), env: {}, cwd: () => t.dir });
    const code = await runDemo({ io, dbPath: path.join(t.dir, 'rapport.db'), dbChosen: false, format: 'table' });
    await new Promise((r) => setImmediate(r));
    expect(code, stderr.text).toBe(0);
    const shop = fs.readFileSync(fixture('zh-shop', 'customers.csv'), 'utf8').trim().split('\n').slice(1);
    const d = new Database(path.join(t.dir, 'rapport-demo.db'), { readonly: true });
    expect(d.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(shop.length);
    expect(d.prepare("SELECT value FROM meta WHERE key = 'currency'").pluck().get()).toBe('CNY');
    const [id, name] = shop[0]!.split(',');
    expect(d.prepare('SELECT name FROM customers WHERE id = ?').pluck().get(id)).toBe(name);
    d.close();
    // The narration, the status and the pyramid in the domain's Chinese terms; the sample shop's English names nowhere.
    expect(stderr.text).toContain('rapport 演示');
    expect(stderr.text).toContain('下一步');
    expect(stdout.text).toContain('客户价值金字塔');
    for (const tier of ['铂金层', '黄金层', '钢铁层', '重铅层']) expect(stdout.text).toContain(tier);
    for (const stage of ['考察期', '形成期', '稳定期', '退化期', '已流失']) expect(stdout.text).toContain(stage);
    expect(stdout.text).toMatch(/净销售额 +¥[\d,]+\.\d\d/);
    expect(stdout.text).not.toMatch(/Value pyramid|platinum|net revenue/);
  });
});
