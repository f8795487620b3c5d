/**
 * A whole transactions import into PostgreSQL through an ImportSession, with rapport's own
 * reading, parsing and validation (the parsing worker for large files): what the PostgreSQL bench
 * and tests drive while the import command is moved onto the Store. Default reading only (no
 * --map, --date-format, --currency); a batch is written before the worker is let go on.
 */
import { RS, produceTransactions, type Batch, type SourceRef } from '../import/produce.js';
import { inWorker } from '../import/parallel.js';
import type { ImportOptions } from '../import/run.js';
import { sniffFile } from '../import/sniff.js';
import { openSource } from '../import/source.js';
import type { CheckSettings } from '../import/validate.js';
import { presentColumns } from '../import/validate.js';
import type { ImportCounts } from '../store/importStore.js';
import { beginPgImport } from '../store/pg/import.js';
import type { Sql } from '../store/pg/connect.js';
import { Readable } from 'node:stream';

export interface PgImportResult {
  importId: number;
  counts: ImportCounts;
}

const WORKER_MIN_BYTES = 2 * 1024 * 1024;

export async function importIntoPg(sql: Sql, file: string, options: { keepAll?: boolean; where?: string; worker?: boolean } = {}): Promise<PgImportResult> {
  const source = await openSource(file, Readable.from([]), process.cwd());
  const importOptions: ImportOptions = { kind: 'transactions', map: {}, decimalComma: false, noHeader: false, dryRun: false, keepAll: options.keepAll === true, preview: 0 };
  const shape = sniffFile(source, importOptions);
  const settings: CheckSettings = { decimalComma: false, currency: null, allowedCurrencies: null };
  const session = await beginPgImport(sql, options.where ?? '');
  try {
    const importId = await session.insertImport(
      {
        kind: 'transactions',
        fileName: source.name,
        fileSize: source.size,
        contentHash: '',
        mapping: Object.fromEntries(Object.entries(shape.mapping.fields).map(([f, i]) => [f, shape.headers[i]!])),
        options: { keepAll: importOptions.keepAll },
        startedAt: new Date().toISOString(),
      },
      'complete',
    );
    const rows = session.transactions(importId, presentColumns(shape), { keepAll: importOptions.keepAll });
    const rejects = session.rejects(importId);
    let rejected = 0;
    const consume = (b: Batch): Promise<void> => {
      for (const r of b.rejects) rejects.add(r.line, r.field, r.reason, r.raw);
      rejected += b.rejects.length;
      rows.customers(b.customers);
      rows.products(b.products);
      if (b.count > 0) {
        const contents = b.contents.split(RS);
        for (let i = 0; i < b.count; i++) rows.add(contents[i]!, b.lines[i]!, b.keys[i]!);
      }
      return rows.ready();
    };
    const ref: SourceRef = { name: source.name, path: source.path, size: source.size };
    let stats;
    if (options.worker ?? source.size >= WORKER_MIN_BYTES) stats = await inWorker(ref, shape, settings, consume);
    else {
      // Small files: parsed here at once, written after.
      const batches: Promise<void>[] = [];
      stats = produceTransactions(ref, shape, settings, (b) => void batches.push(consume(b)));
      await Promise.all(batches);
    }
    const written = await rows.finish();
    await rejects.finish();
    const counts: ImportCounts = {
      read: stats.read,
      imported: written.inserted,
      updated: 0,
      duplicate: written.duplicate,
      rejected,
      blankLines: stats.blankLines,
      customersCreated: written.customersCreated,
      withoutCustomer: stats.withoutCustomer,
    };
    await session.finishImport(importId, counts, stats.sha256 ?? '');
    await session.commit();
    return { importId, counts };
  } catch (e) {
    await session.rollback();
    throw e;
  } finally {
    source.cleanup();
  }
}
