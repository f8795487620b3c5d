/**
 * Times as a person reads them on a terminal: local time to the minute, with how long ago (or how
 * soon) where it helps. Stored times are ISO 8601 in UTC, and CSV and JSON keep them so.
 * The time zone is the TZ variable's when set (as the C library reads it), else the system's.
 */
import { counted, phrase, type Phrase } from './words.js';

/** "2026-11-29 22:44" in the time zone. */
export function localMinute(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zoneOrUndefined(timeZone),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The calendar day of an instant in the time zone: "2026-11-29". */
export function localDay(iso: string, timeZone?: string): string {
  return localMinute(iso, timeZone).slice(0, 10);
}

/**
 * How long ago (or how soon) an instant is, as a phrase: "just now", "5 minutes ago", "in 3 days"
 * (3天前 in Chinese); null for a time that does not parse. Worded by i18n/times.ts relative().
 *
 * The rule, the same for past and future: under a minute is "just now"; otherwise the span is
 * rounded to the nearest whole unit (a half rounds up), in the smallest unit whose rounded count
 * stays below the next unit: minutes under 60, hours under 24, days under 7, weeks while the
 * rounded days are under 30, months under 12, then years. So a complaint due in 72 hours reads
 * "in 3 days" a minute after it is logged (2 d 23 h 59 min; floored it read "in 2 days"), one due
 * in 7 days "in 1 week", and 2 d 11 h "in 2 days": the exact minute is always printed beside it.
 */
export function relativePhrase(iso: string, now: Date): Phrase | null {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return null;
  const past = ms < 0;
  const s = Math.abs(ms) / 1000;
  if (s < 60) return phrase('core.time.just-now');
  const round = (size: number): number => Math.round(s / size);
  const DAY = 86400;
  const [unit, n] =
    round(60) < 60
      ? ['core.time.minutes', round(60)]
      : round(3600) < 24
        ? ['core.time.hours', round(3600)]
        : round(DAY) < 7
          ? ['core.time.days', round(DAY)]
          : round(DAY) < 30
            ? ['core.time.weeks', round(7 * DAY)]
            : round(30 * DAY) < 12
              ? ['core.time.months', round(30 * DAY)]
              : ['core.time.years', round(365 * DAY)];
  return phrase(past ? 'core.time.ago' : 'core.time.in', { span: counted(unit, n) });
}

/** The zone from TZ, if Intl knows it; otherwise the system's (an unknown TZ must not crash a listing). */
function zoneOrUndefined(tz: string | undefined): string | undefined {
  if (tz === undefined || tz === '') return undefined;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}
