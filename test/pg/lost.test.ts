/**
 * The server going away while rapport works (issue 27): an import whose server stops mid-COPY
 * prints the one line and hint and nothing else (no stack trace from the client library's timer),
 * exits 1, and leaves nothing of the file. On a cluster of its own (.ci/pg-start), stopped and
 * started again between tries; the stop comes once the COPY is seen running on the server.
 * Needs RAPPORT_TEST_PG (for the server binaries) and the build in dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPg } from '../../src/store/pg/connect.js';
import { tempDir } from '../helpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const TRIES = 4;
const ROWS = 120_000;

let server = '';
let dir = '';
let t: ReturnType<typeof tempDir>;
let big: string;

function bindir(): string {
  const dirs = fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`);
  return dirs.find((d) => fs.existsSync(`${d}/pg_ctl`))!;
}

/** pg_ctl as the cluster's owner (the server refuses to run as root). */
function pgCtl(...args: string[]): void {
  const cmd = [path.join(bindir(), 'pg_ctl'), '-D', path.join(dir, 'data'), ...args];
  const r = process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...cmd]) : spawnSync(cmd[0]!, cmd.slice(1));
  if (r.status !== 0) throw new Error(`pg_ctl ${args.join(' ')}: ${String(r.stderr)}`);
}

beforeAll(() => {
  const started = spawnSync(path.join(ROOT, '.ci/pg-start'), { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(started.stderr);
  server = started.stdout.trim();
  dir = server.slice(server.indexOf('host=') + 5);
  t = tempDir();
  big = path.join(t.dir, 'big.csv');
  const lines = ['customer_id,date,amount,channel'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `C${i % 20000},${new Date(Date.UTC(2015, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10)},${1 + (i % 97)}.${String(i % 100).padStart(2, '0')},web`,
    );
  fs.writeFileSync(big, lines.join('\n') + '\n');
}, 60_000);

afterAll(() => {
  if (dir !== '') spawnSync(path.join(ROOT, '.ci/pg-start'), ['stop', dir]);
  t?.cleanup();
});

/** Polls until fn holds: the state the test needs, not a fixed wait. */
async function until(fn: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

describe('the server stops during an import', () => {
  it(`one line and a hint, exit 1, nothing of the file kept (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      const admin = await connectPg(server, process.env);
      const name = `lost_${i}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = server.replace(/\/postgres\?/, `/${name}?`);
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/rapport.js'), '--db', url, '-q', 'import', 'transactions', big], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await until(
        async () =>
          (await admin`SELECT 1 FROM pg_stat_activity WHERE datname = ${name} AND application_name = 'rapport' AND state = 'active' AND query LIKE 'COPY%'`)
            .length > 0,
        'the import COPYing',
      );
      await admin.end({ timeout: 0 });
      pgCtl('-m', 'fast', '-w', 'stop');
      const code = await exited;
      pgCtl('-l', path.join(dir, 'server.log'), '-w', 'start');
      expect(code, stderr).toBe(1);
      const lines = stderr.trimEnd().split('\n');
      expect(lines, stderr).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^rapport: the connection to PostgreSQL at .* was lost \((ECONNRESET|EPIPE|.*CONNECTION_CLOSED.*|terminating connection due to administrator command)\)$/,
      );
      expect(lines[1]).toBe('hint: nothing of the unfinished command was written; run it again when the server is back');
      const check = await connectPg(url, process.env);
      try {
        expect((await check`SELECT count(*)::int AS n FROM transactions`)[0]!.n).toBe(0);
      } finally {
        await check.end();
      }
    }
  }, 240_000);

  it('and while a read waits for a lock or a segment saves its snapshot: the same one line, exit 1', async () => {
    const admin = await connectPg(server, process.env);
    await admin.unsafe('CREATE DATABASE lost_reads');
    await admin.end();
    const url = server.replace(/\/postgres\?/, '/lost_reads?');
    const rapport = (args: string[]) =>
      spawn(process.execPath, [path.join(ROOT, 'bin/rapport.js'), '--db', url, '-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done = (child: ReturnType<typeof rapport>): Promise<{ code: number | null; stderr: string }> =>
      new Promise((r) => {
        let stderr = '';
        child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (code) => r({ code, stderr }));
      });
    expect((await done(rapport(['import', 'transactions', path.resolve('fixtures/sample/transactions.csv')]))).code).toBe(0);
    // A lock held elsewhere keeps the command at a known statement: the state to wait for.
    for (const [args, table] of [
      [['status'], 'transactions'],
      [['segment', '--as-of', '2026-10-31'], 'snapshots'],
    ] as const) {
      // Two connections: one holds the lock in its transaction, the other watches for the wait.
      const holder = await connectPg(url, process.env, { max: 2 });
      let release!: () => void;
      const held = holder
        .begin(async (tx) => {
          await tx.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
          await new Promise<void>((r) => (release = r));
        })
        .catch(() => {});
      const child = rapport([...args]);
      const result = done(child);
      await until(
        async () =>
          (await holder`SELECT 1 FROM pg_stat_activity WHERE datname = 'lost_reads' AND application_name = 'rapport' AND wait_event_type = 'Lock'`).length > 0,
        `${args[0]} waiting for ${table}`,
      );
      pgCtl('-m', 'fast', '-w', 'stop');
      const { code, stderr } = await result;
      release?.();
      await held;
      await holder.end({ timeout: 0 }).catch(() => {});
      pgCtl('-l', path.join(dir, 'server.log'), '-w', 'start');
      expect(code, stderr).toBe(1);
      const lines = stderr.trimEnd().split('\n');
      expect(lines, stderr).toHaveLength(2);
      expect(lines[0]).toMatch(/^rapport: the connection to PostgreSQL at .* was lost /);
      expect(lines[1]).toBe('hint: nothing of the unfinished command was written; run it again when the server is back');
    }
  }, 240_000);
});
