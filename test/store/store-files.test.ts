/**
 * What rapport writes to files may never be, or take the place of, a database (issue 22): --out
 * naming the database or a file SQLite keeps beside it, a stdout redirected onto it, --db naming a
 * -wal, a database saved under a -wal name; the mode of a database made from an empty file;
 * temporary names cut by bytes; timeouts past what a timer takes.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyTimeout, openDatabase } from '../../src/store/sqlite/db.js';
import { connectPg, parsePgUrl } from '../../src/store/pg/connect.js';
import { cutToBytes, tempPath, released } from '../../src/sys/tempfiles.js';
import { expectPlainError, fixture, run, tempDir, transactionCount } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const SAMPLE = fixture('sample', 'transactions.csv');
const hash = (p: string): string => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const mode = (p: string): number => fs.statSync(p).mode & 0o777;

let t: ReturnType<typeof tempDir>;
let shop: string;
let stored: number;
beforeEach(async () => {
  t = tempDir();
  shop = path.join(t.dir, 'shop.db');
  expect((await run(['--db', shop, 'import', 'transactions', SAMPLE])).code).toBe(0);
  stored = transactionCount(shop);
});
afterEach(() => t.cleanup());

/** A second rapport database beside the first (another shop). */
async function otherShop(name: string): Promise<string> {
  const p = path.join(t.dir, name);
  const csv = t.file('other.csv', 'invoice,date,customer_id,amount\nO-1,2025-01-02,Z1,5.00\n');
  expect((await run(['--db', p, 'import', 'transactions', csv])).code).toBe(0);
  return p;
}

