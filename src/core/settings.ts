/**
 * The analysis settings `rapport config` manages: their names, defaults, checks, and how the
 * stored text becomes typed settings. Stored in the database, so a cron run uses what the owner
 * set. Pure: no I/O.
 */
import { DEFAULT_LIFECYCLE, type LifecycleSettings } from './lifecycle.js';
import { DEFAULT_SEGMENTS, formatSegmentRules, parseSegmentRules, type Dimension, type RfmSettings, type SegmentRule } from './rfm.js';
import { DEFAULT_TIERS, type TierSettings } from './tiers.js';
import { DEFAULT_MODEL, MODEL_CHOICES, TIME_UNITS, type ModelChoice, type ModelSettings, type TimeUnit } from './model/churn.js';
import { DEFAULT_RESPONSE_HOURS, type ResponseHours } from './complaints.js';
import { LANGS, currentLang, langOf, t, tn, type Lang } from '../i18n/index.js';

export interface AnalysisSettings {
  rfm: RfmSettings;
  segments: SegmentRule[];
  tiers: TierSettings;
  /** Days of net revenue that make a customer's value for the pyramid; 0 = all history. */
  valueWindowDays: number;
  /** Gaps a customer needs before their own median gap is their rhythm. */
  ownGapMinGaps: number;
  lifecycle: LifecycleSettings;
  model: ModelSettings;
  complaintHours: ResponseHours;
}

export interface SettingDef {
  key: string;
  default: string;
  /** Returns the value in its stored form, or throws an Error saying what is wrong. */
  check: (value: string) => string;
  /** Changes how results are shown, not the results: left out of what a snapshot records, so changing it keeps snapshots current. */
  presentation?: true;
}

export class SettingError extends Error {
  constructor(
    readonly key: string,
    message: string,
    /** The setting this one conflicts with, when the problem is the pair. */
    readonly other: string | null = null,
  ) {
    super(message);
  }
}

// Numbers as people write them: digits with an optional decimal point. Number() alone would take
// 0x10, 1e3 or Infinity.
const DECIMAL = /^\d+(\.\d+)?$/;

function wholeNumber(min: number, max = 100_000) {
  return (v: string): string => {
    const text = v.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(t('config.check.wholeNumber', { min, max: max.toLocaleString('en-US') }));
    return String(n);
  };
}

function positiveNumber(v: string): string {
  const text = v.trim();
  if (!DECIMAL.test(text) || Number(text) <= 0 || Number(text) > 1000) throw new Error(t('config.check.positiveNumber'));
  return String(Number(text));
}

function share(v: string): string {
  const text = v.trim();
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1).trim() : text;
  const n = Number(digits) / (percent ? 100 : 1);
  if (!DECIMAL.test(digits) || n > 1) throw new Error(t('config.check.share'));
  return String(n);
}

function numberList(v: string): number[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => {
      if (!DECIMAL.test(x)) throw new Error(t('config.check.notNumber', { value: x }));
      return Number(x);
    });
}

/** Ascending cut points, or empty for quantiles. */
function thresholds(v: string): string {
  const list = numberList(v);
  for (let i = 1; i < list.length; i++) if (!(list[i]! > list[i - 1]!)) throw new Error(t('config.check.ascending'));
  return list.join(',');
}

