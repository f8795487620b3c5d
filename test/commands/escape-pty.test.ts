/**
 * Hostile text against a real terminal (issue 12, item 2): names, complaint text, a rejected
 * line and a file name carrying OSC 52 (clipboard), OSC 2 (window title), CSI 2J (clear screen),
 * the C1 CSI and a bidi override are stored, then every command that shows them runs in a
 * pseudo-terminal (util-linux `script`) with colour on. The bytes the terminal receives may hold
 * rapport's own SGR colour codes and no other escape sequence.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

const ESC = '\u001b';
const BEL = '\u0007';
const CLIPBOARD = `${ESC}]52;c;cm0gLXJmIH4gIw==${BEL}`;
const TITLE = `${ESC}]2;pwned${BEL}`;
const CLEAR = `${ESC}[2J`;

/** Runs the real binary in a pseudo-terminal; returns every byte the terminal was sent. */
function inTerminal(db: string, args: string[]): { code: number | null; bytes: string } {
  const command = [process.execPath, BIN, '--db', db, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // No pager: less draws its own control sequences (keypad mode), which are the pager's, not rapport's.
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', FORCE_COLOR: '1', COLUMNS: '160', RAPPORT_PAGER: '' };
  delete env.NO_COLOR;
  delete env.CI;
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], { env, encoding: 'latin1', timeout: 30_000 });
  return { code: r.status, bytes: r.stdout };
}

/** Escape sequences in the bytes that are not SGR (ESC [ digits m), and any C1 CSI or bidi override. */
function foreign(bytes: string): string[] {
  const text = Buffer.from(bytes, 'latin1').toString('utf8');
  const bad = [...text.matchAll(/\x1b(?!\[[0-9;]*m)[\s\S]{0,8}/g)].map((m) => JSON.stringify(m[0]));
  for (const ch of ['\u009b', '\u202e', BEL]) if (text.includes(ch)) bad.push(JSON.stringify(ch));
  return bad;
}

describe('hostile text in a pseudo-terminal', () => {
  let t: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    t = tempDir();
    const rp = (args: string[]) => run(['--db', t.db, '-q', ...args]);
    // C0 controls are refused in imported fields, but C1, bidi overrides and CR are not
    const customers = t.file(
      'customers.csv',
      `customer_id,name,email,type\nE1,"Eve\u009b2J\u202eX",e@example.com,consumer\nE2,"Bob\rSmith",b@example.com,consumer\n`,
    );
    expect((await rp(['import', 'customers', customers])).code).toBe(0);
    // the file's name and a rejected line's raw text carry escape sequences
    // (enough ordinary lines that the file is not taken for binary: over 1% control bytes is)
    const good = Array.from({ length: 60 }, (_, i) => `I${i + 10},2025-02-${String((i % 28) + 1).padStart(2, '0')},E${(i % 2) + 1},10.00`).join('\n');
    const sales = t.file(`sales${TITLE}.csv`, `invoice,date,customer_id,amount\nI1,2025-01-02,E1,10.00\nI2,2025-01-03,E2,${CLEAR}5.00${CLIPBOARD}\n${good}\n`);
    const imported = await rp(['import', 'transactions', sales]);
    expect(imported.code, imported.stderr).toBe(0);
    // at the counter (flags, as a script would) every text is taken as typed
    const added = await rp([
      'complaint',
      'add',
      '--customer',
      'Z1',
      '--new-customer',
      '--name',
      `Zed${CLIPBOARD}${TITLE}${CLEAR}`,
      '--category',
      'price',
      '--summary',
      `late ${CLIPBOARD}`,
      '--staff',
      `Sam${CLEAR}`,
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect((await rp(['complaint', 'add', '--customer', 'E1', '--category', 'service', '--summary', `rude${TITLE}`])).code).toBe(0);
  });
  afterAll(() => t?.cleanup());

  it('has a pseudo-terminal to run in', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
  });

  const commands = [
    ['complaint', 'list'],
    ['complaint', 'show', '1'],
    ['complaint', 'show', '2'],
    ['customer', 'Z1'],
    ['customer', 'E1'],
    ['customers'],
    ['rejects'],
    ['imports'],
    ['status'],
  ];
  for (const args of commands) {
    it(`rapport ${args.join(' ')}: no escape sequence but rapport's colours`, () => {
      const { code, bytes } = inTerminal(t.db, args);
      expect(code, bytes).toBe(0);
      expect(foreign(bytes), bytes).toEqual([]);
      // colour is on, and the hostile text did arrive, shown
      expect(bytes).toContain(`${ESC}[1m`);
      expect(bytes).toMatch(/\\x1b|\\u009b|\\x0d/);
    });
  }

  it('an error quoting a file name shows its escape sequence', () => {
    const { code, bytes } = inTerminal(t.db, ['import', 'transactions', `missing${TITLE}${CLEAR}.csv`]);
    expect(code).not.toBe(0);
    expect(bytes).toContain('missing\\x1b]2;pwned\\x07\\x1b[2J.csv');
    expect(foreign(bytes)).toEqual([]);
  });

  it('the check can fail: a program writing the same text raw is caught', () => {
    const r = spawnSync('script', ['-qfec', `printf 'Zed\\033]2;pwned\\007\\033[1mok\\033[22m'`, '/dev/null'], { encoding: 'latin1' });
    expect(foreign(r.stdout).length).toBeGreaterThan(0);
  });
});
