/** The languages rapport speaks, and a language tag as people write it read as one of them (pure: no catalogue). */
export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** A language tag or locale name as people write it (zh, zh_CN.UTF-8, zh-Hans, en_GB) to a supported language, or null. */
export function langOf(text: string | undefined): Lang | null {
  if (text === undefined) return null;
  const t = text.trim().toLowerCase().replace(/_/g, '-');
  if (t === '' || t === 'c' || t === 'posix' || t.startsWith('c.')) return null;
  if (/^zh(?:-(?:cn|hans|sg)(?:\b|$)|$|[.@])/.test(t) || t.startsWith('zh-hans')) return 'zh-CN';
  if (/^en(?:$|[-.@])/.test(t)) return 'en';
  return null;
}
