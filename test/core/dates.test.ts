import { describe, expect, it } from 'vitest';
import { DateSniffer, FormatDateReader, IsoDateReader, DateFormatError, expandYear, daysInMonth } from '../../src/core/dates.js';
import { wordPhrase } from '../../src/i18n/phrase.js';
import { thrown } from '../thrown.js';

describe('ISO dates', () => {
  const r = new IsoDateReader();
  it.each([
    ['2024-03-05', '2024-03-05', null],
    ['2024-03-05T14:30', '2024-03-05', '14:30:00'],
    ['2024-03-05 14:30:07', '2024-03-05', '14:30:07'],
    ['2024-03-05T14:30:07.123Z', '2024-03-05', '14:30:07'],
    ['2024-03-05T14:30:07+08:00', '2024-03-05', '14:30:07'],
    ['2024-02-29', '2024-02-29', null],
    [' 2024-01-01 ', '2024-01-01', null],
  ])('%s', (text, date, time) => {
    expect(r.parse(text)).toBe(true);
    expect(r.date).toBe(date);
    expect(r.time).toBe(time);
  });

  it.each([
    ['2023-02-29', 'day 29'],
    ['2024-13-01', 'month 13'],
    ['0000-00-00', 'year 0'],
    ['9999-12-31', 'year 9999'],
    ['2024-03-05T25:00', 'time'],
    ['05/03/2024', 'not an ISO date'],
    ['', 'empty'],
    ['2024-03-05Tnoon', 'not an ISO date'],
  ])('refuses %j', (text, why) => {
    expect(r.parse(text)).toBe(false);
    expect(wordPhrase(r.reason, 'en')).toContain(why);
  });
});

describe('layouts given with --date-format', () => {
  it.each([
    ['DD/MM/YYYY', '05/03/2024', '2024-03-05', null],
    ['DD/MM/YYYY', '5/3/2024', '2024-03-05', null],
    ['M/D/YYYY', '3/5/2024', '2024-03-05', null],
    ['M/D/YYYY', '12/1/2010 8:26', '2010-12-01', '08:26:00'],
    ['DD/MM/YYYY HH:mm', '31/12/2024 23:59', '2024-12-31', '23:59:00'],
    ['DD-MMM-YY', '01-Dec-10', '2010-12-01', null],
    ['MMM D, YYYY', 'Sept 9, 2025', '2025-09-09', null],
    ['MMMM D YYYY', 'february 29 2024', '2024-02-29', null],
    ['YYYYMMDD', '20240305', '2024-03-05', null],
    ['D.M.YYYY h:mm A', '5.3.2024 2:05 PM', '2024-03-05', '14:05:00'],
    ['D.M.YYYY h:mm A', '5.3.2024 12:05 AM', '2024-03-05', '00:05:00'],
  ])('%s reads %s', (layout, text, date, time) => {
    const r = new FormatDateReader(layout);
    expect(r.parse(text)).toBe(true);
    expect(r.date).toBe(date);
    expect(r.time).toBe(time);
  });

  it('refuses values that do not fit', () => {
    const r = new FormatDateReader('DD/MM/YYYY');
    expect(r.parse('2024-03-05')).toBe(false);
    expect(wordPhrase(r.reason, 'en')).toContain('does not match');
    expect(r.parse('31/02/2024')).toBe(false);
    expect(wordPhrase(r.reason, 'en')).toContain('day 31');
    expect(new FormatDateReader('DD-MMM-YY').parse('01-Foo-10')).toBe(false);
  });

  it('refuses layouts it cannot use', () => {
    expect(() => new FormatDateReader('DD/MM')).toThrow(DateFormatError);
    expect(thrown(() => new FormatDateReader('DD/MM/YYYY Q'))).toMatch(/unknown token/);
    expect(thrown(() => new FormatDateReader('DD/MM/YYYY h:mm'))).toMatch(/AM\/PM/);
  });

  it('pivots two-digit years at 68/69', () => {
    expect(expandYear(68)).toBe(2068);
    expect(expandYear(69)).toBe(1969);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });
});

