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
import { LANGS, langOf } from './lang.js';
import { CoreError, counted, joined, phrase, type Phrase } from './words.js';

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
  /** Returns the value in its stored form, or throws a CoreError saying what is wrong. */
  check: (value: string) => string;
  /** Changes how results are shown, not the results: left out of what a snapshot records, so changing it keeps snapshots current. */
  presentation?: true;
}

/** A setting whose value does not do (the phrase says why), alone or beside another. */
export class SettingError extends CoreError {
  constructor(
    readonly key: string,
    why: Phrase,
    /** The setting this one conflicts with, when the problem is the pair. */
    readonly other: string | null = null,
  ) {
    super(why);
  }
}

// Numbers as people write them: digits with an optional decimal point. Number() alone would take
// 0x10, 1e3 or Infinity.
const DECIMAL = /^\d+(\.\d+)?$/;

function wholeNumber(min: number, max = 100_000) {
  return (v: string): string => {
    const text = v.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new CoreError(phrase('config.check.wholeNumber', { min, max: max.toLocaleString('en-US') }));
    return String(n);
  };
}

function positiveNumber(v: string): string {
  const text = v.trim();
  if (!DECIMAL.test(text) || Number(text) <= 0 || Number(text) > 1000) throw new CoreError(phrase('config.check.positiveNumber'));
  return String(Number(text));
}

function share(v: string): string {
  const text = v.trim();
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1).trim() : text;
  const n = Number(digits) / (percent ? 100 : 1);
  if (!DECIMAL.test(digits) || n > 1) throw new CoreError(phrase('config.check.share'));
  return String(n);
}

function numberList(v: string): number[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map((x) => {
      if (!DECIMAL.test(x)) throw new CoreError(phrase('config.check.notNumber', { value: x }));
      return Number(x);
    });
}

/** Ascending cut points, or empty for quantiles. */
function thresholds(v: string): string {
  const list = numberList(v);
  for (let i = 1; i < list.length; i++) if (!(list[i]! > list[i - 1]!)) throw new CoreError(phrase('config.check.ascending'));
  return list.join(',');
}

export const SETTINGS: SettingDef[] = [
  { key: 'rfm.bins', default: '5', check: (v) => (['4', '5', '10'].includes(v.trim()) ? v.trim() : fail(phrase('config.check.bins'))) },
  { key: 'rfm.recency_days', default: '', check: thresholds },
  { key: 'rfm.frequency', default: '', check: thresholds },
  { key: 'rfm.monetary', default: '', check: thresholds },
  {
    key: 'rfm.segments',
    default: formatSegmentRules(DEFAULT_SEGMENTS),
    check: (v) => formatSegmentRules(parseSegmentRules(v)),
  },
  {
    key: 'tier.method',
    default: DEFAULT_TIERS.method,
    check: (v) => (['rank', 'share'].includes(v.trim()) ? v.trim() : fail(phrase('config.check.tierMethod'))),
  },
  {
    key: 'tier.cuts',
    default: DEFAULT_TIERS.cuts.join(','),
    check: (v) => {
      const list = numberList(v.replace(/%/g, ''));
      if (list.length !== 3 || !list.every((x) => x >= 0 && x <= 100)) throw new CoreError(phrase('config.check.threePercentages'));
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
    if (!values.includes(text)) throw new CoreError(phrase('config.check.oneOf', { values: joined([...values], 'config.or') }));
    return text;
  };
}

function fail(why: Phrase): never {
  throw new CoreError(why);
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
      if (!(err instanceof CoreError)) throw err;
      throw new SettingError(key, err.phrase);
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
    if (cuts.length !== bins - 1) throw new SettingError(key, counted('config.check.cutCount', cuts.length, { bins, need: bins - 1 }), 'rfm.bins');
    thresholdsOf[d] = cuts;
  }
  const cuts = get('tier.cuts').split(',').map(Number) as [number, number, number];
  const method = get('tier.method') as TierSettings['method'];
  if (method === 'rank' && cuts[0] + cuts[1] + cuts[2] > 100) throw new SettingError('tier.cuts', phrase('config.check.rankSum'), 'tier.method');
  if (method === 'share' && !(cuts[0] <= cuts[1] && cuts[1] <= cuts[2])) throw new SettingError('tier.cuts', phrase('config.check.shareAscend'), 'tier.method');
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
    throw new SettingError(
      'lifecycle.stability_min_purchases',
      phrase('config.check.above', { other: 'lifecycle.exploration_max_purchases', value: lifecycle.explorationMaxPurchases }),
      'lifecycle.exploration_max_purchases',
    );
  }
  if (lifecycle.endedGaps < lifecycle.declineGaps)
    throw new SettingError(
      'lifecycle.ended_gaps',
      phrase('config.check.atLeast', { other: 'lifecycle.decline_gaps', value: lifecycle.declineGaps }),
      'lifecycle.decline_gaps',
    );
  if (lifecycle.endedMinDays < lifecycle.declineMinDays) {
    throw new SettingError(
      'lifecycle.ended_min_days',
      phrase('config.check.endBeforeDecline', { value: lifecycle.declineMinDays }),
      'lifecycle.decline_min_days',
    );
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
  if (model.highRisk < model.mediumRisk)
    throw new SettingError('churn.high_risk', phrase('config.check.atLeast', { other: 'churn.medium_risk', value: model.mediumRisk }), 'churn.medium_risk');
  return {
    model,
    complaintHours: {
      urgent: num('complaint.hours_urgent'),
      high: num('complaint.hours_high'),
      normal: num('complaint.hours_normal'),
      low: num('complaint.hours_low'),
    },
    rfm: { bins, thresholds: thresholdsOf },
    segments: parseSegmentRules(get('rfm.segments')),
    tiers: { method, cuts },
    valueWindowDays: num('tier.window_days'),
    ownGapMinGaps: num('lifecycle.own_gap_min_gaps'),
    lifecycle,
  };
}

