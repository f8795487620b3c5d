/**
 * rapport copy --to (issue 27) between SQLite files: everything the shop holds arrives, every
 * command reads the same from both, a destination that holds anything is refused untouched, and
 * the copied sales keep their duplicate rule. The same across back ends: test/pg/copy.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { COMPUTED_COLUMNS, COPY_TABLES } from '../../src/store/copyTables.js';
import { fullShop, outputs } from '../copyShop.js';
import { fixture, run, tempDir } from '../helpers.js';

describe('rapport copy --to between SQLite files', () => {
  const t = tempDir();
  const source = path.join(t.dir, 'shop.db');
  let before: Record<string, string>;
  beforeAll(async () => {
    await fullShop(source, t.dir);
    before = await outputs(source);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('names every table and column of the schema (a new one must be added to the copy)', () => {
    const db = openDatabase(source, { create: false });
    try {
      const tables = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence')`).pluck().all() as string[]
      ).sort();
      expect(tables).toEqual(COPY_TABLES.map((s) => s.name).sort());
      for (const spec of COPY_TABLES) {
        const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(spec.name) as string[]).sort();
        expect(columns, spec.name).toEqual([...spec.columns, ...(COMPUTED_COLUMNS[spec.name] ?? [])].sort());
      }
    } finally {
      db.close();
    }
  });

  it('copies every row of every table, and every command reads the same from the copy', async () => {
    const dest = path.join(t.dir, 'copy.db');
    const r = await run(['--db', source, '--format', 'json', 'copy', '--to', dest]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { table: string; rows: number }[];
    const src = openDatabase(source, { create: false });
    try {
      for (const spec of COPY_TABLES) {
        const n = src.prepare(`SELECT count(*) FROM ${spec.name}`).pluck().get() as number;
        expect(summary.find((s) => s.table === spec.name)?.rows, spec.name).toBe(n);
        // Every table of the shop holds something, so the comparison below covers it.
        expect(n, spec.name).toBeGreaterThan(0);
      }
    } finally {
      src.close();
    }
    expect(r.stderr).toMatch(/copied [\d,]+ rows from .*shop\.db into .*copy\.db/);
    expect(await outputs(dest)).toEqual(before);
  }, 120_000);

  it('the copied sales keep the duplicate rule: a file overlapping them adds only its new line', async () => {
    const dest = path.join(t.dir, 'dup.db');
    expect((await run(['--db', source, '-q', 'copy', '--to', dest])).code).toBe(0);
    const lines = fs.readFileSync(fixture('sample', 'transactions.csv'), 'utf8').trimEnd().split('\n');
    const extra = lines[1]!.replace(/^[^,]*,[^,]*,/, (m) => m.replace(/\d{4}-\d\d-\d\d/, '2026-11-29'));
    // 100 stored sales again, unchanged, plus one new one.
    const again = path.join(t.dir, 'again.csv');
    fs.writeFileSync(again, [lines[0], ...lines.slice(10, 110), extra].join('\n') + '\n'); // past the line the shop rejected
    const r = await run(['--db', dest, '--format', 'json', 'import', 'transactions', again]);
    expect(r.code, r.stderr).toBe(0);
    const [res] = JSON.parse(r.stdout) as { counts: { imported: number; duplicate: number } }[];
    expect(res!.counts).toMatchObject({ imported: 1, duplicate: 100 });
  }, 60_000);

  it('refuses a destination that holds anything, and leaves it as it was', async () => {
    const dest = path.join(t.dir, 'busy.db');
    expect((await run(['--db', dest, '-q', 'import', 'customers', fixture('sample', 'customers.csv')])).code).toBe(0);
    const bytes = fs.readFileSync(dest);
    const r = await run(['--db', source, 'copy', '--to', dest]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^rapport: .*busy\.db already holds a shop \(.*customers.*\); copy writes only into an empty database, and nothing was changed\nhint: /,
    );
    expect(fs.readFileSync(dest).equals(bytes)).toBe(true);
  });

  it('refuses to copy a database onto itself, by any name', async () => {
    const link = path.join(t.dir, 'link.db');
    fs.symlinkSync(source, link);
    for (const to of [source, link, path.relative(process.cwd(), source)]) {
      const r = await run(['--db', source, 'copy', '--to', to]);
      expect(r.code, to).toBe(2);
      expect(r.stderr).toContain('--to names the database being copied');
    }
  });

  it('needs --to', async () => {
    const r = await run(['--db', source, 'copy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to');
  });
});
