/**
 * Counts by 53-bit integer key in typed arrays (open addressing, linear probing): about 12 bytes a
 * key at most half full, against ~40 for a Map with non-Smi number keys. It stops taking new keys
 * at `maxKeys`, so its memory has a fixed ceiling; the caller keeps the rest elsewhere.
 */
export class CountTable {
  size = 0;
  private keys: Float64Array;
  private counts: Int32Array;
  private mask: number;

  constructor(
    private readonly maxKeys: number,
    initialCapacity = 1024,
  ) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.keys = new Float64Array(cap);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** The count for `key`, or undefined. */
  get(key: number): number | undefined {
    const k = key + 1; // 0 marks an empty slot
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const at = this.keys[i]!;
      if (at === k) return this.counts[i];
      if (at === 0) return undefined;
    }
  }

  /** Sets the count; false when `key` is new and the table is full (nothing stored). */
  set(key: number, count: number): boolean {
    const k = key + 1;
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const at = this.keys[i]!;
      if (at === k) {
        this.counts[i] = count;
        return true;
      }
      if (at === 0) {
        if (this.size >= this.maxKeys) return false;
        this.keys[i] = k;
        this.counts[i] = count;
        this.size++;
        if (this.size * 2 > this.keys.length) this.grow();
        return true;
      }
    }
  }

  private slot(k: number): number {
    // Both halves of the 53-bit key, mixed (MurmurHash3's fmix32 finaliser), so keys that differ
    // only in their high or only in their low bits still spread over the table.
    let h = (k % 4294967296) ^ Math.imul(Math.floor(k / 4294967296), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.counts = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === 0) continue;
      let i = this.slot(k);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.counts[i] = oldCounts[j]!;
    }
  }
}
