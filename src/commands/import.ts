import fs from 'node:fs';
import { parseMapOptions, type ImportKind } from '../core/columns.js';
import { ExitCode, RapportError, UsageError } from '../errors.js';
import type { Context } from '../context.js';
import { isPostgresUrl, openForWrite } from '../context.js';
import { importFile, type FileResult, type ImportOptions } from '../import/run.js';
import { checkEncoding, openSource } from '../import/source.js';
import { currencyExponent, formatMoney } from '../core/money.js';
import { notice } from '../io.js';
import { chalkFor, printRows, resolveFormat } from '../output.js';
import { ProgressBar } from '../progress.js';
import { openDatabase } from '../store/db.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { reportError } from '../report.js';

export function parseImportOptions(kind: ImportKind, o: Record<string, unknown>): ImportOptions {
  const map = parseMapOptions((o.map as string[]) ?? []);
  if (typeof map === 'string') throw new UsageError(map, 'one --map per field, e.g. --map customer_id="Client Ref" --map date=Datum');
  const options: ImportOptions = {
    kind,
    map,
    decimalComma: o.decimalComma === true,
    noHeader: o.header === false,
    dryRun: o.dryRun === true,
    keepAll: o.dedupe === false,
    preview: Number(o.preview ?? 5),
  };
  if (!Number.isInteger(options.preview) || options.preview < 0) throw new UsageError(`--preview must be a whole number, not "${String(o.preview)}"`, 'e.g. --preview 20');
  if (kind === 'customers' && options.keepAll) throw new UsageError('--no-dedupe is for transactions', 'customer files are upserts by id: a second file updates the records');
  if (typeof o.dateFormat === 'string') options.dateFormat = o.dateFormat;
  if (typeof o.currency === 'string') options.currency = o.currency;
  if (typeof o.encoding === 'string') {
    checkEncoding(o.encoding);
    options.encoding = o.encoding;
  }
  if (typeof o.delimiter === 'string') {
    const d = o.delimiter === '\\t' || o.delimiter.toLowerCase() === 'tab' ? '\t' : o.delimiter;
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new UsageError(`--delimiter must be one character, not "${o.delimiter}"`, 'e.g. --delimiter ";" or --delimiter tab');
    options.delimiter = d;
  }
  if (typeof o.maxRejects === 'string') {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(o.maxRejects.trim());
    if (!m) throw new UsageError(`--max-rejects takes a count or a percentage, not "${o.maxRejects}"`, 'e.g. --max-rejects 100 or --max-rejects 1%');
    if (m[2] === '%') {
      options.maxRejectsPercent = Number(m[1]);
      if (options.maxRejectsPercent > 100) throw new UsageError(`--max-rejects ${o.maxRejects}: a percentage is at most 100%`, 'e.g. --max-rejects 1%');
    }
    else if (Number.isInteger(Number(m[1]))) options.maxRejects = Number(m[1]);
    else throw new UsageError(`--max-rejects ${o.maxRejects}: a count must be a whole number`, 'e.g. --max-rejects 100 or --max-rejects 1.5%');
  }
  return options;
}

