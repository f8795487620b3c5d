/**
 * What the core says to a person outside the analysis's sentences: settings' descriptions and
 * the errors of a bad setting, segment rule or date layout, in the reader's language; English as
 * before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/i18n/index.js';
import { errorText, wordPhrase } from '../../src/i18n/phrase.js';
import { SETTINGS, describeSetting, settingDef } from '../../src/core/settings.js';
import { parseSegmentRules } from '../../src/core/rfm.js';
import { FormatDateReader } from '../../src/core/dates.js';
import { formatDays, formatPurchases } from '../../src/i18n/format.js';
import { modelName } from '../../src/i18n/phrase.js';
import { thrown } from '../thrown.js';

afterEach(() => setLang('en'));

describe("settings in the reader's language", () => {
  it("has every setting's description in both catalogues", () => {
    for (const def of SETTINGS) {
      const en = wordPhrase(describeSetting(def.key), 'en');
      const zh = wordPhrase(describeSetting(def.key), 'zh-CN');
      expect(en, def.key).not.toBe(def.key);
      expect(zh, def.key).not.toBe(en);
      expect(zh, def.key).toMatch(/[\u4e00-\u9fff]/);
    }
    setLang('zh-CN');
    expect(wordPhrase(describeSetting('report.lang'))).toMatch(/定时任务/);
  });

  it("says what is wrong with a value in the reader's language", () => {
    const check = (key: string, value: string): string => {
      try {
        settingDef(key)!.check(value);
      } catch (e) {
        return errorText(e);
      }
      throw new Error(`${key} = ${value} was accepted`);
    };
    expect(check('lifecycle.window_days', '0')).toBe('must be a whole number from 1 to 100,000');
    expect(check('model.name', 'magic')).toBe('must be auto or mbgnbd or paretonbd or bgnbd or nbd');
    setLang('zh-CN');
    expect(check('lifecycle.window_days', '0')).toMatch(/^必须是.*1.*100,000.*整数$/);
    expect(check('lifecycle.drop_share', '2')).toMatch(/比例.*100%/);
    expect(check('model.name', 'magic')).toMatch(/^必须是.*auto.*mbgnbd.*paretonbd.*bgnbd/);
    expect(check('tier.cuts', '5,15')).toMatch(/三个百分比/);
    expect(check('rfm.recency_days', '30,x')).toMatch(/x.*不是数字/);
  });

  it('words segment rule and date layout errors in Chinese', () => {
    setLang('zh-CN');
    expect(thrown(() => parseSegmentRules('Champions r4-5'))).toContain('规则“Champions r4-5”需要名称和冒号，如“Champions: r4-5 f4-5”');
    expect(thrown(() => parseSegmentRules('A: r5-4'))).toContain('规则“A”中的“r5-4”上下限写反了');
    expect(thrown(() => new FormatDateReader('DD/MM/YYYY Q'))).toContain('--date-format "DD/MM/YYYY Q"：无法识别“Q”处的写法');
    setLang('en');
    expect(thrown(() => parseSegmentRules('A: r5-4'))).toContain('"r5-4" in rule "A" runs backwards');
  });
});

describe('numbers with units', () => {
  it('says days and purchases as each language does', () => {
    expect([formatDays(1), formatDays(3), formatDays(2.5), formatPurchases(1), formatPurchases(5)]).toEqual([
      '1 day',
      '3 days',
      '2.5 days',
      '1 purchase',
      '5 purchases',
    ]);
    expect([formatDays(1, 'zh-CN'), formatDays(3, 'zh-CN'), formatPurchases(5, 'zh-CN')]).toEqual(['1天', '3天', '5次']);
  });
});

describe('model names', () => {
  it("keeps the papers' names and words the recency rule in the reader's language", () => {
    expect(['mbgnbd', 'bgnbd', 'paretonbd', 'recency'].map(modelName)).toEqual(['MBG/NBD', 'BG/NBD', 'Pareto/NBD', 'recency rule']);
    // the NBD is named with what it says: nobody leaves
    expect(modelName('nbd')).toBe('NBD (nobody leaves)');
    setLang('zh-CN');
    expect(['mbgnbd', 'paretonbd', 'bgnbd', 'recency'].map(modelName)).toEqual(['MBG/NBD', 'Pareto/NBD', 'BG/NBD', '最近购买间隔规则']);
  });
});
