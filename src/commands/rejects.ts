import { RapportError } from '../errors.js';
import { openForRead, type Context } from '../context.js';
import { printRows, resolveFormat, type Column } from '../output.js';
import { importExists, importHeader, listRejects } from '../store/queries.js';

const COLUMNS: Column[] = [
  { key: 'import_id', header: 'import', align: 'right' },
  { key: 'file_name', header: 'file' },
  { key: 'line', align: 'right' },
  { key: 'field' },
  { key: 'reason' },
  { key: 'raw', show: (v) => clip(String(v ?? ''), 60) },
];

function clip(s: string, n: number): string {
  const one = s.replace(/\n/g, '⏎');
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export function runRejects(options: { importId: number | null; limit: number | null; raw: boolean }, ctx: Context): number {
  const db = openForRead(ctx);
  try {
    if (options.importId !== null && !importExists(db, options.importId)) {
      throw new RapportError(`there is no import #${options.importId}`, 'list imports with: rapport imports');
    }
    if (options.raw) {
      // The rejected lines as they were in the file, under the file's header: fix them in a
      // spreadsheet or editor and import the result again.
      const header = importHeader(db, options.importId!);
      if (header === null) throw new RapportError(`import #${options.importId} did not record its header line`);
      const rows = listRejects(db, options.importId, options.limit);
      ctx.io.stdout.write([header, ...rows.map((r) => r.raw)].join('\n') + '\n');
      return 0;
    }
    const rows = listRejects(db, options.importId, options.limit);
    printRows(ctx.io, resolveFormat(ctx.format, ctx.io), COLUMNS, rows as unknown as Record<string, unknown>[]);
    return 0;
  } finally {
    db.close();
  }
}