export const SETTINGS: SettingDef[] = [
  { key: 'rfm.bins', default: '5', check: (v) => (['4', '5', '10'].includes(v.trim()) ? v.trim() : fail(t('config.check.bins'))) },
  { key: 'rfm.recency_days', default: '', check: thresholds },
  { key: 'rfm.frequency', default: '', check: thresholds },
  { key: 'rfm.monetary', default: '', check: thresholds },
  {
    key: 'rfm.segments',
    default: formatSegmentRules(DEFAULT_SEGMENTS),
    check: (v) => formatSegmentRules(parseSegmentRules(v)),
  },
  { key: 'tier.method', default: DEFAULT_TIERS.method, check: (v) => (['rank', 'share'].includes(v.trim()) ? v.trim() : fail(t('config.check.tierMethod'))) },
  {
    key: 'tier.cuts',
    default: DEFAULT_TIERS.cuts.join(','),
    check: (v) => {
      const list = numberList(v.replace(/%/g, ''));
      if (list.length !== 3 || !list.every((x) => x >= 0 && x <= 100)) throw new Error(t('config.check.threePercentages'));
      return list.join(',');
    },
  },
  { key: 'tier.window_days', default: '365', check: wholeNumber(0) },
  { key: 'lifecycle.window_days', default: String(DEFAULT_LIFECYCLE.windowDays), check: wholeNumber(1) },
  { key: 'lifecycle.own_gap_min_gaps', default: '2', check: wholeNumber(1) },
  { key: 'lifecycle.exploration_max_purchases', default: String(DEFAULT_LIFECYCLE.explorationMaxPurchases), check: wholeNumber(1) },
  { key: 'lifecycle.stability_min_purchases', default: String(DEFAULT_LIFECYCLE.stabilityMinPurchases), check: wholeNumber(2) },
  { key: 'lifecycle.stability_min_days', default: String(DEFAULT_LIFECYCLE.stabilityMinDays), check: wholeNumber(0) },
  { key: 'lifecycle.decline_gaps', default: String(DEFAULT_LIFECYCLE.declineGaps), check: positiveNumber },
  { key: 'lifecycle.decline_min_days', default: String(DEFAULT_LIFECYCLE.declineMinDays), check: wholeNumber(0) },
  { key: 'lifecycle.drop_share', default: String(DEFAULT_LIFECYCLE.dropShare), check: share },
  { key: 'lifecycle.ended_gaps', default: String(DEFAULT_LIFECYCLE.endedGaps), check: positiveNumber },
  { key: 'lifecycle.ended_min_days', default: String(DEFAULT_LIFECYCLE.endedMinDays), check: wholeNumber(0) },
  { key: 'lifecycle.long_term_days', default: String(DEFAULT_LIFECYCLE.longTermDays), check: wholeNumber(0) },
  { key: 'model.name', default: DEFAULT_MODEL.model, check: oneOf(MODEL_CHOICES) },
  { key: 'model.time_unit', default: DEFAULT_MODEL.timeUnit, check: oneOf(TIME_UNITS) },
  { key: 'model.min_customers', default: String(DEFAULT_MODEL.minCustomers), check: wholeNumber(10, 10_000_000) },
  { key: 'model.min_repeat_buyers', default: String(DEFAULT_MODEL.minRepeatBuyers), check: wholeNumber(5, 10_000_000) },
  { key: 'model.min_history_days', default: String(DEFAULT_MODEL.minHistoryDays), check: wholeNumber(1) },
  {
    key: 'churn.horizon_days',
    default: 'auto',
    check: (v) => (v.trim().toLowerCase() === 'auto' ? 'auto' : wholeNumber(1, 3650)(v)),
  },
  { key: 'churn.medium_risk', default: String(DEFAULT_MODEL.mediumRisk), check: share },
  { key: 'churn.high_risk', default: String(DEFAULT_MODEL.highRisk), check: share },
  { key: 'clv.horizon_days', default: String(DEFAULT_MODEL.clvHorizonDays), check: wholeNumber(30, 3650) },
  { key: 'complaint.hours_urgent', default: String(DEFAULT_RESPONSE_HOURS.urgent), check: wholeNumber(1) },
  { key: 'complaint.hours_high', default: String(DEFAULT_RESPONSE_HOURS.high), check: wholeNumber(1) },
  { key: 'complaint.hours_normal', default: String(DEFAULT_RESPONSE_HOURS.normal), check: wholeNumber(1) },
  { key: 'complaint.hours_low', default: String(DEFAULT_RESPONSE_HOURS.low), check: wholeNumber(1) },
  { key: 'clv.discount_rate', default: String(DEFAULT_MODEL.discountRate), check: share },
  { key: 'analysis.as_of', default: 'today', check: oneOf(['today', 'last-sale']), presentation: true },
  { key: 'report.lang', default: '', check: reportLang, presentation: true },
];

function oneOf(values: readonly string[]) {
  return (v: string): string => {
    const text = v.trim().toLowerCase();
    if (!values.includes(text)) throw new Error(t('config.check.oneOf', { values: values.join(t('config.or')) }));
    return text;
  };
}

function fail(message: string): never {
  throw new Error(message);
}

export function settingDef(key: string): SettingDef | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** The effective text of every setting: stored values over the defaults. */
export function effective(stored: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(SETTINGS.map((s) => [s.key, stored[s.key] ?? s.default]));
}

/** What a snapshot records: the effective text of the settings that change results (not how they are shown). */
export function analysisText(stored: Readonly<Record<string, string>>): Record<string, string> {
  const all = effective(stored);
  for (const s of SETTINGS) if (s.presentation === true) delete all[s.key];
  return all;
}

