/**
 * Two people changing one complaint at once on a shared PostgreSQL database: the change that
 * comes second is checked against the complaint as the first left it (the row is locked while a
 * change is written) and refused, rather than laid over it with the old status in its history.
 * Needs RAPPORT_TEST_PG and the build in dist/.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './pgHelpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let db: TestDb;

function rapport(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/rapport.js'), '--db', db.url, '-q', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CI: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, stderr })));
}

/** Polls until fn holds: the state the test needs, not a fixed wait. */
async function until(fn: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

beforeAll(async () => {
  db = await createTestDb();
  expect((await rapport('import', 'customers', path.join(ROOT, 'fixtures/sample/customers.csv'))).code).toBe(0);
  expect((await rapport('complaint', 'add', '--customer', 'C0042', '--category', 'service', '--summary', 'late')).code).toBe(0);
}, 60_000);

afterAll(async () => db?.drop());

it('a resolution written while someone else closes the complaint waits for them, then is refused (was saved over the closing)', async () => {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  // The other person's change, caught in the middle: the row locked, the new status not yet committed.
  const other = db.sql.begin(async (tx) => {
    await tx`SELECT id FROM complaints WHERE id = 1 FOR UPDATE`;
    locked();
    await new Promise<void>((r) => (release = r));
    await tx`UPDATE complaints SET status = 'closed', closed_at = '2026-12-01T10:00:00.000Z' WHERE id = 1`;
    await tx`INSERT INTO complaint_events (complaint_id, at, kind, from_status, to_status) VALUES (1, '2026-12-01T10:00:00.000Z', 'status', 'open', 'closed')`;
  });
  await isLocked;
  const resolving = rapport('complaint', 'resolve', '1', '--resolution', 'refunded', '--satisfied', 'yes');
  await until(
    async () =>
      (await db.sql`SELECT 1 FROM pg_stat_activity WHERE datname = ${db.name} AND application_name = 'rapport' AND wait_event_type = 'Lock'`).length > 0,
    'the resolution waiting for the row',
  );
  release();
  await other;
  const { code, stderr } = await resolving;
  expect(code, stderr).toBe(1);
  expect(stderr).toBe(
    'rapport: complaint #1 was changed by someone else while you answered (it is now closed); nothing was saved\n' +
      'hint: see what changed with rapport complaint show 1, then make your change again if it is still needed\n',
  );
  expect(await db.sql`SELECT status, resolution, satisfied FROM complaints WHERE id = 1`).toEqual([{ status: 'closed', resolution: null, satisfied: null }]);
  expect((await db.sql`SELECT to_status FROM complaint_events WHERE complaint_id = 1 ORDER BY id`).map((e) => e.to_status)).toEqual(['open', 'closed']);
}, 60_000);
