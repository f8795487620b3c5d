/**
 * A whole transactions import into PostgreSQL over an open connection, read the default way
 * (no --map, --date-format or --currency): the import command's own importFile on a PgStore, for
 * the PostgreSQL bench and tests that hold a connection of their own.
 */
import { Readable } from 'node:stream';
import { importFile } from '../src/import/run.js';
import { openSource } from '../src/import/source.js';
import type { ImportCounts } from '../src/store/importRules.js';
import type { Sql } from '../src/store/pg/connect.js';
import { PgStore } from '../src/store/pg/store.js';

export interface PgImportResult {
  importId: number;
  counts: ImportCounts;
}

export async function importIntoPg(sql: Sql, file: string, options: { keepAll?: boolean; where?: string } = {}): Promise<PgImportResult> {
  const source = await openSource(file, Readable.from([]), process.cwd());
  try {
    const result = await importFile(new PgStore(sql, options.where ?? ''), source, {
      kind: 'transactions',
      map: {},
      decimalComma: false,
      noHeader: false,
      dryRun: false,
      keepAll: options.keepAll === true,
      preview: 0,
    });
    if (result.importId === null) throw new Error(`${file}: ${result.status}${result.refusal ? ` (${result.refusal})` : ''}`);
    return { importId: result.importId, counts: result.counts };
  } finally {
    source.cleanup();
  }
}
