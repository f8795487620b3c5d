import { parseMapOptions, type ImportKind } from '../core/columns.js';
import { ExitCode, RapportError, UsageError } from '../sys/errors.js';
import type { Context } from '../cli/context.js';
import { openForPreview, openForWrite } from '../cli/context.js';
import { importFile, warmUpParsing, type FileResult, type ImportOptions } from '../import/run.js';
import { checkEncoding, openSource } from '../import/source.js';
import { readingsEvidence } from '../import/sniff.js';
import { currencyExponent, formatMoney, groupDecimal } from '../core/money.js';
import { moneyJson } from '../core/moneyOut.js';
import { notice } from '../cli/io.js';
import { wholeNumber } from '../cli/args.js';
import { forPeople, show, type Pen } from '../cli/printer.js';
import { clip } from '../cli/output.js';
import { ProgressBar } from '../cli/progress.js';
import type { Store } from '../store/store.js';
import { reportError } from '../cli/printError.js';
import { t, tn } from '../i18n/index.js';
import { wordPhrase } from '../i18n/phrase.js';
import { noticeText, reasonText } from '../import/reasons.js';

export function parseImportOptions(kind: ImportKind, o: Record<string, unknown>): ImportOptions {
  const parsed = parseMapOptions((o.map as string[]) ?? []);
  if ('error' in parsed) throw new UsageError(wordPhrase(parsed.error), t('import.mapHint'));
  const map = parsed.map;
  const options: ImportOptions = {
    kind,
    map,
    decimalComma: o.decimalComma === true,
    noHeader: o.header === false,
    dryRun: o.dryRun === true,
    keepAll: o.dedupe === false,
    preview: wholeNumber(String(o.preview ?? 5), '--preview', { min: 0, example: 20 }),
  };
  if (kind === 'customers' && options.keepAll) throw new UsageError(t('import.noDedupeCustomers'), t('import.noDedupeCustomersHint'));
  if (typeof o.dateFormat === 'string') options.dateFormat = o.dateFormat;
  if (o.rounding === 'half-up' || o.rounding === 'half-even') options.round = o.rounding;
  else if (o.round === true) options.round = 'half-up';
  if (typeof o.currency === 'string') options.currency = o.currency;
  if (typeof o.encoding === 'string') {
    checkEncoding(o.encoding);
    options.encoding = o.encoding;
  }
  if (typeof o.delimiter === 'string') {
    const d = o.delimiter === '\\t' || o.delimiter.toLowerCase() === 'tab' ? '\t' : o.delimiter;
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
      throw new UsageError(t('import.delimiterOneChar', { value: o.delimiter }), t('import.delimiterHint'));
    options.delimiter = d;
  }
  if (typeof o.maxRejects === 'string') {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(o.maxRejects.trim());
    if (!m) throw new UsageError(t('import.maxRejectsBad', { value: o.maxRejects }), t('import.maxRejectsHint'));
    if (m[2] === '%') {
      options.maxRejectsPercent = Number(m[1]);
      if (options.maxRejectsPercent > 100) throw new UsageError(t('import.maxRejectsOver', { value: o.maxRejects }), t('import.maxRejectsPercentHint'));
    } else if (Number.isInteger(Number(m[1]))) options.maxRejects = Number(m[1]);
    else throw new UsageError(t('import.maxRejectsFraction', { value: o.maxRejects }), t('import.maxRejectsFractionHint'));
  }
  return options;
}

