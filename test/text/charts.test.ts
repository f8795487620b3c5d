import { describe, expect, it } from 'vitest';
import { pyramid, sparkline } from '../../src/text/charts.js';

describe('sparkline', () => {
  it('scales to the largest value; nothing is a dot, net refunds a dash', () => {
    expect(sparkline([0, 1, 4, 8, -3])).toBe('·▁▄█-');
    expect(sparkline([0, 0])).toBe('··');
    expect(sparkline([])).toBe('');
  });
});

describe('pyramid', () => {
  it('centres bars by share and labels each level', () => {
    const lines = pyramid(
      [
        { label: 'platinum', share: 0.05, text: 'a' },
        { label: 'lead', share: 0.5, text: 'b' },
        { label: 'gold', share: 0, text: 'c' },
      ],
      10,
    );
    // 0.05 / 0.5 of 10 = 1 block, widened to 2 for even margins; 0 share draws nothing
    expect(lines).toEqual(['    ██      platinum  a', '██████████  lead      b', '            gold      c']);
  });
});
