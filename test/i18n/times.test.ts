import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/i18n/index.js';
import { localDay, localMinute } from '../../src/core/times.js';
import { personTime, relative } from '../../src/i18n/times.js';

describe('times a person reads', () => {
  it('shows the local time to the minute in the given zone', () => {
    expect(localMinute('2026-11-29T22:44:11.712Z', 'UTC')).toBe('2026-11-29 22:44');
    expect(localMinute('2026-11-29T22:44:11.712Z', 'Asia/Shanghai')).toBe('2026-11-30 06:44');
    expect(localMinute('2026-07-01T12:00:00Z', 'Europe/London')).toBe('2026-07-01 13:00');
    expect(localMinute('2026-01-01T00:30:00Z', 'America/New_York')).toBe('2025-12-31 19:30');
    expect(localDay('2026-11-29T22:44:11Z', 'Asia/Shanghai')).toBe('2026-11-30');
    // An unknown zone falls back to the system's rather than failing.
    expect(localMinute('2026-11-29T22:44:11Z', 'Not/AZone')).toMatch(/^2026-11-(29|30) \d\d:44$/);
    expect(localMinute('garbage', 'UTC')).toBe('garbage');
  });

  it('says how long ago or how soon, rounded to the nearest unit', () => {
    const now = new Date('2026-11-29T12:00:00Z');
    expect(relative('2026-11-29T11:59:30Z', now)).toBe('just now');
    expect(relative('2026-11-29T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relative('2026-11-29T11:00:00Z', now)).toBe('1 hour ago');
    expect(relative('2026-11-26T12:00:00Z', now)).toBe('3 days ago');
    expect(relative('2026-11-15T12:00:00Z', now)).toBe('2 weeks ago');
    expect(relative('2026-11-29T14:29:00Z', now)).toBe('in 2 hours');
    expect(relative('2026-11-29T14:30:00Z', now)).toBe('in 3 hours'); // a half rounds up
    expect(relative('2024-11-01T00:00:00Z', now)).toBe('2 years ago');
    // A high-priority complaint (72 hours) a minute after it was logged; a normal one (7 days).
    expect(relative('2026-12-02T11:59:00Z', now)).toBe('in 3 days');
    expect(relative('2026-12-06T11:59:00Z', now)).toBe('in 1 week');
    expect(relative('2026-11-26T12:01:00Z', now)).toBe('3 days ago');
    expect(relative('2026-12-01T23:00:00Z', now)).toBe('in 2 days'); // 2 d 11 h
    // Where a rounded count reaches the next unit, the next unit says it (never "60 minutes", "0 weeks").
    expect(relative('2026-11-29T12:59:30Z', now)).toBe('in 1 hour');
    expect(relative('2026-11-30T11:30:00Z', now)).toBe('in 1 day');
    expect(relative('2026-12-06T00:00:00Z', now)).toBe('in 1 week'); // 6 d 12 h
    expect(relative('2026-12-29T00:00:00Z', now)).toBe('in 1 month'); // 29 d 12 h
    expect(relative('2025-12-15T12:00:00Z', now)).toBe('1 year ago'); // 349 days
    expect(personTime('2026-11-26T12:00:00Z', now, 'UTC')).toBe('2026-11-26 12:00 (3 days ago)');
    expect(personTime(null, now, 'UTC')).toBe('');
  });
});

describe('times in Chinese', () => {
  afterEach(() => setLang('en'));
  it('says how long ago or how soon as a Chinese reader does, without spaces', () => {
    setLang('zh-CN');
    const now = new Date('2026-11-29T12:00:00Z');
    expect(relative('2026-11-29T11:59:30Z', now)).toBe('刚刚');
    expect(relative('2026-11-26T12:00:00Z', now)).toBe('3天前');
    expect(relative('2026-11-29T11:00:00Z', now)).toBe('1小时前');
    expect(relative('2026-09-29T12:00:00Z', now)).toBe('2个月前');
    expect(relative('2026-11-29T14:29:00Z', now)).toBe('2小时后');
    expect(relative('2026-12-06T11:59:00Z', now)).toBe('1周后');
    expect(relative('2026-12-02T11:59:00Z', now)).toBe('3天后');
    expect(relative('2026-11-26T12:01:00Z', now)).toBe('3天前');
    expect(personTime('2026-11-26T12:00:00Z', now, 'UTC')).toBe('2026-11-26 12:00（3天前）');
  });
});

describe('commands show times in local time on a terminal, ISO 8601 in data', () => {
  it('imports and complaint show: the TZ zone to the minute on a terminal; CSV keeps the stored UTC time', async () => {
    const { run, tempDir, fixture } = await import('../helpers.js');
    const t = tempDir();
    try {
      const imp = await run(['--db', t.db, 'import', 'transactions', fixture('sample/transactions.csv')]);
      expect(imp.code).toBe(0);
      const csv = await run(['--db', t.db, 'imports', '--format', 'csv']);
      const finished = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z)/.exec(csv.stdout.split('\n')[1]!)![1]!;
      const shanghai = localMinute(finished, 'Asia/Shanghai');
      const table = await run(['--db', t.db, 'imports'], { tty: true, env: { TZ: 'Asia/Shanghai' } });
      expect(table.stdout).toContain(shanghai);
      expect(table.stdout).toContain('just now');
      expect(table.stdout).not.toContain(finished);

      const add = await run(
        ['--db', t.db, 'complaint', 'add', '--customer', 'C0100', '--category', 'service', '--summary', 'kept waiting', '--priority', 'high'],
        { env: { TZ: 'Asia/Shanghai' } },
      );
      expect(add.code, add.stderr).toBe(0);
      expect(add.stderr).toMatch(/due \d{4}-\d\d-\d\d \d\d:\d\d \(in \d+ (hours|day|days)\)/);
      const show = await run(['--db', t.db, 'complaint', 'show', '1'], { tty: true, env: { TZ: 'Asia/Shanghai', NO_COLOR: '1' } });
      expect(show.stdout).toMatch(/logged\s+│?\s*\d{4}-\d\d-\d\d \d\d:\d\d \(just now\)/);
      expect(show.stdout).not.toContain('UTC');
    } finally {
      t.cleanup();
    }
  });
});
