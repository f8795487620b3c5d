/** PostgreSQL as the store: connect, bring the schema up to date, hand back a PgStore. */
import { RapportError } from '../../errors.js';
import { t } from '../../i18n/index.js';
import type { Store } from '../store.js';
import { connectPg, describePg, pgFault, type Sql } from './connect.js';
import { migratePg } from './migrations.js';
import { PgStore } from './store.js';

export interface OpenPgOptions {
  env: Record<string, string | undefined>;
  /** The command may create rapport's tables (imports); a read on an empty database is refused. */
  create: boolean;
  /** Where a warning goes (a password file others can read). */
  warn?: (message: string) => void;
}

export async function openPgStore(url: string, options: OpenPgOptions): Promise<Store> {
  // Two connections: an import's transaction holds one while the command may still read.
  const sql = await connectPg(url, options.env, { max: 2, warn: options.warn });
  try {
    if (!options.create && !(await hasSchema(sql))) {
      throw new RapportError(t('pg.noData', { url: describePg(url) }), t('pg.noDataHint', { url: describePg(url) }));
    }
    await migratePg(sql, url);
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw pgFault(e, url, options.env) ?? e;
  }
  return guarded(new PgStore(sql, describePg(url)), url, options.env);
}

async function hasSchema(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ tracked: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS tracked`;
  return row!.tracked;
}

/**
 * The store with every failure the server reports (permissions, a lost connection, a full disk)
 * turned into one line with a hint, as connecting does; anything else passes through unchanged.
 */
function guarded(store: PgStore, url: string, env: Record<string, string | undefined>): Store {
  const fault = (e: unknown): unknown => pgFault(e, url, env) ?? e;
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
