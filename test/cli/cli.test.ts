import { describe, expect, it } from 'vitest';
import { decideColor } from '../../src/cli/io.js';
import { run } from '../helpers.js';

describe('the command line', () => {
  it('a bare rapport, or import without its kind, shows help on stderr and exits 2', async () => {
    for (const args of [[], ['import']]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: rapport');
    }
  });

  it('--help goes to stdout and exits 0', async () => {
    const r = await run(['status', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--db');
  });

  it('bad values are usage errors', async () => {
    expect((await run(['imports', '--limit', 'lots'])).code).toBe(2);
    expect((await run(['--format', 'xml', 'status'])).code).toBe(2);
    expect((await run(['rejects', '--raw'])).code).toBe(2);
  });
});

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR, --no-color and the terminal', () => {
    expect(decideColor({}, true, false)).toBe(true);
    expect(decideColor({}, false, false)).toBe(false);
    expect(decideColor({ NO_COLOR: '1' }, true, false)).toBe(false);
    expect(decideColor({ FORCE_COLOR: '1' }, false, false)).toBe(true);
    expect(decideColor({ FORCE_COLOR: '0' }, true, false)).toBe(false);
    expect(decideColor({ FORCE_COLOR: '1' }, true, true)).toBe(false);
    expect(decideColor({ TERM: 'dumb' }, true, false)).toBe(false);
  });
});

describe('a reader while an import writes', () => {
  it('status reads the last committed state without waiting for the writer (WAL)', async () => {
    const { tempDir, fixture } = await import('../helpers.js');
    const Database = (await import('better-sqlite3')).default;
    const t = tempDir();
    try {
      expect((await run(['--db', t.db, 'import', 'transactions', fixture('import', 'clean.csv')])).code).toBe(0);
      const before = JSON.parse((await run(['--db', t.db, '--format', 'json', 'status'])).stdout) as { transactions: number };
      const writer = new Database(t.db);
      writer.exec('BEGIN IMMEDIATE');
      writer.prepare(`INSERT INTO transactions (customer_id, date, amount, import_id, line, dedupe_key) VALUES ('X', '2024-01-01', 1, 1, 999, 1)`).run();
      // A reader that waited for the writer would wait out the busy timeout (the writer holds its
      // lock until after): set to 20 s, it is compared with the time taken, whatever the machine's load.
      const busyMs = 20_000;
      const started = Date.now();
      const during = await run(['--db', t.db, '--format', 'json', 'status'], { env: { RAPPORT_BUSY_TIMEOUT_MS: String(busyMs) } });
      expect(Date.now() - started).toBeLessThan(busyMs); // it did not wait
      expect(during.code).toBe(0);
      expect((JSON.parse(during.stdout) as { transactions: number }).transactions).toBe(before.transactions);
      writer.exec('ROLLBACK');
      writer.close();
    } finally {
      t.cleanup();
    }
  });
});

describe('a second writer', () => {
  it('gets a one-line "busy" error, not an unexpected one, when the write lock stays taken', async () => {
    const { tempDir, fixture } = await import('../helpers.js');
    const Database = (await import('better-sqlite3')).default;
    const t = tempDir();
    try {
      expect((await run(['--db', t.db, 'import', 'transactions', fixture('import', 'clean.csv')])).code).toBe(0);
      const writer = new Database(t.db);
      writer.exec('BEGIN IMMEDIATE');
      const r = await run(['--db', t.db, 'import', 'transactions', fixture('import', 'refunds.csv')], { env: { RAPPORT_BUSY_TIMEOUT_MS: '200' } });
      // RAPPORT_DEBUG gives the stack of this error too, as the README says of every error.
      const debug = await run(['--db', t.db, 'import', 'transactions', fixture('import', 'refunds.csv')], {
        env: { RAPPORT_BUSY_TIMEOUT_MS: '200', RAPPORT_DEBUG: '1' },
      });
      writer.exec('ROLLBACK');
      writer.close();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the database is busy');
      expect(r.stderr).not.toContain('unexpected');
      expect(r.stderr.split('\n')).toHaveLength(3); // the line, its hint, the end
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/^hint: .*\n.*Error.*\n\s+at /m);
    } finally {
      t.cleanup();
    }
  });

  it('a file that does not end with a newline is imported with a warning to check its last line', async () => {
    const { tempDir } = await import('../helpers.js');
    const t = tempDir();
    try {
      const f = t.file('cut.csv', 'customer,date,amount\nA,2024-01-01,1.00\nB,2024-01-01,12');
      const r = await run(['--db', t.db, 'import', 'transactions', f]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('last line (3)');
    } finally {
      t.cleanup();
    }
  });
});

describe('help at a terminal width', () => {
  it('breaks example commands between words (never in quotes) with a continuation, and prose between words', async () => {
    const { wrapExamples } = await import('../../src/cli/cliText.js');
    const text =
      '  $ rapport complaint add --customer C0042 --summary "waited 40 minutes" --wanted "a call back"\nExit codes: 0 ok, 1 failure, 2 usage error, 3 import refused';
    const out = wrapExamples(text, 40);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(out).toContain('"waited 40 minutes"');
    expect(out).toContain('"a call back"');
    // Joined again as a shell would, the command is the same words.
    const command = out.split('\nExit')[0]!.replace(/ \\\n\s+/g, ' ');
    expect(command).toBe(text.split('\n')[0]);
    expect(wrapExamples(text, null)).toBe(text);
  });

  it('shows defaults as a person writes them: no quotes, no empty lists, no true for --no- flags', async () => {
    const r = await run(['import', 'transactions', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(default: 5)');
    expect(r.stdout).not.toMatch(/default: \[\]|default: "|default: true/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      '--db <path> database: a SQLite file, or a shared PostgreSQL database postgres://USER@HOST[:PORT]/DATABASE (the password from PGPASSWORD or ~/.pgpass, never in the URL); or set RAPPORT_DB (default: rapport.db in the current folder)',
    );
  });
});
