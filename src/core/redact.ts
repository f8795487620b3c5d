/**
 * Pseudonyms for `rapport export --redact`. Pure: the secret comes in, a stand-in goes out.
 *
 * A keyed HMAC-SHA-256 (RFC 2104), so the same value always gets the same stand-in within a
 * database (joins and counts still work on the shared file) while the value cannot be read
 * back or guessed from a list of names without the secret.
 *
 * Length: 64 bits (16 hex digits). By the birthday bound the chance that any two of n distinct
 * values share a stand-in is at most n^2 / 2^(b+1); for a million values and b = 64 that is
 * 1e12 / 3.7e19 = 2.7e-8, under the one in a million asked for (which needs b >= 59). The
 * 32 bits used before gave 15 name and 16 email collisions among 300,000 customers.
 */
import crypto from 'node:crypto';

export type PersonalKind = 'customer' | 'name' | 'email' | 'phone';

export const PSEUDONYM_HEX_DIGITS = 16;

export function pseudonym(secret: string, kind: PersonalKind, value: string): string {
  // Names, emails and phones are matched loosely (case and surrounding spaces); customer ids are
  // exact, as rapport stores them ("c1" and "C1" are two customers).
  const key = kind === 'customer' ? value : value.trim().toLowerCase();
  const h = crypto.createHmac('sha256', secret).update(`${kind}\u0000${key}`).digest('hex').slice(0, PSEUDONYM_HEX_DIGITS);
  return kind === 'email' ? `${h}@redacted.invalid` : kind === 'phone' ? `phone-${h}` : kind === 'customer' ? `customer-${h}` : `person-${h}`;
}
