/** The import rules both stores follow: the import's record and counts, the amount total's limit, a reject's text, a stored row's duplicate-rule content, and how a customer record merges. */
import { DEDUPE_COLUMNS, SEP, type CustomerRow, type TransactionColumn } from '../core/row.js';
import { wellFormed } from '../core/unicode.js';

export interface ImportRecord {
  kind: 'transactions' | 'customers';
  fileName: string;
  fileSize: number;
  contentHash: string;
  mapping: Record<string, string>;
  options: Record<string, unknown>;
  startedAt: string;
}

/** Bytes per line assumed when guessing a file's lines from its size (the bench's lines are 79). */
export const BYTES_PER_LINE = 60;

/** The lines a file of this size is taken to hold, for choosing how to load it (never for counting). */
export function expectedLines(fileBytes: number): number {
  return Math.ceil(fileBytes / BYTES_PER_LINE);
}

export interface ImportCounts {
  read: number;
  imported: number;
  updated: number;
  duplicate: number;
  rejected: number;
  blankLines: number;
  customersCreated: number;
  /** Lines read that name no customer (sales without a customer; stored or duplicate, never rejected for it). */
  withoutCustomer: number;
}

/**
 * The most the stored amounts may add up to, in absolute value and minor units: 2^53 - 1, the
 * largest integer a JavaScript number holds exactly. Kept so, every total rapport computes (a
 * customer's, a tier's, the shop's net, in SQL or in JS) is an exact sum, whatever the subset;
 * an import that would pass it is refused whole. The running figure is meta 'amount_abs_total'
 * (counted again from the table when missing: a database from before, or after a removal).
 */
export const MAX_AMOUNT_TOTAL = BigInt(Number.MAX_SAFE_INTEGER);

export const AMOUNT_TOTAL_KEY = 'amount_abs_total';

/** Thrown by an import whose rows would take the stored amounts' total past MAX_AMOUNT_TOTAL. */
export class AmountTotalTooLarge extends Error {
  constructor(readonly total: bigint) {
    super(`amounts would total ${total} minor units`);
  }
}

/** The new absolute total after an import that added `added`, `before` the rows' before it (null: count them); throws past the limit. */
export function nextAmountTotal(before: bigint, added: bigint): bigint {
  const total = before + added;
  if (total > MAX_AMOUNT_TOTAL) throw new AmountTotalTooLarge(total);
  return total;
}

/**
 * A reject's text as both stores keep it: a lone surrogate as U+FFFD (SQLite would keep it as
 * invalid UTF-8), and U+0000 as U+2400 SYMBOL FOR NULL, since PostgreSQL text cannot hold U+0000;
 * so a NUL in a rejected line is stored, listed and exported the same on both, and visibly.
 */
export function rejectText(s: string): string {
  const w = wellFormed(s);
  return w.includes('\0') ? w.replace(/\0/g, '\u2400') : w;
}

/** The duplicate-rule content of a stored row, built exactly as for a new row (core/row.ts). */
export function contentOf(stored: Record<TransactionColumn, string | number | null>): string {
  return DEDUPE_COLUMNS.map((c) => stored[c] ?? '').join(SEP);
}

export interface StoredCustomer {
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
  account_manager: string | null;
  created_date: string | null;
  attributes: string | null;
}

/**
 * A customers file's row laid over the stored record (both stores use this rule): a value in the
 * file replaces the stored one, an empty cell leaves it, extra columns merge into attributes.
 */
export function mergeCustomer(old: StoredCustomer | undefined, row: CustomerRow): { record: StoredCustomer; change: 'new' | 'same' | 'updated' } {
  const attrs = row.attributes && Object.keys(row.attributes).length > 0 ? row.attributes : null;
  if (!old) {
    return {
      record: {
        name: row.name,
        email: row.email,
        phone: row.phone,
        type: row.type,
        account_manager: row.accountManager,
        created_date: row.createdDate,
        attributes: attrs ? JSON.stringify(attrs) : null,
      },
      change: 'new',
    };
  }
  const record: StoredCustomer = {
    name: row.name ?? old.name,
    email: row.email ?? old.email,
    phone: row.phone ?? old.phone,
    type: row.type ?? old.type,
    account_manager: row.accountManager ?? old.account_manager,
    created_date: row.createdDate ?? old.created_date,
    attributes: mergeAttributes(old.attributes, attrs),
  };
  const same = (Object.keys(record) as (keyof StoredCustomer)[]).every((k) => record[k] === old[k]);
  return { record, change: same ? 'same' : 'updated' };
}

function mergeAttributes(old: string | null, incoming: Record<string, string> | null): string | null {
  if (!incoming) return old;
  // No prototype, so a "__proto__" column is a key like any other (assigning it to {} would set the prototype).
  const base = Object.assign(Object.create(null) as Record<string, string>, old ? (JSON.parse(old) as Record<string, string>) : null, incoming);
  // Keys in sorted order, so "unchanged" compares equal whatever the file's column order.
  return JSON.stringify(Object.fromEntries(Object.entries(base).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
