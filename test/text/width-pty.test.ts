/**
 * Every command's output fits the terminal: run in a real pseudo-terminal 60, 80 and 160 columns
 * wide, no line is wider than the window (CJK characters count two columns).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineFitter, hangingIndent } from '../../src/text/linefit.js';
import { PassThrough } from 'node:stream';
import { fixture, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

function fitted(width: number, writes: string[]): string {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const f = new LineFitter(sink, width);
  for (const w of writes) out += f.fit(w);
  return out;
}

describe('LineFitter', () => {
  it('breaks long prose between words, keeps short lines and colour codes as they are', () => {
    const text = 'Churn risk high: 97% chance of no purchase in the next 90 days; 7% chance they are still a customer\n';
    const out = fitted(40, [text]);
    for (const l of out.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(40);
    expect(out.replace(/\s+/g, ' ').trim()).toBe(text.trim());
    expect(fitted(80, ['short line\n', '\x1b[1mbold\x1b[22m\n'])).toBe('short line\n\x1b[1mbold\x1b[22m\n');
  });

  it('hangs a record line under its value, counts CJK as two, and cuts a word longer than the line', () => {
    const out = fitted(30, ['  reasons   no purchase for 405 days, 8.2× their usual gap\n']);
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(1)) expect(l.startsWith(' '.repeat(12))).toBe(true);
    const cjk = fitted(20, ['客户张伟最近九十天没有购买任何商品 流失风险高\n']);
    for (const l of cjk.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(20);
    const long = fitted(10, ['x'.repeat(35) + '\n']);
    for (const l of long.split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(10);
    expect(long.replace(/\s/g, '')).toBe('x'.repeat(35));
  });

  it('follows the line across writes and starts again after a carriage return', () => {
    const out = fitted(20, ['aaaa bbbb ', 'cccc dddd ', 'eeee ffff\n', '\rgggg\n']);
    for (const l of out.split(/\r|\n/)) expect(stringWidth(l)).toBeLessThanOrEqual(20);
    expect(hangingIndent('name   value', 80)).toBe(7);
    expect(hangingIndent('- a bullet', 80)).toBe(2);
    expect(hangingIndent('plain prose line', 80)).toBe(0);
  });
});

describe('every command fits the terminal (real binary, pseudo-terminal)', () => {
  let t: ReturnType<typeof tempDir>;
  let db: string;
  beforeAll(() => {
    t = tempDir();
    db = path.join(t.dir, 'shop.db');
    // The sample shop, with some customers renamed in Chinese: wide characters in tables and the card.
    const customers = fs
      .readFileSync(fixture('sample/customers.csv'), 'utf8')
      .replace(/^C0001,[^,]*,/m, 'C0001,欧阳明月 (杭州西湖区龙井路分店的老顾客),')
      .replace(/^C0002,[^,]*,/m, 'C0002,张伟,');
    const cfile = t.file('customers.csv', customers);
    const steps = [
      ['import', 'transactions', fixture('sample/transactions.csv')],
      ['import', 'customers', cfile],
      ['segment'],
      [
        'complaint',
        'add',
        '--customer',
        'C0001',
        '--category',
        'service',
        '--summary',
        '等了四十分钟没有人理我，非常失望，希望店长能够给一个解释 and nobody answered the phone for forty minutes',
      ],
    ];
    for (const s of steps) {
      const r = spawnSync(process.execPath, [BIN, '--db', db, ...s], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });
  afterAll(() => t?.cleanup());

  const commands = [
    'status',
    'imports',
    'customers',
    'churn',
    'customer C0001',
    'segment --no-save',
    'complaint list',
    'complaint show 1',
    'config list',
    'model --no-save',
    'report summary',
    'report cohorts',
    'snapshots',
    'rejects',
  ];

  for (const width of [60, 80, 160]) {
    it(`no line wider than ${width} columns`, () => {
      expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TZ: 'UTC' };
      delete env.CI;
      const shell =
        `stty cols ${width} rows 50; ` + commands.map((c) => `${process.execPath} ${BIN} --no-pager --db ${db} ${c} || echo "FAILED: ${c}"`).join('; ');
      const r = spawnSync('script', ['-qfec', shell, '/dev/null'], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
      expect(r.status).toBe(0);
      const screen = r.stdout.replace(/\r/g, '');
      expect(screen).not.toContain('FAILED:');
      const wide = screen.split('\n').filter((l) => stringWidth(l) > width);
      expect(wide, wide.join('\n')).toEqual([]);
      expect(screen).toContain('欧阳明月');
    });
  }
});
