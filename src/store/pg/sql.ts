/**
 * Shared pieces of rapport's PostgreSQL SQL: the advisory locks (two-key form, the first key
 * "rapp" in ASCII so rapport's locks are told apart from other programs' in pg_locks).
 */
export const LOCK_CLASS = 0x72617070;
/** Held while a migration runs: two rapports migrating at once take turns. */
export const LOCK_MIGRATE = 1;
/** Held by an import's transaction: two imports take turns, the second sees the first's rows. */
export const LOCK_IMPORT = 2;
