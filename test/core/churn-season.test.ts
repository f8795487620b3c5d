/**
 * The same season a year earlier (issue 23, a seasonal shop): the level and count of the window a
 * year before the horizon correct the windows just before the as-of date only where that was
 * judged, on past windows and data before each, to predict better; never on under two years.
 */
import { describe, expect, it } from 'vitest';
import {
  RECENCY_BANDS,
  SEASON_DAYS,
  seasonCorrection,
  seasonCutoffs,
  seasonRatio,
  seasonShift,
  seasonWeight,
  type SeasonCorrection,
  type SeasonLayout,
  type WindowShare,
} from '../../src/core/model/season.js';
import { DEFAULT_MODEL, fitModels, forecastScale, learnRowOf, scoreChurn, type Fitted, type Windows } from '../../src/core/model/churn.js';
import { DEFAULT_LIFECYCLE } from '../../src/core/lifecycle.js';
import { customersAt, shop, shopDate } from '../shops.js';

const layout: SeasonLayout = { days: 91, step: 91, count: 3 };
/** The customers in each silence band at every cutoff, and each band's share that buys nothing in an ordinary quarter. */
const CUSTOMERS = [1000, 500, 300, 1200];
const NONE = [0.3, 0.55, 0.7, 0.9];

/** A window at cutoff c whose share that buys nothing is each band's ordinary one moved by `lift(c)` on the log-odds. */
function windowAt(c: number, lift: (c: number) => number): WindowShare {
  const none = NONE.map((p, b) => Math.round(CUSTOMERS[b]! / (1 + ((1 - p) / p) * Math.exp(-lift(c)))));
  // purchases per customer fall as the share that buys nothing rises
  const purchases = CUSTOMERS.map((n, b) => Math.round((n - none[b]!) * 1.5));
  return { customers: CUSTOMERS.slice(), none, purchases };
}

/** The quarter of the year a window starting at day c covers (0 to 3, 3 the peak). */
const quarter = (c: number): number => Math.floor((((c % SEASON_DAYS) + SEASON_DAYS) % SEASON_DAYS) / 91);
const asOf = 10 * SEASON_DAYS + 3 * 91; // the horizon is the peak quarter
const earliest = asOf - 3 * SEASON_DAYS;

describe('the same season a year earlier', () => {
  it('corrects a shop whose peak quarter repeats every year: fewer buy nothing, more purchases', () => {
    const peak = (c: number): number => (quarter(c) === 3 ? -0.6 : 0);
    const s = seasonCorrection(asOf, earliest, layout, (c) => windowAt(c, peak))!;
    expect(s).not.toBeNull();
    expect(s.judged.length).toBeGreaterThanOrEqual(2);
    expect(s.level.applied).toBe(true);
    expect(s.count.applied).toBe(true);
    expect(s.level.with).toBeLessThan(s.level.without);
    expect(seasonShift(s)).toBeLessThan(-0.3);
    expect(seasonRatio(s)).toBeGreaterThan(1.1);
    // the count it carries scales the forecast
    expect(forecastScale({ forecast: null, season: s })).toBeCloseTo(seasonRatio(s), 12);
  });

  it('is not applied where the year-to-year change turns sign (no season, a drift)', () => {
    // every window of an even year 0.3 above on the log-odds, of an odd year 0.3 below
    const drift = (c: number): number => (Math.floor(c / SEASON_DAYS) % 2 === 0 ? 0.3 : -0.3);
    const s = seasonCorrection(asOf, earliest, layout, (c) => windowAt(c, drift))!;
    expect(s).not.toBeNull();
    expect(s.level.with).toBeGreaterThan(s.level.without);
    expect(s.level.applied).toBe(false);
    expect(seasonShift(s)).toBe(0);
    expect(seasonRatio(s)).toBe(1);
    expect(forecastScale({ forecast: null, season: s })).toBe(1);
  });

  it('judges each window on windows that ended before its cutoff, and needs two years of history', () => {
    const peak = (c: number): number => (quarter(c) === 3 ? -0.6 : 0);
    const seen: number[] = [];
    const s = seasonCorrection(asOf, earliest, layout, (c) => {
      seen.push(c);
      return windowAt(c, peak);
    })!;
    // nothing read ends after the as-of date
    expect(Math.max(...seen) + layout.days).toBeLessThanOrEqual(asOf);
    // every window read was asked for in the plan
    const plan = seasonCutoffs(asOf, earliest, layout)!;
    for (const c of seen) expect(plan).toContain(c);
    for (const j of s.judged) expect(j.cutoff + layout.days).toBeLessThanOrEqual(asOf);
    expect(seasonCutoffs(asOf, asOf - 2 * SEASON_DAYS + 1, layout)).toBeNull();
    expect(seasonCorrection(asOf, asOf - 2 * SEASON_DAYS + 1, layout, (c) => windowAt(c, peak))).toBeNull();
    expect(RECENCY_BANDS).toBe(CUSTOMERS.length);
  });

  it('keeps a difference well beyond the misses left, and drops one within them', () => {
    expect(seasonWeight(0.6, [0.05, -0.05])).toBeGreaterThan(0.98);
    expect(seasonWeight(0.1, [0.2, -0.2])).toBe(0);
    expect(seasonWeight(0, [0.1])).toBe(0);
  });
});

