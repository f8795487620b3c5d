/**
 * Importing into PostgreSQL (COPY ... FROM STDIN) is another part of issue 16, written beside this
 * one; until it lands, an import into a PostgreSQL database says so instead of pretending.
 */
import { RapportError } from '../../errors.js';
import type { ImportCounts, ImportRecord } from '../importStore.js';
import type { ImportSession } from '../store.js';
import type { Sql } from './connect.js';

const NOT_YET = 'importing into PostgreSQL is not yet supported';
const HINT = 'import into a SQLite file (--db shop.db) for now';

export async function beginPgImport(_sql: Sql, _where = ''): Promise<ImportSession> {
  throw new RapportError(NOT_YET, HINT);
}

export async function recordPgRefusal(
  _sql: Sql,
  _record: ImportRecord,
  _counts: ImportCounts,
  _rejects: readonly { line: number; field: string | null; reason: string; raw: string }[],
  _where = '',
): Promise<number> {
  throw new RapportError(NOT_YET, HINT);
}