/** What a setting does, as a phrase (worded in the reader's language, or in English for CSV and JSON, which stay stable). */
export function describeSetting(key: string): Phrase {
  switch (key) {
    case 'rfm.bins':
      return phrase('config.describe.rfm.bins');
    case 'rfm.recency_days':
      return phrase('config.describe.rfm.recencyDays');
    case 'rfm.frequency':
      return phrase('config.describe.rfm.frequency');
    case 'rfm.monetary':
      return phrase('config.describe.rfm.monetary');
    case 'rfm.segments':
      return phrase('config.describe.rfm.segments');
    case 'tier.method':
      return phrase('config.describe.tier.method');
    case 'tier.cuts':
      return phrase('config.describe.tier.cuts');
    case 'tier.window_days':
      return phrase('config.describe.tier.windowDays');
    case 'lifecycle.window_days':
      return phrase('config.describe.lifecycle.windowDays');
    case 'lifecycle.own_gap_min_gaps':
      return phrase('config.describe.lifecycle.ownGapMinGaps');
    case 'lifecycle.exploration_max_purchases':
      return phrase('config.describe.lifecycle.explorationMaxPurchases');
    case 'lifecycle.stability_min_purchases':
      return phrase('config.describe.lifecycle.stabilityMinPurchases');
    case 'lifecycle.stability_min_days':
      return phrase('config.describe.lifecycle.stabilityMinDays');
    case 'lifecycle.decline_gaps':
      return phrase('config.describe.lifecycle.declineGaps');
    case 'lifecycle.decline_min_days':
      return phrase('config.describe.lifecycle.declineMinDays');
    case 'lifecycle.drop_share':
      return phrase('config.describe.lifecycle.dropShare');
    case 'lifecycle.ended_gaps':
      return phrase('config.describe.lifecycle.endedGaps');
    case 'lifecycle.ended_min_days':
      return phrase('config.describe.lifecycle.endedMinDays');
    case 'lifecycle.long_term_days':
      return phrase('config.describe.lifecycle.longTermDays');
    case 'model.name':
      return phrase('config.describe.model.name');
    case 'model.time_unit':
      return phrase('config.describe.model.timeUnit');
    case 'model.min_customers':
      return phrase('config.describe.model.minCustomers');
    case 'model.min_repeat_buyers':
      return phrase('config.describe.model.minRepeatBuyers');
    case 'model.min_history_days':
      return phrase('config.describe.model.minHistoryDays');
    case 'churn.horizon_days':
      return phrase('config.describe.churn.horizonDays');
    case 'churn.medium_risk':
      return phrase('config.describe.churn.mediumRisk');
    case 'churn.high_risk':
      return phrase('config.describe.churn.highRisk');
    case 'clv.horizon_days':
      return phrase('config.describe.clv.horizonDays');
    case 'complaint.hours_urgent':
      return phrase('config.describe.complaint.hoursUrgent');
    case 'complaint.hours_high':
      return phrase('config.describe.complaint.hoursHigh');
    case 'complaint.hours_normal':
      return phrase('config.describe.complaint.hoursNormal');
    case 'complaint.hours_low':
      return phrase('config.describe.complaint.hoursLow');
    case 'clv.discount_rate':
      return phrase('config.describe.clv.discountRate');
    case 'analysis.as_of':
      return phrase('config.describe.analysis.asOf');
    case 'report.lang':
      return phrase('config.describe.report.lang');
    default:
      return phrase(key);
  }
}

/** A report language as people write it (zh, zh_CN, zh-Hans, en), stored as the language rapport has; empty unsets it. */
function reportLang(v: string): string {
  if (v.trim() === '') return '';
  const lang = langOf(v);
  if (lang === null) throw new CoreError(phrase('config.check.reportLang', { choices: LANGS.join(', ') }));
  return lang;
}
