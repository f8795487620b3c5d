import { dayIndex } from './measures.js';

/**
 * A 53-bit non-cryptographic hash of a string, as a non-negative safe integer (binds to SQLite's
 * INTEGER without a BigInt).
 * Two independent 32-bit lanes (FNV-1a and a multiply-xorshift lane), each finished with
 * MurmurHash3's fmix32 avalanche (Appleby, MurmurHash3, public domain description).
 * Used as the duplicate rule's slot key; collisions are resolved by comparing content, so the hash
 * only has to be fast and well spread. Measured: ~0.15 s per million 60-character rows, against
 * ~0.9 s for crypto md5 one row at a time.
 */
export function hashKey(s: string): number {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, HASH_MUL1);
    h2 = Math.imul(h2 ^ c, HASH_MUL2);
    h2 ^= h2 >>> 15;
  }
  return hashFinish(h1, h2, s.length);
}

/**
 * hashKey's lanes, for a caller that feeds it the UTF-16 units of a text it never builds (the
 * parsing worker hashes a row's values as it packs them, store/packedRows.ts): start h1, h2 at the
 * seeds, per unit c do what hashKey's loop does, and finish with the number of units.
 */
export const HASH_SEED1 = 0x811c9dc5 | 0;
export const HASH_SEED2 = 0x9747b28c | 0;
export const HASH_MUL1 = 0x01000193;
export const HASH_MUL2 = 0x5bd1e995;

export function hashFinish(h1: number, h2: number, length: number): number {
  return (fmix32(h1) >>> 0) * 2097152 + (fmix32(h2 ^ length) >>> 11);
}

/** A 32-bit hash independent of hashKey's lanes (another multiplier and seed), to tell apart contents whose keys collide. */
export function checkHash(s: string): number {
  let h = 0x2545f491 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x27d4eb2d) ^ (h >>> 13);
  return fmix32(h ^ s.length);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * The key of slot `slot` in the chain of `content`: the row's day number in the top 17 bits and
 * 36 bits of hash below. The day prefix makes the unique index grow at its end for a file in date
 * order (random keys cost 1.7 s per million rows in index page churn; this costs almost nothing).
 * Days since 1900-01-01 up to 2199-12-31 fit 17 bits, and 2^17 * 2^36 = 2^53 stays a safe integer.
 */
export function slotKey(date: string, content: string, slot: number): number {
  return keyOfHash(date, hashKey(slot === 0 ? content : content + '\u001d' + slot));
}

/** slotKey from the hashKey of the slot's text. */
export function keyOfHash(date: string, h: number): number {
  return Math.max(0, dayNumber(date)) * 68_719_476_736 + (h % 68_719_476_736); // 2^36
}

/** Days since 1900-01-01 of an ISO date (the day calendar of core/measures.ts, shifted from the 1970 epoch). */
export function dayNumber(iso: string): number {
  return dayIndex(iso) + 25_567;
}
