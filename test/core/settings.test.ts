import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE } from '../../src/core/lifecycle.js';
import { DEFAULT_SEGMENTS, formatSegmentRules, parseSegmentRules } from '../../src/core/rfm.js';
import { effective, resolveSettings, SETTINGS, settingDef, SettingError } from '../../src/core/settings.js';
import { DEFAULT_TIERS } from '../../src/core/tiers.js';
import { thrown } from '../thrown.js';
import { errorText } from '../../src/i18n/phrase.js';

describe('settings', () => {
  it('defaults resolve to the documented rules', () => {
    const s = resolveSettings({}, 2);
    expect(s.rfm).toEqual({ bins: 5, thresholds: {} });
    expect(s.segments).toEqual(DEFAULT_SEGMENTS);
    expect(s.tiers).toEqual(DEFAULT_TIERS);
    expect(s.lifecycle).toEqual(DEFAULT_LIFECYCLE);
    expect(s.valueWindowDays).toBe(365);
  });

  it('stored values win over defaults, and every key has one', () => {
    const e = effective({ 'tier.cuts': '10,20,30' });
    expect(e['tier.cuts']).toBe('10,20,30');
    expect(Object.keys(e)).toEqual(SETTINGS.map((s) => s.key));
  });

  it('monetary cut points are written in currency units and used in minor units', () => {
    const stored = { 'rfm.bins': '4', 'rfm.monetary': '10, 50.5, 200' };
    expect(resolveSettings(stored, 2).rfm.thresholds!.m).toEqual([1000, 5050, 20000]);
    expect(resolveSettings(stored, 0).rfm.thresholds!.m).toEqual([10, 51, 200]); // JPY has no minor unit
  });

  it('thresholds must fit the bins, naming the key', () => {
    try {
      resolveSettings({ 'rfm.recency_days': '7,30,90' }, 2);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SettingError);
      expect((e as SettingError).key).toBe('rfm.recency_days');
      expect(errorText(e)).toContain('needs 4');
    }
  });

  it('checks single values', () => {
    const bad: [string, string][] = [
      ['rfm.bins', '3'],
      ['rfm.recency_days', '30,7'],
      ['rfm.frequency', '1,x'],
      ['tier.method', 'value'],
      ['tier.cuts', '5,15'],
      ['tier.cuts', '5,15,130'],
      ['tier.window_days', '-1'],
      ['lifecycle.decline_gaps', '0'],
      ['lifecycle.drop_share', '1.5'],
      ['lifecycle.stability_min_purchases', '1'],
      ['rfm.segments', 'Champions r4-5'],
    ];
    for (const [key, value] of bad) expect(() => settingDef(key)!.check(value), `${key}=${value}`).toThrow();
    expect(settingDef('lifecycle.drop_share')!.check('40%')).toBe('0.4');
    expect(settingDef('rfm.monetary')!.check(' 10, 20 ,30')).toBe('10,20,30');
  });

  it('refuses settings that contradict each other', () => {
    expect(thrown(() => resolveSettings({ 'tier.cuts': '50,40,30' }, 2))).toMatch(/add up to 100/);
    expect(thrown(() => resolveSettings({ 'tier.method': 'share', 'tier.cuts': '50,40,90' }, 2))).toMatch(/ascend/);
    expect(() => resolveSettings({ 'lifecycle.exploration_max_purchases': '5' }, 2)).toThrow(SettingError);
    expect(thrown(() => resolveSettings({ 'lifecycle.ended_gaps': '2' }, 2))).toMatch(/decline_gaps/);
  });
});

describe('the segment rule text', () => {
  it('round-trips the default table', () => {
    const text = formatSegmentRules(DEFAULT_SEGMENTS);
    expect(text.startsWith('Champions: r4-5 f4-5 | Loyal: r3 f4-5 |')).toBe(true);
    expect(parseSegmentRules(text)).toEqual(DEFAULT_SEGMENTS);
  });

  it('reads single scores, ranges, any case, and rules without conditions', () => {
    expect(parseSegmentRules('VIP: R5 m4-5 | Everyone else:')).toEqual([{ name: 'VIP', r: [5, 5], m: [4, 5] }, { name: 'Everyone else' }]);
  });

  it('says what is wrong with a bad table', () => {
    expect(thrown(() => parseSegmentRules(''))).toMatch(/at least one rule/);
    expect(thrown(() => parseSegmentRules('A: r6'))).toMatch(/"r6" in rule "A"/);
    expect(thrown(() => parseSegmentRules('A: r4-2'))).toMatch(/backwards/);
    expect(thrown(() => parseSegmentRules('A: r4 r5'))).toMatch(/twice/);
    expect(thrown(() => parseSegmentRules('A: r4 | A: f1'))).toMatch(/two rules/);
    expect(thrown(() => parseSegmentRules('Other: r1'))).toMatch(/no rule matches/);
  });
});
