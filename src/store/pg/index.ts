/** PostgreSQL as the store: not in this build yet. */
import { RapportError } from '../../errors.js';
import type { Store } from '../store.js';

export async function openPgStore(url: string, _options: { env: Record<string, string | undefined>; create: boolean }): Promise<Store> {
  void url;
  throw new RapportError('a PostgreSQL database (--db postgres://…) is not yet supported', 'use a SQLite file: --db shop.db');
}
