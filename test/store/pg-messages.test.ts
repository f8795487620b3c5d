/**
 * What a person reads when PostgreSQL fails, in both languages (no server needed): pgFault() is
 * handed errors shaped as the postgres client and the server give them (a code, a message).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/i18n/index.js';
import { findPassword, parsePgUrl, pgFault } from '../../src/store/pg/connect.js';
import { tempDir } from '../helpers.js';

const env = { HOME: '/nonexistent-home' };
const URL = 'postgres://ann@db.example:5433/shop';
const CJK = /[\u4e00-\u9fff]/;

afterEach(() => setLang('en'));

function fault(code: string, message = 'server text', url = URL): { message: string; hint: string | undefined } {
  const e = pgFault({ code, message }, url, env, 7);
  if (e === undefined) throw new Error(`no message for ${code}`);
  return { message: e.message, hint: e.hint };
}

describe('PostgreSQL failures in Chinese', () => {
  it('a refused connection and a wrong password name the server, the user and the fix', () => {
    setLang('zh-CN');
    expect(fault('ECONNREFUSED')).toEqual({
      message: '无法连接 db.example:5433/shop 上的 PostgreSQL：连接被拒绝',
      hint: '请检查 --db / RAPPORT_DB 中的主机和端口，并确认服务器正在运行',
    });
    const login = fault('28P01');
    expect(login.message).toBe('db.example:5433/shop 上的 PostgreSQL 拒绝了用户 ann 的登录：密码验证失败（密码错误，或没有这个名称的角色）');
    expect(login.hint).toContain('PGPASSWORD');
    expect(login.hint).toContain('~/.pgpass');
    expect(login.hint).toMatch(/^请检查/);
    expect(login.hint).toContain("CREATE ROLE ann LOGIN PASSWORD '…'");
    // What rapport sent tells a missing password and an ignored password file apart.
    const none = pgFault({ code: '28P01', message: 'x' }, URL, env, 7, {});
    expect(none?.message).toBe('db.example:5433/shop 上的 PostgreSQL 拒绝了用户 ann 的登录：没有提供密码（PGPASSWORD 中没有，~/.pgpass 中也没有匹配的行）');
    const ignored = pgFault({ code: '28P01', message: 'x' }, URL, env, 7, { ignored: { file: '/home/ann/.pgpass', mode: '0644' } });
    expect(ignored?.message).toBe('db.example:5433/shop 上的 PostgreSQL 拒绝了用户 ann 的登录：没有提供密码（/home/ann/.pgpass 的权限是 0644，已忽略）');
    expect(ignored?.hint).toBe('请运行 chmod 600 /home/ann/.pgpass：只有当除所有者外无人能读取时，才会读取密码文件（与 libpq 相同）');
  });

  it('a missing database on a socket, a timeout and a permission error keep the commands to copy as they are', () => {
    setLang('zh-CN');
    const missing = fault('3D000', 'database "My Shop" does not exist', 'postgres://ann@/My%20Shop?host=/tmp/pg');
    expect(missing.message).toBe('/tmp/pg/.s.PGSQL.5432 上的 PostgreSQL 中没有数据库“My Shop”');
    expect(missing.hint).toBe('请先创建：createdb My Shop（或 CREATE DATABASE My Shop），或改正 --db / RAPPORT_DB 中的名称');
    expect(fault('CONNECT_TIMEOUT').message).toBe('db.example:5433/shop 上的 PostgreSQL 在 7 秒内没有响应');
    const denied = fault('42501', 'permission denied for table transactions');
    expect(denied.message).toBe('db.example:5433/shop 上的 PostgreSQL：permission denied for table transactions（用户 ann）');
    expect(denied.hint).toBe(
      '数据库所有者可以运行：GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ann; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ann',
    );
    expect(fault('42501', 'must be owner of table transactions').hint).toBe('请数据库所有者用 GRANT 授予 ann 对该数据库及其表的权限；没有写入任何内容');
    // Knowing the tables' owner, the hint says who runs it, with the rights on tables added later.
    const facts = { schema: 'public', owner: 'office', readOnly: false };
    expect(pgFault({ code: '42501', message: 'permission denied for table transactions' }, URL, env, 7, undefined, facts)?.hint).toBe(
      '表的所有者 office（或超级用户）可以运行：GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ann; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ann; ' +
        'ALTER DEFAULT PRIVILEGES FOR ROLE office IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ann; ALTER DEFAULT PRIVILEGES FOR ROLE office IN SCHEMA public GRANT USAGE ON SEQUENCES TO ann',
    );
    const readOnly = pgFault({ code: '42501', message: 'permission denied for table snapshots' }, URL, env, 7, undefined, { ...facts, readOnly: true });
    expect(readOnly?.message).toBe('用户 ann 只能读取这个 PostgreSQL 数据库，不能修改（permission denied for table snapshots）；没有写入任何内容');
    expect(readOnly?.hint).toMatch(/^只读角色仍可预览和分析：import --dry-run、segment --no-save/);
    expect(fault('3F000', 'no schema has been selected to create in').hint).toBe(
      '请给该角色一个可用的模式：ALTER ROLE ann SET search_path = public（或 CREATE SCHEMA rapport AUTHORIZATION ann; ALTER ROLE ann SET search_path = rapport）；没有写入任何内容',
    );
  });

  it('every failure rapport knows reads in Chinese, and in English as before', () => {
    const codes = [
      'ECONNREFUSED',
      'ENOENT',
      'ENOTFOUND',
      'ECONNRESET',
      'EPIPE',
      'CONNECT_TIMEOUT',
      'CONNECTION_CLOSED',
      '57P01',
      '28P01',
      '28000',
      '3D000',
      '3F000',
      '42501',
      '25006',
      '53100',
      '53200',
      '53300',
    ];
    setLang('zh-CN');
    const zh = codes.map((c) => fault(c));
    setLang('en');
    const en = codes.map((c) => fault(c));
    codes.forEach((code, i) => {
      expect(zh[i]!.message, code).toMatch(CJK);
      expect(zh[i]!.hint, code).toMatch(CJK);
      expect(en[i]!.message + en[i]!.hint, code).not.toMatch(CJK);
    });
    expect(en[0]).toEqual({
      message: 'cannot reach PostgreSQL at db.example:5433/shop: connection refused',
      hint: 'check the host and port in --db / RAPPORT_DB, and that the server is running',
    });
    expect(pgFault({ code: 'XX000', message: 'internal' }, URL, env)).toBeUndefined();
  });

  it('a bad URL and a password file others can read are refused in Chinese', () => {
    setLang('zh-CN');
    expect(() => parsePgUrl('postgres://db.example:99999/shop', env)).toThrow('PostgreSQL URL postgres://db.example:99999/shop 中的端口“99999”无效');
    expect(() => parsePgUrl('postgres://ann:s3cret@db.example/shop', env)).toThrow('PostgreSQL URL postgres://ann@… 中含有密码');
    const t = tempDir();
    try {
      const file = path.join(t.dir, 'pgpass');
      fs.writeFileSync(file, '*:*:*:*:open\n');
      fs.chmodSync(file, 0o644);
      const warnings: string[] = [];
      expect(findPassword(parsePgUrl(URL, env), { PGPASSFILE: file }, (w) => warnings.push(w))).toBeUndefined();
      expect(warnings).toEqual([`密码文件 ${file} 的权限是 0644，已忽略：其他人也能读取它（请运行 chmod 600 ${file}）`]);
    } finally {
      t.cleanup();
    }
  });
});
