import { churnAsOf } from '../app/churn.js';
import crypto from 'node:crypto';
import { CUSTOMER_COLUMNS, customerRow } from '../app/rows.js';
import { openForRead, type Context } from '../cli/context.js';
import { RapportError, UsageError } from '../sys/errors.js';
import { notice, type IO } from '../cli/io.js';
import { t, tn } from '../i18n/index.js';
import { formatNumber } from '../i18n/format.js';
import { csvValue } from '../cli/output.js';
import { showStream } from '../cli/printer.js';
import type { Store } from '../store/store.js';
import { diskFull, storageError } from '../store/sqlite/faults.js';
import { EXPORT_COLUMNS } from '../store/exportColumns.js';
import type { ExportTable } from '../store/types.js';
import { decimalText } from '../core/money.js';
import { pseudonym, type PersonalKind } from '../core/redact.js';
import { excelText } from '../core/csvSafe.js';
import { moneyOf, staleWarning } from '../app/run.js';

export const EXPORTS = ['customers', 'transactions', 'segments', 'complaints', 'rejects'] as const;
export type ExportName = (typeof EXPORTS)[number];

export interface ExportOptions {
  what: ExportName;
  format: 'csv' | 'json';
  excel: boolean;
  redact: boolean;
  asOf: string | null;
}

/**
 * Free-form columns (the files' extra columns, raw rejected lines, complaint texts) can hold
 * anything personal: --redact blanks them rather than guess. A reject's reason quotes the value
 * it could not read (and a few reasons repeat it unquoted), so it is blanked too; its line and
 * field still say where to look.
 */
const FREE_TEXT: Record<ExportName, string[]> = {
  customers: ['attributes'],
  transactions: ['extra'],
  segments: [],
  complaints: ['summary', 'how', 'why', 'other_issues', 'wanted', 'resolution', 'product'],
  rejects: ['raw', 'reason'],
};

/**
 * The columns holding customer ids, people's names, emails and phones, per export: what --redact
 * replaces. Customer ids are replaced too (shops use phone numbers and emails as member ids), with
 * the same stand-in in every export, so the files still join on customer_id.
 */
const PERSONAL: Record<ExportName, Record<string, PersonalKind>> = {
  customers: { id: 'customer', name: 'name', email: 'email', phone: 'phone', account_manager: 'name' },
  transactions: { customer_id: 'customer', staff: 'name' },
  segments: { customer_id: 'customer', name: 'name' },
  complaints: { customer_id: 'customer', staff: 'name', assignee: 'name' },
  rejects: {},
};

/**
 * Money columns, stored as integer minor units, written as exact decimals in the database's
 * currency ("-12.50"), with the currency named in a last column: what `rapport import
 * transactions` reads back as it was (issue 15's direction for money in files).
 */
const MONEY: Record<ExportName, string[]> = {
  customers: [],
  transactions: ['amount', 'unit_price'],
  segments: ['monetary', 'avg_order_value', 'recent_revenue', 'previous_revenue', 'value', 'expected_spend', 'clv', 'value_at_risk'],
  complaints: ['compensation'],
  rejects: [],
};

/**
 * The secret for stable pseudonyms: RAPPORT_REDACT_SECRET when set (never stored: for a
 * read-only database), else kept in the database, made on first use.
 */
async function pseudonymiser(db: Store, ctx: Context): Promise<(kind: PersonalKind, value: string) => string> {
  const given = ctx.io.env.RAPPORT_REDACT_SECRET;
  if (given !== undefined && given !== '' && given.length < 16) throw new UsageError(t('export.secret-short'), t('export.secret-short-hint'));
  let salt = given !== undefined && given !== '' ? given : await db.getMeta('redact_salt');
  if (salt === null) {
    salt = crypto.randomBytes(16).toString('hex');
    try {
      await db.setMeta('redact_salt', salt);
    } catch (e) {
      // A read-only database (or a full disk) cannot keep the secret made on first use.
      const why = storageError(e, ctx.dbPath);
      if (why === null) throw e;
      throw new RapportError(
        t('export.secret-store', { db: ctx.dbPath, why: diskFull(ctx.dbPath) ? t('export.disk-full') : t('export.read-only') }),
        t('export.secret-store-hint'),
      );
    }
  }
  return (kind, value) => pseudonym(salt!, kind, value);
}

