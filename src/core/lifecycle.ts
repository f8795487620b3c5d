/**
 * The relationship lifecycle (../shared/domain.md section 5) as rules over a customer's measures.
 * Pure: no I/O. docs/segments.md's "Lifecycle stages" section documents the same rules with a worked
 * example for each; keep the two in step.
 *
 * Silence is read against the customer's own rhythm: g is their typical gap between purchase
 * days (their own median, or the population's when they have too few gaps), s the days since
 * their last purchase. Rules, first match wins:
 * 1. ended: s > max(endedGaps × g, endedMinDays). The exit pattern is the stage the relationship
 *    was in at its last purchase: exploration → early abort; formation → mid-way failure;
 *    stability held for under longTermDays → early exit; for longTermDays or more → long-term.
 * 2. exploration: at most explorationMaxPurchases purchase days. A customer still testing has no
 *    rhythm of their own to fall behind, so they stay here until they buy again or end.
 * 3. decline: overdue, s > max(declineGaps × g, declineMinDays); or spending fell: the recent
 *    window's net revenue is under dropShare of the window before it. The drop test applies
 *    only to customers who buy at least twice a window (g ≤ window / 2): for a slower buyer an
 *    empty window is their normal rhythm, not a fall.
 * 4. stability: reached once the customer has stabilityMinPurchases purchase days and their
 *    first purchase is stabilityMinDays behind; from the later of those two dates.
 * 5. formation: everyone else (repeat buyers not yet stable).
 */
import type { CustomerMeasures } from './measures.js';
import { dayIndex } from './measures.js';
import { days, purchases, type Phrase } from './words.js';

export type Stage = 'exploration' | 'formation' | 'stability' | 'decline' | 'ended';
export const STAGES: readonly Stage[] = ['exploration', 'formation', 'stability', 'decline', 'ended'];
export type ExitPattern = 'early abort' | 'mid-way failure' | 'early exit' | 'long-term';
export const EXIT_PATTERNS: readonly ExitPattern[] = ['early abort', 'mid-way failure', 'early exit', 'long-term'];

export interface LifecycleSettings {
  explorationMaxPurchases: number;
  stabilityMinPurchases: number;
  stabilityMinDays: number;
  declineGaps: number;
  declineMinDays: number;
  /** 0..1: recent-window revenue under this share of the previous window's is a decline. */
  dropShare: number;
  /** The recent window in days (the measures must be built with the same window). */
  windowDays: number;
  endedGaps: number;
  endedMinDays: number;
  longTermDays: number;
}

export const DEFAULT_LIFECYCLE: LifecycleSettings = {
  explorationMaxPurchases: 2,
  stabilityMinPurchases: 5,
  stabilityMinDays: 180,
  // Silence over 3 usual gaps: even a buyer whose gaps are as random as a Poisson process's goes
  // that long only 1 time in 8 (2^-3), so decline is rarely a false alarm; over 6 gaps, 1 in 64.
  declineGaps: 3,
  declineMinDays: 14,
  dropShare: 0.5,
  windowDays: 90,
  endedGaps: 6,
  endedMinDays: 90,
  longTermDays: 365,
};

export interface StageResult {
  stage: Stage;
  /** Only for ended customers. */
  exitPattern: ExitPattern | null;
  /**
   * One sentence in the owner's words: why this stage (and exit pattern), as a phrase. Worded in
   * English by the caller of analyse(), as snapshots store it and CSV and JSON carry it;
   * i18n/phrase.ts reword() gives it to a reader of another language.
   */
  reason: Phrase;
}

type Measured = Pick<
  CustomerMeasures,
  'firstPurchase' | 'lastPurchase' | 'purchaseDays' | 'typicalGapDays' | 'recencyDays' | 'recentRevenue' | 'previousRevenue' | 'kthPurchase'
>;

const round1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** The silence after which a customer counts as overdue (factor × gap, at least minDays). */
export function silenceLimit(gap: number | null, factor: number, minDays: number): number {
  return gap === null ? minDays : Math.max(factor * gap, minDays);
}

