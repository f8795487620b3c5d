/**
 * Complaints through the command layer with flags only (no terminal), on the hand-worked shop of
 * fixtures/segment/ (as of 2025-12-31: W1 is in decline, Y1 stable, D1 platinum).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
});
afterEach(() => t.cleanup());

const rp = (args: string[]) => run(['--db', t.db, ...args]);
async function json<T>(args: string[]): Promise<T> {
  const r = await rp(['--format', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}
const add = (extra: string[]) => rp(['--format', 'json', 'complaint', 'add', ...extra]);

describe('complaint add with flags', () => {
  it('logs a complaint with a due time from its priority, and says so on stderr', async () => {
    const r = await add([
      '--customer',
      'Y1',
      '--category',
      'service',
      '--priority',
      'high',
      '--summary',
      'hamper arrived late',
      '--at',
      '2025-12-01T09:00:00Z',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // high: 72 hours
    expect(JSON.parse(r.stdout)).toMatchObject({
      id: 1,
      customer_id: 'Y1',
      status: 'open',
      created_at: '2025-12-01T09:00:00.000Z',
      due_at: '2025-12-04T09:00:00.000Z',
    });
    expect(r.stderr).toContain('logged complaint #1 for Y1');
  });

  it('names every missing required flag, and never waits on stdin', async () => {
    const r = await rp(['complaint', 'add', '--customer', 'Y1']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'rapport: prompts are off (not on a terminal, or CI is set), so nothing can be asked: --category, --summary are needed',
    );
  });

  it('refuses an unknown customer, an unknown category and an empty summary, saving nothing', async () => {
    const unknown = await add(['--customer', 'NOPE', '--category', 'service', '--summary', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no customer "NOPE"');
    expect(unknown.stderr).toContain('--new-customer');
    expect((await add(['--customer', 'Y1', '--category', 'weather', '--summary', 'x'])).code).toBe(2);
    expect((await add(['--customer', 'Y1', '--category', 'price', '--summary', '  '])).code).toBe(2);
    expect(await json<unknown[]>(['complaint', 'list'])).toEqual([]);
  });

  it('creates a customer on the spot with --new-customer', async () => {
    expect(
      (await add(['--customer', 'N9', '--new-customer', '--name', 'Nina New', '--type', 'consumer', '--category', 'product', '--summary', 'wrong size'])).code,
    ).toBe(0);
    const card = await json<{ customer: { name: string } }>(['customer', 'N9', '--as-of', '2025-12-31']);
    expect(card.customer.name).toBe('Nina New');
    expect((await add(['--customer', 'Y1', '--new-customer', '--category', 'product', '--summary', 'x'])).code).toBe(2);
  });
});

describe('tracking', () => {
  it('moves through in progress, resolved, closed and reopen, each change in the history', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'stale tea', '--at', '2025-12-01']);
    expect((await rp(['complaint', 'update', '1', '--status', 'in_progress', '--assignee', 'Dana', '--at', '2025-12-02'])).code).toBe(0);
    expect((await rp(['complaint', 'note', '1', 'called the customer', '--at', '2025-12-02T10:00:00Z'])).code).toBe(0);
    expect(
      (await rp(['complaint', 'resolve', '1', '--resolution', 'replaced', '--satisfied', 'no', '--compensation', '5.00', '--at', '2025-12-03'])).code,
    ).toBe(0);
    expect((await rp(['complaint', 'update', '1', '--status', 'open', '--note', 'still unhappy', '--at', '2025-12-04'])).code).toBe(0);
    const c = await json<{
      status: string;
      assignee: string;
      resolved_at: null;
      history: { kind: string; from_status: string | null; to_status: string | null; text: string | null }[];
    }>(['complaint', 'show', '1']);
    expect(c).toMatchObject({ status: 'open', assignee: 'Dana', resolved_at: null });
    expect(c.history.map((e) => [e.kind, e.from_status, e.to_status, e.text])).toEqual([
      ['logged', null, 'open', null],
      ['update', null, null, 'assignee Dana'],
      ['status', 'open', 'in_progress', null],
      ['note', null, null, 'called the customer'],
      ['status', 'in_progress', 'resolved', 'replaced'],
      ['reopened', 'resolved', 'open', 'still unhappy'],
    ]);
  });

  it('note, update and resolve with --format json or csv print the complaint as stored after the change, as show does; piped without it, nothing (the notice is on stderr)', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'stale tea', '--at', '2025-12-01']);
    const changes = [
      ['complaint', 'note', '1', 'called the customer', '--at', '2025-12-02'],
      ['complaint', 'update', '1', '--assignee', 'Dana', '--at', '2025-12-02'],
      ['complaint', 'resolve', '1', '--resolution', 'replaced', '--satisfied', 'no', '--compensation', '5.00', '--at', '2025-12-03'],
    ];
    const formats = ['json', 'csv', 'json'];
    for (const [i, change] of changes.entries()) {
      const r = await rp(['--format', formats[i]!, ...change]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/complaint #1/);
      expect(r.stdout).toBe((await rp(['--format', formats[i]!, 'complaint', 'show', '1'])).stdout);
    }
    expect(JSON.parse((await rp(['--format', 'json', 'complaint', 'note', '1', 'sent a card'])).stdout)).toMatchObject({
      id: 1,
      status: 'resolved',
      assignee: 'Dana',
      compensation: '5.00',
      history: expect.arrayContaining([expect.objectContaining({ kind: 'note', text: 'sent a card' })]),
    });
    const piped = await rp(['complaint', 'note', '1', 'one more']);
    expect(piped).toMatchObject({ code: 0, stdout: '', stderr: 'note added to complaint #1\n' });
  });

  it('refuses impossible changes', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'stale tea']);
    const again = await rp(['complaint', 'update', '1', '--status', 'open']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('cannot go from open to open');
    expect((await rp(['complaint', 'update', '1', '--status', 'resolved'])).code).toBe(2); // resolve has its own command
    expect((await rp(['complaint', 'resolve', '1', '--resolution', 'done'])).code).toBe(2); // --satisfied needed
    // the hint names the complaint asked about, not an example's
    const bare = await rp(['complaint', 'resolve', '1']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('hint: rapport complaint resolve 1 --resolution');
    expect((await rp(['complaint', 'show', '99'])).code).toBe(1);
  });

  it('a new priority moves the due time, counted from when it was logged', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'x', '--at', '2025-12-01T00:00:00Z']); // normal: 168 h
    await rp(['complaint', 'update', '1', '--priority', 'urgent']);
    expect((await json<{ due_at: string }>(['complaint', 'show', '1'])).due_at).toBe('2025-12-02T00:00:00.000Z');
  });

  it('lists by status, customer, category and overdue (at a given time)', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--priority', 'urgent', '--summary', 'a', '--at', '2025-12-01']);
    await add(['--customer', 'Y1', '--category', 'price', '--priority', 'low', '--summary', 'b', '--at', '2025-12-01']);
    await rp(['complaint', 'resolve', '2', '--resolution', 'explained', '--satisfied', 'yes', '--at', '2025-12-02']);
    const ids = async (extra: string[]) => (await json<{ id: number }[]>(['complaint', 'list', ...extra])).map((r) => r.id);
    expect(await ids(['--status', 'open'])).toEqual([1]);
    expect(await ids(['--customer', 'Y1'])).toEqual([2]);
    expect(await ids(['--category', 'product'])).toEqual([1]);
    // urgent: due 2025-12-02T00:00; at 2025-12-01T12:00 not yet overdue, at 2025-12-03 overdue
    expect(await ids(['--overdue', '--at', '2025-12-01T12:00:00Z'])).toEqual([]);
    expect(await ids(['--overdue', '--at', '2025-12-03'])).toEqual([1]);
  });
});

describe('tied to the rest', () => {
  it('the card lists the complaints; churn puts open complaints first and raises the level', async () => {
    // Y1 is stable (low risk by the rules); an open complaint makes it medium, an overdue one high
    const before = (await json<{ customer_id: string; risk_level: string }[]>(['churn', '--as-of', '2025-12-31'])).find((r) => r.customer_id === 'Y1')!;
    expect(before.risk_level).toBe('low');
    await add(['--customer', 'Y1', '--category', 'service', '--priority', 'low', '--summary', 'late hamper', '--at', '2025-12-28']);
    const open = (await json<{ customer_id: string; risk_level: string; reasons: string }[]>(['churn', '--as-of', '2025-12-31'])).find(
      (r) => r.customer_id === 'Y1',
    )!;
    expect(open.risk_level).toBe('medium');
    expect(open.reasons.startsWith('1 open complaint, oldest 3 days')).toBe(true);
    // low priority is due after 336 hours (14 days): overdue by 2026-01-20
    const later = (await json<{ customer_id: string; risk_level: string; reasons: string }[]>(['churn', '--as-of', '2026-01-20'])).find(
      (r) => r.customer_id === 'Y1',
    )!;
    expect(later.risk_level).toBe('high');
    expect(later.reasons).toContain('1 overdue');
    // as of a date before the complaint, it is not there
    const earlier = (await json<{ customer_id: string; reasons: string }[]>(['churn', '--as-of', '2025-12-27'])).find((r) => r.customer_id === 'Y1')!;
    expect(earlier.reasons).not.toContain('complaint');
    const card = await json<{ complaints: { id: number; status: string }[] }>(['customer', 'Y1', '--as-of', '2025-12-31']);
    expect(card.complaints).toEqual([expect.objectContaining({ id: 1, status: 'open' })]);
  });

  it('summary: counts, median time to resolve, overdue, and buying again after satisfied or not', async () => {
    // W1 buys again on 2026-01-20 (in shop.csv); complaint resolved 2025-12-05 to W1's satisfaction:
    // bought again within 90 days. D1's resolved 2025-12-31, not satisfied; D1's last purchase is
    // 2025-12-30: not again.
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'a', '--at', '2025-12-01T00:00:00Z']);
    await add(['--customer', 'D1', '--category', 'price', '--summary', 'b', '--at', '2025-12-02T00:00:00Z']);
    await add(['--customer', 'Y1', '--category', 'price', '--priority', 'urgent', '--summary', 'c', '--at', '2025-12-03T00:00:00Z']);
    await rp(['complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--at', '2025-12-05T00:00:00Z']); // 96 h
    await rp(['complaint', 'resolve', '2', '--resolution', 'r', '--satisfied', 'no', '--at', '2025-12-31T00:00:00Z']); // 696 h
    const s = await json<{
      complaints: number;
      open: number;
      median_hours_to_resolve: number;
      by_category: { category: string; total: number; open: number; resolved: number }[];
      overdue: { id: number }[];
      after_satisfied: { resolved: number; bought_again: number };
      after_not_satisfied: { resolved: number; bought_again: number };
    }>(['complaint', 'summary', '--as-of', '2026-03-31']);
    // median of 96 and 696 hours
    expect(s).toMatchObject({ complaints: 3, open: 1, median_hours_to_resolve: 396 });
    expect(s.by_category.find((c) => c.category === 'price')).toMatchObject({ total: 2, open: 1, resolved: 1 });
    expect(s.overdue.map((o) => o.id)).toEqual([3]);
    expect(s.after_satisfied).toEqual({ resolved: 1, bought_again: 1, rate: 1 });
    expect(s.after_not_satisfied).toEqual({ resolved: 1, bought_again: 0, rate: 0 });
  });
});

describe('review fixes', () => {
  it('--at: a real calendar day, UTC when no offset is given, never in the future, never before the last change', async () => {
    expect((await add(['--customer', 'W1', '--category', 'product', '--summary', 'x', '--at', '2025-02-30'])).code).toBe(2);
    expect((await add(['--customer', 'W1', '--category', 'product', '--summary', 'x', '--at', '2999-01-01'])).code).toBe(2);
    const r = await add(['--customer', 'W1', '--category', 'product', '--summary', 'x', '--at', '2025-12-01T14:05']);
    expect(JSON.parse(r.stdout).created_at).toBe('2025-12-01T14:05:00.000Z');
    const early = await rp(['complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--at', '2025-11-30']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain("before complaint #1's last change");
    expect((await rp(['complaint', 'note', '1', 'n', '--at', '2025-12-01T14:00'])).code).toBe(2);
  });

  it('--new-customer refuses what a customers file could not give: ESC, no @, 5,000 characters, empty (issue 22)', async () => {
    const before = await json<unknown[]>(['customers', '--as-of', '2026-01-01']);
    for (const [flags, said] of [
      [['--customer', 'X\u001b[2J'], 'the customer id contains control characters'],
      [['--customer', 'N1', '--email', 'not-an-email'], 'the email is not an email address'],
      [['--customer', 'N1', '--email', `${'a'.repeat(5000)}@example.com`], 'the email is longer than 2000 characters'],
      [['--customer', 'x'.repeat(5000)], 'the customer id is longer than 200 characters'],
      [['--customer', ''], 'the customer id is empty'],
    ] as const) {
      const r = await add([...flags, '--new-customer', '--category', 'price', '--summary', 'x']);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toContain(`rapport: --new-customer: ${said}`);
      expect(r.stderr).toContain('hint: a customers file with that value would be refused too');
    }
    expect(await json<unknown[]>(['customers', '--as-of', '2026-01-01'])).toEqual(before);
    expect(await json<unknown[]>(['complaint', 'list'])).toEqual([]);
    // an empty email is none, as an empty cell is
    expect((await add(['--customer', 'N2', '--new-customer', '--email', '', '--category', 'price', '--summary', 'x'])).code).toBe(0);
  });

  it('compensation in another currency is refused; new-customer flags are checked', async () => {
    const s = tempDir();
    try {
      const csv = s.file('gbp.csv', 'customer_id,date,amount\nG1,2025-01-01,£10.00\n');
      expect((await run(['--db', s.db, '-q', 'import', 'transactions', csv])).code).toBe(0);
      expect(
        (await run(['--db', s.db, '-q', 'complaint', 'add', '--customer', 'G1', '--category', 'price', '--summary', 'x', '--at', '2025-02-01'])).code,
      ).toBe(0);
      const euro = await run(['--db', s.db, 'complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--compensation', '€5']);
      expect(euro.code).toBe(2);
      expect(euro.stderr).toContain('is not in GBP');
      expect((await run(['--db', s.db, '-q', 'complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--compensation', '£5'])).code).toBe(0);
    } finally {
      s.cleanup();
    }
    expect((await add(['--customer', 'Q1', '--new-customer', '--type', 'alien', '--category', 'price', '--summary', 'x'])).code).toBe(2);
    const stray = await add(['--customer', 'W1', '--name', 'Bob', '--category', 'price', '--summary', 'x']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('add --new-customer');
  });

  it('a reopen does not rewrite the past, and makes the complaint due again from the reopening', async () => {
    await add(['--customer', 'W1', '--category', 'product', '--summary', 'a', '--at', '2025-12-01T00:00:00Z']);
    await rp(['complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--at', '2025-12-03T00:00:00Z']);
    const before = await json<{ median_hours_to_resolve: number; by_category: { category: string; resolved: number }[] }>([
      'complaint',
      'summary',
      '--as-of',
      '2025-12-10',
    ]);
    await rp(['complaint', 'update', '1', '--status', 'open', '--at', '2025-12-20T00:00:00Z']);
    const after = await json<typeof before>(['complaint', 'summary', '--as-of', '2025-12-10']);
    expect(after).toEqual(before);
    expect(before.median_hours_to_resolve).toBe(48);
    // normal priority: due 168 hours after the reopening
    expect(await json<{ due_at: string; resolution: null }>(['complaint', 'show', '1'])).toMatchObject({
      due_at: '2025-12-27T00:00:00.000Z',
      resolution: null,
    });
  });

  it('the card and list --at show each complaint as it stood then', async () => {
    await add(['--customer', 'Y1', '--category', 'service', '--priority', 'urgent', '--summary', 'a', '--at', '2025-12-01T00:00:00Z']);
    await rp(['complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes', '--at', '2025-12-10T00:00:00Z']);
    const card = await json<{ complaints: { status: string; overdue: boolean }[] }>(['customer', 'Y1', '--as-of', '2025-12-05']);
    expect(card.complaints).toEqual([expect.objectContaining({ status: 'open', overdue: true })]);
    const ids = async (at: string) => (await json<{ id: number }[]>(['complaint', 'list', '--overdue', '--at', at])).map((r) => r.id);
    expect(await ids('2025-12-05')).toEqual([1]);
    expect(await ids('2025-12-11')).toEqual([]);
  });

  it('finds a customer by the digits of their phone, however it was written', async () => {
    await add(['--customer', 'P1', '--new-customer', '--name', 'Pat', '--phone', '+44 7700-341710', '--category', 'other', '--summary', 'x']);
    const { openDatabase } = await import('../../src/store/sqlite/db.js');
    const { findCustomers } = await import('../../src/store/sqlite/complaints.js');
    const db = openDatabase(t.db, { create: false });
    try {
      for (const typed of ['7700 341710', '7700341710', '+447700341710', '341710'])
        expect(
          findCustomers(db, typed).map((m) => m.id),
          typed,
        ).toEqual(['P1']);
    } finally {
      db.close();
    }
  });
});
