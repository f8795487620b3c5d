/** The PostgreSQL URL and password lookup (no server needed): src/store/pg/connect.ts. */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describePg, findPassword, isPgUrl, parsePgUrl } from '../../src/store/pg/connect.js';
import { RapportError } from '../../src/sys/errors.js';
import { run, tempDir } from '../helpers.js';

const noEnv = { HOME: '/nonexistent-home' };

describe('parsePgUrl', () => {
  it('reads user, host, port and database, and a socket folder from ?host= or a %2F host', () => {
    expect(parsePgUrl('postgres://ann@db.example:6543/shop', noEnv)).toMatchObject({
      user: 'ann',
      host: 'db.example',
      port: 6543,
      database: 'shop',
      socket: false,
    });
    expect(parsePgUrl('postgresql://ann@/shop?host=/tmp/pg%20dir', noEnv)).toMatchObject({ host: '/tmp/pg dir', port: 5432, database: 'shop', socket: true });
    expect(parsePgUrl('postgres://ann@%2Fvar%2Frun%2Fpg:5433/shop', noEnv)).toMatchObject({ host: '/var/run/pg', port: 5433, socket: true });
    expect(parsePgUrl('postgres://[::1]:7000/x', { ...noEnv, PGUSER: 'bob' })).toMatchObject({ host: '::1', port: 7000, user: 'bob' });
  });

  it('takes missing parts from PGHOST, PGPORT, PGUSER and PGDATABASE; the database defaults to the user', () => {
    expect(parsePgUrl('postgres://', { ...noEnv, PGHOST: 'h', PGPORT: '7', PGUSER: 'u', PGDATABASE: 'd' })).toMatchObject({
      host: 'h',
      port: 7,
      user: 'u',
      database: 'd',
    });
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
    expect(describePg('postgres://ann:pw@h/shop')).toBe('postgres://ann@…');
    expect(describePg('postgres://ann@h/shop?password=pw&sslmode=require')).toBe('postgres://ann@h/shop?password=***&sslmode=require');
    expect(describePg('postgres://ann:p@ss@h/shop')).toBe('postgres://…');
    expect(describePg('mysql://ann:pw@h/shop')).toBe('mysql://…');
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
    const p = pgpass(
      ['# comment', 'other:5432:shop:ann:no', 'db.example:5432:shop:bob:no', 'db.example:*:shop:ann:pa\\:ss\\\\w:rd', '*:*:*:*:fallback', ''].join('\n'),
    );
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

/** The message and hint parsePgUrl throws for url, and describePg's form of it. */
function shown(url: string): string {
  let text = describePg(url);
  try {
    parsePgUrl(url, noEnv);
  } catch (e) {
    if (!(e instanceof RapportError)) throw e;
    text += `\n${e.message}\n${e.hint ?? ''}`;
  }
  return text;
}

describe('a password in a URL is never printed (issue 22 item 6)', () => {
  it('with / # ? or @ in it, an encoded key, a repeated password= or sslpassword=: refused, none of it shown', () => {
    const cases: [string, RegExp][] = [
      ['postgres://weak:pa/ssXQZ@h/shop', /cannot read the PostgreSQL URL postgres:\/\/…:/],
      ['postgres://weak:pa#ssXQZ@h/shop', /cannot read/],
      ['postgres://weak:pa?ssXQZ@h/shop', /cannot read/],
      ['postgres://weak:pa@ssXQZ@h/shop', /cannot read/],
      ['postgres://weak@ssXQZ@h/shop', /cannot read/],
      ['postgres://h/shop?pass%77ord=ssXQZ', /contains a password/],
      ['postgres://h/shop?password=x&password=ssXQZ', /contains a password/],
      ['postgres://h/shop?sslpassword=ssXQZ', /contains a password/],
      ['postgres://h/shop?sslmode=require&PASSWORD=ssXQZ', /contains a password/],
      ['postgres://weak:ssXQZ%zz@h/shop', /contains a password/],
      ['postgres://h/shop?password=ssXQZ%zz', /contains a password/],
      ['postgres://h:ssXQZ/shop?user=ann', /^postgres:\/\/…\nthe port in PostgreSQL URL postgres:\/\/… is not a number/],
      ['postgres://weak:ssXQZ', /the port in PostgreSQL URL postgres:\/\/… is not a number/],
    ];
    for (const [url, message] of cases) {
      const text = shown(url);
      expect(text, url).toMatch(message);
      expect(text, url).not.toMatch(/XQZ/);
    }
    // A port that is a number is named, as before.
    expect(shown('postgres://h:99999/shop')).toMatch(/bad port "99999" in PostgreSQL URL postgres:\/\/h:99999\/shop/);
  });

  /** Random text from characters that URLs treat specially, around two tokens the checks look for. */
  function secretUrls(seed: number): { url: string; tokens: string[] }[] {
    const rnd = crypto.createHash('sha256').update(String(seed)).digest();
    let i = 0;
    const pick = (s: string): string => s[rnd[i++ % rnd.length]! % s.length]!;
    const special = () => Array.from({ length: 1 + (rnd[i++ % rnd.length]! % 3) }, () => pick('@/#?:%&=+ ;[]')).join('');
    const tokens = [`QZ${seed}X`, `XJ${seed}Q`];
    const secret = `${special()}${tokens[0]}${special()}${tokens[1]}${special()}`;
    const enc = encodeURIComponent(secret);
    return [
      `postgres://ann:${secret}@db.example:5432/shop`,
      `postgresql://ann:${enc}@db.example/shop?sslmode=require`,
      `postgres://ann@db.example/shop?password=${secret}`,
      `postgres://ann@db.example/shop?pass%77ord=${enc}&sslmode=disable`,
      `postgres://ann@db.example/shop?sslmode=disable&password=no&password=${secret}`,
      `postgres://ann@db.example/shop?sslpassword=${secret}`,
      `postgres://ann:${secret}`,
      `postgres://ann:${secret}@[::1]:5432/shop`,
      `postgres://ann:${secret}@/shop?host=/tmp/nowhere`,
    ].map((url) => ({ url, tokens }));
  }

  it('a loop of generated URLs: no message or description holds the secret', () => {
    for (let seed = 0; seed < 300; seed++) {
      for (const { url, tokens } of secretUrls(seed)) {
        const text = shown(url);
        for (const token of tokens) expect(text, url).not.toContain(token);
      }
    }
  });

  it('nor anything the CLI prints, whatever the command', async () => {
    const t = tempDir();
    try {
      const csv = t.file('t.csv', 'customer_id,date,amount\nC1,2024-01-02,10.00\n');
      for (let seed = 0; seed < 6; seed++) {
        for (const { url, tokens } of secretUrls(seed)) {
          for (const args of [['status'], ['import', 'transactions', csv, '--dry-run'], ['segment', '--as-of', '2024-02-01']]) {
            const r = await run(['--db', url, ...args], { env: { HOME: '/nonexistent-home', RAPPORT_PG_CONNECT_TIMEOUT: '1' } });
            expect(r.code, `${url} ${args[0]}`).not.toBe(0);
            for (const token of tokens) expect(r.stdout + r.stderr, url).not.toContain(token);
          }
          const r = await run(['status'], { env: { HOME: '/nonexistent-home', RAPPORT_DB: url, RAPPORT_PG_CONNECT_TIMEOUT: '1' } });
          for (const token of tokens) expect(r.stdout + r.stderr, url).not.toContain(token);
        }
      }
    } finally {
      t.cleanup();
    }
  });
});
