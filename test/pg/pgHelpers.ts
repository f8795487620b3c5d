/**
 * The PostgreSQL tests' own database: each test file creates `rapport_t_<random>` on the server
 * RAPPORT_TEST_PG names (.ci/pg-start starts a throwaway one) and drops it afterwards.
 */
import crypto from 'node:crypto';
import { connectPg, type Sql } from '../../src/store/pg/connect.js';

export const SERVER = process.env.RAPPORT_TEST_PG ?? '';
if (SERVER === '') throw new Error('test/pg needs RAPPORT_TEST_PG (vitest.config.ts leaves these files out without it)');

/** The server URL with another database (or other user) in it. */
export function urlFor(database: string, user?: string): string {
  let url = SERVER.replace(/^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?/i, `$1/${encodeURIComponent(database)}`);
  if (user !== undefined) url = url.replace(/^(postgres(?:ql)?:\/\/)([^@/?#]*@)?/i, `$1${encodeURIComponent(user)}@`);
  return url;
}

export interface TestDb {
  name: string;
  url: string;
  /** A connection as the server's user, to set up and inspect. */
  sql: Sql;
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const admin = await connectPg(SERVER, process.env);
  const name = `rapport_t_${crypto.randomBytes(6).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  const sql = await connectPg(url, process.env, { max: 4 });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    },
  };
}
