/**
 * Rows packed for a store's writer (SQLite's takes them: TransactionSink.addPacked): their content strings (core/row.ts) as UTF-8 bytes, one after
 * another, and per row one number for each column the file fills. The parsing worker packs a batch
 * and hands the buffers over without copying; the writer binds, per statement of 50 rows, the
 * bytes of those rows once (a blob) and numbers only, and SQLite cuts each text value out of the
 * blob (substr counts bytes in a blob, then CAST ... AS TEXT gives the same UTF-8 text).
 *
 * Why: better-sqlite3 converts every bound string to UTF-8 and copies it (v8 Utf8Length, WriteUtf8,
 * two mallocs), and the main thread did that 8 times per row of the bench file, besides cutting the
 * content string into values and deserializing 2,000 strings per batch. Binding numbers and one
 * blob per 50 rows: 1.53 s against 1.87 s and 1.21 s against 1.51 s of CPU for 500,000 rows of the
 * bench file inserted side by side in one process; the whole import's main thread 4-11% less (median 8%);
 * stored values byte-identical (every column, its type).
 */
import { HASH_MUL1, HASH_MUL2, HASH_SEED1, HASH_SEED2, hashFinish } from '../core/hash.js';
import { DEDUPE_COLUMNS, NUMERIC_COLUMNS, SEP, TRANSACTION_COLUMNS, type TransactionColumn } from '../core/row.js';

const SEP_CODE = SEP.charCodeAt(0);
/** Values of a content string the duplicate rule compares (core/row.ts dedupeContent). */
const DEDUPED = DEDUPE_COLUMNS.length;

export interface PackedRows {
  count: number;
  /** The rows' content strings in UTF-8, one after another. */
  bytes: Uint8Array;
  /** Where each row's bytes start in `bytes`; [count] is where the last row's end. */
  starts: Float64Array;
  /**
   * Per row, per present column (TRANSACTION_COLUMNS order): a text value's place in `bytes`,
   * (start + 1) * PLACE_SCALE + length in bytes; a number as it is; NaN for NULL.
   */
  values: Float64Array;
}

/** A text value's length takes the low bits of its place, its start the bits above. */
export const PLACE_BITS = 27;
export const PLACE_SCALE = 2 ** PLACE_BITS;
/** A batch's bytes stay below this, so that a start fits the bits above PLACE_BITS (2^53 / PLACE_SCALE). */
export const PACKED_BYTES_MAX = 2 ** 25;

/**
 * Batches' buffers kept for reuse (RowPacker.reuse): the parsing worker packs into the buffers of
 * batches the writer is done with instead of new ones, about 360 KB a batch of 2,000 rows. Fresh
 * memory is costly on the 2-core bench machine (16 MiB filled for the first time: 150-300 ms; once
 * touched: 1.7 ms): packing the 1M-line bench file into reused buffers faulted 2,400-5,800 fewer
 * pages and took 100-170 ms less CPU (2,459-2,581 against 2,627-2,699 ms, alternating).
 */
const SPARES = 4;

/** How a value of a content string is packed: not at all (a column the file cannot fill), as text, as a number. */
export const NONE = 0;
export const TEXT = 1;
export const NUMBER = 2;

/** Per value of a content string (TRANSACTION_COLUMNS order): NONE, TEXT or NUMBER. */
export function packingKinds(present: readonly TransactionColumn[]): Uint8Array {
  return Uint8Array.from(TRANSACTION_COLUMNS, (c) => (!present.includes(c) ? NONE : NUMERIC_COLUMNS.has(c) ? NUMBER : TEXT));
}

export class RowPacker {
  private bytes: Buffer;
  private used = 0;
  private starts: Float64Array;
  private values: Float64Array;
  private count = 0;
  private readonly width: number;
  /** Buffers given back (reuse) for the next batches. */
  private readonly spares: PackedRows[] = [];

  constructor(
    private readonly kinds: Uint8Array,
    private readonly rows: number,
  ) {
    this.width = kinds.filter((k) => k !== NONE).length;
    this.bytes = Buffer.from(new ArrayBuffer(rows * 64));
    this.starts = new Float64Array(rows + 1);
    this.values = new Float64Array(rows * this.width);
  }