describe('--out never names a database', () => {
  const commands: [string, string[]][] = [
    ['export customers', ['--format', 'csv', 'export', 'customers']],
    ['export transactions', ['--format', 'json', 'export', 'transactions']],
    ['report churn', ['--format', 'md', 'report', 'churn', '--as-of', '2025-12-31']],
  ];
  for (const [what, args] of commands) {
    it(`${what}: the database by its name, ./name, another path, a symbolic link (even with --force) and a hard link; its -wal, -shm and -journal`, async () => {
      fs.symlinkSync(shop, path.join(t.dir, 'link.db'));
      fs.linkSync(shop, path.join(t.dir, 'hard.db'));
      const before = hash(shop);
      const names = [shop, './shop.db', `../${path.basename(t.dir)}/shop.db`, 'link.db', 'hard.db', 'shop.db-wal', 'shop.db-shm', 'shop.db-journal'];
      for (const out of names) {
        const r = await run(['--db', shop, ...args, '--out', out, ...(out === 'link.db' ? ['--force'] : [])], { cwd: t.dir });
        expect(r.code, out).not.toBe(0);
        expect(r.stderr, out).toMatch(
          /^rapport: --out .* would replace (the database|.*a file SQLite keeps beside the database) .*shop\.db; nothing was written/,
        );
        expectPlainError(r.stderr);
        expect(r.stdout).toBe('');
      }
      expect(hash(shop)).toBe(before);
      expect(transactionCount(shop)).toBe(stored);
      expect(fs.lstatSync(path.join(t.dir, 'link.db')).isSymbolicLink()).toBe(true);
      expect(fs.readdirSync(t.dir).filter((f) => /^shop\.db-|rapport-tmp/.test(f))).toEqual([]);
    });
  }

  it('nor any other SQLite database, or the -wal of one', async () => {
    const other = await otherShop('other.db');
    const before = hash(other);
    for (const out of [other, `${other}-wal`]) {
      const r = await run(['--db', shop, '--format', 'csv', 'export', 'customers', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/would replace .*other\.db/);
    }
    expect(hash(other)).toBe(before);
    expect(fs.existsSync(`${other}-wal`)).toBe(false);
    // A file that only looks like one by name is written as usual.
    const fine = await run(['--db', shop, 'export', 'customers', '--out', path.join(t.dir, 'customers.db.csv')]);
    expect(fine.code).toBe(0);
  });

  it('an empty database (nothing imported yet) is caught by what it is, not by its bytes', async () => {
    const empty = path.join(t.dir, 'new.db');
    fs.writeFileSync(empty, '');
    const r = await run(['--db', empty, '--format', 'csv', 'export', 'customers', '--out', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/would replace the database/);
    expect(fs.statSync(empty).size).toBe(0);
  });

  it('stdout appended onto the database (>> shop.db) is refused before a byte is written', () => {
    const before = hash(shop);
    const fd = fs.openSync(shop, 'a');
    try {
      const r = spawnSync(process.execPath, [BIN, '--db', shop, 'export', 'customers'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^rapport: standard output is the database .*shop\.db/);
      expectPlainError(r.stderr);
    } finally {
      fs.closeSync(fd);
    }
    expect(hash(shop)).toBe(before);
    // stdout to another file is written whole, through rapport's own writer.
    const out = path.join(t.dir, 'c.csv');
    const ofd = fs.openSync(out, 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, '--db', shop, 'export', 'customers'], { stdio: ['ignore', ofd, 'pipe'], encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      fs.closeSync(ofd);
    }
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^id,/);
  });
});

describe('the files SQLite keeps beside a database', () => {
  it('--db shop.db-wal (-shm, -journal), or RAPPORT_DB naming one, is refused with the database it belongs to', async () => {
    for (const suffix of ['-wal', '-shm', '-journal']) {
      for (const r of [
        await run(['--db', `${shop}${suffix}`, 'import', 'transactions', SAMPLE]),
        await run(['status'], { env: { RAPPORT_DB: `${shop}${suffix}` } }),
      ]) {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`that is the name of a file SQLite keeps beside the database ${shop}`);
        expect(r.stderr).toContain(`hint: use --db ${shop} for that database`);
      }
      expect(fs.existsSync(`${shop}${suffix}`)).toBe(false);
    }
  });

  it('a database saved as shop.db-wal, -shm or -journal is never deleted by opening shop.db', async () => {
    for (const suffix of ['-wal', '-shm', '-journal']) {
      const other = await otherShop(`other${suffix}.db`);
      fs.renameSync(other, `${shop}${suffix}`);
      const before = hash(`${shop}${suffix}`);
      for (const args of [['status'], ['import', 'transactions', SAMPLE], ['export', 'customers', '--out', path.join(t.dir, 'c.csv')]]) {
        const r = await run(['--db', shop, ...args]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(`^rapport: .*shop\\.db${suffix} is a database of its own, not the file SQLite keeps beside .*shop\\.db; rapport opened nothing`),
        );
        expectPlainError(r.stderr);
      }
      expect(hash(`${shop}${suffix}`)).toBe(before);
      fs.rmSync(`${shop}${suffix}`);
    }
    expect(transactionCount(shop)).toBe(stored);
  });

  it('a -wal or -journal that is not a log at all (a CSV saved there) is refused, not deleted', async () => {
    for (const suffix of ['-wal', '-journal']) {
      fs.writeFileSync(`${shop}${suffix}`, 'customer_id,name\nC1,Ann\n');
      const r = await run(['--db', shop, 'status']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is not a SQLite log/);
      expect(fs.readFileSync(`${shop}${suffix}`, 'utf8')).toBe('customer_id,name\nC1,Ann\n');
      fs.rmSync(`${shop}${suffix}`);
    }
  });

  it("SQLite's own -wal and -shm (another connection open, changes not yet checkpointed) are used as before", async () => {
    const h = new Database(shop);
    try {
      h.pragma('wal_autocheckpoint = 0');
      h.prepare(`INSERT INTO meta (key, value) VALUES ('probe', 'x')`).run();
      expect(fs.statSync(`${shop}-wal`).size).toBeGreaterThan(0);
      const r = await run(['--db', shop, 'status', '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      h.close();
    }
  });
});

describe('a database made from an existing empty file (issue 22, 7)', () => {
  for (const start of [0o644, 0o666]) {
    it(`a ${start.toString(8)} empty file becomes a 0600 database, and its -wal and -shm too`, async () => {
      const db = path.join(t.dir, 'touched.db');
      fs.writeFileSync(db, '');
      fs.chmodSync(db, start);
      // Left over from an earlier start: an empty -wal with the same open mode.
      fs.writeFileSync(`${db}-wal`, '');
      fs.chmodSync(`${db}-wal`, start);
      const r = await run(['--db', db, 'import', 'transactions', SAMPLE]);
      expect(r.code, r.stderr).toBe(0);
      expect(mode(db)).toBe(0o600);
      // SQLite gives the -wal and -shm the main file's mode: open one as a reader would.
      const h = new Database(db);
      try {
        h.prepare('SELECT count(*) FROM transactions').get();
        expect(mode(`${db}-wal`)).toBe(0o600);
        expect(mode(`${db}-shm`)).toBe(0o600);
      } finally {
        h.close();
      }
    });
  }

  it('a database with data keeps the mode its owner gave it', async () => {
    fs.chmodSync(shop, 0o640);
    expect((await run(['--db', shop, 'import', 'transactions', SAMPLE])).code).toBe(0);
    expect(mode(shop)).toBe(0o640);
  });
});

describe('names and waits past the limits (issue 22, 10)', () => {
  it('an --out name of 80 Chinese characters (244 bytes) is written; the temporary name is cut by bytes between characters', async () => {
    const name = '客'.repeat(80) + '.csv';
    expect(Buffer.byteLength(name)).toBe(244);
    const r = await run(['--db', shop, 'export', 'customers', '--out', name], { cwd: t.dir });
    expect(r.stderr).not.toMatch(/ENAMETOOLONG|unexpected/);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(t.dir, name), 'utf8')).toMatch(/^id,/);
    expect(fs.readdirSync(t.dir).filter((f) => f.includes('rapport-tmp'))).toEqual([]);

    for (const label of [name, '😀'.repeat(70), 'a'.repeat(300)]) {
      const p = tempPath(t.dir, label);
      released(p);
      const base = path.basename(p);
      expect(Buffer.byteLength(base)).toBeLessThanOrEqual(255);
      expect(Buffer.from(base).toString('utf8')).toBe(base); // no half character
      expect(base).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
    }
    expect(cutToBytes('ab客😀', 5)).toBe('ab客');
    expect(cutToBytes('ab客😀', 9)).toBe('ab客😀');
    expect(cutToBytes('ab客😀', 8)).toBe('ab客');
  });

  it('RAPPORT_BUSY_TIMEOUT_MS=99999999999 waits as long as SQLite can (2^31 - 1 ms), not no wait at all', () => {
    expect(busyTimeout(99_999_999_999)).toBe(2 ** 31 - 1);
    expect(busyTimeout(Infinity)).toBe(2 ** 31 - 1);
    expect(busyTimeout(undefined)).toBe(15_000);
    const db = openDatabase(shop, { create: false, busyTimeoutMs: 99_999_999_999 });
    try {
      expect(db.pragma('busy_timeout', { simple: true })).toBe(2 ** 31 - 1);
    } finally {
      db.close();
    }
  });

  it('connect_timeout=2147484 waits as long as a timer can (2,147,483 s), not 1 ms', async () => {
    expect(parsePgUrl('postgres://ann@db.example/shop?connect_timeout=2147484', {}).connectTimeout).toBe(2_147_483);
    expect(parsePgUrl('postgres://ann@db.example/shop?connect_timeout=30', {}).connectTimeout).toBe(30);
    // A server that refuses the login as soon as it has read the start-up message: the client
    // must get that far (a timer Node cannot keep fires after 1 ms, with a TimeoutOverflowWarning).
    const warnings: string[] = [];
    const onWarning = (w: Error): number => warnings.push(w.name);
    process.on('warning', onWarning);
    const body = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed for user "ann"\0\0');
    const refusal = Buffer.concat([Buffer.from('E'), Buffer.alloc(4), body]);
    refusal.writeUInt32BE(body.length + 4, 1);
    const server = net.createServer((s) => s.once('data', () => s.end(refusal)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const outcome = await connectPg(`postgres://ann@127.0.0.1:${port}/shop?connect_timeout=2147484&sslmode=disable`, { PGPASSWORD: 'x' }).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      expect(outcome).toMatch(/refused the login of user ann/);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
      server.close();
    }
  });
});