describe('the season in a fit', () => {
  const LENGTH = 700;
  const W = 91;
  const days = shop('paretonbd', 400, 5, LENGTH);
  /** The customers on day `cut`, each with their purchase days in the window after it. */
  const at = (cut: number) =>
    customersAt(days, cut).map((c) => ({ ...c, after: days[Number(c.customerId.slice(1))]!.filter((x) => x > cut && x <= cut + W).length }));
  const settings = { ...DEFAULT_MODEL, model: 'paretonbd' as const, horizonDays: W };
  const windowsWith = (season: SeasonCorrection | null): Windows => ({
    days: W,
    list: [1, 2, 3].map((k) => {
      const cut = LENGTH - k * W;
      return { cutoff: shopDate(cut), rows: at(cut).map((c) => learnRowOf(c, shopDate(cut), 'week', null, c.after)!) };
    }),
    season,
  });
  const season: SeasonCorrection = {
    yearBefore: 0,
    judged: [],
    shift: -0.5,
    ratio: 1.3,
    level: { without: 0.06, with: 0.02, weight: 1, applied: true },
    count: { without: 0.3, with: 0.1, weight: 1, applied: true },
  };
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const logit = (p: number): number => Math.log(p / (1 - p));

  it('moves the log-odds of the mean risk by the shift applied, keeps the order, and scales the count', () => {
    const customers = at(LENGTH);
    const risks = (w: Windows) => {
      const f = fitModels(customers, shopDate(LENGTH), settings, w) as Fitted<unknown>;
      return { f, s: scoreChurn(customers, f, settings, DEFAULT_LIFECYCLE, null) };
    };
    const plain = risks(windowsWith(null));
    const moved = risks(windowsWith(season));
    expect(plain.f.ranking).not.toBeNull();
    expect(plain.f.ranking!.level).toBeUndefined();
    const before = mean(plain.s.map((x) => x.churnRisk));
    const after = mean(moved.s.map((x) => x.churnRisk));
    expect(logit(after) - logit(before)).toBeCloseTo(-0.5, 1);
    // the order is the ranking's own
    for (let i = 1; i < plain.s.length; i++)
      expect(Math.sign(moved.s[i]!.churnRisk - moved.s[i - 1]!.churnRisk)).toBe(Math.sign(plain.s[i]!.churnRisk - plain.s[i - 1]!.churnRisk));
    expect(moved.s[0]!.expectedPurchases! / plain.s[0]!.expectedPurchases!).toBeCloseTo(1.3, 6);
    // not applied: as without
    const off = risks(windowsWith({ ...season, level: { ...season.level, applied: false }, count: { ...season.count, applied: false } }));
    expect(off.s.map((x) => x.churnRisk)).toEqual(plain.s.map((x) => x.churnRisk));
  });
});
