/** The PostgreSQL URL and password lookup (no server needed): src/store/pg/connect.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePg, findPassword, isPgUrl, parsePgUrl } from '../src/store/pg/connect.js';
import { RapportError } from '../src/errors.js';
import { tempDir } from './helpers.js';

const noEnv = { HOME: '/nonexistent-home' };

describe('parsePgUrl', () => {
  it('reads user, host, port and database, and a socket folder from ?host= or a %2F host', () => {
    expect(parsePgUrl('postgres://ann@db.example:6543/shop', noEnv)).toMatchObject({ user: 'ann', host: 'db.example', port: 6543, database: 'shop', socket: false });
    expect(parsePgUrl('postgresql://ann@/shop?host=/tmp/pg%20dir', noEnv)).toMatchObject({ host: '/tmp/pg dir', port: 5432, database: 'shop', socket: true });
    expect(parsePgUrl('postgres://ann@%2Fvar%2Frun%2Fpg:5433/shop', noEnv)).toMatchObject({ host: '/var/run/pg', port: 5433, socket: true });
    expect(parsePgUrl('postgres://[::1]:7000/x', { ...noEnv, PGUSER: 'bob' })).toMatchObject({ host: '::1', port: 7000, user: 'bob' });
  });

  it('takes missing parts from PGHOST, PGPORT, PGUSER and PGDATABASE; the database defaults to the user', () => {
    expect(parsePgUrl('postgres://', { ...noEnv, PGHOST: 'h', PGPORT: '7', PGUSER: 'u', PGDATABASE: 'd' })).toMatchObject({ host: 'h', port: 7, user: 'u', database: 'd' });
    expect(parsePgUrl('postgres://carol@h', noEnv).database).toBe('carol');
  });

  it('refuses a password in the URL without ever printing it', () => {
    for (const url of ['postgres://ann:s3cr%40t@h/shop', 'postgres://ann@h/shop?password=s3cr3t', 'postgres://:s3cr3t@h/shop']) {
      let err: unknown;
      try {
        parsePgUrl(url, noEnv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RapportError);
      const e = err as RapportError;
      expect(e.message).toMatch(/contains a password/);
      expect(e.hint).toMatch(/PGPASSWORD|pgpass/);
      expect(`${e.message} ${e.hint}`).not.toMatch(/s3cr/);
    }
  });

  it('refuses unknown parameters, bad ports and bad sslmodes by name', () => {
    expect(() => parsePgUrl('postgres://h/x?hots=/tmp', noEnv)).toThrow(/unknown parameter "hots"/);
    expect(() => parsePgUrl('postgres://h:99999/x', noEnv)).toThrow(/bad port "99999"/);
    expect(() => parsePgUrl('mysql://h/x', noEnv)).toThrow(/not a PostgreSQL URL/);
  });

  it('describePg drops any password; isPgUrl tells URLs from file paths', () => {
    expect(describePg('postgres://ann:pw@h/shop')).toBe('postgres://ann@h/shop');
    expect(describePg('postgres://ann@h/shop?password=pw&sslmode=require')).toBe('postgres://ann@h/shop?password=***&sslmode=require');
    expect(isPgUrl('postgresql://h/x')).toBe(true);
    expect(isPgUrl('./postgres.db')).toBe(false);
  });
});

describe('findPassword', () => {
  const target = parsePgUrl('postgres://ann@db.example:5432/shop', noEnv);

  function pgpass(text: string, mode = 0o600): { file: string; cleanup: () => void } {
    const t = tempDir();
    const file = path.join(t.dir, 'pgpass');
    fs.writeFileSync(file, text);
    fs.chmodSync(file, mode);
    return { file, cleanup: t.cleanup };
  }

  it('PGPASSWORD first, else the first matching pgpass line (wildcards, \\: and \\\\ escapes)', () => {
    const p = pgpass(['# comment', 'other:5432:shop:ann:no', 'db.example:5432:shop:bob:no', 'db.example:*:shop:ann:pa\\:ss\\\\w:rd', '*:*:*:*:fallback', ''].join('\n'));
    try {
      expect(findPassword(target, { PGPASSFILE: p.file })).toBe('pa:ss\\w:rd');
      expect(findPassword(target, { PGPASSFILE: p.file, PGPASSWORD: 'env' })).toBe('env');
      expect(findPassword({ ...target, user: 'zed' }, { PGPASSFILE: p.file })).toBe('fallback');
    } finally {
      p.cleanup();
    }
  });

  it('ignores a password file others can read, with a warning, as libpq does', () => {
    const p = pgpass('*:*:*:*:open\n', 0o644);
    const warnings: string[] = [];
    try {
      expect(findPassword(target, { PGPASSFILE: p.file }, (w) => warnings.push(w))).toBeUndefined();
      expect(warnings.join()).toMatch(/chmod 600/);
    } finally {
      p.cleanup();
    }
  });

  it('reads ~/.pgpass when PGPASSFILE is not set', () => {
    const t = tempDir();
    try {
      fs.writeFileSync(path.join(t.dir, '.pgpass'), 'db.example:5432:shop:ann:home\n', { mode: 0o600 });
      expect(findPassword(target, { HOME: t.dir })).toBe('home');
      expect(findPassword({ ...target, port: 5433 }, { HOME: t.dir })).toBeUndefined();
    } finally {
      t.cleanup();
    }
  });
});
