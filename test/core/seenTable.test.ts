import { describe, expect, it } from 'vitest';
import { SeenTable } from '../../src/core/seenTable.js';
import { rng } from '../../bench/synth/generate.js';

describe('SeenTable', () => {
  it('keeps state for many contents through growth, like a Map', () => {
    const t = new SeenTable(100_000, 4);
    const m = new Map<string, { count: number; next: number }>();
    const u = rng(9);
    for (let i = 0; i < 50_000; i++) {
      const k = Math.floor(u() * 2 ** 53);
      const c = Math.floor(u() * 2 ** 31);
      const id = `${k}:${c}`;
      const state = { count: (m.get(id)?.count ?? 0) + 1, next: i };
      m.set(id, state);
      if (!t.set(k, c, state)) throw new Error(`set ${id} refused`);
    }
    expect(t.size).toBe(m.size);
    const wrong = [...m].filter(([id, s]) => {
      const [k, c] = id.split(':').map(Number);
      const got = t.get(k!, c!);
      return got?.count !== s.count || got.next !== s.next;
    });
    expect(wrong).toEqual([]);
    expect(t.get(12345, 1)).toBeUndefined();
  });

  it('tells apart contents whose keys collide by their check hash', () => {
    const t = new SeenTable(10);
    t.set(7, 1, { count: 1, next: 1 });
    t.set(7, 2, { count: 5, next: 9 });
    expect(t.get(7, 1)).toEqual({ count: 1, next: 1 });
    expect(t.get(7, 2)).toEqual({ count: 5, next: 9 });
    expect(t.get(7, 3)).toBeUndefined();
  });

  it('takes key 0 and keys that differ only above 32 bits', () => {
    const t = new SeenTable(10);
    t.set(0, 0, { count: 7, next: 0 });
    t.set(2 ** 40, 0, { count: 1, next: 0 });
    t.set(2 ** 40 + 2 ** 33, 0, { count: 2, next: 0 });
    expect([t.get(0, 0)?.count, t.get(2 ** 40, 0)?.count, t.get(2 ** 40 + 2 ** 33, 0)?.count]).toEqual([7, 1, 2]);
  });

  it('refuses new contents when full but still updates old ones', () => {
    const t = new SeenTable(2);
    expect(t.set(1, 0, { count: 1, next: 0 })).toBe(true);
    expect(t.set(2, 0, { count: 1, next: 0 })).toBe(true);
    expect(t.set(3, 0, { count: 1, next: 0 })).toBe(false);
    expect(t.get(3, 0)).toBeUndefined();
    expect(t.set(1, 0, { count: 5, next: 2 })).toBe(true);
    expect(t.get(1, 0)).toEqual({ count: 5, next: 2 });
  });
});

describe('dayNumber', () => {
  it('counts days from 1900-01-01 like the calendar does', async () => {
    const { dayNumber } = await import('../../src/core/hash.js');
    for (const d of ['1900-01-01', '1900-03-01', '2000-02-29', '2024-12-31', '2199-12-31', '1969-12-31']) {
      expect(dayNumber(d)).toBe(Math.round((Date.parse(d + 'T00:00:00Z') - Date.parse('1900-01-01T00:00:00Z')) / 86_400_000));
    }
    expect(dayNumber('2199-12-31') * 2 ** 36 + 2 ** 36 - 1).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });
});