/** The day stability was (or will be) reached, or null when the purchases are not there yet. */
function stableFrom(c: Measured, s: LifecycleSettings): number | null {
  if (c.firstPurchase === null || c.purchaseDays < s.stabilityMinPurchases || c.kthPurchase === null) return null;
  return Math.max(dayIndex(c.kthPurchase), dayIndex(c.firstPurchase) + s.stabilityMinDays);
}

export function stageOf(c: Measured, asOf: string, s: LifecycleSettings = DEFAULT_LIFECYCLE, money: (minor: number) => string = String): StageResult {
  const g = c.typicalGapDays;
  const silence = c.recencyDays;
  const rhythm: Phrase | null = g === null ? null : { key: 'core.stage.rhythm', vars: { gap: days(Math.round(g * 10) / 10) } };
  const said = (stage: Stage, exitPattern: ExitPattern | null, why: Phrase): StageResult => ({ stage, exitPattern, reason: why });

  const endedAfter = silenceLimit(g, s.endedGaps, s.endedMinDays);
  if (silence > endedAfter) {
    const { exitPattern, why } = exitOf(c, s);
    return said('ended', exitPattern, { key: 'core.stage.ended', vars: { silence: days(silence), limit: days(Math.round(endedAfter)), rhythm, why } });
  }
  if (c.purchaseDays === 0) {
    return said('exploration', null, { key: 'core.stage.refunds-only', vars: { silence: days(silence) } });
  }
  if (c.purchaseDays <= s.explorationMaxPurchases) {
    return said('exploration', null, {
      key: 'core.stage.exploration',
      vars: { purchases: purchases(c.purchaseDays), max: purchases(s.explorationMaxPurchases) },
    });
  }
  const declineAfter = silenceLimit(g, s.declineGaps, s.declineMinDays);
  if (silence > declineAfter) {
    return said('decline', null, { key: 'core.stage.overdue', vars: { silence: days(silence), limit: days(Math.round(declineAfter)), rhythm } });
  }
  if (g !== null && g <= s.windowDays / 2 && c.previousRevenue > 0 && c.recentRevenue < s.dropShare * c.previousRevenue) {
    return said('decline', null, {
      key: 'core.stage.spend-drop',
      vars: { recent: money(c.recentRevenue), window: days(s.windowDays), previous: money(c.previousRevenue), share: Math.round(s.dropShare * 100) },
    });
  }
  const from = stableFrom(c, s);
  if (from !== null && from <= dayIndex(asOf)) {
    const every: Phrase | null = g === null ? null : { key: 'core.stage.every', vars: { gap: days(Math.round(g * 10) / 10) } };
    return said('stability', null, { key: 'core.stage.stability', vars: { purchases: purchases(c.purchaseDays), every, held: days(dayIndex(asOf) - from) } });
  }
  const tenure = c.firstPurchase === null ? 0 : dayIndex(asOf) - dayIndex(c.firstPurchase);
  return said('formation', null, {
    key: 'core.stage.formation',
    vars: { purchases: purchases(c.purchaseDays), tenure: days(tenure), min: purchases(s.stabilityMinPurchases), minDays: days(s.stabilityMinDays) },
  });
}

/** The stage at the last purchase decides how the relationship ended. */
function exitOf(c: Measured, s: LifecycleSettings): { exitPattern: ExitPattern; why: Phrase } {
  if (c.purchaseDays <= s.explorationMaxPurchases) {
    return {
      exitPattern: 'early abort',
      why: c.purchaseDays === 0 ? { key: 'core.exit.refunds-only' } : { key: 'core.exit.early-abort', vars: { purchases: purchases(c.purchaseDays) } },
    };
  }
  const from = stableFrom(c, s);
  const last = c.lastPurchase === null ? null : dayIndex(c.lastPurchase);
  if (from === null || last === null || from > last) {
    return { exitPattern: 'mid-way failure', why: { key: 'core.exit.mid-way-failure', vars: { purchases: purchases(c.purchaseDays) } } };
  }
  const held = last - from;
  if (held < s.longTermDays) {
    return { exitPattern: 'early exit', why: { key: 'core.exit.early-exit', vars: { held: days(held), longTerm: days(s.longTermDays) } } };
  }
  return { exitPattern: 'long-term', why: { key: 'core.exit.long-term', vars: { held: days(held), years: round1(held / 365.25) } } };
}
