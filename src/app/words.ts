/**
 * What the churn model says, worded: core builds phrases (core/words.ts) and never looks a word
 * up; here its fit and its scores' reasons are worded in English, the form the fits table keeps,
 * the CSV and JSON carry, and i18n/phrase.ts reword() gives to a reader of another language.
 * Fits saved by earlier versions hold the same English, so they load as they are.
 */
import { horizonFor as horizonPhrase, type ChurnScore, type Fitted, type ModelSettings } from '../core/model/churn.js';
import type { Candidate } from '../core/model/select.js';
import type { Phrase } from '../core/words.js';
import { wordPhrase } from '../i18n/phrase.js';

const english = (p: Phrase): string => wordPhrase(p, 'en');
const englishOrNull = (p: Phrase | null | undefined): string | null => (p === null || p === undefined ? null : english(p));

/** A fit as core made it, its text in English: as it is saved, printed in JSON and reworded. */
export function wordFitted(f: Fitted<Phrase>): Fitted {
  // Each text replaced where it stands, so that the saved JSON keeps its keys in their order.
  const out: Fitted = {
    ...f,
    sufficiency: { ...f.sufficiency, problems: f.sufficiency.problems.map(english) },
    fallback: englishOrNull(f.fallback),
    spendProblem: englishOrNull(f.spendProblem),
    horizonWhy: english(f.horizonWhy),
    rejected: f.rejected.map(english),
    selection:
      f.selection === null
        ? null
        : { ...f.selection, candidates: f.selection.candidates.map((c): Candidate => ({ ...c, degenerate: englishOrNull(c.degenerate) })) },
  };
  // Absent where core left it out (too little data to fit), as before.
  if (!('spendProblem' in f)) delete out.spendProblem;
  return out;
}

/** A customer's churn reasons in English, as CSV and JSON carry them (joined by "; "). */
export function englishReasons(s: Pick<ChurnScore, 'reasonPhrases'>): string[] {
  return s.reasonPhrases.map(english);
}

/** The horizon and why that one (core/model/churn.ts horizonFor), the why in English as the JSON carries it. */
export function horizonFor(s: ModelSettings, populationGap: number | null): { days: number; why: string } {
  const h = horizonPhrase(s, populationGap);
  return { days: h.days, why: english(h.why) };
}