/**
 * Typed settings from the stored text. `exponent` is the currency's (monetary cut points are
 * written in currency units and compared in minor units). Throws SettingError naming the key
 * when settings disagree with each other (such as thresholds that do not fit the bins).
 */
export function resolveSettings(stored: Readonly<Record<string, string>>, exponent: number): AnalysisSettings {
  const e = effective(stored);
  const get = (key: string): string => {
    const def = settingDef(key)!;
    try {
      return def.check(e[key]!);
    } catch (err) {
      throw new SettingError(key, (err as Error).message);
    }
  };
  const num = (key: string): number => Number(get(key));
  const bins = num('rfm.bins') as 4 | 5 | 10;
  const thresholdsOf: Partial<Record<Dimension, number[]>> = {};
  const dims: [Dimension, string, number][] = [
    ['r', 'rfm.recency_days', 1],
    ['f', 'rfm.frequency', 1],
    ['m', 'rfm.monetary', 10 ** exponent],
  ];
  for (const [d, key, scale] of dims) {
    const text = get(key);
    if (text === '') continue;
    const cuts = text.split(',').map((x) => Math.round(Number(x) * scale));
    if (cuts.length !== bins - 1) throw new SettingError(key, tn('config.check.cutCount', cuts.length, { bins, need: bins - 1 }), 'rfm.bins');
    thresholdsOf[d] = cuts;
  }
  const cuts = get('tier.cuts').split(',').map(Number) as [number, number, number];
  const method = get('tier.method') as TierSettings['method'];
  if (method === 'rank' && cuts[0] + cuts[1] + cuts[2] > 100) throw new SettingError('tier.cuts', t('config.check.rankSum'), 'tier.method');
  if (method === 'share' && !(cuts[0] <= cuts[1] && cuts[1] <= cuts[2])) throw new SettingError('tier.cuts', t('config.check.shareAscend'), 'tier.method');
  const lifecycle: LifecycleSettings = {
    explorationMaxPurchases: num('lifecycle.exploration_max_purchases'),
    stabilityMinPurchases: num('lifecycle.stability_min_purchases'),
    stabilityMinDays: num('lifecycle.stability_min_days'),
    declineGaps: num('lifecycle.decline_gaps'),
    declineMinDays: num('lifecycle.decline_min_days'),
    dropShare: num('lifecycle.drop_share'),
    windowDays: num('lifecycle.window_days'),
    endedGaps: num('lifecycle.ended_gaps'),
    endedMinDays: num('lifecycle.ended_min_days'),
    longTermDays: num('lifecycle.long_term_days'),
  };
  if (lifecycle.stabilityMinPurchases <= lifecycle.explorationMaxPurchases) {
    throw new SettingError('lifecycle.stability_min_purchases', t('config.check.above', { other: 'lifecycle.exploration_max_purchases', value: lifecycle.explorationMaxPurchases }), 'lifecycle.exploration_max_purchases');
  }
  if (lifecycle.endedGaps < lifecycle.declineGaps) throw new SettingError('lifecycle.ended_gaps', t('config.check.atLeast', { other: 'lifecycle.decline_gaps', value: lifecycle.declineGaps }), 'lifecycle.decline_gaps');
  if (lifecycle.endedMinDays < lifecycle.declineMinDays) {
    throw new SettingError('lifecycle.ended_min_days', t('config.check.endBeforeDecline', { value: lifecycle.declineMinDays }), 'lifecycle.decline_min_days');
  }
  const model: ModelSettings = {
    model: get('model.name') as ModelChoice,
    timeUnit: get('model.time_unit') as TimeUnit,
    horizonDays: get('churn.horizon_days') === 'auto' ? null : num('churn.horizon_days'),
    mediumRisk: num('churn.medium_risk'),
    highRisk: num('churn.high_risk'),
    clvHorizonDays: num('clv.horizon_days'),
    discountRate: num('clv.discount_rate'),
    minCustomers: num('model.min_customers'),
    minRepeatBuyers: num('model.min_repeat_buyers'),
    minHistoryDays: num('model.min_history_days'),
  };
  if (model.highRisk < model.mediumRisk) throw new SettingError('churn.high_risk', t('config.check.atLeast', { other: 'churn.medium_risk', value: model.mediumRisk }), 'churn.medium_risk');
  return {
    model,
    complaintHours: { urgent: num('complaint.hours_urgent'), high: num('complaint.hours_high'), normal: num('complaint.hours_normal'), low: num('complaint.hours_low') },
    rfm: { bins, thresholds: thresholdsOf },
    segments: parseSegmentRules(get('rfm.segments')),
    tiers: { method, cuts },
    valueWindowDays: num('tier.window_days'),
    ownGapMinGaps: num('lifecycle.own_gap_min_gaps'),
    lifecycle,
  };
}

