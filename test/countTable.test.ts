import { describe, expect, it } from 'vitest';
import { CountTable } from '../src/core/countTable.js';
import { rng } from '../src/synth/generate.js';

describe('CountTable', () => {
  it('keeps counts for many keys through growth, like a Map', () => {
    const t = new CountTable(100_000, 4);
    const m = new Map<number, number>();
    const u = rng(9);
    for (let i = 0; i < 50_000; i++) {
      const k = Math.floor(u() * 2 ** 53);
      const c = (m.get(k) ?? 0) + 1;
      m.set(k, c);
      if (!t.set(k, c)) throw new Error(`set ${k} refused`);
    }
    expect(t.size).toBe(m.size);
    const wrong = [...m].filter(([k, c]) => t.get(k) !== c);
    expect(wrong).toEqual([]);
    expect(t.get(12345)).toBeUndefined();
  });

  it('takes key 0 and keys that differ only above 32 bits', () => {
    const t = new CountTable(10);
    t.set(0, 7);
    t.set(2 ** 40, 1);
    t.set(2 ** 40 + 2 ** 33, 2);
    expect([t.get(0), t.get(2 ** 40), t.get(2 ** 40 + 2 ** 33)]).toEqual([7, 1, 2]);
  });

  it('refuses new keys when full but still updates old ones', () => {
    const t = new CountTable(2);
    expect(t.set(1, 1)).toBe(true);
    expect(t.set(2, 1)).toBe(true);
    expect(t.set(3, 1)).toBe(false);
    expect(t.get(3)).toBeUndefined();
    expect(t.set(1, 5)).toBe(true);
    expect(t.get(1)).toBe(5);
  });
});

describe('dayNumber', () => {
  it('counts days from 1900-01-01 like the calendar does', async () => {
    const { dayNumber } = await import('../src/core/hash.js');
    for (const d of ['1900-01-01', '1900-03-01', '2000-02-29', '2024-12-31', '2199-12-31', '1969-12-31']) {
      expect(dayNumber(d)).toBe(Math.round((Date.parse(d + 'T00:00:00Z') - Date.parse('1900-01-01T00:00:00Z')) / 86_400_000));
    }
    expect(dayNumber('2199-12-31') * 2 ** 36 + 2 ** 36 - 1).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });
});
