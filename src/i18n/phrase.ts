/**
 * Sentences the analysis writes about a customer or a fit, kept in a language-neutral form: a
 * catalogue key and its values (numbers, counts of days or purchases, a stage code, and nested
 * phrases), worded when read.
 *
 * What rapport stores and what its CSV and JSON carry stays English: the lifecycle's stage reason
 * in a snapshot, a saved fit's verdict and fallback, the reasons column. Machine output must not
 * change with the language, and a snapshot or a fit saved by a cron job in one language is read
 * in another. So the English is worded from the catalogue's English templates, and re-worded for
 * a Chinese reader by reading it back against those same templates (reword): the English and the
 * Chinese come from one catalogue, and a text rapport did not write (an older wording, a shop's
 * own) is shown as it is.
 */
import { catalogueKeys, currentLang, t, tn, type Lang } from './index.js';
import { stageNameIn } from './domain.js';
import { formatDate, formatMoneyFor, formatNumber } from './format.js';
import { methodPhrase, type RiskMethod } from '../core/model/churn.js';
import type { PurchaseModelName } from '../core/model/purchase.js';
import { modelLabel } from '../core/model/registry.js';

import { CoreError, type Count, type Phrase, type Value } from '../core/words.js';
// The phrase's types live in core (which builds phrases and never words them); re-exported for the callers that read them here.
export { days, purchases, type Count, type Phrase, type Value } from '../core/words.js';

/** How a placeholder's English is read back: a count, free text, an amount of money, one of some phrases (or nothing), a list of them, a stage code, a model's code (mbgnbd). */
type Kind = 'days' | 'purchases' | 'text' | 'money' | 'stage' | 'model' | { one: string[]; optional?: true } | { list: string[] };

const STAGE_EXIT = ['core.exit.refunds-only', 'core.exit.early-abort', 'core.exit.mid-way-failure', 'core.exit.early-exit', 'core.exit.long-term'];
const RHYTHM: Kind = { one: ['core.stage.rhythm'], optional: true };
const DEGENERATE = [
  'core.model.heterogeneity',
  'core.model.scales-apart',
  'core.model.nobody-leaves',
  'core.model.leave-fast',
  'core.model.nobody-ever-leaves',
  'core.model.everyone-leaves',
  'core.model.flat-alive',
  'core.model.no-converge',
  'core.model.a-is-one',
];
const REJECTED = ['core.model.rejected-at', 'core.model.rejected'];
const METHODS = ['core.method.learned', 'core.method.recency', 'core.method.overdue', 'core.method.expected', 'core.method.model', 'core.method.rules'];
const WHERE = ['core.verdict.window', 'core.verdict.windows', 'core.verdict.halves'];

/**
 * Every phrase key and the kind of each of its placeholders: the literal list of the keys the
 * analysis words its sentences with (test/core/phrase.test.ts checks each is in every catalogue).
 */