/** What a setting does, in the reader's language, or in `lang` (English for CSV and JSON, which stay stable). */
export function describeSetting(key: string, lang: Lang = currentLang()): string {
  switch (key) {
    case 'rfm.bins':
      return t('config.describe.rfm.bins', undefined, lang);
    case 'rfm.recency_days':
      return t('config.describe.rfm.recencyDays', undefined, lang);
    case 'rfm.frequency':
      return t('config.describe.rfm.frequency', undefined, lang);
    case 'rfm.monetary':
      return t('config.describe.rfm.monetary', undefined, lang);
    case 'rfm.segments':
      return t('config.describe.rfm.segments', undefined, lang);
    case 'tier.method':
      return t('config.describe.tier.method', undefined, lang);
    case 'tier.cuts':
      return t('config.describe.tier.cuts', undefined, lang);
    case 'tier.window_days':
      return t('config.describe.tier.windowDays', undefined, lang);
    case 'lifecycle.window_days':
      return t('config.describe.lifecycle.windowDays', undefined, lang);
    case 'lifecycle.own_gap_min_gaps':
      return t('config.describe.lifecycle.ownGapMinGaps', undefined, lang);
    case 'lifecycle.exploration_max_purchases':
      return t('config.describe.lifecycle.explorationMaxPurchases', undefined, lang);
    case 'lifecycle.stability_min_purchases':
      return t('config.describe.lifecycle.stabilityMinPurchases', undefined, lang);
    case 'lifecycle.stability_min_days':
      return t('config.describe.lifecycle.stabilityMinDays', undefined, lang);
    case 'lifecycle.decline_gaps':
      return t('config.describe.lifecycle.declineGaps', undefined, lang);
    case 'lifecycle.decline_min_days':
      return t('config.describe.lifecycle.declineMinDays', undefined, lang);
    case 'lifecycle.drop_share':
      return t('config.describe.lifecycle.dropShare', undefined, lang);
    case 'lifecycle.ended_gaps':
      return t('config.describe.lifecycle.endedGaps', undefined, lang);
    case 'lifecycle.ended_min_days':
      return t('config.describe.lifecycle.endedMinDays', undefined, lang);
    case 'lifecycle.long_term_days':
      return t('config.describe.lifecycle.longTermDays', undefined, lang);
    case 'model.name':
      return t('config.describe.model.name', undefined, lang);
    case 'model.time_unit':
      return t('config.describe.model.timeUnit', undefined, lang);
    case 'model.min_customers':
      return t('config.describe.model.minCustomers', undefined, lang);
    case 'model.min_repeat_buyers':
      return t('config.describe.model.minRepeatBuyers', undefined, lang);
    case 'model.min_history_days':
      return t('config.describe.model.minHistoryDays', undefined, lang);
    case 'churn.horizon_days':
      return t('config.describe.churn.horizonDays', undefined, lang);
    case 'churn.medium_risk':
      return t('config.describe.churn.mediumRisk', undefined, lang);
    case 'churn.high_risk':
      return t('config.describe.churn.highRisk', undefined, lang);
    case 'clv.horizon_days':
      return t('config.describe.clv.horizonDays', undefined, lang);
    case 'complaint.hours_urgent':
      return t('config.describe.complaint.hoursUrgent', undefined, lang);
    case 'complaint.hours_high':
      return t('config.describe.complaint.hoursHigh', undefined, lang);
    case 'complaint.hours_normal':
      return t('config.describe.complaint.hoursNormal', undefined, lang);
    case 'complaint.hours_low':
      return t('config.describe.complaint.hoursLow', undefined, lang);
    case 'clv.discount_rate':
      return t('config.describe.clv.discountRate', undefined, lang);
    case 'analysis.as_of':
      return t('config.describe.analysis.asOf', undefined, lang);
    case 'report.lang':
      return t('config.describe.report.lang', undefined, lang);
    default:
      return key;
  }
}

/** A report language as people write it (zh, zh_CN, zh-Hans, en), stored as the language rapport has; empty unsets it. */
function reportLang(v: string): string {
  if (v.trim() === '') return '';
  const lang = langOf(v);
  if (lang === null) throw new Error(t('config.check.reportLang', { choices: LANGS.join(', ') }));
  return lang;
}
