import { moneyOf } from '../app/run.js';
import { Cancelled, terminalPrompter, type Prompter } from '../cli/complaints/prompts.js';
import { openForRead, type Context } from '../cli/context.js';
import { formatMoney } from '../core/money.js';
import { ExitCode, RapportError, UsageError } from '../sys/errors.js';
import { notice } from '../cli/io.js';
import { TERMINAL_ROWS, type Column } from '../cli/output.js';
import { show } from '../cli/printer.js';
import { personTime } from '../i18n/times.js';
import { t } from '../i18n/index.js';

const COLUMNS: Column[] = [
  { key: 'id', align: 'right' },
  { key: 'kind' },
  { key: 'file_name' },
  { key: 'status' },
  { key: 'rows_read', align: 'right' },
  { key: 'rows_imported', align: 'right' },
  { key: 'rows_updated', align: 'right' },
  { key: 'rows_duplicate', align: 'right' },
  { key: 'rows_rejected', align: 'right' },
  { key: 'customers_created', align: 'right' },
  { key: 'started_at' },
  { key: 'finished_at' },
];

/** On a narrow terminal these go first, in this order: id, file, status and the counts read, imported and rejected stay. */
const TABLE_DROP: Record<string, number> = { finished_at: 1, rows_updated: 2, rows_duplicate: 3, kind: 4, customers_created: 5, started_at: 6 };

/** An import's status and kind on a terminal, in the reader's words (CSV and JSON keep the codes); an unknown code as it is. */
function importStatusName(code: string): string {
  return code === 'complete' || code === 'refused' || code === 'removed' ? t(`import.header.status.${code}`) : code;
}
function importKindName(code: string): string {
  return code === 'customers' || code === 'transactions' ? t(`import.header.kind.${code}`) : code;
}

/** A column's heading on a terminal, in the reader's language. */
function tableHeader(key: string): string {
  switch (key) {
    case 'id':
      return t('import.header.id');
    case 'kind':
      return t('import.header.kind');
    case 'file_name':
      return t('import.header.file');
    case 'status':
      return t('import.header.status');
    case 'rows_read':
      return t('import.header.read');
    case 'rows_imported':
      return t('import.header.imported');
    case 'rows_updated':
      return t('import.header.updated');
    case 'rows_duplicate':
      return t('import.header.duplicate');
    case 'rows_rejected':
      return t('import.header.rejected');
    case 'customers_created':
      return t('import.header.newCustomers');
    default:
      return key;
  }
}

export async function runImports(options: { limit: number | null }, ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    // A removed import keeps its record: its status says so, and `removed` what went and when.
    const rows = (await db.listImports(options.limit)).map((r) => (r.removed === null ? r : { ...r, status: 'removed' }));
    const now = new Date();
    const when = (v: unknown): string => personTime(v as string | null, now, ctx.io.env.TZ);
    // On a terminal: local time to the minute and how long ago; CSV and JSON keep ISO 8601 in UTC.
    const tableColumns = COLUMNS.map((c): Column => ({
      ...c,
      ...(c.key.endsWith('_at')
        ? { header: c.key === 'started_at' ? t('import.header.started') : t('import.header.finished'), show: when }
        : { header: tableHeader(c.key) }),
      ...(c.key === 'file_name' ? { cutMiddle: true } : {}),
      ...(c.key === 'status' ? { show: (v: unknown) => importStatusName(String(v)) } : {}),
      ...(c.key === 'kind' ? { show: (v: unknown) => importKindName(String(v)) } : {}),
      ...(c.key in TABLE_DROP ? { drop: TABLE_DROP[c.key] } : {}),
    }));
    const columns = [...COLUMNS, { key: 'removed' }, { key: 'file_size' }, { key: 'content_hash' }, { key: 'mapping' }, { key: 'options' }];
    const terminalRows = options.limit === null ? TERMINAL_ROWS : null;
    const all = rows as unknown as Record<string, unknown>[];
    // In JSON the mapping and options are objects, not JSON text inside JSON; CSV keeps the text.
    const json = {
      length: rows.length,
      at: (i: number) => ({ ...rows[i]!, mapping: JSON.parse(rows[i]!.mapping) as unknown, options: JSON.parse(rows[i]!.options) as unknown }),
    };
    show(ctx, {
      table: { columns: tableColumns, rows: all, terminalRows },
      csv: { columns, rows: all, terminalRows },
      json: { columns, rows: json, terminalRows },
    });
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
    if (plan === null) throw new RapportError(t('import.noImport', { id: options.importId }), t('import.listThemHint'));
    if (plan.removed !== null) throw new RapportError(t('import.alreadyRemoved', { id: plan.importId, removed: plan.removed }), t('import.alreadyRemovedHint'));
    if (plan.kind !== 'transactions') {
      throw new RapportError(t('import.removeCustomersUnsupported'), t('import.removeCustomersUnsupportedHint'));
    }
    const money = await moneyOf(db);
    const lines = [
      t('import.remove.head', { id: plan.importId, file: plan.fileName, status: importStatusName(plan.status) }),
      t('import.remove.transactions', {
        n: n(plan.transactions),
        net: `${formatMoney(plan.net, money.exponent)}${money.currency ? ' ' + money.currency : ''}`,
      }),
      ...(plan.kept > 0 ? [t('import.remove.kept', { n: n(plan.kept), imports: plan.keptBy.map((i) => `#${i}`).join(t('import.listComma')) })] : []),
      t('import.remove.rejects', { n: n(plan.rejects) }),
      t('import.remove.customers', { n: n(plan.customers) }),
    ];
    if (plan.snapshots.length > 0) lines.push(t('import.remove.snapshots', { n: plan.snapshots.length, dates: plan.snapshots.join(', ') }));
    if (plan.fits.length > 0) lines.push(t('import.remove.fits', { n: plan.fits.length, dates: plan.fits.join(', ') }));
    lines.push(t('import.remove.recordStays'));
    for (const l of lines) ctx.io.stderr.write(l + '\n');
    if (!options.yes) {
      if (prompter === undefined && !ctx.io.canPrompt) {
        throw new UsageError(t('import.remove.needsYes', { id: plan.importId }), `rapport imports remove ${plan.importId} --yes`);
      }
      const ask = prompter ?? (await terminalPrompter(ctx.io));
      const yes = await ask.confirm(t('import.remove.confirm', { id: plan.importId }), false).finally(() => ask.close?.());
      if (!yes) {
        ctx.io.stderr.write(t('import.remove.nothingRemoved') + '\n');
        return ExitCode.cancelled;
      }
    }
    const line = await db.removeImport(plan);
    notice(ctx.io, t('import.remove.done', { id: plan.importId, line }));
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof Cancelled) {
      ctx.io.stderr.write(t('import.remove.cancelled') + '\n');
      return ExitCode.cancelled;
    }
    throw e;
  } finally {
    await db.close();
  }
}

const n = (x: number): string => x.toLocaleString('en-US');
