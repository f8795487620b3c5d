import { describe, expect, it } from 'vitest';

describe('the one day calendar', () => {
  it('isRealDay, isMonthEnd and the dedupe keys’ dayNumber agree with the JavaScript calendar from 1900 to 2199', async () => {
    const { isRealDay, isMonthEnd } = await import('../../src/core/measures.js');
    const { dayNumber } = await import('../../src/core/hash.js');
    const base = Date.UTC(1900, 0, 1);
    for (let y = 1900; y <= 2199; y += 7) {
      for (let m = 1; m <= 12; m++) {
        for (let d = 27; d <= 32; d++) {
          const t = new Date(Date.UTC(y, m - 1, d));
          const real = t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
          expect(isRealDay(y, m, d), `${y}-${m}-${d}`).toBe(real);
          if (!real) continue;
          const iso = t.toISOString().slice(0, 10);
          expect(isMonthEnd(iso), iso).toBe(new Date(Date.UTC(y, m - 1, d + 1)).getUTCDate() === 1);
          expect(dayNumber(iso), iso).toBe(Math.round((t.getTime() - base) / 86_400_000));
        }
      }
    }
    expect(isRealDay(2026, 13, 1)).toBe(false);
    expect(isRealDay(2026, 0, 1)).toBe(false);
  });
});
