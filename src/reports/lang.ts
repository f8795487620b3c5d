/**
 * The language a report is written in. Reports are often written by cron, where no locale says
 * what the owner reads, so the database can say it (rapport config set report.lang zh-CN):
 * --lang, then RAPPORT_LANG, then that setting, then the locale (LC_ALL, LC_MESSAGES, LANG).
 */
import { langOf, resolveLang, type Lang } from '../i18n/index.js';

export function reportLang(flag: string | undefined, env: Record<string, string | undefined>, setting: string | undefined): Lang {
  const asked = (flag !== undefined && flag !== '') || (env.RAPPORT_LANG !== undefined && env.RAPPORT_LANG !== '');
  if (!asked && setting !== undefined && setting !== '') {
    const fromSetting = langOf(setting);
    if (fromSetting !== null) return fromSetting;
  }
  // An unknown --lang or RAPPORT_LANG is refused where the flag is read; here it means English.
  return resolveLang(flag, env).lang;
}
