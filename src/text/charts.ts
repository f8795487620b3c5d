/** Small terminal charts. Pure: strings in, strings out; colour is the caller's paint function. */
import stringWidth from 'string-width';
import { maxOf } from '../core/scale.js';

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One character per value, scaled between 0 and the largest value: no spending shows as a
 * space-like dot, the smallest positive amount as at least the lowest bar, and a month whose
 * refunds outweigh its sales as "-".
 */
export function sparkline(values: readonly number[]): string {
  const top = maxOf(values, 0);
  return values
    .map((v) => {
      if (v < 0) return '-';
      if (v === 0 || top === 0) return '·';
      return BARS[Math.min(BARS.length - 1, Math.max(0, Math.ceil((v / top) * BARS.length) - 1))]!;
    })
    .join('');
}

export interface PyramidLevel {
  label: string;
  /** 0..1: the bar's width relative to the widest level. */
  share: number;
  /** Text printed to the right of the bar. */
  text: string;
}

/** Centred bars, one per level, widths by share (at least one block, so every level shows). */
export function pyramid(levels: readonly PyramidLevel[], width = 30, paint: (label: string, s: string) => string = (_l, s) => s): string[] {
  const widest = maxOf(
    levels.map((l) => l.share),
    0,
  );
  const labelWidth = maxOf(levels.map((l) => stringWidth(l.label)));
  return levels.map((l) => {
    let w = widest > 0 ? Math.round((l.share / widest) * width) : 0;
    if (l.share > 0) w = Math.max(1, w);
    if ((width - w) % 2 === 1) w += w < width ? 1 : -1; // even margins keep the bars centred
    const pad = ' '.repeat((width - w) / 2);
    return `${pad}${paint(l.label, '█'.repeat(w))}${pad}  ${paint(l.label, padEndWidth(l.label, labelWidth))}  ${l.text}`;
  });
}

/** Pads with spaces to `width` terminal columns: a Chinese character takes two. */
export function padEndWidth(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - stringWidth(s)));
}