export const GRAMMAR: Record<string, Record<string, Kind>> = {
  'core.stage.ended': { silence: 'days', limit: 'days', rhythm: RHYTHM, why: { one: STAGE_EXIT } },
  'core.stage.rhythm': { gap: 'days' },
  'core.stage.refunds-only': { silence: 'days' },
  'core.stage.exploration': { purchases: 'purchases', max: 'purchases' },
  'core.stage.overdue': { silence: 'days', limit: 'days', rhythm: RHYTHM },
  'core.stage.spend-drop': { recent: 'money', window: 'days', previous: 'money', share: 'text' },
  'core.stage.stability': { purchases: 'purchases', every: { one: ['core.stage.every'], optional: true }, held: 'days' },
  'core.stage.every': { gap: 'days' },
  'core.stage.formation': { purchases: 'purchases', tenure: 'days', min: 'purchases', minDays: 'days' },
  'core.exit.refunds-only': {},
  'core.exit.early-abort': { purchases: 'purchases' },
  'core.exit.mid-way-failure': { purchases: 'purchases' },
  'core.exit.early-exit': { held: 'days', longTerm: 'days' },
  'core.exit.long-term': { held: 'days', years: 'text' },

  'core.churn.refunds-only': { silence: 'days' },
  'core.churn.one-time': { silence: 'days' },
  'core.churn.overdue-own': { silence: 'days', times: 'text', gap: 'text' },
  'core.churn.overdue-shop': { silence: 'days', times: 'text', gap: 'text' },
  'core.churn.stopped': { window: 'text' },
  'core.churn.spend-down': { down: 'text', window: 'text' },
  'core.churn.p-alive': { pct: 'text' },
  'core.churn.seldom': { every: { one: ['core.churn.seldom-every'], optional: true }, expected: 'text', days: 'text' },
  'core.churn.seldom-every': { gap: 'days' },
  'core.churn.complaints': { oldest: 'days', overdue: { one: ['core.churn.complaints-overdue'], optional: true } },
  'core.churn.complaints-overdue': { count: 'text' },
  'core.churn.ended-but-low-rules': { pct: 'text' },
  'core.churn.ended-but-low-model': { pct: 'text' },
  'core.churn.falling-but-low': { pct: 'text' },
  'core.churn.ended-but-tiny-rules': {},
  'core.churn.ended-but-tiny-model': {},
  'core.churn.falling-but-tiny': {},
  'core.churn.p-alive-tiny': {},
  'core.churn.like-them': { silence: 'days', n: 'text', days: 'text', pct: 'text' },
  'core.churn.on-rhythm': { stage: 'stage', pct: 'text' },

  'core.model.horizon-set': {},
  'core.model.horizon-none': {},
  'core.model.horizon-rhythm': { gap: 'text' },
  'core.model.horizon-quarter': { gap: 'text' },
  'core.model.as-set': {},
  'core.model.not-enough': { problems: { list: ['core.model.too-few-customers', 'core.model.too-few-repeat', 'core.model.too-short'] } },
  'core.model.too-few-customers': { count: 'text', min: 'text' },
  'core.model.too-few-repeat': { count: 'text', min: 'text' },
  'core.model.too-short': { count: 'text', min: 'text' },
  'core.model.no-usable-fit': { rejected: { list: REJECTED } },
  'core.model.rejected-at': { model: 'model', cutoff: 'text', why: { one: DEGENERATE } },
  'core.model.rejected': { model: 'model', why: { one: DEGENERATE } },
  'core.model.no-converge': {},
  'core.model.a-is-one': {},
  'core.model.heterogeneity': { param: 'text', value: 'text' },
  'core.model.scales-apart': { alpha: 'text', beta: 'text' },
  'core.model.nobody-leaves': { value: 'text' },
  'core.model.leave-fast': {},
  'core.model.nobody-ever-leaves': { value: 'text' },
  'core.model.everyone-leaves': { value: 'text' },
  'core.model.flat-alive': { sd: 'text' },
  'core.model.purchase-no-converge': {},
  'core.model.spend-problem': {},
  'core.model.verdict-none': { days: 'text' },
  'core.model.verdict-recency': { days: 'text', auc: 'text', why: { one: ['core.model.verdict-no-model', 'core.model.verdict-no-better'] } },
  'core.model.verdict-no-model': {},
  'core.model.verdict-no-better': { model: 'model', auc: 'text' },
  'core.model.verdict-blend': {
    model: 'model',
    word: { one: ['core.model.word-better', 'core.model.word-worse', 'core.model.word-unclear'] },
    days: 'text',
    auc: 'text',
    recency: 'text',
    difference: 'text',
    low: 'text',
    high: 'text',
  },
  'core.model.word-better': {},
  'core.model.word-worse': {},
  'core.model.word-unclear': {},
  'core.method.learned': {},
  'core.method.recency': {},
  'core.method.overdue': {},
  'core.method.expected': { model: 'text' },
  'core.method.model': { model: 'text' },
  'core.method.rules': {},
  'core.verdict.window': { days: 'text', cutoff: 'text' },
  'core.verdict.windows': { count: 'text', days: 'text', cutoffs: 'text' },
  'core.verdict.halves': { days: 'text' },
  'core.verdict.unjudged': { days: 'text' },
  'core.verdict.unjudged-model': { days: 'text', horizon: 'text', model: 'text' },
  'core.verdict.unjudged-blend': { days: 'text', cutoff: 'text', horizon: 'text', model: 'text' },
  'core.verdict.ranks': {
    method: { one: METHODS },
    word: { one: ['core.model.word-better', 'core.model.word-worse', 'core.model.word-unclear'] },
    where: { one: WHERE },
    auc: 'text',
    recency: 'text',
    difference: 'text',
    low: 'text',
    high: 'text',
  },
  'core.verdict.recency': { where: { one: WHERE }, auc: 'text', learned: 'text' },

  'core.date.year-range': { year: 'text', min: 'text', max: 'text' },
  'core.date.no-month': { month: 'text' },
  'core.date.no-day': { day: 'text', month: 'text' },
  'core.date.no-time': { time: 'text' },
  'core.date.empty': {},
  'core.date.not-iso': { value: 'text' },
  'core.date.not-serial': { value: 'text' },
  'core.date.excel-leap': { value: 'text' },
  'core.date.serial-range': { value: 'text', min: 'text', max: 'text' },
  'core.date.not-layout': { value: 'text', layout: 'text' },
  'core.date.not-month-name': { value: 'text' },
  'core.date.hour-12': { hour: 'text' },
};

