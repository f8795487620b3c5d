import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS, LOCALES_DIR, catalogueKeys, langOf, resolveLang, t, tn } from '../../src/i18n/index.js';

const areas = (lang: string): string[] =>
  fs
    .readdirSync(path.join(LOCALES_DIR, lang))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();

describe('catalogues', () => {
  it('every language has the same areas and every key English has, with the same placeholders', () => {
    const en = areas('en');
    for (const lang of LANGS) {
      expect(areas(lang), lang).toEqual(en);
      for (const a of en) {
        const missing = catalogueKeys('en', a).filter((k) => !catalogueKeys(lang, a).includes(k) && !(lang !== 'en' && k.endsWith('_one')));
        expect(missing, `${lang}/${a}.json lacks`).toEqual([]);
        const extra = catalogueKeys(lang, a).filter((k) => !catalogueKeys('en', a).includes(k) && !k.endsWith('_one'));
        expect(extra, `${lang}/${a}.json has keys English lacks`).toEqual([]);
        for (const k of catalogueKeys(lang, a)) {
          expect(k.startsWith(a + '.'), `${lang}/${a}.json: ${k} is not in area ${a}`).toBe(true);
          const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
          const enKey = catalogueKeys('en', a).includes(k) ? k : k.replace(/_one$/, '_other');
          expect(holes(t(k, undefined, lang)), `${lang} ${k}`).toEqual(holes(t(enKey, undefined, 'en')));
        }
      }
    }
  });

  it('every key the code asks for exists in English', () => {
    const src = path.resolve(LOCALES_DIR, '../src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const missing: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(src, f), 'utf8');
      for (const m of text.matchAll(/\b(?:t|phrase)\(\s*'([a-z][\w-]*\.[\w.-]+)'/g)) {
        const key = m[1]!;
        if (!catalogueKeys('en', key.slice(0, key.indexOf('.'))).includes(key)) missing.push(`${f}: ${key}`);
      }
      for (const m of text.matchAll(/\b(?:tn|counted)\(\s*'([a-z][\w-]*\.[\w.-]+)'/g)) {
        const key = m[1]! + '_other';
        if (!catalogueKeys('en', key.slice(0, key.indexOf('.'))).includes(key)) missing.push(`${f}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('language', () => {
  it('reads --lang, then RAPPORT_LANG, then the locale, else English', () => {
    expect(resolveLang('zh-CN', { RAPPORT_LANG: 'en' }).lang).toBe('zh-CN');
    expect(resolveLang(undefined, { RAPPORT_LANG: 'zh', LANG: 'en_US.UTF-8' }).lang).toBe('zh-CN');
    expect(resolveLang(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }).lang).toBe('zh-CN');
    expect(resolveLang(undefined, { LC_ALL: '', LC_MESSAGES: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' }).lang).toBe('en');
    expect(resolveLang(undefined, { LANG: 'fr_FR.UTF-8' })).toEqual({ lang: 'en', unknown: null });
    expect(resolveLang('klingon', {})).toEqual({ lang: 'en', unknown: 'klingon' });
    expect(resolveLang(undefined, {}).lang).toBe('en');
    expect(langOf('C.UTF-8')).toBeNull();
    expect(langOf('zh_TW.UTF-8')).toBeNull();
  });

  it('fills placeholders and picks the count form', () => {
    expect(t('common.yes', undefined, 'zh-CN')).toBe('是');
    expect(t('no.such.key')).toBe('no.such.key');
    expect(tn('common.nothing', 1, undefined, 'en')).toBe('common.nothing_other');
  });
});

describe('locale formatting', () => {
  it('writes money, dates and numbers as each language does', async () => {
    const { formatDate, formatMoneyFor, formatNumber } = await import('../../src/i18n/format.js');
    expect(formatMoneyFor(123450, 2, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoneyFor(-1200, 2, 'CNY', 'zh-CN')).toBe('-¥12.00');
    expect(formatMoneyFor(123450, 2, 'CNY', 'en')).toBe('1,234.50 CNY');
    expect(formatMoneyFor(5, 2, 'CHF', 'zh-CN')).toBe('0.05 CHF');
    expect(formatMoneyFor(5, 2, null, 'zh-CN')).toBe('0.05');
    expect(formatDate('2026-11-29', 'zh-CN')).toBe('2026年11月29日');
    expect(formatDate('2026-11-29', 'en')).toBe('2026-11-29');
    expect(formatNumber(1234567, 0, 'zh-CN')).toBe('1,234,567');
  });

  it("names the domain in the shop owner's terms", async () => {
    const { setLang } = await import('../../src/i18n/index.js');
    const d = await import('../../src/i18n/domain.js');
    setLang('zh-CN');
    try {
      expect(['platinum', 'gold', 'iron', 'lead'].map(d.tierName)).toEqual(['铂金层', '黄金层', '钢铁层', '重铅层']);
      expect(['exploration', 'formation', 'stability', 'decline', 'ended'].map(d.stageName)).toEqual(['考察期', '形成期', '稳定期', '退化期', '已流失']);
      expect(['early abort', 'mid-way failure', 'early exit', 'long-term'].map(d.exitPatternName)).toEqual([
        '初期流产型',
        '半途夭折型',
        '提前退出型',
        '长期保持型',
      ]);
      expect(d.categoryName('price')).toBe('价格流失');
      expect(d.segmentName('My own segment')).toBe('My own segment');
    } finally {
      setLang('en');
    }
    expect(d.tierName('platinum')).toBe('platinum');
  });
});
