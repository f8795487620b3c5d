/** PostgreSQL as the store: connect, bring the schema up to date, hand back a PgStore. */
import { RapportError } from '../../sys/errors.js';
import { t } from '../../i18n/index.js';
import type { Store } from '../store.js';
import { connectPg, describePg, pgFault, type DbFacts, type Sql } from './connect.js';
import { migratePg } from './migrations.js';
import { PgStore } from './store.js';

export interface OpenPgOptions {
  env: Record<string, string | undefined>;
  /** The command may create rapport's tables (imports); a read on an empty database is refused. */
  create: boolean;
  /**
   * An import's --dry-run: nothing is created (an empty database gives null: the caller reads
   * the file into a throwaway store), and a role that may only read previews on copies of the
   * tables kept in its own session (src/store/pg/import.ts).
   */
  preview?: boolean;
  /** Where a warning goes (a password file others can read). */
  warn?: (message: string) => void;
}

export async function openPgStore(url: string, options: OpenPgOptions & { preview: true }): Promise<Store | null>;
export async function openPgStore(url: string, options: OpenPgOptions): Promise<Store>;
export async function openPgStore(url: string, options: OpenPgOptions): Promise<Store | null> {
  // Two connections: an import's transaction holds one while the command may still read.
  const sql = await connectPg(url, options.env, { max: 2, warn: options.warn });
  let facts: DbFacts | undefined;
  try {
    if (!(await hasSchema(sql))) {
      if (options.preview) {
        await sql.end({ timeout: 1 }).catch(() => {});
        return null;
      }
      if (!options.create) throw new RapportError(t('pg.noData', { url: describePg(url) }), t('pg.noDataHint', { url: describePg(url) }));
    }
    facts = await dbFacts(sql);
    await migratePg(sql, url, undefined, facts);
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw pgFault(e, url, options.env, undefined, undefined, facts) ?? e;
  }
  const store = new PgStore(sql, describePg(url), options.preview === true);
  store.facts = await dbFacts(sql).catch(() => facts);
  return guarded(store, url, options.env, store.facts);
}

async function hasSchema(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ tracked: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS tracked`;
  return row!.tracked;
}

/** Where rapport's tables are, who owns them, and whether this role may only read them. */
async function dbFacts(sql: Sql): Promise<DbFacts> {
  const [row] = await sql<{ schema: string; owner: string | null; read: boolean | null; write: boolean | null }[]>`
    SELECT current_schema() AS schema, c.relowner::regrole::text AS owner,
           has_table_privilege(c.oid, 'SELECT') AS read, has_table_privilege(c.oid, 'INSERT') AS write
    FROM (SELECT 1) one LEFT JOIN pg_class c ON c.oid = to_regclass('transactions')`;
  return {
    schema: row!.schema,
    owner: row!.owner === null ? null : row!.owner.replace(/^"(.*)"$/, '$1').replace(/""/g, '"'),
    readOnly: row!.read === true && row!.write === false,
  };
}

/**
 * The store with every failure the server reports (permissions, a lost connection, a full disk)
 * turned into one line with a hint, as connecting does; anything else passes through unchanged.
 */
function guarded(store: PgStore, url: string, env: Record<string, string | undefined>, facts: DbFacts | undefined): Store {
  const fault = (e: unknown): unknown => pgFault(e, url, env, undefined, undefined, facts) ?? e;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (prop === 'exportRows' || prop === 'tableRows') {
        return async function* (...args: unknown[]) {
          try {
            yield* method.apply(target, args) as AsyncIterable<Record<string, unknown>[]>;
          } catch (e) {
            throw fault(e);
          }
        };
      }
      return (...args: unknown[]) => {
        const out = method.apply(target, args);
        return out instanceof Promise ? out.catch((e: unknown) => Promise.reject(fault(e))) : out;
      };
    },
  });
}