  /**
   * Gives back the buffers of a batch taken before, once its rows are written: take() packs a later
   * batch into them instead of into new memory (see SPARES). Buffers of another shape are dropped.
   */
  reuse(rows: PackedRows): void {
    if (this.spares.length < SPARES && rows.starts.length === this.rows + 1 && rows.values.length === this.rows * this.width) this.spares.push(rows);
  }

  /** Rows packed so far, and their bytes. */
  get size(): { rows: number; bytes: number } {
    return { rows: this.count, bytes: this.used };
  }

  add(content: string): void {
    if (this.count === this.starts.length - 1) this.growRows();
    // At most 3 bytes of UTF-8 per UTF-16 unit.
    if (this.used + content.length * 3 > this.bytes.length) this.growBytes(this.used + content.length * 3);
    const start = this.used;
    const written = this.bytes.write(content, start);
    // Only ASCII has as many bytes as UTF-16 units; any other character takes more bytes than units.
    const ascii = written === content.length;
    this.used += written;
    this.starts[this.count] = start;
    const kinds = this.kinds;
    const values = this.values;
    let j = this.count * this.width;
    let from = 0;
    let at = start;
    for (let c = 0; c < kinds.length; c++) {
      let to = content.indexOf(SEP, from);
      if (to < 0) to = content.length;
      const length = ascii ? to - from : Buffer.byteLength(content.slice(from, to));
      const kind = kinds[c]!;
      // customer_id (always the first column) stays text even when empty: a sale without a customer
      // (NO_CUSTOMER), where NULL would break NOT NULL and INSERT OR IGNORE would drop the row unseen.
      if (kind === TEXT) values[j++] = to === from && c !== 0 ? NaN : place(at, length);
      else if (kind === NUMBER) values[j++] = to === from ? NaN : numberAt(content, from, to);
      from = to + 1;
      at += length + 1;
    }
    this.count++;
  }

