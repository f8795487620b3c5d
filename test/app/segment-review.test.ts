/**
 * Regressions from the new-user review of segmentation, on the hand-worked shop in
 * fixtures/segment/ (see test/commands/segment-commands.test.ts for its arithmetic). As of 2025-12-31.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER_COLUMNS } from '../../src/app/rows.js';
import { fixture, run, tempDir } from '../helpers.js';

const AS_OF = '2025-12-31';
let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const rp = (args: string[]) => run(['--db', t.db, ...args]);
async function shop(): Promise<void> {
  expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
}
const json = async <T>(args: string[]): Promise<T> => {
  const r = await rp(['--format', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

describe('review fixes', () => {
  it('the card as CSV has every customer column, empty for a customer without purchases', async () => {
    await shop();
    const r = await rp(['--format', 'csv', 'customer', 'Z1', '--as-of', AS_OF]);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toBe([...CUSTOMER_COLUMNS, 'currency'].join(','));
    expect((parse(row!) as string[][])[0]!.slice(0, 4)).toEqual(['Z1', 'Zoe Notyet', 'consumer', '']);
  });

  it('a customer with refunds only scores 1 on R, F and M and is Lost, with a reason that says so', async () => {
    await shop();
    const rows = await json<Record<string, unknown>[]>(['customers', '--as-of', AS_OF]);
    const r1 = rows.find((r) => r.customer_id === 'R1')!;
    expect(r1).toMatchObject({ r_score: 1, f_score: 1, m_score: 1, rfm_segment: 'Lost', stage: 'exploration' });
    expect(r1.stage_reason).toBe('no purchase yet, only refunds, the last 30 days ago');
  });

  it('every usage error on a customers filter has a hint; --type takes the import synonyms', async () => {
    await shop();
    for (const flag of [
      ['--tier', 'diamond'],
      ['--stage', 'declining'],
      ['--exit', 'early-exit'],
      ['--type', 'martian'],
    ]) {
      const r = await rp(['customers', '--as-of', AS_OF, ...flag]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[1]).toMatch(/^hint: /);
    }
    const business = await json<{ customer_id: string }[]>(['customers', '--as-of', AS_OF, '--type', 'company', '--sort', 'customer_id']);
    expect(business.map((r) => r.customer_id)).toEqual(['D1', 'Y1']);
  });

  it('takes several tiers or stages, comma-separated, like churn does', async () => {
    await shop();
    // platinum D1 (decline) and gold Y1 (stability); W1 is in decline but iron
    const rows = await json<{ customer_id: string }[]>([
      'customers',
      '--as-of',
      AS_OF,
      '--tier',
      'platinum, gold',
      '--stage',
      'decline,stability',
      '--sort',
      'customer_id',
    ]);
    expect(rows.map((r) => r.customer_id)).toEqual(['D1', 'Y1']);
    expect((await rp(['customers', '--as-of', AS_OF, '--tier', ','])).code).toBe(2);
  });

  it('sorts tiers from platinum down and stages in lifecycle order', async () => {
    await shop();
    const byTier = await json<{ tier: string }[]>(['customers', '--as-of', AS_OF, '--sort', 'tier:asc']);
    expect([...new Set(byTier.map((r) => r.tier))]).toEqual(['platinum', 'gold', 'iron', 'lead']);
    const byStage = await json<{ stage: string }[]>(['customers', '--as-of', AS_OF, '--sort', 'stage:asc']);
    expect([...new Set(byStage.map((r) => r.stage))]).toEqual(['exploration', 'formation', 'stability', 'decline', 'ended']);
  });

  it('config set takes several pairs at once, so settings that only fit together can change', async () => {
    await shop();
    const alone = await rp(['config', 'set', 'tier.cuts', '50,80,95']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('hint: change both in one command: rapport config set tier.cuts VALUE tier.method VALUE');
    expect((await rp(['config', 'set', 'tier.method', 'share', 'tier.cuts', '50,80,95'])).code).toBe(0);
    expect((await rp(['config', 'get', 'tier.cuts'])).stdout).toBe('50,80,95\n');
    expect((await rp(['config', 'set', 'tier.method', 'rank', 'tier.cuts'])).code).toBe(2);
  });

  it('refuses numbers written as hex or exponents, and an ending before a decline', async () => {
    await shop();
    for (const [k, v] of [
      ['lifecycle.window_days', '0x10'],
      ['lifecycle.window_days', '1e3'],
      ['lifecycle.decline_gaps', 'Infinity'],
      ['rfm.monetary', '1e2,2e2,3e2,4e2'],
    ]) {
      const r = await rp(['config', 'set', k!, v!]);
      expect(r.code, `${k}=${v}`).toBe(2);
    }
    const r = await rp(['config', 'set', 'lifecycle.decline_min_days', '200']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot end before it declines');
    expect((await rp(['config', 'list', '--format', 'json'])).stdout).not.toContain('"changed": true');
  });

  it('notes segments that can never match when bins change', async () => {
    await shop();
    const r = await rp(['config', 'set', 'rfm.bins', '4']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('can never match: Loyal, Need Attention, About to Sleep');
  });

  it('says when an --as-of date is not in the calendar, and keeps to the import years', async () => {
    await shop();
    expect((await rp(['segment', '--as-of', '2025-02-30'])).stderr).toContain('2025-02-30 is not a day of the calendar');
    expect((await rp(['segment', '--as-of', '0000-01-01'])).code).toBe(2);
  });

  it('saves no snapshot for a date before any purchase', async () => {
    await shop();
    const r = await rp(['segment', '--as-of', '2000-01-01']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no snapshot saved');
    expect(await json<unknown[]>(['snapshots'])).toEqual([]);
  });

  it('an import of nothing but duplicates leaves the snapshot current', async () => {
    await shop();
    expect((await rp(['-q', 'segment', '--as-of', AS_OF])).code).toBe(0);
    expect((await rp(['-q', 'import', 'transactions', '--no-dedupe', fixture('segment', 'later.csv')])).code).toBe(0);
    expect((await rp(['-q', 'segment', '--as-of', AS_OF])).code).toBe(0);
    // later.csv again, without --no-dedupe: every row a duplicate, nothing stored
    expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'later.csv')])).code).toBe(0);
    expect((await json<{ current: boolean }[]>(['snapshots']))[0]!.current).toBe(true);
  });

  it('suggests the id that differs only in case, and refuses an empty id as usage', async () => {
    await shop();
    const r = await rp(['customer', 'w1', '--as-of', AS_OF]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hint: did you mean W1?');
    expect((await rp(['customer', ' ', '--as-of', AS_OF])).code).toBe(2);
  });

  it('--transactions 0 lists none', async () => {
    await shop();
    const card = await json<{ recent_transactions: unknown[] }>(['customer', 'W1', '--as-of', AS_OF, '--transactions', '0']);
    expect(card.recent_transactions).toEqual([]);
    expect((await rp(['customer', 'W1', '--as-of', AS_OF, '--months', '241'])).code).toBe(2);
  });
});