export async function runImport(files: string[], options: ImportOptions, ctx: Context): Promise<number> {
  const { io } = ctx;
  const people = forPeople(ctx);
  if (files.filter((f) => f === '-').length > 1) throw new UsageError(t('import.stdinOnce'), t('import.stdinOnceHint'));
  const results: FileResult[] = [];
  let worst: number = ExitCode.ok;
  let db: Store | null = null;
  warmUpParsing(files, options, io.cwd);
  try {
    // A dry run creates nothing: a database that does not exist yet is a throwaway one (context.ts).
    db = options.dryRun ? await openForPreview(ctx) : await openForWrite(ctx);
    for (const file of files) {
      const bar = new ProgressBar(io, file === '-' ? t('import.stdin') : file);
      try {
        const source = await openSource(file, io.stdin, io.cwd);
        try {
          const result = await importFile(db, source, options, (done, total) => bar.update(done, total));
          bar.done();
          results.push(result);
          for (const x of result.notices) notice(io, t('import.fileNotice', { file: result.file, notice: noticeText(x) }));
          const evidence = result.dateReadings !== null ? readingsEvidence(result.dateReadings) : result.dateEvidence;
          if (evidence) notice(io, t('import.datesReadAs', { file: result.file, layout: String(result.dateLayout), evidence }));
          for (const w of result.warnings) notice(io, t('import.fileWarning', { file: result.file, warning: noticeText(w) }));
          if (people) show(ctx, { table: { draw: (pen) => printHuman(pen, result, options) } });
          else {
            const rounded = roundedLine(result);
            if (rounded !== null) notice(io, t('import.fileNotice', { file: result.file, notice: rounded.trim() }));
            if (result.reasons.length > 0) rejectsNotice(ctx, result);
          }
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
    // Amounts without a currency are shown as plain numbers everywhere: said once, with the way to name it.
    if (worst === ExitCode.ok && options.kind === 'transactions' && results.some((r) => r.status === 'imported' && r.currency === null))
      notice(io, t('import.noCurrencySet'));
  } finally {
    await db?.close();
  }
  // A file that failed has no result row; with none at all, CSV prints nothing rather than a bare header.
  // For people each file's summary was drawn as it was imported.
  show(ctx, { json: { value: results.map(toJson) }, csv: results.length > 0 ? { rows: results.map(flatten), columns: CSV_COLUMNS } : undefined });
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
    reasons: r.reasons.map((x) => ({ reason: x.reason, count: x.count, first_line: x.firstLine, first: x.first })),
    mapping: r.mapping,
    extra_columns: r.extraColumns,
    delimiter: r.delimiter,
    encoding: r.encoding,
    date_layout: r.dateLayout,
    date_evidence: r.dateEvidence,
    rounding:
      r.rounding === null
        ? null
        : {
            rule: r.rounding.rule,
            rounded: r.rounding.rounded,
            needs_rounding: r.rounding.needsRounding,
            file_sum: r.rounding.fileSum,
            stored_sum: r.rounding.storedSum,
          },
    warnings: r.warnings,
    notices: r.notices,
    currency: r.currency,
    // Stored in minor units; for a program the same decimals as every other command's JSON (core/moneyOut.ts).
    preview: moneyJson(r.preview, { exponent: currencyExponent(r.currency), currency: r.currency }),
    seconds: r.seconds,
  };
}

const CSV_COLUMNS = [
  'file',
  'status',
  'import_id',
  'same_as',
  'read',
  'imported',
  'updated',
  'duplicate',
  'rejected',
  'blank_lines',
  'customers_created',
  'without_customer',
  'rounded',
  'needs_rounding',
  'file_sum',
  'stored_sum',
  'seconds',
  'currency',
].map((key) => ({ key }));

function countsJson(r: FileResult): Record<string, number> {
  const k = r.counts;
  return {
    read: k.read,
    imported: k.imported,
    updated: k.updated,
    duplicate: k.duplicate,
    rejected: k.rejected,
    blank_lines: k.blankLines,
    customers_created: k.customersCreated,
    without_customer: k.withoutCustomer,
  };
}

function flatten(r: FileResult): Record<string, unknown> {
  const s = r.rounding;
  const sums = { rounded: s?.rounded ?? null, needs_rounding: s?.needsRounding ?? null, file_sum: s?.fileSum ?? null, stored_sum: s?.storedSum ?? null };
  return { file: r.file, status: r.status, import_id: r.importId, same_as: r.sameAs, ...countsJson(r), ...sums, seconds: r.seconds, currency: r.currency };
}

/** "  4,036 amounts rounded half up to 2 decimals: the file's sum ..., stored ...", or null. */
function roundedLine(r: FileResult): string | null {
  const s = r.rounding;
  if (s === null || s.rule === null || s.rounded === 0) return null;
  const rule = s.rule === 'half-even' ? t('import.roundRule.half-even') : t('import.roundRule.half-up');
  return tn('import.rounded', s.rounded, { n: n(s.rounded), rule, digits: s.exponent, fileSum: groupDecimal(s.fileSum), storedSum: groupDecimal(s.storedSum) });
}

/** The rows only --round stands between the user and, and how to get them, or null. */
function roundSuggestion(r: FileResult): string | null {
  const s = r.rounding;
  if (s === null || s.needsRounding === 0) return null;
  return tn('import.roundSuggest', s.needsRounding, { n: n(s.needsRounding), digits: s.exponent });
}

const n = (x: number): string => x.toLocaleString('en-US');
/** The widest a rejected value is shown in a summary (`rapport rejects` shows it whole). */
const VALUE_WIDTH = 40;

/**
 * A reason's first reject as the summaries name it: its field and why, in the reader's language,
 * with its value on stdout. The value is kept on one line and cut to VALUE_WIDTH columns with …
 * (the cut reads no further than the columns it keeps). On stderr, a log, the value stays … as
 * in the reason: nothing from the data (a name, an email, a phone) reaches stderr (safety.test).
 */
function firstReject(x: FileResult['reasons'][number], on: 'stdout' | 'stderr'): string {
  if (on === 'stderr') return reasonText(x.reason);
  return reasonText(x.first.replace(/"([^"]*)"/g, (_q, v: string) => `"${clip(v.replace(/\r\n|\r|\n/g, '⏎'), VALUE_WIDTH)}"`));
}

/** A reason as the summaries list it: the first reject's line, how many more rows had it, and why. */
const rejectLine = (x: FileResult['reasons'][number], on: 'stdout' | 'stderr'): string =>
  x.count === 1
    ? t('import.rejectAt', { line: n(x.firstLine), reason: firstReject(x, on) })
    : t('import.rejectAtMore', { line: n(x.firstLine), more: n(x.count - 1), reason: firstReject(x, on) });

/** With CSV or JSON on stdout, the reasons for rejects still reach a log, on stderr. */
function rejectsNotice(ctx: Context, r: FileResult): void {
  const top = r.reasons
    .slice(0, 3)
    .map((x) => rejectLine(x, 'stderr'))
    .join(t('import.listSeparator'));
  const vars = { file: r.file, n: n(r.counts.rejected), top, id: String(r.importId) };
  notice(ctx.io, r.importId !== null ? tn('import.rejectedSee', r.counts.rejected, vars) : tn('import.rejectedTop', r.counts.rejected, vars));
  const suggestion = roundSuggestion(r);
  if (suggestion !== null) notice(ctx.io, t('import.fileNotice', { file: r.file, notice: suggestion.trim() }));
}

/** On stderr whatever the format, and even with --quiet (it is the error behind exit code 3 or 4). */
function refusalNotice(ctx: Context, r: FileResult, options: ImportOptions): void {
  if (r.refusal === 'all-rejected') {
    const top = r.reasons[0];
    const all = tn('import.allRejected', r.counts.rejected, { n: n(r.counts.rejected) });
    const message = top
      ? t('import.nothingImportedMostOften', { file: r.file, all, line: n(top.firstLine), reason: firstReject(top, 'stderr') })
      : t('import.nothingImported', { file: r.file, all });
    ctx.io.stderr.write(t('errors.line', { message }) + '\n');
    const see = r.importId !== null ? t('import.seeThem', { id: r.importId }) : '';
    const layouts = r.dateLayoutsThatRead.map((l) => `--date-format ${/[\s,]/.test(l) ? JSON.stringify(l) : l}`);
    const readWith = { layouts: layouts.join(t('import.or')) };
    const suggestion = r.rounding !== null && r.rounding.needsRounding === r.counts.rejected ? roundSuggestion(r) : null;
    const hint =
      see +
      (suggestion !== null
        ? suggestion.trim()
        : layouts.length === 0
          ? t('import.wholeFileRejectedHint')
          : r.dateLayoutsThatRead[0] === 'ISO'
            ? t('import.datesReadWithIso', readWith)
            : t('import.datesReadWith', readWith));
    ctx.io.stderr.write(t('errors.hintLine', { hint }) + '\n');
    return;
  }
  const limit = options.maxRejectsPercent !== undefined ? `${options.maxRejectsPercent}%` : String(options.maxRejects);
  ctx.io.stderr.write(t('errors.line', { message: tn('import.overMaxRejects', r.counts.rejected, { file: r.file, n: n(r.counts.rejected), limit }) }) + '\n');
  ctx.io.stderr.write(
    t('errors.hintLine', { hint: r.importId !== null ? t('import.overMaxRejectsSeeHint', { id: r.importId }) : t('import.overMaxRejectsHint') }) + '\n',
  );
}

function printHuman(pen: Pen, r: FileResult, options: ImportOptions): void {
  const c = pen.chalk;
  const out = (s: string): void => pen.line(s);
  if (r.status === 'already-imported') {
    out(t('import.alreadyImported', { file: r.file, id: String(r.sameAs) }));
    return;
  }
  const k = r.counts;
  if (r.status === 'dry-run') {
    out(c.bold(t('import.dryRunHead', { file: r.file })));
    out(t('import.dryRunReading', { delimiter: JSON.stringify(r.delimiter), encoding: r.encoding, layout: String(r.dateLayout) }));
    pen.rows(
      [
        { key: 'field', header: t('import.header.field') },
        { key: 'column', header: t('import.header.column') },
      ],
      Object.entries(r.mapping).map(([field, column]) => ({ field, column })),
    );
    if (r.extraColumns.length > 0) out(t('import.extraColumns', { columns: r.extraColumns.join(', ') }));
    if (r.preview.length > 0) {
      out(t('import.firstRows'));
      const keys = Object.keys(r.preview[0]!).filter((key) => r.preview.some((p) => p[key] !== null));
      // Stored in minor units; shown as money here.
      const exp = currencyExponent(r.currency);
      const money = (v: unknown): string => (typeof v === 'number' ? formatMoney(v, exp) : '');
      pen.rows(
        keys.map((key) => (key === 'amount' || key === 'unit_price' ? { key, align: 'right' as const, show: money } : { key })),
        r.preview,
      );
    }
  }
  const customers = options.kind === 'customers';
  const parts = [
    t('import.count.read', { n: n(k.read) }),
    r.status === 'dry-run' ? t('import.count.new', { n: n(k.imported) }) : t('import.count.imported', { n: n(k.imported) }),
  ];
  if (customers) parts.push(t('import.count.updated', { n: n(k.updated) }));
  parts.push(
    customers ? t('import.count.unchanged', { n: n(k.duplicate) }) : t('import.count.duplicate', { n: n(k.duplicate) }),
    t('import.count.rejected', { n: n(k.rejected) }),
  );
  if (k.withoutCustomer > 0) parts.push(t('import.count.withoutCustomer', { n: n(k.withoutCustomer) }));
  if (k.customersCreated > 0) parts.push(t('import.count.newCustomers', { n: n(k.customersCreated) }));
  const head =
    r.status === 'refused'
      ? c.red(r.refusal === 'all-rejected' ? t('import.head.allRejected', { file: r.file }) : t('import.head.refused', { file: r.file }))
      : r.status === 'dry-run'
        ? t('import.head.wouldImport', { file: r.file })
        : t('import.head.imported', { file: r.file, id: String(r.importId) });
  const counts = { head, counts: parts.join(t('import.listComma')), seconds: r.seconds.toFixed(1) };
  out(customers ? t('import.summaryCustomers', counts) : t('import.summaryRows', counts));
  if (k.read === 0 && k.rejected === 0) out(t('import.headerOnly'));
  const rounded = roundedLine(r);
  if (rounded !== null) out(rounded);
  if (r.reasons.length > 0) {
    out(t('import.commonRejects'));
    for (const x of r.reasons.slice(0, 5)) out(`    ${n(x.count).padStart(8)}  ${rejectLine(x, 'stdout')}`);
    const suggestion = roundSuggestion(r);
    if (suggestion !== null) out(suggestion);
    if (r.importId !== null) out(r.status === 'refused' ? t('import.listThem', { id: r.importId }) : t('import.listThemCsv', { id: r.importId }));
  }
}