  /**
   * A row from its values (TRANSACTION_COLUMNS order), as add(contentString(values)) packs it, and
   * the duplicate rule's hash of it: hashKey(dedupeContent(contentString(values))), core/hash.ts.
   * One pass over each value's UTF-16 units writes its bytes and feeds the hash, so the row's
   * content string, its dedupe slice and a second scan of it for separators are never made.
   */
  addValues(values: readonly (string | number | null)[]): number {
    if (this.count === this.starts.length - 1) this.growRows();
    // At most 3 bytes of UTF-8 per UTF-16 unit, a separator per value, a number's text at most 24 units.
    let units = values.length;
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      units += typeof v === 'string' ? v.length : 24;
    }
    if (this.used + units * 3 > this.bytes.length) this.growBytes(this.used + units * 3);
    const bytes = this.bytes;
    const kinds = this.kinds;
    const out = this.values;
    let j = this.count * this.width;
    let at = this.used;
    this.starts[this.count] = at;
    let h1 = HASH_SEED1;
    let h2 = HASH_SEED2;
    let hashed = 0;
    let hash = 0;
    for (let c = 0; c < kinds.length; c++) {
      if (c > 0) {
        bytes[at++] = SEP_CODE;
        if (c < DEDUPED) {
          h1 = Math.imul(h1 ^ SEP_CODE, HASH_MUL1);
          h2 = Math.imul(h2 ^ SEP_CODE, HASH_MUL2);
          h2 ^= h2 >>> 15;
          hashed++;
        } else if (c === DEDUPED) hash = hashFinish(h1, h2, hashed);
      }
      const v = values[c];
      const start = at;
      let units = 0;
      if (typeof v === 'string') {
        units = v.length;
        let ascii = true;
        for (let i = 0; i < units; i++) {
          const u = v.charCodeAt(i);
          if (c < DEDUPED) {
            h1 = Math.imul(h1 ^ u, HASH_MUL1);
            h2 = Math.imul(h2 ^ u, HASH_MUL2);
            h2 ^= h2 >>> 15;
          }
          if (u < 0x80) bytes[at++] = u;
          else ascii = false;
        }
        // A value with any other character: its UTF-8 written whole (a value is well-formed UTF-16:
        // the validator refuses lone surrogates, and a pair never straddles a separator).
        if (!ascii) at = start + bytes.write(v, start);
      } else if (v !== null && v !== undefined) {
        at = writeNumber(bytes, at, v);
        units = at - start;
        if (c < DEDUPED) {
          for (let i = start; i < at; i++) {
            const u = bytes[i]!;
            h1 = Math.imul(h1 ^ u, HASH_MUL1);
            h2 = Math.imul(h2 ^ u, HASH_MUL2);
            h2 ^= h2 >>> 15;
          }
        }
      }
      if (c < DEDUPED) hashed += units;
      const kind = kinds[c]!;
      // As add(): customer_id (column 0) stays text even when empty, an empty value is NULL.
      if (kind === TEXT) out[j++] = units === 0 && c !== 0 ? NaN : place(start, at - start);
      else if (kind === NUMBER) out[j++] = units === 0 ? NaN : typeof v === 'number' ? v + 0 : Number(v);
    }
    if (kinds.length <= DEDUPED) hash = hashFinish(h1, h2, hashed);
    this.used = at;
    this.count++;
    return hash;
  }

  /** The rows packed so far (their buffers are handed over, not copied); the packer starts again empty. */
  take(): PackedRows {
    const rows: PackedRows = {
      count: this.count,
      bytes: new Uint8Array(this.bytes.buffer, 0, this.used),
      starts: this.starts,
      values: this.values,
    };
    rows.starts[this.count] = this.used;
    const spare = this.spares.pop();
    if (spare !== undefined) {
      this.bytes = Buffer.from(spare.bytes.buffer);
      this.starts = spare.starts;
      this.values = spare.values;
    } else {
      // The next batch starts at the size this one reached (up to 1 MiB: a batch of a few huge rows is no guide).
      this.bytes = Buffer.from(new ArrayBuffer(Math.max(this.rows * 64, Math.min(this.bytes.length, 2 ** 20))));
      this.starts = new Float64Array(this.rows + 1);
      this.values = new Float64Array(this.rows * this.width);
    }
    this.used = 0;
    this.count = 0;
    return rows;
  }

  private growBytes(need: number): void {
    const next = Buffer.from(new ArrayBuffer(Math.max(need, this.bytes.length * 2)));
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
  }

  private growRows(): void {
    const starts = new Float64Array(this.starts.length * 2);
    starts.set(this.starts);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.starts = starts;
    this.values = values;
  }
}

function place(start: number, length: number): number {
  // Never reached by a valid batch (a text value is at most MAX_TEXT characters but extra, a batch is
  // sent before PACKED_BYTES_MAX): refuse rather than store a value cut wrong.
  if (length >= PLACE_SCALE || start >= 2 ** 53 / PLACE_SCALE - 1) throw new Error(`a packed text of ${length} bytes at ${start}`);
  return (start + 1) * PLACE_SCALE + length;
}

/** A row's content string again, from its bytes. */
export function contentAt(rows: PackedRows, i: number): string {
  return Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.byteLength).toString('utf8', rows.starts[i], rows.starts[i + 1]);
}

/**
 * String(n)'s characters (all ASCII) at `at` in `bytes`; returns where they end. A safe integer's
 * digits are written straight, without making the string.
 */
function writeNumber(bytes: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return at + bytes.write(String(n), at, 'latin1');
  if (n < 0) {
    bytes[at++] = 45;
    n = -n;
  }
  let end = at + 1;
  for (let p = 10; p <= n; p *= 10) end++;
  for (let i = end - 1; i >= at; i--) {
    const d = n % 10;
    bytes[i] = 48 + d;
    n = (n - d) / 10;
  }
  return end;
}

/** Number(content.slice(from, to)), without the slice for the usual plain integer of up to 15 digits. */
function numberAt(content: string, from: number, to: number): number {
  let i = from;
  const neg = content.charCodeAt(i) === 45;
  if (neg) i++;
  if (i === to || to - i > 15) return Number(content.slice(from, to));
  let v = 0;
  for (; i < to; i++) {
    const d = content.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number(content.slice(from, to));
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
