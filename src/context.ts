import path from 'node:path';
import type { IO } from './io.js';
import type { AskedFormat } from './output.js';
import { openDatabase, type DB } from './store/db.js';

/** What every command gets: the terminal facts, the database path, the asked output format. */
export interface Context {
  io: IO;
  dbPath: string;
  /** The path was given with --db (RAPPORT_DB does not count: the demo never writes there). */
  dbChosen: boolean;
  /** --format as given (undefined: table on a terminal, CSV when piped). */
  format: AskedFormat | undefined;
}

export function resolveDbPath(flag: string | undefined, io: IO): string {
  const fromEnv = io.env.RAPPORT_DB === '' ? undefined : io.env.RAPPORT_DB;
  const p = flag ?? fromEnv ?? 'rapport.db';
  return path.resolve(io.cwd, p);
}

/** RAPPORT_BUSY_TIMEOUT_MS: how long a writer waits for another (default 15,000). */
function busyTimeoutMs(ctx: Context): number | undefined {
  const raw = ctx.io.env.RAPPORT_BUSY_TIMEOUT_MS;
  const v = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Opens an existing database (to read, or to write settings and snapshots): a missing file is an
 * error, not a new database. Only imports create one.
 */
export function openForRead(ctx: Context): DB {
  return openDatabase(ctx.dbPath, { create: false, busyTimeoutMs: busyTimeoutMs(ctx) });
}

export function openForWrite(ctx: Context): DB {
  return openDatabase(ctx.dbPath, { create: true, busyTimeoutMs: busyTimeoutMs(ctx) });
}
