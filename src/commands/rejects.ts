import { RapportError } from '../sys/errors.js';
import { openForRead, type Context } from '../cli/context.js';
import { TERMINAL_ROWS, type Column } from '../cli/output.js';
import { show } from '../cli/printer.js';
import { notice } from '../cli/io.js';
import { neutraliseLines } from '../core/csvSafe.js';
import type { ImportReading } from '../store/types.js';
import { t } from '../i18n/index.js';
import { reasonText } from '../import/reasons.js';

/** The columns; on a terminal with headers and reasons in the reader's language (CSV and JSON keep both as stored). */
const columns = (): Column[] => [
  { key: 'import_id', header: t('import.header.import'), align: 'right' },
  { key: 'file_name', header: t('import.header.file'), cutMiddle: true, drop: 1 },
  { key: 'line', header: t('import.header.line'), align: 'right' },
  { key: 'field', header: t('import.header.field') },
  { key: 'reason', header: t('import.header.reason'), show: (v) => reasonText(String(v ?? '')) },
  // one line however many the raw text held
  { key: 'raw', header: t('import.header.raw'), show: (v) => String(v ?? '').replace(/\n/g, '⏎'), clip: 60 },
];

/** The command that reads a fixed file the way the original import read its file (the text is UTF-8 now). */
function reimportCommand(r: ImportReading): string {
  const parts = [`rapport import ${r.kind} FILE`];
  if (r.delimiter !== ',') parts.push(`--delimiter ${r.delimiter === '\t' ? 'tab' : JSON.stringify(r.delimiter)}`);
  if (r.dateFormat !== 'ISO' && r.dateFormat !== 'ISO (YYYY-MM-DD)' && r.dateFormat !== 'none') parts.push(`--date-format ${JSON.stringify(r.dateFormat)}`);
  if (r.decimalComma) parts.push('--decimal-comma');
  if (r.noHeader) parts.push('--no-header');
  for (const [field, column] of Object.entries(r.map)) parts.push(`--map ${field}=${JSON.stringify(column)}`);
  if (r.keepAll) parts.push('--no-dedupe');
  return parts.join(' ');
}

export async function runRejects(options: { importId: number | null; limit: number | null; raw: boolean }, ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    if (options.importId !== null && !(await db.importExists(options.importId))) {
      throw new RapportError(t('import.noImport', { id: options.importId }), t('import.listImportsHint'));
    }
    if (options.raw) {
      // The rejected lines as they were in the file, under the file's header: fix them in a
      // spreadsheet or editor and import the result again.
      const reading = (await db.importReading(options.importId!))!;
      if (reading.header === null) throw new RapportError(t('import.noHeaderRecorded', { id: String(options.importId) }));
      const rows = await db.listRejects(options.importId, options.limit);
      // CSV like every CSV rapport writes: a cell that a spreadsheet would run as a formula gets a
      // leading quote (core/csvSafe.ts); the rest of each line is as it was. A file without a
      // header row gets none back.
      const original = [...(reading.noHeader ? [] : [reading.header]), ...rows.map((r) => r.raw)];
      const protectedLines = original.map((line) => neutraliseLines(line, reading.delimiter));
      ctx.io.stdout.write(protectedLines.join('\n') + '\n');
      if (rows.length === 0) notice(ctx.io, t('import.noRejects', { id: String(options.importId) }));
      else notice(ctx.io, t('import.reimportNote', { id: String(options.importId), command: reimportCommand(reading) }));
      const quoted = protectedLines.filter((line, i) => line !== original[i]).length;
      if (quoted > 0) notice(ctx.io, t('import.formulaNote', { n: quoted }));
      return 0;
    }
    const rows = await db.listRejects(options.importId, options.limit);
    show(ctx, {
      data: { columns: columns(), rows: rows as unknown as Record<string, unknown>[], terminalRows: options.limit === null ? TERMINAL_ROWS : null },
    });
    return 0;
  } finally {
    await db.close();
  }
}