/** Why a date was not read, as the rejects of an import keep it. */
export const DATE_REASONS = Object.keys(GRAMMAR).filter((k) => k.startsWith('core.date.'));

/** Keys whose wording depends on a count ({n}): "<key>_one" and "<key>_other" in the catalogue. */
const COUNTED = new Set(['core.churn.complaints']);

/** The sentences a text may be, by what wrote it. */
export const STAGE_REASONS = [
  'core.stage.ended',
  'core.stage.refunds-only',
  'core.stage.exploration',
  'core.stage.overdue',
  'core.stage.spend-drop',
  'core.stage.stability',
  'core.stage.formation',
];
export const CHURN_REASONS = Object.keys(GRAMMAR).filter(
  (k) => k.startsWith('core.churn.') && k !== 'core.churn.seldom-every' && k !== 'core.churn.complaints-overdue',
);
export const MODEL_TEXTS = [
  'core.model.horizon-set',
  'core.model.horizon-none',
  'core.model.horizon-rhythm',
  'core.model.horizon-quarter',
  'core.model.as-set',
  'core.model.not-enough',
  'core.model.no-usable-fit',
  'core.model.purchase-no-converge',
  'core.model.spend-problem',
  'core.model.verdict-none',
  'core.model.verdict-recency',
  'core.model.verdict-blend',
  'core.verdict.ranks',
  'core.verdict.recency',
  ...REJECTED,
  ...DEGENERATE,
];

/**
 * A template split at its placeholders (odd places hold the names), kept per language and key:
 * the analysis words a sentence for each of a million customers, and filling a template by a
 * regular expression each time took eight times as long as the template literals it replaced.
 */
const parts = new Map<Lang, Map<string, string[]>>();
function split(key: string, lang: Lang): string[] {
  let byKey = parts.get(lang);
  if (byKey === undefined) parts.set(lang, (byKey = new Map()));
  let p = byKey.get(key);
  if (p === undefined) {
    p = t(key, undefined, lang).split(/\{(\w+)\}/);
    byKey.set(key, p);
  }
  return p;
}

function fillParts(p: readonly string[], value: (name: string) => string | number): string {
  let out = p[0]!;
  for (let i = 1; i < p.length; i += 2) out += String(value(p[i]!)) + p[i + 1]!;
  return out;
}

/** The count forms' keys, literal so the catalogue test sees them. */
function countKey(c: Count, one: boolean): string {
  switch (c.count) {
    case 'days':
      return one ? 'core.count.days_one' : 'core.count.days_other';
    case 'purchases':
      return one ? 'core.count.purchases_one' : 'core.count.purchases_other';
  }
}

/** A count's forms in a language: "one" only where the language has its own (Chinese has not). */
const countForms = new Map<string, { one: string[] | null; other: string[] }>();
function countText(c: Count, lang: Lang): string {
  const id = lang + c.count;
  let forms = countForms.get(id);
  if (forms === undefined) {
    const one = catalogueKeys(lang, 'core').includes(countKey(c, true)) ? split(countKey(c, true), lang) : null;
    forms = { one, other: split(countKey(c, false), lang) };
    countForms.set(id, forms);
  }
  const p = c.n === 1 && forms.one !== null ? forms.one : forms.other;
  // Whole counts grouped as every other figure is (1,234 days); the English, read back by reword(), too.
  const n = Number.isInteger(c.n) ? formatNumber(c.n, 0, lang) : String(c.n);
  return p.length === 3 ? p[0]! + n + p[2]! : fillParts(p, () => n);
}

function valueText(v: Value | undefined, lang: Lang): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((p) => wordPhrase(p, lang)).join(t('core.list-separator', undefined, lang));
  if ('count' in v) return countText(v, lang);
  if ('join' in v) return v.join.map((x) => valueText(x, lang)).join(v.sep === undefined ? '' : t(v.sep, undefined, lang));
  if ('stage' in v) return stageNameIn(v.stage, lang);
  if ('money' in v) return moneyIn(v.money, lang);
  // reword() reads a model's code back only for the reader, whose language modelName() words in.
  if ('model' in v) return modelName(v.model);
  return wordPhrase(v, lang);
}

/**
 * An amount the English wrote ("1,234.50 CNY", "-12.00 GBP", or a bare "12.00" when the shop has
 * no currency) as the reader's language writes money (¥1,234.50), as every other amount on the
 * screen is; text that is not such an amount is kept as it is.
 */
