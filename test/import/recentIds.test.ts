/**
 * The parsing worker's memory of customer ids it sent (src/import/recentIds.ts) answers exactly as
 * a Set of the ids would, forgetting all of them at the same count, for ids kept in its slots and
 * the others (longer than 24 characters, or with a character above U+00FF).
 */
import { describe, expect, it } from 'vitest';
import { IDS_REMEMBERED, RecentIds, inlineHash } from '../../src/import/recentIds.js';

/** The rule as a Set: an id not seen since the last forgetting, asked only when it changes. */
function reference(): (id: string) => string | null {
  const seen = new Set<string>();
  let last: string | null = null;
  return (id) => {
    if (id === last) return null;
    last = id;
    if (seen.has(id)) return null;
    if (seen.size >= IDS_REMEMBERED) seen.clear();
    seen.add(id);
    return id;
  };
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const shapes = [
  (k: number) => `C${String(k).padStart(7, '0')}`,
  (k: number) => String(k),
  (k: number) => `customer-${k}-${'x'.repeat(k % 20)}`, // 11 to 40 characters, around the 24 kept in a slot
  (k: number) => `客户${k}`,
  (k: number) => `Zoë ${k}`,
  (k: number) => `${'a'.repeat(23)}${String.fromCharCode(33 + (k % 200))}`, // differ only in the 24th character
  (k: number) => `${'b'.repeat(24)}${k}`,
];

describe('RecentIds', () => {
  it('answers as a Set would, across forgettings', () => {
    const next = random(7);
    const ids: string[] = [];
    const pool = 160_000;
    for (let i = 0; i < 420_000; i++) {
      const k = Math.floor(next() * pool);
      const id = shapes[k % shapes.length]!(k);
      // An order's lines: the same customer a few times in a row.
      const repeat = next() < 0.3 ? 2 : 1;
      for (let r = 0; r < repeat; r++) ids.push(id);
    }
    const recent = new RecentIds();
    const ref = reference();
    let sent = 0;
    const wrong: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const want = ref(ids[i]!);
      const got = recent.firstSeen(ids[i]!);
      if (got !== want && wrong.length < 5) wrong.push(`ask ${i} (${ids[i]}): ${got} instead of ${want}`);
      if (got !== null) sent++;
    }
    expect(wrong).toEqual([]);
    // Enough distinct ids that both forgot at least twice.
    expect(sent).toBeGreaterThan(2 * IDS_REMEMBERED);
  });

  it('tells apart ids that share a prefix, a length or their first 24 characters', () => {
    const recent = new RecentIds();
    const ids = ['A', 'A ', 'AB', 'BA', 'x'.repeat(24), 'x'.repeat(25), 'x'.repeat(23) + 'y', 'ÿ', 'ÿÿ', 'Ā', '1', '01'];
    for (const id of ids) expect(recent.firstSeen(id)).toBe(id);
    for (const id of ids) expect(recent.firstSeen(id)).toBeNull();
  });

  it('tells apart ids whose hashes are equal', () => {
    const byHash = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let k = 0; pairs.length < 3; k++) {
      const id = `K${k}`;
      const other = byHash.get(inlineHash(id));
      // Of one length, so that only their characters tell them apart.
      if (other !== undefined && other.length === id.length) pairs.push([other, id]);
      else byHash.set(inlineHash(id), id);
    }
    const recent = new RecentIds();
    for (const [a, b] of pairs) {
      expect([recent.firstSeen(a), recent.firstSeen(b), recent.firstSeen(a), recent.firstSeen(b)]).toEqual([a, b, null, null]);
    }
  });
});
