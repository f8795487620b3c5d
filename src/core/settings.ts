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
import { t, tn } from '../i18n/index.js';

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
  describe: string;
  /** Returns the value in its stored form, or throws an Error saying what is wrong. */
  check: (value: string) => string;
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
  { key: 'rfm.bins', default: '5', describe: 'RFM scores run 1..bins: 4, 5 or 10', check: (v) => (['4', '5', '10'].includes(v.trim()) ? v.trim() : fail(t('config.check.bins'))) },
  { key: 'rfm.recency_days', default: '', describe: 'recency cut points in days, ascending, bins-1 of them (empty: quantiles); at or under the first: top score', check: thresholds },
  { key: 'rfm.frequency', default: '', describe: 'frequency cut points in purchase days, ascending, bins-1 of them (empty: quantiles); at or above the last: top score', check: thresholds },
  { key: 'rfm.monetary', default: '', describe: 'monetary cut points in currency units (e.g. 50,200), ascending, bins-1 of them (empty: quantiles)', check: thresholds },
  {
    key: 'rfm.segments',
    default: formatSegmentRules(DEFAULT_SEGMENTS),
    describe: 'named segments, first match wins: "Name: r4-5 f4-5 | ..." on the 1..5 scale; unmatched customers are "Other"',
    check: (v) => formatSegmentRules(parseSegmentRules(v)),
  },
  { key: 'tier.method', default: DEFAULT_TIERS.method, describe: 'value pyramid cuts: rank (share of customers) or share (share of value)', check: (v) => (['rank', 'share'].includes(v.trim()) ? v.trim() : fail(t('config.check.tierMethod'))) },
  {
    key: 'tier.cuts',
    default: DEFAULT_TIERS.cuts.join(','),
    describe: 'three percentages: platinum, gold, iron sizes (rank) or cumulative value shares (share)',
    check: (v) => {
      const list = numberList(v.replace(/%/g, ''));
      if (list.length !== 3 || !list.every((x) => x >= 0 && x <= 100)) throw new Error(t('config.check.threePercentages'));
      return list.join(',');
    },
  },
  { key: 'tier.window_days', default: '365', describe: 'days of net revenue that make a customer\'s value (0: all history)', check: wholeNumber(0) },
  { key: 'lifecycle.window_days', default: String(DEFAULT_LIFECYCLE.windowDays), describe: 'the recent window: revenue in it against the window before it', check: wholeNumber(1) },
  { key: 'lifecycle.own_gap_min_gaps', default: '2', describe: 'gaps a customer needs before their own median gap is their rhythm (else the population\'s)', check: wholeNumber(1) },
  { key: 'lifecycle.exploration_max_purchases', default: String(DEFAULT_LIFECYCLE.explorationMaxPurchases), describe: 'purchase days a customer can have and still be exploring', check: wholeNumber(1) },
  { key: 'lifecycle.stability_min_purchases', default: String(DEFAULT_LIFECYCLE.stabilityMinPurchases), describe: 'purchase days before stability', check: wholeNumber(2) },
  { key: 'lifecycle.stability_min_days', default: String(DEFAULT_LIFECYCLE.stabilityMinDays), describe: 'days since the first purchase before stability', check: wholeNumber(0) },
  { key: 'lifecycle.decline_gaps', default: String(DEFAULT_LIFECYCLE.declineGaps), describe: 'silence, in the customer\'s usual gaps, that makes them overdue (decline)', check: positiveNumber },
  { key: 'lifecycle.decline_min_days', default: String(DEFAULT_LIFECYCLE.declineMinDays), describe: 'shortest silence in days that counts as decline', check: wholeNumber(0) },
  { key: 'lifecycle.drop_share', default: String(DEFAULT_LIFECYCLE.dropShare), describe: 'recent-window revenue under this share of the window before is a decline (0 turns the test off)', check: share },
  { key: 'lifecycle.ended_gaps', default: String(DEFAULT_LIFECYCLE.endedGaps), describe: 'silence, in the customer\'s usual gaps, after which the relationship has ended', check: positiveNumber },
  { key: 'lifecycle.ended_min_days', default: String(DEFAULT_LIFECYCLE.endedMinDays), describe: 'shortest silence in days that counts as ended', check: wholeNumber(0) },
  { key: 'lifecycle.long_term_days', default: String(DEFAULT_LIFECYCLE.longTermDays), describe: 'days of stability before an ending counts as long-term rather than early exit', check: wholeNumber(0) },
  { key: 'model.name', default: DEFAULT_MODEL.model, describe: 'purchase model: auto (the best of the three on your last horizon), mbgnbd, paretonbd or bgnbd', check: oneOf(MODEL_CHOICES) },
  { key: 'model.time_unit', default: DEFAULT_MODEL.timeUnit, describe: 'the unit the model counts time in: day or week (parameters are per unit)', check: oneOf(TIME_UNITS) },
  { key: 'model.min_customers', default: String(DEFAULT_MODEL.minCustomers), describe: 'customers with purchases needed to fit the model (else rules give the risk)', check: wholeNumber(10, 10_000_000) },
  { key: 'model.min_repeat_buyers', default: String(DEFAULT_MODEL.minRepeatBuyers), describe: 'repeat buyers needed to fit the model', check: wholeNumber(5, 10_000_000) },
  { key: 'model.min_history_days', default: String(DEFAULT_MODEL.minHistoryDays), describe: 'days from the first purchase on record to the as-of date needed to fit the model', check: wholeNumber(1) },
  {
    key: 'churn.horizon_days',
    default: 'auto',
    describe: "days ahead that churn risk (no purchase in them) and expected purchases look; auto: twice the shop's typical gap between purchases",
    check: (v) => (v.trim().toLowerCase() === 'auto' ? 'auto' : wholeNumber(1, 3650)(v)),
  },
  { key: 'churn.medium_risk', default: String(DEFAULT_MODEL.mediumRisk), describe: 'churn risk at or above this is medium', check: share },
  { key: 'churn.high_risk', default: String(DEFAULT_MODEL.highRisk), describe: 'churn risk at or above this is high', check: share },
  { key: 'clv.horizon_days', default: String(DEFAULT_MODEL.clvHorizonDays), describe: 'days of future purchases that make lifetime value', check: wholeNumber(30, 3650) },
  { key: 'complaint.hours_urgent', default: String(DEFAULT_RESPONSE_HOURS.urgent), describe: 'hours to respond to an urgent complaint (its due time)', check: wholeNumber(1) },
  { key: 'complaint.hours_high', default: String(DEFAULT_RESPONSE_HOURS.high), describe: 'hours to respond to a high-priority complaint', check: wholeNumber(1) },
  { key: 'complaint.hours_normal', default: String(DEFAULT_RESPONSE_HOURS.normal), describe: 'hours to respond to a normal complaint', check: wholeNumber(1) },
  { key: 'complaint.hours_low', default: String(DEFAULT_RESPONSE_HOURS.low), describe: 'hours to respond to a low-priority complaint', check: wholeNumber(1) },
  { key: 'clv.discount_rate', default: String(DEFAULT_MODEL.discountRate), describe: 'annual discount rate for lifetime value (0.1 or 10%)', check: share },
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

