/**
 * rapport --db SOURCE copy --to DEST: the whole shop from one store into another (SQLite file to a
 * team's PostgreSQL, or back), in one transaction on the destination, into a destination that holds
 * nothing yet (issue 27). What is copied and how: src/store/copyTables.ts.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isPostgresUrl, openForRead, openForWrite, openIfAny, resolveDbPath, type Context } from '../cli/context.js';
import { RapportError, ExitCode } from '../sys/errors.js';
import { t } from '../i18n/index.js';
import { notice } from '../cli/io.js';
import type { Column } from '../cli/output.js';
import { show } from '../cli/printer.js';
import { ProgressBar } from '../cli/progress.js';
import { COPY_TABLES, copyTables, nonEmpty } from '../store/copyTables.js';
import type { TableCounts } from '../store/types.js';
import type { Store } from '../store/store.js';

/** Where a store is, to tell one from another: a file's real path, or the URL as given. */
function identity(db: string): string {
  if (isPostgresUrl(db)) return db;
  return existsSync(db) ? realpathSync(db) : db;
}

export async function runCopy(to: string, ctx: Context): Promise<number> {
  const dest = resolveDbPath(to, ctx.io);
  if (identity(dest) === identity(ctx.dbPath)) throw new RapportError(t('copy.same'), t('copy.sameHint'), ExitCode.usage);
  const from = await openForRead(ctx);
  try {
    const destCtx = { ...ctx, dbPath: dest, dbChosen: true };
    // A destination that exists is looked at read-only first: one that holds a shop is left exactly
    // as it was (opening it to write could checkpoint its log or migrate it).
    const look = await openIfAny(destCtx);
    if (look !== null) {
      try {
        await refuseNonEmpty(look);
      } finally {
        await look.close();
      }
    }
    const into = await openForWrite(destCtx);
    try {
      const copied = await from.readConsistent(async () => {
        const counts = await from.tableCounts();
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        const bar = new ProgressBar(ctx.io, t('copy.progress.label', { dest: into.location }), 'rows');
        let done = 0;
        try {
          return await into.transaction(async () => {
            await refuseNonEmpty(into); // again, in the transaction: nothing landed meanwhile
            const out = await copyTables(from, into, (_table, rows) => {
              done += rows;
              bar.update(done, total);
            });
            // Read back before the commit: every row read is in the destination, or nothing is.
            const landed = await into.tableCounts();
            const short = COPY_TABLES.find((s) => landed[s.name] !== counts[s.name] || out[s.name] !== counts[s.name]);
            if (short !== undefined)
              throw new RapportError(
                t('copy.mismatch', { table: short.name, read: counts[short.name] ?? 0, written: landed[short.name] ?? 0 }),
                t('copy.mismatchHint'),
              );
            return out;
          });
        } finally {
          bar.done();
        }
      });
      report(ctx, copied, from.location, into.location);
      return ExitCode.ok;
    } finally {
      await into.close();
    }
  } finally {
    await from.close();
  }
}

async function refuseNonEmpty(store: Store): Promise<void> {
  const held = nonEmpty(await store.tableCounts());
  if (held.length > 0) throw new RapportError(t('copy.notEmpty', { dest: store.location, tables: held.join(', ') }), t('copy.notEmptyHint'));
}

function report(ctx: Context, copied: TableCounts, source: string, dest: string): void {
  const rows = COPY_TABLES.map((s) => ({ table: s.name, rows: copied[s.name] ?? 0 }));
  const columns: Column[] = [
    { key: 'table', header: t('copy.col.table') },
    { key: 'rows', header: t('copy.col.rows'), align: 'right' },
  ];
  show(ctx, { data: { columns, rows } });
  const total = rows.reduce((a, r) => a + r.rows, 0);
  notice(ctx.io, t('copy.done', { rows: total.toLocaleString('en-US'), source, dest }));
}
