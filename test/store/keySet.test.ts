import { describe, expect, it } from 'vitest';
import { KeyMap } from '../../src/store/sqlite/keySet.js';

describe('KeyMap (the dedupe keys of a first import, with their rows)', () => {
  it('gives back the value of every key held, -1 for any other, through growing', () => {
    const map = new KeyMap(10); // 1024 places: grows past 716 keys
    // Keys that share their low 32 bits (one place, a long probe) and large keys up to 2^53.
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? i * 2 ** 32 + 7 : 2 ** 53 - 1 - i * 977));
    keys.forEach((k, i) => expect(map.add(k, i * 3)).toBe(true));
    expect(map.size).toBe(5000);
    expect(map.bytes).toBeGreaterThanOrEqual((5000 / 0.7) * 12);
    keys.forEach((k, i) => expect(map.get(k)).toBe(i * 3));
    for (const other of [0, 1, 8, 2 ** 32 + 8, 2 ** 52]) expect(map.get(other)).toBe(-1);
  });

  it('refuses a key it holds and keeps its first value', () => {
    const map = new KeyMap(4);
    expect(map.add(123, 1)).toBe(true);
    expect(map.add(123, 2)).toBe(false);
    expect(map.get(123)).toBe(1);
    expect(map.size).toBe(1);
  });

  it('is sized for the keys expected without growing', () => {
    const map = new KeyMap(2_900_000);
    expect(map.bytes).toBe(2 ** 22 * 12);
  });

  it('holds the key 0 (kept beside the table) like any other, through growing', () => {
    const map = new KeyMap(4);
    expect(map.get(0)).toBe(-1);
    expect(map.add(0, 42)).toBe(true);
    expect(map.add(0, 43)).toBe(false);
    for (let k = 1; k <= 3000; k++) expect(map.add(k * 1024, k)).toBe(true);
    expect(map.get(0)).toBe(42);
    expect(map.size).toBe(3001);
    for (let k = 1; k <= 3000; k++) expect(map.get(k * 1024)).toBe(k);
  });

  it('touches none of its memory before keys come (its pages are first touched where keys land)', () => {
    const before = process.resourceUsage().minorPageFault;
    const map = new KeyMap(2_900_000);
    // 48 MiB: filling it would fault in its 12,288 pages.
    expect(process.resourceUsage().minorPageFault - before).toBeLessThan(1000);
    expect(map.get(12345)).toBe(-1);
  });
});
