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
 * How long ago (or how soon) an instant is, as a phrase: "just now", "5 minutes ago", "in 2 hours",
 * the largest whole unit (3天前 in Chinese); null for a time that does not parse. Worded by
 * i18n/times.ts relative().
 */
export function relativePhrase(iso: string, now: Date): Phrase | null {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return null;
  const past = ms < 0;
  const s = Math.abs(ms) / 1000;
  if (s < 60) return phrase('core.time.just-now');
  const units: [number, string][] = [
    [365 * 86400, 'core.time.years'],
    [30 * 86400, 'core.time.months'],
    [7 * 86400, 'core.time.weeks'],
    [86400, 'core.time.days'],
    [3600, 'core.time.hours'],
    [60, 'core.time.minutes'],
  ];
  const [size, unit] = units.find(([size]) => s >= size)!;
  const span = counted(unit, Math.floor(s / size));
  return phrase(past ? 'core.time.ago' : 'core.time.in', { span });
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
