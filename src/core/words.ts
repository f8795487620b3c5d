/**
 * What core says, before anyone words it: a catalogue key and its values. core/ builds these and
 * never looks a word up (docs/development.md, the layers); i18n/phrase.ts wordPhrase() words one in
 * a language, and the layers above decide which language (English for what is stored, the
 * reader's for what is shown).
 */

/** A value a phrase's placeholder is filled with. */
/** `{ money }`: an amount as the English wrote it ("498.00 CNY"), re-written for a reader of another language (¥498.00). */
export type Value = string | number | Phrase | Count | Phrase[] | { stage: string } | { model: string } | { money: string } | Joined | null;
export interface Phrase {
  key: string;
  /** For a key whose wording depends on a count: "<key>_one" / "<key>_other", {n} the count. */
  n?: number;
  vars?: Record<string, Value>;
}
/** A count of days or purchases, worded with its unit ("3 days"). */
export interface Count {
  count: 'days' | 'purchases';
  n: number;
}
/** Values worded one by one and joined by the wording of the catalogue key `sep` (a list's comma, "and"), or end to end without one. */
export interface Joined {
  join: Value[];
  sep?: string;
}

export const days = (n: number): Count => ({ count: 'days', n });
export const purchases = (n: number): Count => ({ count: 'purchases', n });
export const phrase = (key: string, vars?: Record<string, Value>): Phrase => (vars === undefined ? { key } : { key, vars });
/** A phrase whose wording depends on the count n ("<key>_one" / "<key>_other"). */
export const counted = (key: string, n: number, vars?: Record<string, Value>): Phrase => (vars === undefined ? { key, n } : { key, n, vars });
export const joined = (join: Value[], sep?: string): Joined => (sep === undefined ? { join } : { join, sep });

/**
 * An expected failure found in core: what went wrong as a phrase, and what to do as another. The
 * layers above word it (i18n's errorText(), the CLI's error printer); its message is the key, for
 * a stack trace only.
 */
export class CoreError extends Error {
  constructor(
    readonly phrase: Phrase,
    readonly hint?: Phrase,
  ) {
    super(phrase.key);
    this.name = 'CoreError';
  }
}
