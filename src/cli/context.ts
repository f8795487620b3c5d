import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { notice, type IO } from './io.js';
import type { AskedFormat } from './output.js';
import type { Check } from '../store/sqlite/db.js';
import type { Store } from '../store/store.js';
import { t } from '../i18n/index.js';
import { UsageError } from '../sys/errors.js';
import { companionOf } from '../store/sqlite/dbfile.js';

/** What every command gets: the terminal facts, the database path, the asked output format. */
export interface Context {
  io: IO;
  dbPath: string;
  /** The path was given with --db (RAPPORT_DB does not count: the demo never writes there). */
  dbChosen: boolean;
  /** --format as given (undefined: table on a terminal, CSV when piped). */
  format: AskedFormat | undefined;
  /** --check: how a command that writes checks the database first (default quick). */
  check?: Check;
  /** false: --as-of was not given, so an analysis takes its default (today, or the last sale day: the setting analysis.as_of). */
  asOfGiven?: boolean;
}

/** postgres://… or postgresql://…: a PostgreSQL database; anything else is a SQLite file's path. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

export function resolveDbPath(flag: string | undefined, io: IO): string {
  const fromEnv = io.env.RAPPORT_DB === '' ? undefined : io.env.RAPPORT_DB;
  const p = flag ?? fromEnv ?? 'rapport.db';
  if (isPostgresUrl(p)) return p;
  const file = path.resolve(io.cwd, p);
  // shop.db-wal as a database: the next open of shop.db would delete it (SQLite's own file there).
  const owner = companionOf(file);
  if (owner !== null) throw new UsageError(t('errors.store.isCompanion', { path: p, db: owner.db }), t('errors.store.isCompanionHint', { db: owner.db }));
  return file;
}

/** RAPPORT_BUSY_TIMEOUT_MS: how long a writer waits for another (default 15,000; Infinity and more than 2^31 - 1 wait that long, openDatabase). */
function busyTimeoutMs(ctx: Context): number | undefined {
  const raw = ctx.io.env.RAPPORT_BUSY_TIMEOUT_MS;
  const v = Number(raw);
  return raw !== undefined && raw !== '' && !Number.isNaN(v) && v >= 0 ? v : undefined;
}

type Mode = 'read' | 'change' | 'write';

async function openStore(ctx: Context, mode: Mode): Promise<Store> {
  if (isPostgresUrl(ctx.dbPath)) {
    const { openPgStore } = await import('../store/pg/index.js');
    return openPgStore(ctx.dbPath, { env: ctx.io.env, create: mode === 'write' });
  }
  // Loaded here, when a command opens a store: `rapport --help` reads no store module.
  const [{ openDatabase }, { SqliteStore }] = await Promise.all([import('../store/sqlite/db.js'), import('../store/sqlite/store.js')]);
  const db = openDatabase(ctx.dbPath, {
    create: mode === 'write',
    write: mode !== 'read',
    check: mode === 'read' ? undefined : ctx.check,
    busyTimeoutMs: busyTimeoutMs(ctx),
  });
  return new SqliteStore(db, ctx.dbPath);
}

/**
 * Opens an existing store to read: a missing file is an error, not a new database (only imports
 * create one). It opens read-only files, read-only folders and full disks too.
 */
export function openForRead(ctx: Context): Promise<Store> {
  return openStore(ctx, 'read');
}

/** Opens an existing store to change it (settings, snapshots, complaints): checked first. */
export function openForChange(ctx: Context): Promise<Store> {
  return openStore(ctx, 'change');
}

/** Opens the store an import writes to, creating a SQLite file if need be: checked first. */
export function openForWrite(ctx: Context): Promise<Store> {
  return openStore(ctx, 'write');
}

/**
 * Opens the store an import's --dry-run previews against: nothing is created, so a database that
 * does not exist yet (a missing file, a PostgreSQL database without rapport's tables) is a
 * throwaway one in memory; a PostgreSQL role that may only read previews too.
 */
export async function openForPreview(ctx: Context): Promise<Store> {
  const memory = async (): Promise<Store> => {
    const [{ openDatabase }, { SqliteStore }] = await Promise.all([import('../store/sqlite/db.js'), import('../store/sqlite/store.js')]);
    return new SqliteStore(openDatabase(':memory:', { create: true }), ':memory:');
  };
  if (isPostgresUrl(ctx.dbPath)) {
    const { openPgStore } = await import('../store/pg/index.js');
    return (await openPgStore(ctx.dbPath, { env: ctx.io.env, create: false, preview: true })) ?? memory();
  }
  return fs.existsSync(ctx.dbPath) ? openForWrite(ctx) : memory();
}

/**
 * Opens an existing store to read, or gives null where there is none yet: no file, an empty file,
 * a PostgreSQL database without rapport's tables (rapport copy looks at its destination so).
 */
export async function openIfAny(ctx: Context): Promise<Store | null> {
  if (isPostgresUrl(ctx.dbPath)) {
    const { openPgStore } = await import('../store/pg/index.js');
    return openPgStore(ctx.dbPath, { env: ctx.io.env, create: false, preview: true });
  }
  return fs.existsSync(ctx.dbPath) && fs.statSync(ctx.dbPath).size > 0 ? openForRead(ctx) : null;
}

/**
 * Heap an analysis needs per customer at its peak, in bytes: segment, model, churn and customers
 * on 1,022,779 customers all finished with the heap capped at 1 GiB (npm run bench:large), where
 * V8's limit is 1,072 MB: at most 1,050 bytes each.
 */
export const HEAP_PER_CUSTOMER = 1000;

/**
 * Advice when the customers will not fit in the heap Node allows: V8 cannot report running out
 * of memory as an error the program catches (it aborts with its own stack trace), so the warning
 * comes before the work. Null when they fit.
 */
export function heapAdvice(customers: number, limitBytes: number): string | null {
  const need = customers * HEAP_PER_CUSTOMER;
  if (need <= limitBytes) return null;
  const mb = (b: number): string => Math.round(b / 2 ** 20).toLocaleString('en-US');
  const suggest = Math.ceil((need * 1.5) / 2 ** 28) * 256;
  return t('core.heap-advice', { customers: customers.toLocaleString('en-US'), need: mb(need), limit: mb(limitBytes), suggest });
}

/** openForRead (or openForChange) for the commands that hold every customer at once: warns when they will not fit. */
export async function openForAnalysis(ctx: Context, change = false): Promise<Store> {
  const db = await (change ? openForChange(ctx) : openForRead(ctx));
  const customers = await db.customerCount();
  const advice = heapAdvice(customers, v8.getHeapStatistics().heap_size_limit);
  if (advice !== null) notice(ctx.io, advice);
  return db;
}
