/**
 * The language for this run, chosen before anything is printed (help included): the global
 * --lang flag is read from the arguments ahead of the command parser, so that help texts built
 * while the commands are declared are already in the reader's language.
 */
import { LANGS, resolveLang, t, type Lang } from './index.js';

/** The value of --lang (or --lang=...) among the arguments, up to a lone "--"; undefined when absent. */
export function langFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--lang') found = argv[++i] ?? '';
    else if (a.startsWith('--lang=')) found = a.slice('--lang='.length);
  }
  return found;
}

/**
 * --lang, else RAPPORT_LANG, else the locale, else English. An unknown value asked for by name
 * (--lang or RAPPORT_LANG) is refused with the choices, worded in the locale's language.
 */
export function chooseLang(argv: readonly string[], env: Record<string, string | undefined>): { lang: Lang } | { error: string; hint: string } {
  const flag = langFlag(argv);
  if (flag === '')
    return { error: t('core.lang.missing', undefined, localeLang(env)), hint: t('core.lang.hint', { choices: LANGS.join(', ') }, localeLang(env)) };
  const { lang, unknown } = resolveLang(flag, env);
  if (unknown === null) return { lang };
  const from = flag !== undefined ? '--lang' : 'RAPPORT_LANG';
  const l = localeLang(env);
  return { error: t('core.lang.unknown', { value: unknown, from }, l), hint: t('core.lang.hint', { choices: LANGS.join(', ') }, l) };
}

/** The language the locale alone gives: for the message that refuses an unknown --lang. */
function localeLang(env: Record<string, string | undefined>): Lang {
  return resolveLang(undefined, { ...env, RAPPORT_LANG: undefined }).lang;
}