/** The snapshot's rows; the snapshot is found before anything is written (an error leaves no header behind). */
async function segmentRows(db: Store, asked: string | null, io: IO): Promise<AsyncIterable<Record<string, unknown>[]>> {
  // With analysis.as_of = last-sale, the default is the snapshot as of the last sale, as for every analysis.
  const asOf = asked ?? ((await db.storedSettings())['analysis.as_of'] === 'last-sale' ? await db.lastTransactionDate() : null);
  const snaps = await db.listSnapshots();
  const snap = asOf === null ? snaps[snaps.length - 1] : snaps.find((s) => s.as_of === asOf);
  if (snap === undefined) {
    throw new RapportError(
      asOf === null ? t('export.no-snapshot') : t('export.no-snapshot-as-of', { date: asOf }),
      t('export.no-snapshot-hint', { command: `rapport segment${asOf === null ? '' : ` --as-of ${asOf}`}` }),
    );
  }
  // A snapshot long after the newest sale (a first segment run as of today on an old export) is
  // never used without a word: which one, and how to make one as of the last sale.
  if ((await staleWarning(db, snap.as_of)) !== null) {
    const last = (await db.lastTransactionDate())!;
    notice(io, t('export.stale-snapshot', { date: snap.as_of, id: snap.id, last }));
  }
  const names = await db.customerNames();
  // Loaded here, before the header is written: with --out, the temporary file (and the signal
  // handling that removes it) starts at the first write, and this is the long part.
  const customers = (await db.loadSnapshot(snap.id)).customers;
  // The churn columns as of the snapshot's date, as `rapport churn` gives them (the saved fit
  // when there is one for that date, else fitted for this export).
  const scores = (await churnAsOf(db, snap.as_of)).scores;
  return (async function* () {
    let batch: Record<string, unknown>[] = [];
    for (const c of customers) {
      batch.push({ as_of: snap.as_of, ...customerRow(c, names.get(c.customerId), scores.get(c.customerId) ?? null) });
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  })();
}

const SEGMENT_COLUMNS = ['as_of', ...CUSTOMER_COLUMNS];

export async function runExport(o: ExportOptions, ctx: Context): Promise<number> {
  if (o.excel && o.format !== 'csv') throw new UsageError(t('export.excel-csv'), t('export.excel-csv-hint'));
  if (o.asOf !== null && o.what !== 'segments') throw new UsageError(t('export.as-of-segments'), t('export.as-of-segments-hint'));
  const db = await openForRead(ctx);
  try {
    const money = MONEY[o.what];
    const base: readonly string[] = o.what === 'segments' ? SEGMENT_COLUMNS : EXPORT_COLUMNS[o.what as ExportTable];
    const { currency, exponent } = await moneyOf(db);
    const rows = o.what === 'segments' ? await segmentRows(db, o.asOf, ctx.io) : db.exportRows(o.what as ExportTable);
    const fake = o.redact ? await pseudonymiser(db, ctx) : null;
    // Money as decimals with the currency named, and personal columns replaced under --redact: the same in CSV and JSON.
    const stored = (raw: Record<string, unknown>): Record<string, unknown> => {
      const r: Record<string, unknown> = { ...raw };
      for (const col of money) if (typeof r[col] === 'number') r[col] = decimalText(r[col] as number, exponent);
      if (money.length > 0) r.currency = currency;
      if (fake) {
        for (const [col, kind] of Object.entries(PERSONAL[o.what])) if (typeof r[col] === 'string' && r[col] !== '') r[col] = fake(kind, r[col] as string);
        for (const col of FREE_TEXT[o.what]) if (r[col] !== null && r[col] !== undefined && r[col] !== '') r[col] = '(redacted)';
      }
      return r;
    };
    const withCurrency = (fixed: readonly string[]): readonly string[] => (money.length > 0 ? [...fixed, 'currency'] : fixed);
    const attrs = (raw: Record<string, unknown>): Record<string, string> | null =>
      o.what === 'customers' && typeof raw.attributes === 'string' ? attributesOf(raw.attributes) : null;
    const n = await showStream(ctx, {
      // Customers in CSV: the extra attributes as columns of their own after the fixed ones, which
      // `import customers` reads back under the same names (JSON keeps them as one object).
      csv: async () => {
        const spread = o.what === 'customers';
        const extraKeys = spread ? await attributeKeys(db) : [];
        const columns = withCurrency(spread ? base.filter((c) => c !== 'attributes') : base);
        const cellsOf = (raw: Record<string, unknown>): unknown[] => {
          const r = stored(raw);
          const a = attrs(raw);
          return [...columns.map((c) => r[c]), ...extraKeys.map((k) => (a === null || a[k] === undefined ? null : fake ? '(redacted)' : a[k]))];
        };
        // Excel reads a CSV as the machine's code page unless it starts with a UTF-8 byte order mark.
        return {
          keys: [...columns, ...extraKeys],
          batches: mapBatches(rows, cellsOf),
          bom: o.excel,
          csvCell: o.excel ? (key, v) => (key === 'phone' ? excelPhone(v) : csvValue(v)) : undefined,
        };
      },
      json: async () => {
        const columns = withCurrency(base);
        const valuesOf = (raw: Record<string, unknown>): unknown[] => {
          const r = stored(raw);
          const a = attrs(raw);
          if (a !== null && !fake) r.attributes = a;
          return columns.map((c) => r[c]);
        };
        return { keys: columns, batches: mapBatches(rows, valuesOf) };
      },
    });
    notice(ctx.io, exportedLine(o.what, n) + (o.redact ? t('export.redacted') : ''));
    return 0;
  } finally {
    await db.close();
  }
}

/** Each row of each batch made into a row's values, a batch at a time. */
async function* mapBatches(batches: AsyncIterable<Record<string, unknown>[]>, values: (r: Record<string, unknown>) => unknown[]): AsyncIterable<unknown[][]> {
  for await (const batch of batches) yield batch.map(values);
}

/**
 * A phone number for Excel. "+44 7700 118158" starts with a character a spreadsheet runs as a
 * formula, so CSV writes it as '+44..., and Excel shows that apostrophe. With --excel a value
 * that is only a phone number is written as the formula ="+44 7700 118158" (core/csvSafe.ts
 * excelText), which shows the number as text; a number starting with 0 is written so too, or
 * Excel would read 07700900123 as a number and drop the 0. Anything else is guarded as usual.
 */
export function excelPhone(v: unknown): string | number {
  return (typeof v === 'string' ? excelText(v) : null) ?? csvValue(v);
}

/**
 * The customers' extra attributes (the customers files' other columns, kept as JSON), their keys
 * in first-seen order (customers by id, each one's keys as stored): the columns the customers
 * export gives them, so that importing the export puts each back under its name.
 */
async function attributeKeys(db: Store): Promise<string[]> {
  const keys = new Set<string>();
  for await (const batch of db.exportRows('customers')) {
    for (const r of batch) if (typeof r.attributes === 'string') for (const k of Object.keys(attributesOf(r.attributes))) keys.add(k);
  }
  return [...keys];
}

/** Stored attributes JSON as an object without a prototype, so a "__proto__" column is a key like any other. */
function attributesOf(json: string): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, JSON.parse(json) as Record<string, string>);
}

/** "exported 1,234 customers from the snapshot": what an export wrote, in the reader's words. */
function exportedLine(what: ExportName, n: number): string {
  const vars = { count: formatNumber(n) };
  switch (what) {
    case 'segments':
      return tn('export.done-segments', n, vars);
    case 'customers':
      return tn('export.done-customers', n, vars);
    case 'transactions':
      return tn('export.done-transactions', n, vars);
    case 'complaints':
      return tn('export.done-complaints', n, vars);
    case 'rejects':
      return tn('export.done-rejects', n, vars);
  }
}
