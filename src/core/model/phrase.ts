/**
 * A phrase as core/model builds it: a catalogue key and its values, worded by the caller
 * (i18n/phrase.ts wordPhrase). The same shape as i18n/phrase.ts's Phrase (and as k28core's
 * core/words.ts, which replaces this file once both are merged). Pure.
 */
export interface Phrase {
  key: string;
  n?: number;
  vars?: Record<string, string | number | Phrase | null>;
}