export async function runImport(files: string[], options: ImportOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const format = resolveFormat(ctx.format, io);
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read only once', 'name - once, or save the data to a file');
  const results: FileResult[] = [];
  let worst: number = ExitCode.ok;
  let db: Store | null = null;
  try {
    // A dry run against a database that does not exist yet reads the files into a throwaway one.
    db = options.dryRun && !isPostgresUrl(ctx.dbPath) && !fs.existsSync(ctx.dbPath) ? new SqliteStore(openDatabase(':memory:', { create: true }), ':memory:') : await openForWrite(ctx);
    for (const file of files) {
      const bar = new ProgressBar(io, file === '-' ? 'stdin' : file);
      try {
        const source = await openSource(file, io.stdin, io.cwd);
        try {
          const result = await importFile(db, source, options, (done, total) => bar.update(done, total));
          bar.done();
          results.push(result);
          for (const x of result.notices) notice(io, `${result.file}: ${x}`);
          if (result.dateEvidence) notice(io, `${result.file}: dates read as ${result.dateLayout} (${result.dateEvidence})`);
          for (const w of result.warnings) notice(io, `${result.file}: warning: ${w}`);
          if (format === 'table') printHuman(ctx, result, options);
          else if (result.reasons.length > 0) rejectsNotice(ctx, result);
          if (result.status === 'refused') {
            worst = Math.max(worst, result.refusal === 'all-rejected' ? ExitCode.nothingImported : ExitCode.rejected);
            refusalNotice(ctx, result, options);
          }
        } finally {
          source.cleanup();
        }
      } catch (e) {
        bar.done();
        if (!(e instanceof RapportError)) throw e;
        worst = Math.max(worst, reportError(e, io));
      }
    }
  } finally {
    await db?.close();
  }
  if (format === 'json') io.stdout.write(JSON.stringify(results.map(toJson), null, 2) + '\n');
  // A file that failed has no result row; with none at all, CSV prints nothing rather than a bare header.
  if (format === 'csv' && results.length > 0) printRows(io, 'csv', CSV_COLUMNS, results.map(flatten));
  return worst;
}

/** The JSON form of a file's result: snake_case keys, like every other JSON rapport prints. */
function toJson(r: FileResult): Record<string, unknown> {
  return {
    file: r.file,
    status: r.status,
    refusal: r.refusal,
    date_layouts_that_read: r.dateLayoutsThatRead,
    import_id: r.importId,
    same_as: r.sameAs,
    counts: countsJson(r),
    reasons: r.reasons,
    mapping: r.mapping,
    extra_columns: r.extraColumns,
    delimiter: r.delimiter,
    encoding: r.encoding,
    date_layout: r.dateLayout,
    date_evidence: r.dateEvidence,
    warnings: r.warnings,
    notices: r.notices,
    currency: r.currency,
    preview: r.preview,
    seconds: r.seconds,
  };
}

const CSV_COLUMNS = ['file', 'status', 'import_id', 'same_as', 'read', 'imported', 'updated', 'duplicate', 'rejected', 'blank_lines', 'customers_created', 'without_customer', 'seconds'].map((key) => ({ key }));

function countsJson(r: FileResult): Record<string, number> {
  const k = r.counts;
  return { read: k.read, imported: k.imported, updated: k.updated, duplicate: k.duplicate, rejected: k.rejected, blank_lines: k.blankLines, customers_created: k.customersCreated, without_customer: k.withoutCustomer };
}

function flatten(r: FileResult): Record<string, unknown> {
  return { file: r.file, status: r.status, import_id: r.importId, same_as: r.sameAs, ...countsJson(r), seconds: r.seconds };
}

const n = (x: number): string => x.toLocaleString('en-US');

/** With CSV or JSON on stdout, the reasons for rejects still reach a log, on stderr. */
function rejectsNotice(ctx: Context, r: FileResult): void {
  const top = r.reasons.slice(0, 3).map((x) => `${x.reason} (${n(x.count)})`).join('; ');
  notice(ctx.io, `${r.file}: ${rows(r.counts.rejected)} rejected: ${top}${r.importId !== null ? `; see rapport rejects ${r.importId}` : ''}`);
}

/** On stderr whatever the format, and even with --quiet (it is the error behind exit code 3 or 4). */
function refusalNotice(ctx: Context, r: FileResult, options: ImportOptions): void {
  if (r.refusal === 'all-rejected') {
    const top = r.reasons[0];
    const all = r.counts.rejected === 1 ? 'its one row was rejected' : `all ${rows(r.counts.rejected)} were rejected`;
    ctx.io.stderr.write(`rapport: ${r.file}: nothing imported: ${all}${top ? ` (most often: ${top.reason})` : ''}\n`);
    const see = r.importId !== null ? `see them with rapport rejects ${r.importId}; ` : '';
    const layouts = r.dateLayoutsThatRead.map((l) => `--date-format ${/[\s,]/.test(l) ? JSON.stringify(l) : l}`);
    ctx.io.stderr.write(
      layouts.length > 0
        ? `hint: ${see}the rejected dates all read with ${layouts.join(' or ')}${r.dateLayoutsThatRead[0] === 'ISO' ? ' (or with no --date-format)' : ''}\n`
        : `hint: ${see}a whole file rejected usually means a column or layout was read wrongly: check --map, --date-format and --decimal-comma with --dry-run\n`,
    );
    return;
  }
  const limit = options.maxRejectsPercent !== undefined ? `${options.maxRejectsPercent}%` : String(options.maxRejects);
  ctx.io.stderr.write(`rapport: ${r.file}: ${rows(r.counts.rejected)} rejected is more than --max-rejects ${limit}; the file was not imported\n`);
  ctx.io.stderr.write(r.importId !== null ? `hint: see them with rapport rejects ${r.importId}; fix them, or raise --max-rejects\n` : 'hint: fix the rejected rows, or raise --max-rejects\n');
}

