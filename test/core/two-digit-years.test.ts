/**
 * Dates validity alone cannot settle (issue 25): `03/01/19` reads as D/M/YY, M/D/YY or YY/M/D.
 * The import reads the whole column every way still open and takes the reading a person would
 * for a sales file, when it is clearly the better one; otherwise it asks, as before.
 *
 * Fixtures (fixtures/import/):
 * - two-digit-dmy.csv: 40 sales, D/M/YY, every 37 days from 03/01/19 (2019-01-03) to 16/12/22
 *   (2022-12-16) in row order, with a `shipped` column 2-6 days after each. Some days are
 *   above 12, so M/D/YY cannot read it; YY/M/D can (years 2001-2031, out of order, some in the
 *   future, no ship date near its order date).
 * - two-digit-ymd.csv: 36 sales, YY/M/D, every 41 days from 19/02/11 (2019-02-11) to 23/01/16
 *   (2023-01-16) in row order; D/M/YY reads it too (years 2001-2031).
 * - two-digit-weak.csv: 30 sales whose three numbers are all 1-12, in no order: every reading
 *   gives a compact past span and about half the rows in order; nothing tells them apart.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DateReadings, READING_LEAD, READING_MIN_DATES } from '../../src/core/dates.js';
import { fixture, run, tempDir } from '../helpers.js';

const TODAY = '2026-12-07';
const ALL = ['D/M/YY', 'M/D/YY', 'YY/M/D'];

/** The fixture's rows as cells (no quoting in these files). */
function cells(name: string): string[][] {
  return fs
    .readFileSync(fixture('import', name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

function readings(rows: string[][], today = TODAY, withShipped = false): DateReadings {
  const r = new DateReadings(ALL, today, withShipped ? 1 : 0);
  for (const c of rows) r.see(c[1]!, withShipped ? [c[2]!] : []);
  return r;
}

describe('judging the readings of a date column', () => {
  it('takes D/M/YY for sales in row order 2019-2022, which YY/M/D would spread over 2001-2031', () => {
    const r = readings(cells('two-digit-dmy.csv'), TODAY, true);
    const facts = r.facts();
    // M/D/YY cannot read 18/03/19: only two readings are left.
    expect(facts.map((f) => f.layout)).toEqual(['D/M/YY', 'YY/M/D']);
    expect(facts[0]).toMatchObject({ first: '2019-01-03', last: '2022-12-16', inOrder: 1, future: 0, besideOther: 1, score: 1 });
    expect(facts[1]).toMatchObject({ first: '2001-04-22', last: '2031-05-19', besideOther: 0 });
    expect(facts[1]!.future).toBeGreaterThan(0);
    expect(r.choose(ALL)?.[0]!.layout).toBe('D/M/YY');
  });

  it('takes YY/M/D where that is the plausible reading', () => {
    const chosen = readings(cells('two-digit-ymd.csv')).choose(ALL);
    expect(chosen?.map((f) => f.layout)).toEqual(['YY/M/D', 'D/M/YY']);
    expect(chosen![0]).toMatchObject({ first: '2019-02-11', last: '2023-01-16', inOrder: 1 });
  });

  it('counts a file newest first as in order', () => {
    const chosen = readings([...cells('two-digit-dmy.csv')].reverse()).choose(ALL);
    expect(chosen?.[0]).toMatchObject({ layout: 'D/M/YY', inOrder: 1 });
  });

  it('judges against the clock it is given', () => {
    // On 2020-01-01 three in four D/M/YY dates would lie in the future: a lower score than today.
    const then = readings(cells('two-digit-dmy.csv'), '2020-01-01')
      .facts()
      .find((f) => f.layout === 'D/M/YY')!;
    const now = readings(cells('two-digit-dmy.csv'))
      .facts()
      .find((f) => f.layout === 'D/M/YY')!;
    expect(then.future).toBe(30 / 40); // 10 of its 40 dates (2019-01-03 .. 2019-12-20) are on or before 2020-01-01
    expect(now.future).toBe(0);
    expect(then.score).toBeLessThan(now.score);
  });

  it('asks when the readings score alike', () => {
    const r = readings(cells('two-digit-weak.csv'));
    const facts = r.facts();
    expect(facts).toHaveLength(3);
    expect(facts[0]!.score - facts[1]!.score).toBeLessThan(READING_LEAD);
    expect(r.choose(ALL)).toBeNull();
  });

  it(`asks when there are fewer than ${READING_MIN_DATES} dates, however clear they look`, () => {
    const few = cells('two-digit-dmy.csv').slice(0, READING_MIN_DATES - 1);
    expect(readings(few, TODAY, true).choose(ALL)).toBeNull();
    expect(readings(cells('two-digit-dmy.csv').slice(0, READING_MIN_DATES), TODAY, true).choose(ALL)?.[0]!.layout).toBe('D/M/YY');
  });

  it('does not choose among layouts it was not asked to read', () => {
    expect(new DateReadings(['D/M/YY'], TODAY).choose(ALL)).toBeNull();
  });
});

describe('import transactions with two-digit years', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => {
    t.cleanup();
  });

  const dates = (): string[] => {
    const db = new Database(t.db, { readonly: true });
    try {
      return (db.prepare('SELECT date FROM transactions ORDER BY line').all() as { date: string }[]).map((r) => r.date);
    } finally {
      db.close();
    }
  };

  it('reads D/M/YY in row order 2019-2022 and says why on stderr', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'import', 'transactions', fixture('import', 'two-digit-dmy.csv')]);
    expect(r.code).toBe(0);
    const res = (JSON.parse(r.stdout) as { date_layout: string; date_evidence: string; counts: { imported: number } }[])[0]!;
    expect(res).toMatchObject({ date_layout: 'D/M/YY', counts: { imported: 40 } });
    expect(res.date_evidence).toMatch(
      /^the plausible reading for a sales file: as D\/M\/YY 2019-01-03 to 2022-12-16, 100% of neighbouring rows in date order, 0% after today, 100% within a year of the row's other dates, score 1\.00; as YY\/M\/D /,
    );
    expect(r.stderr).toContain('two-digit-dmy.csv: dates read as D/M/YY (the plausible reading for a sales file: as D/M/YY 2019-01-03 to 2022-12-16');
    const d = dates();
    expect([d[0], d[1], d[39]]).toEqual(['2019-01-03', '2019-02-09', '2022-12-16']);
  });

  it('reads YY/M/D where it is the plausible reading', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fixture('import', 'two-digit-ymd.csv')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('dates read as YY/M/D (the plausible reading for a sales file: as YY/M/D 2019-02-11 to 2023-01-16');
    const d = dates();
    expect([d[0], d[35]]).toEqual(['2019-02-11', '2023-01-16']);
  });

  it('says why in Chinese too', async () => {
    const r = await run(['--db', t.db, '--lang', 'zh-CN', 'import', 'transactions', fixture('import', 'two-digit-dmy.csv')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('日期按 D/M/YY 读取（这是销售文件最合理的读法：按 D/M/YY 读为 2019-01-03 至 2022-12-16，100% 的相邻行按日期先后排列');
  });

  it('still asks when the evidence is weak, and stores nothing', async () => {
    const r = await run(['--db', t.db, 'import', 'transactions', fixture('import', 'two-digit-weak.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('can be read more than one way');
    expect(r.stderr).toContain('hint: say which with --date-format D/M/YY or --date-format M/D/YY or --date-format YY/M/D');
    expect(fs.existsSync(t.db) ? dates() : []).toEqual([]);
  });

  it('settles day and month both 12 or less the same way, when the row order tells them apart', async () => {
    // 2024, the 3rd and the 9th of each month, in row order: read month first they would go
    // Mar 1, Sep 1, Mar 2, Sep 2, ... (half the neighbours out of order).
    const rows = Array.from({ length: 24 }, (_, i) => `C${i % 5},0${i % 2 === 0 ? 3 : 9}/${String(Math.floor(i / 2) + 1).padStart(2, '0')}/2024,1.00`);
    const f = t.file('dm.csv', 'customer_id,date,amount\n' + rows.join('\n') + '\n');
    const r = await run(['--db', t.db, 'import', 'transactions', f]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'dates read as D/M/YYYY (the plausible reading for a sales file: as D/M/YYYY 2024-01-03 to 2024-12-09, 100% of neighbouring rows in date order',
    );
    expect(r.stderr).toContain('as M/D/YYYY 2024-03-01 to 2024-09-12, 52% of neighbouring rows in date order');
    expect(dates().slice(0, 3)).toEqual(['2024-01-03', '2024-01-09', '2024-02-03']);
  });
});
