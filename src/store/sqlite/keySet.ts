/**
 * An exact map from dedupe keys (integers from 0 to 2^53, see core/hash.ts slotKey) to a 32-bit
 * number (the writer keeps a row's rowid there, counted from the import's first), for an import
 * that writes without the dedupe index (TransactionWriter): open addressing with linear probing
 * in a Float64Array of keys beside a Uint32Array of values, 0 marking an empty place (the key 0
 * is kept beside the table), kept at most 70% full. The arrays are not filled: their pages are
 * first touched when a key lands there, during the import, instead of all at once before its
 * first row (a fresh page is costly on the bench machine: 16 MiB filled in 150-300 ms, 1.7 ms
 * once touched). A key's low 32 bits are hash bits, so they place it directly. Not a
 * probabilistic filter: `get` answers exactly. 12 bytes a place.
 */
export class KeyMap {
  private keys: Float64Array;
  private values: Uint32Array;
  private mask: number;
  /** The key 0, which cannot sit in the table (0 marks an empty place): its value, or -1. */
  private zero = -1;
  size = 0;

  /** `expected`: the keys it should hold without growing (it grows past that by doubling). */
  constructor(expected: number) {
    let capacity = 1024;
    while (0.7 * capacity < expected) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The value kept for `key`, or -1 when the key is not held. */
  get(key: number): number {
    if (key === 0) return this.zero;
    const keys = this.keys;
    const mask = this.mask;
    for (let i = (key >>> 0) & mask; ; i = (i + 1) & mask) {
      const held = keys[i]!;
      if (held === key) return this.values[i]!;
      if (held === 0) return -1;
    }
  }

  /** Keeps `value` (0 to 2^32 - 1) for `key`; false (and nothing changed) when the key was already held. */
  add(key: number, value: number): boolean {
    if (key === 0) {
      if (this.zero >= 0) return false;
      this.zero = value;
      this.size++;
      return true;
    }
    const keys = this.keys;
    const mask = this.mask;
    for (let i = (key >>> 0) & mask; ; i = (i + 1) & mask) {
      const held = keys[i]!;
      if (held === key) return false;
      if (held === 0) {
        keys[i] = key;
        this.values[i] = value;
        if (++this.size > 0.7 * keys.length) this.grow();
        return true;
      }
    }
  }

  /** Bytes the table takes. */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Uint32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    const keys = this.keys;
    const mask = this.mask;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j]!;
      if (key === 0) continue;
      let i = (key >>> 0) & mask;
      while (keys[i] !== 0) i = (i + 1) & mask;
      keys[i] = key;
      this.values[i] = oldValues[j]!;
    }
  }
}
