/**
 * Times as a person reads them on a terminal: local time to the minute, with how long ago (or how
 * soon) where it helps. Stored times are ISO 8601 in UTC, and CSV and JSON keep them so.
 * The time zone is the TZ variable's when set (as the C library reads it), else the system's.
 */
import { t, tn } from '../i18n/index.js';

/** "2026-11-29 22:44" in the time zone. */
export function localMinute(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: zoneOrUndefined(timeZone), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The calendar day of an instant in the time zone: "2026-11-29". */
export function localDay(iso: string, timeZone?: string): string {
  return localMinute(iso, timeZone).slice(0, 10);
}

/** "just now", "5 minutes ago", "3 days ago", "in 2 hours": the largest whole unit (3天前 in Chinese). */
export function relative(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return '';
  const past = ms < 0;
  const s = Math.abs(ms) / 1000;
  if (s < 60) return t('core.time.just-now');
  const units: [number, (n: number) => string][] = [
    [365 * 86400, (n) => tn('core.time.years', n)],
    [30 * 86400, (n) => tn('core.time.months', n)],
    [7 * 86400, (n) => tn('core.time.weeks', n)],
    [86400, (n) => tn('core.time.days', n)],
    [3600, (n) => tn('core.time.hours', n)],
    [60, (n) => tn('core.time.minutes', n)],
  ];
  const [size, name] = units.find(([size]) => s >= size)!;
  const span = name(Math.floor(s / size));
  return past ? t('core.time.ago', { span }) : t('core.time.in', { span });
}

/** "2026-11-29 22:44 (3 days ago)". */
export function personTime(iso: string | null | undefined, now: Date, timeZone?: string): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const rel = relative(iso, now);
  return rel === '' ? localMinute(iso, timeZone) : t('core.time.with-relative', { time: localMinute(iso, timeZone), relative: rel });
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