function moneyIn(text: string, lang: Lang): string {
  const m = /^(-?)([\d,]+)(?:\.(\d+))?(?: ([A-Z]{3}))?$/.exec(text);
  if (m === null) return text;
  const decimals = m[3] ?? '';
  const minor = Number(m[2]!.replace(/,/g, '') + decimals) * (m[1] === '-' ? -1 : 1);
  return Number.isSafeInteger(minor) ? formatMoneyFor(minor, decimals.length, m[4] ?? null, lang) : text;
}

/**
 * A model's name for a person: the fitted models by their papers' names in every language, the
 * recency rule in the reader's (最近购买规则), the NBD with what it says (nobody leaves).
 */
export function modelName(code: string): string {
  if (code === 'recency') return t('core.model.recency-rule');
  if (code === 'nbd') return t('core.model.nbd-name');
  return modelLabel(code);
}

/** How churn_risk was made, in words: one name per method, the same on stderr, in tables and headers. */
export function methodName(method: RiskMethod, model: PurchaseModelName | null = null, lang: Lang = currentLang()): string {
  return wordPhrase(methodPhrase(method, model), lang);
}

/**
 * The sentences that say a risk is "only {pct}", and the same sentence for a risk that rounds to
 * 0%: "while the risk is only 0%" read oddly beside a medium level, so it says "under 1%". So
 * does the chance of still being a customer ("at 0%" for a chance of 0.3%).
 */
const UNDER_ONE: Record<string, string> = {
  'core.churn.ended-but-low-rules': 'core.churn.ended-but-tiny-rules',
  'core.churn.ended-but-low-model': 'core.churn.ended-but-tiny-model',
  'core.churn.falling-but-low': 'core.churn.falling-but-tiny',
  'core.churn.p-alive': 'core.churn.p-alive-tiny',
};
const ZERO_PERCENT = /^0(\.0*)?%?$/;

/** A risk as riskPercent() writes it ("43", "0") for a person: "43%", and "under 1%" where it rounds to 0 ("<1%" in a table's column). */
export function riskWords(percent: string, short = false, lang: Lang = currentLang()): string {
  if (!ZERO_PERCENT.test(percent)) return `${percent}%`;
  return short ? t('core.churn.under-one-short', undefined, lang) : t('core.churn.under-one', undefined, lang);
}

/** A phrase in a language. */
export function wordPhrase(p: Phrase, lang: Lang = currentLang()): string {
  const tiny = UNDER_ONE[p.key];
  if (tiny !== undefined && ZERO_PERCENT.test(String(p.vars?.pct ?? ''))) return wordPhrase({ key: tiny }, lang);
  if (p.n !== undefined) {
    const vars: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(p.vars ?? {})) vars[k] = valueText(v, lang);
    return tn(p.key, p.n, vars, lang);
  }
  const vars = p.vars;
  return fillParts(split(p.key, lang), (name) =>
    vars === undefined || !(name in vars) ? `{${name}}` : DATE_NAMES.has(name) ? datesText(vars[name], lang) : valueText(vars[name], lang),
  );
}

/** The placeholders that hold a date or dates (ISO text, joined by ", " in the phrase, as the English and the JSON keep them). */
const DATE_NAMES = new Set(['cutoff', 'cutoffs']);
const ISO_DATES = /^\d{4}-\d{2}-\d{2}(?:, \d{4}-\d{2}-\d{2})*$/;

