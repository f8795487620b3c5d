/**
 * What a person reads, in their language. Every such string lives in a catalogue,
 * locales/<lang>/<area>.json, keyed "<area>.<name>"; code asks for it with t("area.name", vars).
 *
 * Catalogues load lazily and synchronously: an area's file is read the first time one of its keys
 * is asked for, so `rapport --help` reads only the help area of one language. English is the
 * fallback for a key a catalogue lacks (a test fails when one does: test/i18n/i18n.test.ts).
 *
 * Placeholders are {name}; tn() picks "<key>_one" or "<key>_other" by a count (English needs
 * both, Chinese only _other, which serves every count).
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../sys/root.js';

import { LANGS, langOf, type Lang } from '../core/lang.js';
// The language list and the tag reader are pure, so they live in core; re-exported for i18n's callers.
export { LANGS, langOf, type Lang };

/** locales/ in the package's root (above src/, dist/ or dist-dev/src/). */
export const LOCALES_DIR = path.join(packageRoot(import.meta.url), 'locales') + path.sep;

let current: Lang = 'en';
const loaded = new Map<string, Record<string, string>>();

export function setLang(lang: Lang): void {
  current = lang;
}

export function currentLang(): Lang {
  return current;
}

/**
 * The language to use: --lang, else RAPPORT_LANG, else the locale (LC_ALL, then LC_MESSAGES,
 * then LANG, as POSIX orders them: the first one set decides), else English. A locale rapport has
 * no catalogue for (fr_FR) means English; an unknown --lang or RAPPORT_LANG is the caller's error.
 */
export function resolveLang(flag: string | undefined, env: Record<string, string | undefined>): { lang: Lang; unknown: string | null } {
  for (const asked of [flag, env.RAPPORT_LANG]) {
    if (asked === undefined || asked === '') continue;
    const l = langOf(asked);
    return l === null ? { lang: 'en', unknown: asked } : { lang: l, unknown: null };
  }
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    return { lang: langOf(v) ?? 'en', unknown: null };
  }
  return { lang: 'en', unknown: null };
}

function area(lang: Lang, name: string): Record<string, string> {
  const id = `${lang}/${name}`;
  let cat = loaded.get(id);
  if (cat === undefined) {
    try {
      cat = JSON.parse(fs.readFileSync(`${LOCALES_DIR}${id}.json`, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      cat = {};
    }
    loaded.set(id, cat);
  }
  return cat;
}

function lookup(key: string, lang: Lang): string {
  const dot = key.indexOf('.');
  const name = dot < 0 ? key : key.slice(0, dot);
  const own = area(lang, name)[key];
  if (own !== undefined) return own;
  const en = lang === 'en' ? undefined : area('en', name)[key];
  // A key no catalogue has is a programming error; show it rather than fail in front of a user.
  return en ?? key;
}

function fill(text: string, vars: Record<string, string | number> | undefined): string {
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The text for a key in the current language, placeholders filled. */
export function t(key: string, vars?: Record<string, string | number>, lang: Lang = current): string {
  return fill(lookup(key, lang), vars);
}

/** t() for a text that depends on a count: "<key>_one" for 1 where the language has it, else "<key>_other"; {n} is the count. */
export function tn(key: string, n: number, vars?: Record<string, string | number>, lang: Lang = current): string {
  const all = { n, ...vars };
  if (n === 1) {
    const dot = key.indexOf('.');
    const one = area(lang, dot < 0 ? key : key.slice(0, dot))[`${key}_one`];
    if (one !== undefined) return fill(one, all);
  }
  return t(`${key}_other`, all, lang);
}

/** Every key of an area in a language (for the catalogue tests). */
export function catalogueKeys(lang: Lang, name: string): string[] {
  return Object.keys(area(lang, name));
}
