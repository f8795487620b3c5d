/**
 * Per-content state of the duplicate rule, keyed by two independent hashes of the content (a
 * 53-bit key and a 32-bit check: 85 bits, so two contents are confused with odds of about
 * n^2 / 2^86). Typed arrays with open addressing and linear probing: about 24 bytes a content at
 * most half full, against ~80 for a Map. It stops taking new contents at `maxKeys`, so its
 * memory has a fixed ceiling; the caller keeps the rest elsewhere.
 */
export interface SeenState {
  /** Occurrences of the content met so far in this file. */
  count: number;
  /** The chain slot after the one the last occurrence ended at (where the next walk resumes). */
  next: number;
}

export class SeenTable {
  size = 0;
  private keys: Float64Array;
  private checks: Int32Array;
  private counts: Int32Array;
  private nexts: Int32Array;
  private mask: number;

  constructor(
    private readonly maxKeys: number,
    initialCapacity = 1024,
  ) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.keys = new Float64Array(cap);
    this.checks = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.nexts = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get(key: number, check: number): SeenState | undefined {
    const k = key + 1; // 0 marks an empty slot
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const at = this.keys[i]!;
      if (at === 0) return undefined;
      if (at === k && this.checks[i] === (check | 0)) return { count: this.counts[i]!, next: this.nexts[i]! };
    }
  }

  /** Stores the state; false when the content is new and the table is full (nothing stored). */
  set(key: number, check: number, state: SeenState): boolean {
    const k = key + 1;
    for (let i = this.slot(k); ; i = (i + 1) & this.mask) {
      const at = this.keys[i]!;
      if (at === k && this.checks[i] === (check | 0)) {
        this.counts[i] = state.count;
        this.nexts[i] = state.next;
        return true;
      }
      if (at === 0) {
        if (this.size >= this.maxKeys) return false;
        this.keys[i] = k;
        this.checks[i] = check | 0;
        this.counts[i] = state.count;
        this.nexts[i] = state.next;
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
    const { keys, checks, counts, nexts } = this;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap);
    this.checks = new Int32Array(cap);
    this.counts = new Int32Array(cap);
    this.nexts = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      if (k === 0) continue;
      let i = this.slot(k);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.checks[i] = checks[j]!;
      this.counts[i] = counts[j]!;
      this.nexts[i] = nexts[j]!;
    }
  }
}
