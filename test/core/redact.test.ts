import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../src/core/redact.js';
import { run, tempDir } from '../helpers.js';

describe('--redact', () => {
  it('pseudonyms do not collide among 300,000 distinct emails (32-bit ones gave 16 collisions in 300,000 customers)', () => {
    for (const kind of ['email'] as const) {
      const seen = new Set<string>();
      for (let i = 0; i < 300_000; i++) seen.add(pseudonym('a fixed secret', kind, kind === 'email' ? `user${i}@example.com` : `Person ${i}`));
      expect(seen.size, kind).toBe(300_000);
    }
  });

  it('customer ids are exact (case matters), names and emails loose (case and spaces do not)', () => {
    expect(pseudonym('s', 'customer', 'c1')).not.toBe(pseudonym('s', 'customer', 'C1'));
    expect(pseudonym('s', 'email', ' Ann@Example.com')).toBe(pseudonym('s', 'email', 'ann@example.com'));
    expect(pseudonym('s', 'name', 'Ann')).not.toBe(pseudonym('other secret', 'name', 'Ann'));
  });

  it("no personal value survives in any export, rejects' reasons included, and customer ids still join", async () => {
    const t = tempDir();
    try {
      const c = t.file(
        'c.csv',
        'customer_id,name,email,phone,account_manager,home\n+447700900123,Kim Secret,kim@secret.example,+44 7700 900123,Lee Boss,12 Acacia Avenue\n',
      );
      const x = t.file(
        'x.csv',
        [
          'customer_id,date,amount,staff,note',
          '+447700900123,2025-01-01,5.00,Lee Boss,kim likes tea',
          '+447700900123,2025-01-02,12.5.0,Lee Boss,',
          '+447700900123,2025-01-03,5.00,Lee Boss,',
          'kim@secret.example,not a date kim@secret.example,5.00,,',
          '+447700900123,2025-01-04 99:99,5.00,,',
        ].join('\n') + '\n',
      );
      expect((await run(['--db', t.db, '-q', 'import', 'customers', c])).code).toBe(0);
      expect((await run(['--db', t.db, '-q', 'import', 'transactions', x])).code).toBe(0);
      expect((await run(['--db', t.db, '-q', 'segment', '--as-of', '2025-01-31'])).code).toBe(0);
      expect(
        (
          await run([
            '--db',
            t.db,
            '-q',
            'complaint',
            'add',
            '--customer',
            '+447700900123',
            '--category',
            'price',
            '--summary',
            'Kim Secret was overcharged',
            '--staff',
            'Lee Boss',
          ])
        ).code,
      ).toBe(0);
      const ids = new Set<string>();
      for (const what of ['customers', 'transactions', 'segments', 'complaints', 'rejects']) {
        for (const format of ['csv', 'json']) {
          const r = await run(['--db', t.db, '--format', format, 'export', what, '--redact']);
          expect(r.code, what).toBe(0);
          expect(r.stdout, `${what} ${format}`).not.toMatch(/Kim|kim@|secret|Acacia|7700 900123|447700900123|Lee Boss|tea|12\.5\.0|99:99/i);
          if (format === 'csv' && what !== 'rejects')
            for (const row of parse(r.stdout, { columns: true }) as Record<string, string>[]) ids.add(what === 'customers' ? row.id! : row.customer_id!);
        }
      }
      // One customer, one stand-in in every table.
      expect([...ids]).toHaveLength(1);
      expect([...ids][0]).toMatch(/^customer-[0-9a-f]{16}$/);
    } finally {
      t.cleanup();
    }
  });
});
