/**
 * An exact set of dedupe keys (integers from 0 to 2^53, see core/hash.ts slotKey), for an import
 * that writes without the dedupe index (TransactionWriter): open addressing with linear probing
 * in a Float64Array, -1 marking an empty place, kept at most 70% full. A key's low 32 bits are
 * hash bits, so they place it directly. Not a probabilistic filter: `add` answers exactly.
 */
export class KeySet {
  private table: Float64Array;
  private mask: number;
  size = 0;

  /** `expected`: the keys it should hold without growing (it grows past that by doubling). */
  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < 1.5 * expected) capacity *= 2;
    this.table = new Float64Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** Adds `key`; false when it was already there. */
  add(key: number): boolean {
    const table = this.table;
    const mask = this.mask;
    for (let i = (key >>> 0) & mask; ; i = (i + 1) & mask) {
      const held = table[i]!;
      if (held === key) return false;
      if (held === -1) {
        table[i] = key;
        if (++this.size > 0.7 * table.length) this.grow();
        return true;
      }
    }
  }

  /** Bytes the table takes. */
  get bytes(): number {
    return this.table.byteLength;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.table.length - 1;
    const table = this.table;
    const mask = this.mask;
    for (const key of old) {
      if (key === -1) continue;
      let i = (key >>> 0) & mask;
      while (table[i] !== -1) i = (i + 1) & mask;
      table[i] = key;
    }
  }
}
