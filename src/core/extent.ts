/**
 * The largest and smallest of many numbers, by a loop: Math.max(...values) passes every value as
 * an argument and overflows the call stack somewhere past 100,000 of them (it did, on a million
 * customers). eslint.config.js forbids the spread form in src.
 */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let out = floor;
  for (const v of values) if (v > out || Number.isNaN(v)) out = v;
  return out;
}

export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let out = ceiling;
  for (const v of values) if (v < out || Number.isNaN(v)) out = v;
  return out;
}
