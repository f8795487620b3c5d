/**
 * Connecting to a real PostgreSQL server, and each failure that can be produced on one machine
 * turned into one line with a hint (src/store/pg/connect.ts). Needs RAPPORT_TEST_PG.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RapportError } from '../../src/sys/errors.js';
import { connectPg, parsePgUrl, pgFault } from '../../src/store/pg/connect.js';
import { migratePg } from '../../src/store/pg/migrations.js';
import { tempDir } from '../helpers.js';
import { createTestDb, SERVER, urlFor, type TestDb } from './pgHelpers.js';

let db: TestDb;
const suffix = crypto.randomBytes(4).toString('hex');
const plain = `rapport_plain_${suffix}`;

beforeAll(async () => {
  db = await createTestDb();
  await db.sql.unsafe(`CREATE ROLE ${plain} LOGIN`);
});

afterAll(async () => {
  await db.sql.unsafe(`DROP OWNED BY ${plain}`).catch(() => {});
  await db?.drop();
  const admin = await connectPg(SERVER, process.env);
  await admin.unsafe(`DROP ROLE IF EXISTS ${plain}`);
  await admin.end();
});

/** The RapportError connectPg (or fn) throws. */
async function failure(fn: () => Promise<unknown>): Promise<RapportError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof RapportError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const env = (extra: Record<string, string> = {}): Record<string, string | undefined> => ({ HOME: '/nonexistent-home', ...extra });

