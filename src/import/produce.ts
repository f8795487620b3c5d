/**
 * The parsing side of a transactions import: read, decode, parse, validate and hash, in batches.
 * Runs in a worker thread for large files (src/import/worker.ts) so that parsing overlaps with the
 * SQLite inserts on the main thread, and in the main thread for small ones.
 */
import { slotKey } from '../core/hash.js';
import { NO_CUSTOMER, contentString, dedupeContent } from '../core/row.js';
import { readRecords, type ReadStats } from './reading.js';
import type { SourceFile } from './source.js';
import { MAX_TEXT, transactionChecker, type CheckSettings, type FileShape, type Reject, type RoundingStats } from './validate.js';

/** Rows per batch handed to the writer. */
const ROWS = 2000;
/**
 * Customer ids remembered before the memory of them is dropped: an id is sent again after that,
 * and the writer's insert ignores ids it has. Keeps memory flat for any number of customers.
 */
const CUSTOMERS_REMEMBERED = 100_000;

export interface Batch {
  /**
   * The rows' content strings. Posted as an array: structured clone copies each string once,
   * where joining them into one text and splitting it again on the main thread cost 1.5-2 ms more
   * CPU per batch of 2,000 (measured with v8.serialize, the clone's own serializer).
   */
  contents: string[];
  count: number;
  lines: Float64Array;
  /** Slot-0 keys of the duplicate rule. */
  keys: Float64Array;
  rejects: Reject[];
  /** Customer ids not seen recently (the writer creates the ones that have no record). */
  customers: string[];
  /** [code, name] of products whose name this file gives, not sent recently (the writer keeps the names). */
  products: [string, string][];
  bytesRead: number;
}

export type SourceRef = Pick<SourceFile, 'name' | 'path' | 'size'>;

export type ProduceStats = ReadStats & {
  withoutCustomer: number;
  currencies: readonly string[] | null;
  dateConflict: { value: string; line: number } | null;
  rounding: RoundingStats;
};

export function produceTransactions(source: SourceRef, shape: FileShape, settings: CheckSettings, emit: (b: Batch) => void): ProduceStats {
  const checker = transactionChecker(shape, settings);
  const seen = new Set<string>();
  let contents: string[] = [];
  let lines = new Float64Array(ROWS);
  let keys = new Float64Array(ROWS);
  let rejects: Reject[] = [];
  let customers: string[] = [];
  let products: [string, string][] = [];
  // The product-name column, when the file has one beside a product code (core/columns.ts).
  const iName = shape.mapping.fields.product_name;
  const named = new Map<string, string>();
  let bytesRead = 0;
  let withoutCustomer = 0;
  const send = (): void => {
    const count = contents.length;
    emit({ contents, count, lines: lines.slice(0, count), keys: keys.slice(0, count), rejects, customers, products, bytesRead });
    contents = [];
    lines = new Float64Array(ROWS);
    keys = new Float64Array(ROWS);
    rejects = [];
    customers = [];
    products = [];
  };
  const reject = (r: Reject): void => {
    rejects.push(r);
    if (rejects.length >= ROWS) send();
  };
  const stats = readRecords(
    source,
    shape,
    {
      row(fields, line, raw) {
        const values = checker.check(fields, line, raw, reject);
        if (values === null) return;
        const customerId = values[0] as string;
        if (customerId === NO_CUSTOMER) withoutCustomer++;
        else if (!seen.has(customerId)) {
          if (seen.size >= CUSTOMERS_REMEMBERED) seen.clear();
          // A copy, not a slice: a slice would keep the whole chunk of text it came from alive.
          const id = Buffer.from(customerId).toString();
          seen.add(id);
          customers.push(id);
        }
        if (iName !== undefined && values[6] !== null) {
          const code = values[6] as string;
          const name = fields[iName]!.trim();
          if (name !== '' && name.length <= MAX_TEXT && named.get(code) !== name) {
            if (named.size >= CUSTOMERS_REMEMBERED) named.clear();
            const copy = Buffer.from(name).toString();
            named.set(Buffer.from(code).toString(), copy);
            products.push([code, copy]);
          }
        }
        const content = contentString(values);
        const i = contents.length;
        contents.push(content);
        lines[i] = line;
        keys[i] = slotKey(values[1] as string, dedupeContent(content), 0);
        if (i + 1 === ROWS) send();
      },
      reject,
      progress(b) {
        bytesRead = b;
      },
    },
    { hash: true },
  );
  bytesRead = source.size;
  send();
  return { ...stats, withoutCustomer, currencies: checker.currencies(), dateConflict: checker.dateConflict(), rounding: checker.rounding() };
}
