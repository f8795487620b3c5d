import { moneyOf } from '../analysis/run.js';
import { Cancelled, terminalPrompter, type Prompter } from '../complaints/prompts.js';
import { openForRead, type Context } from '../context.js';
import { formatMoney } from '../core/money.js';
import { ExitCode, RapportError, UsageError } from '../errors.js';
import { notice } from '../io.js';
import { printRows, resolveFormat, TERMINAL_ROWS, type Column } from '../output.js';
import { personTime } from '../core/times.js';

const COLUMNS: Column[] = [
  { key: 'id', align: 'right' },
  { key: 'kind' },
  { key: 'file_name', header: 'file' },
  { key: 'status' },
  { key: 'rows_read', header: 'read', align: 'right' },
  { key: 'rows_imported', header: 'imported', align: 'right' },
  { key: 'rows_updated', header: 'updated', align: 'right' },
  { key: 'rows_duplicate', header: 'duplicate', align: 'right' },
  { key: 'rows_rejected', header: 'rejected', align: 'right' },
  { key: 'customers_created', header: 'new customers', align: 'right' },
  { key: 'started_at' },
  { key: 'finished_at' },
];

export async function runImports(options: { limit: number | null }, ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    // A removed import keeps its record: its status says so, and `removed` what went and when.
    const rows = (await db.listImports(options.limit)).map((r) => (r.removed === null ? r : { ...r, status: 'removed' }));
    const format = resolveFormat(ctx.format, ctx.io);
    const now = new Date();
    const when = (v: unknown): string => personTime(v as string | null, now, ctx.io.env.TZ);
    // On a terminal: local time to the minute and how long ago; CSV and JSON keep ISO 8601 in UTC.
    const tableColumns = COLUMNS.map((c) => (c.key.endsWith('_at') ? { ...c, header: c.key === 'started_at' ? 'started' : 'finished', show: when } : c));
    const columns = format === 'table' ? tableColumns : [...COLUMNS, { key: 'removed' }, { key: 'file_size' }, { key: 'content_hash' }, { key: 'mapping' }, { key: 'options' }];
    // In JSON the mapping and options are objects, not JSON text inside JSON; CSV keeps the text.
    const shaped = format === 'json' ? rows.map((r) => ({ ...r, mapping: JSON.parse(r.mapping) as unknown, options: JSON.parse(r.options) as unknown })) : rows;
    printRows(ctx.io, format, columns, shaped as unknown as Record<string, unknown>[], options.limit === null ? TERMINAL_ROWS : null);
    return 0;
  } finally {
    await db.close();
  }
}

export interface RemoveOptions {
  importId: number;
  /** --yes: remove without asking. */
  yes: boolean;
}

/**
 * rapport imports remove ID: shows what will go, asks (or takes --yes), and removes it all in one
 * transaction. Without a terminal and without --yes it refuses rather than guess.
 */
export async function runImportsRemove(options: RemoveOptions, ctx: Context, prompter?: Prompter): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const plan = await db.removalPlan(options.importId);
    if (plan === null) throw new RapportError(`there is no import #${options.importId}`, 'list them with rapport imports');
    if (plan.removed !== null) throw new RapportError(`import #${plan.importId} was already ${plan.removed}`, 'rapport imports lists what each import holds');
    if (plan.kind !== 'transactions') {
      throw new RapportError(
        `removing a customers import is not yet supported: it may have changed records that an earlier import created, and their old values are not kept`,
        'import a corrected customers file over it instead (a value in the file replaces the stored one)',
      );
    }
    const money = await moneyOf(db);
    const lines = [
      `import #${plan.importId} (${plan.fileName}, ${plan.status}) will be removed:`,
      `  ${n(plan.transactions)} transactions (net ${formatMoney(plan.net, money.exponent)}${money.currency ? ' ' + money.currency : ''})`,
      `  ${n(plan.rejects)} rejected rows`,
      `  ${n(plan.customers)} customers that only this import created (no details, sales from other imports or complaints)`,
    ];
    if (plan.snapshots.length > 0) lines.push(`  ${plan.snapshots.length} snapshots that saw its rows (as of ${plan.snapshots.join(', ')}): run rapport segment again`);
    if (plan.fits.length > 0) lines.push(`  ${plan.fits.length} model fits that saw its rows (as of ${plan.fits.join(', ')}): run rapport model again`);
    lines.push('  the import record stays, marked as removed');
    for (const l of lines) ctx.io.stderr.write(l + '\n');
    if (!options.yes) {
      if (prompter === undefined && !ctx.io.canPrompt) {
        throw new UsageError(`import #${plan.importId} not removed: confirm with --yes (there is no terminal to ask on)`, `rapport imports remove ${plan.importId} --yes`);
      }
      const ask = prompter ?? (await terminalPrompter(ctx.io));
      if (!(await ask.confirm(`Remove import #${plan.importId}?`, false))) {
        ctx.io.stderr.write('nothing removed\n');
        return ExitCode.cancelled;
      }
    }
    const line = await db.removeImport(plan);
    notice(ctx.io, `import #${plan.importId} ${line}`);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof Cancelled) {
      ctx.io.stderr.write('cancelled: nothing removed\n');
      return ExitCode.cancelled;
    }
    throw e;
  } finally {
    await db.close();
  }
}

const n = (x: number): string => x.toLocaleString('en-US');