function rows(k: number): string {
  return `${n(k)} ${k === 1 ? 'row' : 'rows'}`;
}

function printHuman(ctx: Context, r: FileResult, options: ImportOptions): void {
  const { io } = ctx;
  const c = chalkFor(io);
  const out = (s: string): void => {
    io.stdout.write(s + '\n');
  };
  if (r.status === 'already-imported') {
    out(`${r.file}: already imported as import #${r.sameAs} (same content, read the same way); nothing added`);
    return;
  }
  const k = r.counts;
  if (r.status === 'dry-run') {
    out(c.bold(`${r.file}: dry run, nothing written`));
    out(`  delimiter ${JSON.stringify(r.delimiter)}, encoding ${r.encoding}, dates ${r.dateLayout}`);
    printRows(io, 'table', [{ key: 'field' }, { key: 'column' }], Object.entries(r.mapping).map(([field, column]) => ({ field, column })));
    if (r.extraColumns.length > 0) out(`  other columns, kept as extra attributes: ${r.extraColumns.join(', ')}`);
    if (r.preview.length > 0) {
      out('  first rows as they would be stored:');
      const keys = Object.keys(r.preview[0]!).filter((key) => r.preview.some((p) => p[key] !== null));
      // Stored in minor units; shown as money here (JSON keeps the stored integers).
      const exp = currencyExponent(r.currency);
      const money = (v: unknown): string => (typeof v === 'number' ? formatMoney(v, exp) : '');
      printRows(io, 'table', keys.map((key) => (key === 'amount' || key === 'unit_price' ? { key, align: 'right' as const, show: money } : { key })), r.preview);
    }
  }
  const what = options.kind === 'transactions' ? 'rows' : 'customers';
  const parts = [`${n(k.read)} read`, `${n(k.imported)} ${r.status === 'dry-run' ? 'new' : 'imported'}`];
  if (options.kind === 'customers') parts.push(`${n(k.updated)} updated`);
  parts.push(`${n(k.duplicate)} ${options.kind === 'customers' ? 'unchanged' : 'duplicate'}`, `${n(k.rejected)} rejected`);
  if (k.withoutCustomer > 0) parts.push(`${n(k.withoutCustomer)} of the rows read without a customer (kept as sales)`);
  if (k.customersCreated > 0) parts.push(`${n(k.customersCreated)} new customers`);
  const head = r.status === 'refused'
    ? c.red(`${r.file}: ${r.refusal === 'all-rejected' ? 'nothing imported, every row rejected' : 'refused, nothing stored'}`)
    : r.status === 'dry-run'
      ? `${r.file}: would import`
      : `${r.file} → import #${r.importId}`;
  out(`${head}: ${what} ${parts.join(', ')} (${r.seconds.toFixed(1)} s)`);
  if (k.read === 0 && k.rejected === 0) out('  the file has a header but no rows');
  if (r.reasons.length > 0) {
    out('  most common rejects:');
    for (const x of r.reasons.slice(0, 5)) out(`    ${n(x.count).padStart(8)}  ${x.reason}`);
    if (r.importId !== null) out(`  list them: rapport rejects ${r.importId}${r.status === 'refused' ? '' : ' --format csv > rejects.csv'}`);
  }
}
