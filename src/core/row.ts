/** The shape of a stored transaction row, shared by the validator (worker side) and the writer. */

/**
 * The customer_id of a sale without a customer (a file line whose customer id is empty: a walk-in
 * or guest sale). Such sales count in the shop's figures (revenue, trend, products, staff) and in
 * no customer's; no customer record has this id, since a customer file refuses an empty one.
 */
export const NO_CUSTOMER = '';

/** The stored columns of a transaction, in content order. */
export const TRANSACTION_COLUMNS = [
  'customer_id',
  'date',
  'time',
  'amount',
  'quantity',
  'unit_price',
  'product',
  'channel',
  'staff',
  'payment_method',
  'external_id',
  'extra',
] as const;
export type TransactionColumn = (typeof TRANSACTION_COLUMNS)[number];

/**
 * A row's content: its values in TRANSACTION_COLUMNS order joined with U+001F (NULL as empty
 * text; stored text is never empty, and the validator refuses control characters). It is what
 * the duplicate rule compares, and how a row travels from the parsing worker to the writer.
 */
export const SEP = '\u001f';

/** The numeric columns; a content string carries them as String(n), so Number() gives them back exactly. */
export const NUMERIC_COLUMNS: ReadonlySet<TransactionColumn> = new Set(['amount', 'quantity', 'unit_price']);

export function contentString(values: readonly (string | number | null)[]): string {
  return values.join(SEP);
}

/**
 * The columns the duplicate rule compares: all but `extra`. The file's other columns describe a
 * row (a note, a country) rather than tell two sales apart, and an export that adds, drops or
 * renames such a column must still match the rows it shares with an earlier one.
 */
export const DEDUPE_COLUMNS = TRANSACTION_COLUMNS.slice(0, 11);

/** The duplicate-rule content of a row's content string: everything before `extra`, the last value. */
export function dedupeContent(content: string): string {
  return content.slice(0, content.lastIndexOf(SEP));
}

/** A customer record as a file gives it (null: the file has no value; the stored one stays). */
export interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
  accountManager: string | null;
  createdDate: string | null;
  attributes: Record<string, string> | null;
}