/** What a setting does, in the reader's language (the English `describe` stays the data in CSV and JSON). */
export function describeSetting(def: SettingDef): string {
  switch (def.key) {
    case 'rfm.bins':
      return t('config.describe.rfm.bins');
    case 'rfm.recency_days':
      return t('config.describe.rfm.recencyDays');
    case 'rfm.frequency':
      return t('config.describe.rfm.frequency');
    case 'rfm.monetary':
      return t('config.describe.rfm.monetary');
    case 'rfm.segments':
      return t('config.describe.rfm.segments');
    case 'tier.method':
      return t('config.describe.tier.method');
    case 'tier.cuts':
      return t('config.describe.tier.cuts');
    case 'tier.window_days':
      return t('config.describe.tier.windowDays');
    case 'lifecycle.window_days':
      return t('config.describe.lifecycle.windowDays');
    case 'lifecycle.own_gap_min_gaps':
      return t('config.describe.lifecycle.ownGapMinGaps');
    case 'lifecycle.exploration_max_purchases':
      return t('config.describe.lifecycle.explorationMaxPurchases');
    case 'lifecycle.stability_min_purchases':
      return t('config.describe.lifecycle.stabilityMinPurchases');
    case 'lifecycle.stability_min_days':
      return t('config.describe.lifecycle.stabilityMinDays');
    case 'lifecycle.decline_gaps':
      return t('config.describe.lifecycle.declineGaps');
    case 'lifecycle.decline_min_days':
      return t('config.describe.lifecycle.declineMinDays');
    case 'lifecycle.drop_share':
      return t('config.describe.lifecycle.dropShare');
    case 'lifecycle.ended_gaps':
      return t('config.describe.lifecycle.endedGaps');
    case 'lifecycle.ended_min_days':
      return t('config.describe.lifecycle.endedMinDays');
    case 'lifecycle.long_term_days':
      return t('config.describe.lifecycle.longTermDays');
    case 'model.name':
      return t('config.describe.model.name');
    case 'model.time_unit':
      return t('config.describe.model.timeUnit');
    case 'model.min_customers':
      return t('config.describe.model.minCustomers');
    case 'model.min_repeat_buyers':
      return t('config.describe.model.minRepeatBuyers');
    case 'model.min_history_days':
      return t('config.describe.model.minHistoryDays');
    case 'churn.horizon_days':
      return t('config.describe.churn.horizonDays');
    case 'churn.medium_risk':
      return t('config.describe.churn.mediumRisk');
    case 'churn.high_risk':
      return t('config.describe.churn.highRisk');
    case 'clv.horizon_days':
      return t('config.describe.clv.horizonDays');
    case 'complaint.hours_urgent':
      return t('config.describe.complaint.hoursUrgent');
    case 'complaint.hours_high':
      return t('config.describe.complaint.hoursHigh');
    case 'complaint.hours_normal':
      return t('config.describe.complaint.hoursNormal');
    case 'complaint.hours_low':
      return t('config.describe.complaint.hoursLow');
    case 'clv.discount_rate':
      return t('config.describe.clv.discountRate');
    default:
      return def.describe;
  }
}
