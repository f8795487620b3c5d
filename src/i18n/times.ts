/** Times as a person reads them, worded: core/times.ts gives the local minute and the phrase of how long ago. */
import { localMinute, relativePhrase } from '../core/times.js';
import { t } from './index.js';
import { wordPhrase } from './phrase.js';

/** "just now", "5 minutes ago", "3 days ago", "in 2 hours" in the reader's language; empty for a time that does not parse. */
export function relative(iso: string, now: Date): string {
  const p = relativePhrase(iso, now);
  return p === null ? '' : wordPhrase(p);
}

/** "2026-11-29 22:44 (3 days ago)". */
export function personTime(iso: string | null | undefined, now: Date, timeZone?: string): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const rel = relative(iso, now);
  return rel === '' ? localMinute(iso, timeZone) : t('core.time.with-relative', { time: localMinute(iso, timeZone), relative: rel });
}
