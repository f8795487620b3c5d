/** Long output on a terminal goes through a pager; never on a pipe, never with --no-pager. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { endPager, pagerCommand, startPager } from '../../src/cli/pager.js';
import { fixture, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
const PATH = process.env.PATH ?? '/usr/bin:/bin';

describe('pagerCommand', () => {
  it('takes RAPPORT_PAGER, then PAGER, then less; none for "", cat, or a program not on PATH', () => {
    const bin = tempDir();
    try {
      const fake = path.join(bin.dir, 'mypager');
      fs.writeFileSync(fake, '#!/bin/sh\ncat\n', { mode: 0o755 });
      fs.writeFileSync(path.join(bin.dir, 'less'), '#!/bin/sh\ncat\n', { mode: 0o755 });
      const p = bin.dir;
      expect(pagerCommand({ PATH: p })).toBe('less');
      expect(pagerCommand({ PATH: p, PAGER: 'mypager -x' })).toBe('mypager -x');
      expect(pagerCommand({ PATH: p, PAGER: 'less', RAPPORT_PAGER: 'mypager' })).toBe('mypager');
      expect(pagerCommand({ PATH: p, RAPPORT_PAGER: '' })).toBeNull();
      expect(pagerCommand({ PATH: p, PAGER: 'cat' })).toBeNull();
      expect(pagerCommand({ PATH: p, PAGER: 'nosuchpager' })).toBeNull();
      expect(pagerCommand({ PATH: '', PAGER: fake })).toBe(fake);
    } finally {
      bin.cleanup();
    }
  });
});

describe('the real binary and a pager', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it('pages a terminal, and neither a pipe nor --no-pager; the pager gets what the terminal would', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
    t = tempDir();
    const db = path.join(t.dir, 'shop.db');
    const imp = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'transactions', fixture('sample/transactions.csv')], { encoding: 'utf8' });
    expect(imp.status, imp.stderr).toBe(0);
    const paged = path.join(t.dir, 'paged.txt');
    // The pager is a command line run by the shell, as PAGER is for git and man.
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, NO_COLOR: '1', PAGER: `tee ${paged}` };
    delete env.RAPPORT_PAGER;
    const tty = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} --db ${db} customers --limit 40`, '/dev/null'], { encoding: 'utf8', env });
    expect(tty.status).toBe(0);
    const seen = fs.readFileSync(paged, 'utf8');
    expect(seen).toMatch(/\bcustomer\b/);
    expect(seen.split('\n').length).toBeGreaterThan(40);
    fs.rmSync(paged);

    const off = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} --db ${db} --no-pager customers --limit 40`, '/dev/null'], { encoding: 'utf8', env });
    expect(off.status).toBe(0);
    expect(off.stdout).toMatch(/\bcustomer\b/);
    expect(fs.existsSync(paged)).toBe(false);

    const pipe = spawnSync(process.execPath, [BIN, '--db', db, 'customers', '--limit', '40'], { encoding: 'utf8', env });
    expect(pipe.status).toBe(0);
    expect(pipe.stdout.split('\n')[0]).toMatch(/^customer_id,/);
    expect(fs.existsSync(paged)).toBe(false);

    // A command that prompts or writes is never paged.
    const cfg = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} --db ${db} config set rfm.bins 4`, '/dev/null'], { encoding: 'utf8', env });
    expect(cfg.status).toBe(0);
    expect(fs.existsSync(paged)).toBe(false);
  });
});

describe('less without a locale (LANG unset, or a language whose locale is not installed)', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it("shows the table's lines, not their bytes (<E2><94><8C> for each ┌)", () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
    expect(spawnSync('sh', ['-c', 'command -v less']).status, 'less is needed: apt-get install less').toBe(0);
    t = tempDir();
    const db = path.join(t.dir, 'shop.db');
    const imp = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'transactions', fixture('sample/transactions.csv')], { encoding: 'utf8' });
    expect(imp.status, imp.stderr).toBe(0);
    const env: NodeJS.ProcessEnv = { PATH, NO_COLOR: '1', TERM: 'xterm' };
    // A screen the output fits on: less -F then quits at once, leaving the text on it.
    const cmd = `stty rows 50 cols 120; ${process.execPath} ${BIN} --db ${db} customers --as-of 2026-10-31 --limit 5`;
    const tty = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env, timeout: 30_000, input: '' });
    expect(tty.stdout).toContain('┌──────────┬');
    expect(tty.stdout).toContain('│ customer │');
    expect(tty.stdout).not.toContain('<E2><94>');
  });
});

describe('a pager that does not show the output (issue 22: RAPPORT_PAGER=false lost it with exit 0)', () => {
  const sink = (): PassThrough & { text: () => string } => {
    const p = new PassThrough();
    let text = '';
    p.on('data', (b: Buffer) => (text += b.toString()));
    return Object.assign(p, { text: () => text });
  };
  const env = { PATH };

  it('one that fails has the output written to the terminal instead, with a line saying why', async () => {
    for (const cmd of ['false', 'exit 3', 'kill -TERM $$']) {
      const pager = startPager(cmd, env);
      pager.stdin.write('the whole report\n');
      const terminal = sink();
      const stderr = sink();
      expect(await endPager(pager, 0, terminal, stderr)).toBe(0);
      expect(terminal.text()).toBe('the whole report\n');
      expect(stderr.text()).toMatch(
        new RegExp(
          `^rapport: the pager \\(${cmd.replace(/[$]/g, '\\$')}\\) (ended with status [13]|was ended by SIGTERM) without showing the output; here it is without a pager\nhint: .*--no-pager`,
        ),
      );
    }
  });

  it('one that reads it all is left alone; output too long to keep fails the run', async () => {
    const reader = startPager('cat >/dev/null', env);
    reader.stdin.write('x'.repeat(100));
    const terminal = sink();
    expect(await endPager(reader, 0, terminal, sink())).toBe(0);
    expect(terminal.text()).toBe('');

    const failing = startPager('false', env, 10);
    failing.stdin.write('x'.repeat(100));
    const stderr = sink();
    expect(await endPager(failing, 0, sink(), stderr)).toBe(1);
    expect(stderr.text()).toMatch(
      /^rapport: the pager \(false\) ended with status 1 without showing the output, and the output was too long to keep .*; it is lost\nhint: /,
    );
  });

  it('RAPPORT_PAGER=false on a terminal: the output still reaches it, exit 0', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
    const t = tempDir();
    try {
      const db = path.join(t.dir, 'shop.db');
      const imp = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'transactions', fixture('sample/transactions.csv')], { encoding: 'utf8' });
      expect(imp.status, imp.stderr).toBe(0);
      const tty = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} --db ${db} customers --limit 40`, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, PATH, NO_COLOR: '1', RAPPORT_PAGER: 'false' },
      });
      expect(tty.status).toBe(0);
      expect(tty.stdout).toMatch(/the pager \(false\) ended with status 1 without showing the output/);
      expect(tty.stdout).toMatch(/\bcustomer\b/);
      expect(tty.stdout.split('\n').length).toBeGreaterThan(40);
    } finally {
      t.cleanup();
    }
  });
});