describe('connectPg', () => {
  it('connects, and gives int8 and numeric back as numbers', async () => {
    const sql = await connectPg(db.url, env());
    try {
      const [row] = await sql`SELECT 9007199254740991::int8 AS big, sum(x)::numeric AS total, count(*) AS n FROM (VALUES (1::int8), (2::int8)) v(x)`;
      expect(row).toEqual({ big: 9007199254740991, total: 3, n: 2 });
    } finally {
      await sql.end();
    }
  });

  it('a missing database: its name and the createdb command', async () => {
    const e = await failure(() => connectPg(urlFor(`no_such_db_${suffix}`), env()));
    expect(e.message).toBe(`database "no_such_db_${suffix}" does not exist on PostgreSQL at ${describeServer()}`);
    expect(e.hint).toMatch(new RegExp(`createdb no_such_db_${suffix}`));
  });

  it('nothing listening: connection refused on TCP, no socket in a folder', async () => {
    const tcp = await failure(() => connectPg('postgres://x@127.0.0.1:1/x', env()));
    expect(tcp.message).toBe('cannot reach PostgreSQL at 127.0.0.1:1/x: connection refused');
    const t = tempDir();
    try {
      const sock = await failure(() => connectPg(`postgres://x@/x?host=${t.dir}`, env()));
      expect(sock.message).toBe(`cannot reach PostgreSQL at ${path.join(t.dir, '.s.PGSQL.5432')} (database x): no server socket there`);
      expect(sock.hint).toMatch(/host and port/);
    } finally {
      t.cleanup();
    }
  });

  it('a server that never answers: gives up after RAPPORT_PG_CONNECT_TIMEOUT seconds', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const e = await failure(() => connectPg(`postgres://x@127.0.0.1:${port}/x`, env({ RAPPORT_PG_CONNECT_TIMEOUT: '1' })));
      expect(e.message).toBe(`PostgreSQL at 127.0.0.1:${port}/x did not answer within 1 s`);
      expect(e.hint).toMatch(/RAPPORT_PG_CONNECT_TIMEOUT/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('an unknown role, and a role pg_hba.conf turns away: each said as such, pg_hba named', async () => {
    const e = await failure(() => connectPg(urlFor(db.name, `nobody_${suffix}`), env()));
    expect(e.message).toMatch(new RegExp(`^there is no role nobody_${suffix} on PostgreSQL at `));
    expect(e.hint).toMatch(new RegExp(`CREATE ROLE nobody_${suffix} LOGIN PASSWORD`));
    const hba = await failure(() => connectPg(urlFor(db.name, 'rapport_hba_test'), env()));
    expect(hba.message).toMatch(/refused the login: pg_hba\.conf rejects connection/);
  });

  it('a role that needs a password: refused without one, let in with PGPASSWORD or a 0600 .pgpass, never printing it', async () => {
    const password = `pw-${suffix}:x\\y`;
    const admin = await connectPg(SERVER, process.env);
    try {
      await admin.unsafe(`DO $$ BEGIN CREATE ROLE rapport_pw_test LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await admin.unsafe(`ALTER ROLE rapport_pw_test PASSWORD '${password.replace(/'/g, "''")}'`);
    } finally {
      await admin.end();
    }
    const url = urlFor(db.name, 'rapport_pw_test');
    const none = await failure(() => connectPg(url, env()));
    expect(none.message).toMatch(/refused the login of user rapport_pw_test: no password was given \(none in PGPASSWORD, no matching ~\/\.pgpass line\)$/);
    expect(none.hint).toMatch(/PGPASSWORD/);
    const wrong = await failure(() => connectPg(url, env({ PGPASSWORD: 'wrong-one' })));
    expect(`${wrong.message} ${wrong.hint}`).not.toMatch(/wrong-one/);
    expect(wrong.message).toMatch(/refused the login of user rapport_pw_test: password authentication failed \(a wrong password, or no role of that name\)$/);
    expect(wrong.hint).toMatch(/^check the password in PGPASSWORD; if the role does not exist yet/);
    // With scram the server answers a role that does not exist as it answers a wrong password.
    const ghost = await failure(() => connectPg(urlFor(db.name, `rapport_pw_test_${suffix}`), env({ PGPASSWORD: 'x' })));
    expect(ghost.message).toMatch(/no role of that name|there is no role/);

    const withEnv = await connectPg(url, env({ PGPASSWORD: password }));
    expect((await withEnv`SELECT current_user AS u`)[0]!.u).toBe('rapport_pw_test');
    await withEnv.end();

    const t = tempDir();
    try {
      const file = path.join(t.dir, 'pgpass');
      const host = parsePgUrl(url, env()).host.replace(/:/g, '\\:');
      fs.writeFileSync(file, `${host}:*:${db.name}:rapport_pw_test:${password.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`, { mode: 0o600 });
      const withFile = await connectPg(url, env({ PGPASSFILE: file }));
      await withFile.end();
      fs.chmodSync(file, 0o644);
      const warnings: string[] = [];
      const open = await failure(() => connectPg(url, env({ PGPASSFILE: file }), { warn: (w) => warnings.push(w) }));
      expect(open.message).toMatch(
        new RegExp(`refused the login of user rapport_pw_test: no password was given \\(${file.replace(/[.]/g, '\\.')} is mode 0644, ignored\\)$`),
      );
      expect(open.hint).toBe(`run chmod 600 ${file}: a password file is read only when no one but its owner can read it (as libpq does)`);
      expect(warnings.join()).toMatch(/mode 0644, ignored/);
    } finally {
      t.cleanup();
    }
  });

  it('a role without rights: permission denied with the GRANT that would fix it, nothing created', async () => {
    const url = urlFor(db.name, plain);
    const sql = await connectPg(url, env());
    try {
      const e = await failure(() => migratePg(sql, url));
      expect(e.message).toMatch(/permission denied for schema public/);
      expect(e.hint).toBe(`the database owner can run: GRANT USAGE, CREATE ON SCHEMA public TO ${plain}`);
      expect((await db.sql`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)[0]!.n).toBe(0);
      await migratePg(db.sql, db.url);
      const read = await failure(async () => {
        try {
          await sql`SELECT count(*) FROM transactions`;
        } catch (err) {
          throw pgFault(err, url) ?? err;
        }
      });
      expect(read.message).toMatch(/permission denied for table transactions/);
      expect(read.hint).toMatch(/GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO/);
    } finally {
      await sql.end();
    }
  });

  it('a read-only database, and too many connections for a role', async () => {
    const admin = await connectPg(SERVER, process.env);
    const ro = `rapport_ro_${suffix}`;
    try {
      await admin.unsafe(`CREATE DATABASE ${ro}`);
      await admin.unsafe(`ALTER DATABASE ${ro} SET default_transaction_read_only = on`);
      const url = urlFor(ro);
      const sql = await connectPg(url, env());
      const e = await failure(() => migratePg(sql, url));
      await sql.end();
      expect(e.message).toMatch(/is read-only: cannot execute CREATE TABLE in a read-only transaction/);
      expect(e.hint).toMatch(/primary/);

      await admin.unsafe(`ALTER ROLE ${plain} CONNECTION LIMIT 1`);
      const first = await connectPg(urlFor(db.name, plain), env());
      try {
        const second = await failure(() => connectPg(urlFor(db.name, plain), env()));
        expect(second.message).toMatch(/^too many connections to PostgreSQL at /);
        expect(second.hint).toMatch(/max_connections/);
      } finally {
        await first.end();
      }
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${ro} WITH (FORCE)`);
      await admin.end();
    }
  });
});

function describeServer(): string {
  const t = parsePgUrl(SERVER, process.env);
  return t.socket ? path.join(t.host, `.s.PGSQL.${t.port}`) : `${t.host}:${t.port}`;
}