describe('sniffing a date column', () => {
  const verdict = (values: string[]) => {
    const s = new DateSniffer();
    values.forEach((v, i) => s.see(v, i + 2));
    return s.verdict();
  };

  it('takes ISO as it is', () => {
    expect(verdict(['2024-01-02', '2024-01-03 10:00'])).toMatchObject({ kind: 'layout', layout: 'ISO' });
  });

  it('settles day-first when a first number is above 12, and says where', () => {
    const v = verdict(['03/04/2024', '25/04/2024']);
    expect(v).toMatchObject({ kind: 'layout', layout: 'D/M/YYYY' });
    expect(v.kind === 'layout' && v.evidence).toContain('line 3');
  });

  it('settles month-first when a second number is above 12', () => {
    expect(verdict(['12/1/2010 8:26', '12/13/2010 9:00'])).toMatchObject({ kind: 'layout', layout: 'M/D/YYYY' });
  });

  it('never guesses when every day and month is 12 or less', () => {
    expect(verdict(['03/04/2024', '05/06/2024'])).toMatchObject({ kind: 'undecided' });
  });

  it('calls a column with both orders undecided', () => {
    expect(verdict(['25/04/2024', '04/25/2024'])).toMatchObject({ kind: 'undecided' });
  });

  it('knows year-first slashes and unknown shapes', () => {
    expect(verdict(['2024/03/05'])).toMatchObject({ kind: 'layout', layout: 'YYYY/M/D' });
    expect(verdict(['Dec 1st 2010', 'yesterday'])).toMatchObject({ kind: 'unknown' });
  });
});

describe('dates the review found misread or refused', () => {
  it('never settles a column with two-digit years (24/03/05 may be year-first)', () => {
    const s = new DateSniffer();
    ['24/03/05', '23/12/31'].forEach((v, i) => s.see(v, i + 2));
    const v = s.verdict();
    expect(v.kind).toBe('undecided');
    expect(v.kind === 'undecided' && v.candidates).toContain('YY/M/D');
  });

  it('says when a column contradicts itself', () => {
    const s = new DateSniffer();
    ['13/01/2024', '01/13/2024'].forEach((v, i) => s.see(v, i + 2));
    const v = s.verdict();
    expect(v).toMatchObject({ kind: 'undecided', conflict: true });
    expect(v.kind === 'undecided' && v.example).toContain('day-first');
  });

  it('reads Excel serial dates with --date-format excel', async () => {
    const { ExcelDateReader } = await import('../../src/core/dates.js');
    const r = new ExcelDateReader();
    expect(r.parse('44927')).toBe(true);
    expect(r.date).toBe('2023-01-01');
    expect(r.parse('45123.5')).toBe(true);
    expect([r.date, r.time]).toEqual(['2023-07-16', '12:00:00']);
    expect(r.parse('12.3.2024')).toBe(false);
  });

  it('reads ISO dates with a one-digit hour or AM/PM', () => {
    const r = new IsoDateReader();
    expect(r.parse('2024-03-05 9:30')).toBe(true);
    expect(r.time).toBe('09:30:00');
    expect(r.parse('2024-03-05 9:30 PM')).toBe(true);
    expect(r.time).toBe('21:30:00');
    expect(r.parse('2024-03-05 25:30')).toBe(false);
  });
});

describe('third review', () => {
  it('reads ISO date-times with a two-digit 12-hour time', () => {
    const r = new IsoDateReader();
    for (const [v, t] of [
      ['2024-03-04 09:05 PM', '21:05:00'],
      ['2024-03-04 10:15 AM', '10:15:00'],
      ['2024-03-04 12:30 PM', '12:30:00'],
      ['2024-03-04 12:30 AM', '00:30:00'],
    ]) {
      expect(r.parse(v!), v).toBe(true);
      expect(r.time).toBe(t);
    }
  });

  it('calls a column with bad ISO dates ISO, so the bad ones become rejects', () => {
    const s = new DateSniffer();
    ['2024-02-30', 'n/a', '2024-01-01'].forEach((v, i) => s.see(v, i + 2));
    expect(s.verdict()).toMatchObject({ kind: 'layout', layout: 'ISO' });
  });

  it('reads Excel serials of early 1900 and rounds times into the next day', async () => {
    const { ExcelDateReader } = await import('../../src/core/dates.js');
    const r = new ExcelDateReader();
    expect(r.parse('1')).toBe(true);
    expect(r.date).toBe('1900-01-01');
    expect(r.parse('59')).toBe(true);
    expect(r.date).toBe('1900-02-28');
    expect(r.parse('60')).toBe(false);
    expect(r.parse('61')).toBe(true);
    expect(r.date).toBe('1900-03-01');
    expect(r.parse('45123.999999')).toBe(true);
    expect([r.date, r.time]).toEqual(['2023-07-17', null]);
  });
});
