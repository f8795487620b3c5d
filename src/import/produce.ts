/**
 * The parsing side of a transactions import: read, decode, parse, validate and hash, in batches.
 * Runs in a worker thread for large files (src/import/worker.ts) so that parsing overlaps with the
 * SQLite inserts on the main thread, and in the main thread for small ones.
 */
import { keyOfHash, slotKey } from '../core/hash.js';
import { NO_CUSTOMER, contentString, dedupeContent } from '../core/row.js';
import { PACKED_BYTES_MAX, RowPacker, packingKinds, type PackedRows } from '../store/packedRows.js';
import { readRecords, type ReadStats } from './reading.js';
import { IDS_REMEMBERED, RecentIds } from './recentIds.js';
import type { SourceFile } from './source.js';
import { MAX_TEXT, presentColumns, transactionChecker, type CheckSettings, type FileShape, type Reject, type RoundingStats } from './validate.js';

/** Rows per batch handed to the writer. */
const ROWS = 2000;
/**
 * Product names remembered before the memory of them is dropped (as many as customer ids,
 * recentIds.ts): a name is sent again after that, and the writer keeps the same name.
 */
const NAMES_REMEMBERED = IDS_REMEMBERED;

export interface Batch {
  /**
   * The rows' content strings. Posted as an array: structured clone copies each string once,
   * where joining them into one text and splitting it again on the main thread cost 1.5-2 ms more
   * CPU per batch of 2,000 (measured with v8.serialize, the clone's own serializer).
   */
  contents: string[];
  /** Instead of contents, for a store that takes rows packed (produceTransactions' `packed`). */
  packed: PackedRows | null;
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

/** Hands a batch over; may give back packed batches the writer is done with: the next batches are packed into their buffers. */
export type Emit = (b: Batch) => PackedRows[] | void;

/** `packed`: the rows go packed (store/packedRows.ts) instead of as content strings. */
export function produceTransactions(source: SourceRef, shape: FileShape, settings: CheckSettings, emit: Emit, packed = false): ProduceStats {
  const checker = transactionChecker(shape, settings);
  const packer = packed ? new RowPacker(packingKinds(presentColumns(shape)), ROWS) : null;
  const recent = new RecentIds();
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
  let count = 0;
  const send = (): void => {
    const rows = packer?.take() ?? null;
    const back = emit({ contents, packed: rows, count, lines: lines.slice(0, count), keys: keys.slice(0, count), rejects, customers, products, bytesRead });
    if (back) for (const r of back) packer?.reuse(r);
    count = 0;
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
        else {
          const id = recent.firstSeen(customerId);
          if (id !== null) customers.push(id);
        }
        if (iName !== undefined && values[6] !== null) {
          const code = values[6] as string;
          const name = fields[iName]!.trim();
          if (name !== '' && name.length <= MAX_TEXT && named.get(code) !== name) {
            if (named.size >= NAMES_REMEMBERED) named.clear();
            const copy = Buffer.from(name).toString();
            named.set(Buffer.from(code).toString(), copy);
            products.push([code, copy]);
          }
        }
        const i = count++;
        lines[i] = line;
        if (packer === null) {
          const content = contentString(values);
          contents.push(content);
          keys[i] = slotKey(values[1] as string, dedupeContent(content), 0);
        } else keys[i] = keyOfHash(values[1] as string, packer.addValues(values));
        if (count === ROWS || (packer !== null && packer.size.bytes >= PACKED_BYTES_MAX)) send();
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
