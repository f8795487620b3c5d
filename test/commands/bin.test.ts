/**
 * The real binary (bin/rapport.js over dist/), run as a child process: version, help, exit codes
 * of bad command lines, standard input through a pipe, machine-readable output, and no escape
 * codes when stdout is not a terminal or NO_COLOR is set.
 *
 * Needs the build in dist/ (`npm test` builds it first through the pretest script).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORTS } from '../../src/reports/build.js';
import { fixture, tempDir } from '../helpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/rapport.js');
const ESC = '\u001b';
const STACK_FRAME = '    at ';

const fx = (name: string): string => fixture('import', name);

interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a plain, non-interactive shell: no colour forcing, no rapport settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'RAPPORT_DB', 'RAPPORT_DEBUG', 'CI', 'TERM']) delete env[k];
  return { ...env, ...extra };
}

function rapport(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): BinResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input,
    env: cleanEnv(opts.env),
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function shell(command: string, env: Record<string, string> = {}): BinResult {
  const r = spawnSync('/bin/sh', ['-c', command], { env: cleanEnv(env), cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => {
  t.cleanup();
});

function dbValue(sql: string): unknown {
  const d = new Database(t.db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get();
  } finally {
    d.close();
  }
}

describe('version and help', () => {
  it('--version prints the version of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = rapport([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
      expect(r.stderr).toBe('');
    }
  });

  it('--help lists the commands and the exit codes', () => {
    const r = rapport(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['import', 'status', 'imports', 'rejects']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(r.stdout).toMatch(/exit codes/i);
    expect(r.stdout).toMatch(/\b0\b[^\n]*\bok\b/i);
    expect(r.stdout).toMatch(/\b1\b[^\n]*fail/i);
    expect(r.stdout).toMatch(/\b2\b[^\n]*usage/i);
    expect(r.stdout).toMatch(/\b3\b[^\n]*(refused|reject)/i);
    expect(r.stdout).not.toContain(ESC);
  });

  it('import --help has examples', () => {
    const r = rapport(['import', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('transactions');
    expect(r.stdout).toContain('customers');
    expect(r.stdout).toMatch(/examples/i);
    expect(r.stdout).toMatch(/\$ rapport import (transactions|customers) /);
  });

  it('report --help names every report there is, in both languages', () => {
    for (const lang of ['en', 'zh-CN']) {
      const r = rapport(['--lang', lang, 'report', '--help']);
      expect(r.code).toBe(0);
      // The description: from after the usage line to the arguments.
      const description = r.stdout.slice(r.stdout.indexOf('\n'), r.stdout.search(/\n(Arguments|参数)/));
      for (const name of REPORTS) expect(description, `${lang}: ${name}`).toContain(name);
    }
  });

  it('import transactions --help and import customers --help have examples and the options', () => {
    const tx = rapport(['import', 'transactions', '--help']);
    expect(tx.code).toBe(0);
    expect(tx.stdout).toMatch(/examples/i);
    expect(tx.stdout).toMatch(/\$ rapport import transactions /);
    for (const opt of ['--map', '--date-format', '--decimal-comma', '--currency', '--encoding', '--delimiter', '--max-rejects', '--dry-run'])
      expect(tx.stdout).toContain(opt);
    const cu = rapport(['import', 'customers', '--help']);
    expect(cu.code).toBe(0);
    expect(cu.stdout).toMatch(/\$ rapport import customers /);
  });
});

describe('bad command lines exit 2', () => {
  it('an unknown command', () => {
    const r = rapport(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frobnicate');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  it('an unknown option, globally and on a subcommand', () => {
    const a = rapport(['--frobnicate', 'status']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--frobnicate');
    const b = rapport(['--db', t.db, 'import', 'transactions', fx('clean.csv'), '--frobnicate']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--frobnicate');
    expect(fs.existsSync(t.db)).toBe(false);
  });

  it('report without a name says which reports there are (was "missing required argument \'name\'"), in both languages, and opens nothing', () => {
    for (const [lang, asks] of [
      ['en', 'rapport: which report? one of: '],
      ['zh-CN', 'rapport：要哪一份报告？可选：'],
    ] as const) {
      const r = rapport(['--db', t.db, '--lang', lang, 'report']);
      expect(r.code).toBe(2);
      const [first = '', hint, ...rest] = r.stderr.trimEnd().split('\n');
      expect(first.startsWith(asks), first).toBe(true);
      for (const name of REPORTS) expect(first, name).toContain(name);
      expect(hint).toMatch(/^(hint: |提示：)/);
      expect(rest).toEqual([]);
      expect(r.stdout).toBe('');
    }
    expect(fs.existsSync(t.db)).toBe(false);
  });

  it('an unknown import kind, a missing file argument, a bad --format', () => {
    expect(rapport(['--db', t.db, 'import', 'orders', fx('clean.csv')]).code).toBe(2);
    expect(rapport(['--db', t.db, 'import', 'transactions']).code).toBe(2);
    const f = rapport(['--db', t.db, '--format', 'xml', 'status']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('xml');
  });
});

describe('the binary at work', () => {
  it('cat file | rapport import transactions - reads standard input', () => {
    const r = shell(`cat ${q(fx('clean.csv'))} | ${q(process.execPath)} ${q(BIN)} --db ${q(t.db)} --format json import transactions -`);
    expect(r.code, r.stderr).toBe(0);
    const [res] = JSON.parse(r.stdout) as { file: string; status: string; counts: { read: number; imported: number } }[];
    expect(res).toMatchObject({ file: '(stdin)', status: 'imported', counts: { read: 6, imported: 6 } });
    // 12.50 + 7.25 + 30.00 + 4.99 + 125.00 + 18.40 = 198.14
    expect(dbValue('SELECT sum(amount) FROM transactions')).toBe(19814);
    // The same bytes again through the pipe: recognised by content.
    const again = shell(`cat ${q(fx('clean.csv'))} | ${q(process.execPath)} ${q(BIN)} --db ${q(t.db)} --format json import transactions -`);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { status: string }[])[0]!.status).toBe('already-imported');
    expect(dbValue('SELECT count(*) FROM transactions')).toBe(6);
  });

  it('RAPPORT_DB names the database when --db is not given', () => {
    const r = rapport(['--format', 'json', 'import', 'transactions', fx('refunds.csv')], { env: { RAPPORT_DB: t.db } });
    expect(r.code, r.stderr).toBe(0);
    expect(dbValue('SELECT sum(amount) FROM transactions')).toBe(1351);
  });

  it('--format csv output parses as CSV (import, imports, rejects with quotes and newlines)', () => {
    const imp = rapport(['--db', t.db, '--format', 'csv', 'import', 'transactions', fx('clean.csv'), '--currency', 'GBP']);
    expect(imp.code, imp.stderr).toBe(0);
    const a = parse(imp.stdout, { columns: true }) as Record<string, string>[];
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ status: 'imported', read: '6', imported: '6', rejected: '0' });

    // messy.csv's "$" rows are rejected in a GBP database; their raw text has commas, quotes and a newline.
    const messy = rapport(['--db', t.db, '--format', 'csv', 'import', 'transactions', fx('messy.csv')]);
    expect(messy.code, messy.stderr).toBe(0);
    const id = (parse(messy.stdout, { columns: true }) as Record<string, string>[])[0]!.import_id!;
    const rej = rapport(['--db', t.db, '--format', 'csv', 'rejects', id]);
    expect(rej.code).toBe(0);
    const recs = parse(rej.stdout, { columns: true }) as Record<string, string>[];
    expect(recs.map((r) => r.line)).toEqual(['2', '3', '7', '9']);
    expect(recs[0]!.raw).toBe('C101 ,2024-03-01,"$1,234.50","Desk, oak",');
    expect(recs[1]!.raw).toBe('C102,2024-03-02 ,$45.00,Lamp,"Leave at the door\nring twice"');

    const imports = rapport(['--db', t.db, '--format', 'csv', 'imports']);
    expect(imports.code).toBe(0);
    const list = parse(imports.stdout, { columns: true }) as Record<string, string>[];
    expect(list.map((r) => [path.basename(r.file_name!), r.rows_imported])).toEqual([
      ['messy.csv', '1'],
      ['clean.csv', '6'],
    ]);
    for (const r of list) expect(() => JSON.parse(r.mapping!) as unknown).not.toThrow();
  });

  it('exit 3 when --max-rejects refuses the file; exit 1 with one line and no stack for a binary file', () => {
    const refused = rapport(['--db', t.db, 'import', 'transactions', fx('bad-rows.csv'), '--max-rejects', '0']);
    expect(refused.code).toBe(3);
    expect(dbValue('SELECT count(*) FROM transactions')).toBe(0);
    const bin = rapport(['--db', t.db, 'import', 'transactions', fx('binary.bin')]);
    expect(bin.code).toBe(1);
    expect(bin.stderr).not.toContain(STACK_FRAME);
    expect(
      bin.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('rapport:')),
    ).toHaveLength(1);
  });

  it('status on a missing database exits 1 with a hint and creates nothing', () => {
    const r = rapport(['--db', t.db, 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(t.dir)).toEqual([]);
  });
});

describe('no escape codes off a terminal', () => {
  function loaded(): void {
    const r = rapport(['--db', t.db, '--format', 'csv', 'import', 'transactions', fx('clean.csv'), fx('bad-rows.csv')]);
    expect(r.code, r.stderr).toBe(0);
  }

  it('piped stdout (not a TTY): no escape codes, even in table format', () => {
    loaded();
    for (const args of [['status'], ['--format', 'table', 'status'], ['--format', 'table', 'imports'], ['--format', 'table', 'rejects'], ['imports']]) {
      const r = rapport(['--db', t.db, ...args]);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).not.toContain(ESC);
      expect(r.stderr, args.join(' ')).not.toContain(ESC);
    }
    const imp = rapport(['--db', t.db, '--format', 'table', 'import', 'transactions', fx('refunds.csv')]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).not.toContain(ESC);
    expect(imp.stderr).not.toContain(ESC);
  });

  it('NO_COLOR wins over FORCE_COLOR', () => {
    loaded();
    for (const args of [
      ['--format', 'table', 'status'],
      ['--format', 'table', 'imports'],
    ]) {
      const r = rapport(['--db', t.db, ...args], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain(ESC);
      expect(r.stderr).not.toContain(ESC);
    }
    const refused = rapport(['--db', t.db, '--format', 'table', 'import', 'transactions', fx('truncated.csv'), '--max-rejects', '0'], {
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(refused.code).toBe(3);
    expect(refused.stdout).not.toContain(ESC);
    expect(refused.stderr).not.toContain(ESC);
  });
});