/** ISO dates as the reader writes dates (2011年9月9日) and lists (、); anything else as it is. */
function datesText(v: Value | undefined, lang: Lang): string | number {
  if (typeof v !== 'string' || !ISO_DATES.test(v)) return valueText(v, lang);
  return v
    .split(', ')
    .map((d) => formatDate(d, lang))
    .join(t('table.list-separator', undefined, lang));
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A number as rapport writes it: grouped by thousands (1,234) or not, with decimals or not. */
const NUMBER = '(?:-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?)';
const numberOf = (text: string): number => Number(text.replace(/,/g, ''));

/** English templates of a key: the one, or the count forms. */
function templates(key: string): string[] {
  return COUNTED.has(key) ? [t(`${key}_one`, undefined, 'en'), t(`${key}_other`, undefined, 'en')] : [t(key, undefined, 'en')];
}

/** A placeholder's pattern: capturing at the top of a key, plain inside a nested one. */
function placeholder(key: string, name: string, capture: boolean): string {
  const kind = name === 'n' && COUNTED.has(key) ? 'n' : GRAMMAR[key]?.[name];
  let body: string;
  if (kind === undefined || kind === 'text' || kind === 'money' || kind === 'stage' || kind === 'model') body = '.*?';
  else if (kind === 'n') body = NUMBER;
  else if (kind === 'days' || kind === 'purchases') {
    const forms = kind === 'days' ? ['core.count.days_one', 'core.count.days_other'] : ['core.count.purchases_one', 'core.count.purchases_other'];
    body = forms.map((f) => escape(t(f, undefined, 'en')).replace('\\{n\\}', NUMBER)).join('|');
  } else if ('list' in kind) body = '.+?';
  else body = `(?:${kind.one.map((k) => pattern(k, false)).join('|')})${kind.optional ? '?' : ''}`;
  return capture ? `(${body})` : `(?:${body})`;
}

function pattern(key: string, capture: boolean): string {
  return templates(key)
    .map((tpl) =>
      tpl
        .split(/(\{\w+\})/)
        .map((part) => (/^\{\w+\}$/.test(part) ? placeholder(key, part.slice(1, -1), capture) : escape(part)))
        .join(''),
    )
    .join('|');
}

const compiled = new Map<string, { re: RegExp; names: string[][] }>();

/** The key's English as a regular expression, with the placeholders' names in the order of its groups (per count form). */
function matcher(key: string): { re: RegExp; names: string[][] } {
  let m = compiled.get(key);
  if (m === undefined) {
    const names = templates(key).map((tpl) => [...tpl.matchAll(/\{(\w+)\}/g)].map((x) => x[1]!));
    m = { re: new RegExp(`^(?:${pattern(key, true)})$`, 's'), names };
    compiled.set(key, m);
  }
  return m;
}

function readValue(key: string, name: string, raw: string): Value | undefined {
  const kind = GRAMMAR[key]?.[name];
  if (kind === undefined || kind === 'text') return raw;
  if (kind === 'stage') return { stage: raw };
  if (kind === 'money') return { money: raw };
  if (kind === 'model') return { model: raw };
  if (kind === 'days' || kind === 'purchases') return { count: kind, n: numberOf(new RegExp(NUMBER).exec(raw)![0]) };
  if ('list' in kind) {
    const items = raw.split(t('core.list-separator', undefined, 'en')).map((x) => readPhrase(x, kind.list));
    return items.every((x) => x !== null) ? (items as Phrase[]) : undefined;
  }
  if (raw === '' && kind.optional) return null;
  return readPhrase(raw, kind.one) ?? undefined;
}

/** An English sentence read back into its phrase, trying the keys in order; null when none wrote it. */
export function readPhrase(text: string, keys: readonly string[]): Phrase | null {
  for (const key of keys) {
    const { re, names } = matcher(key);
    const m = re.exec(text);
    if (m === null) continue;
    // The groups of each count form follow each other; the form that matched has its groups set.
    let offset = 1;
    let phrase: Phrase | null = null;
    for (const form of names) {
      const groups = m.slice(offset, offset + form.length);
      offset += form.length;
      if (phrase !== null || groups.some((g) => g === undefined)) continue;
      const vars: Record<string, Value> = {};
      let n: number | undefined;
      let ok = true;
      form.forEach((name, i) => {
        if (name === 'n' && COUNTED.has(key)) n = numberOf(groups[i]!);
        else if (!(name in vars)) {
          const v = readValue(key, name, groups[i]!);
          if (v === undefined) ok = false;
          else vars[name] = v;
        }
      });
      if (ok) phrase = n === undefined ? { key, vars } : { key, n, vars };
    }
    if (phrase !== null) return phrase;
  }
  return null;
}

/**
 * A sentence rapport wrote in English (a stage reason, churn reasons joined by "; ", a model's
 * verdict or fallback, why a date was rejected), in the reader's language. English, and any text rapport did not write,
 * come back as they are.
 */
export function reword(text: string, lang: Lang = currentLang()): string {
  if (lang === 'en' || text === '') return text;
  const whole = readPhrase(text, [...STAGE_REASONS, ...MODEL_TEXTS, ...DATE_REASONS]);
  if (whole !== null) return wordPhrase(whole, lang);
  const sep = t('core.list-separator', undefined, 'en');
  return text
    .split(sep)
    .map((part) => {
      const p = readPhrase(part, CHURN_REASONS);
      return p === null ? part : wordPhrase(p, lang);
    })
    .join(t('core.list-separator', undefined, lang));
}

/** An error's one line in the reader's language: a core error's phrase worded, any other error's message. */
export function errorText(e: unknown, lang: Lang = currentLang()): string {
  if (e instanceof CoreError) return wordPhrase(e.phrase, lang);
  return e instanceof Error ? e.message : String(e);
}
