/**
 * What a new user met walking the README on a terminal 80 columns wide (the sample shop, English
 * and Chinese): the words they need to type back or read stay whole, and numbers read alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/core/settings.js';
import { fixture, run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir();
  expect((await run(['--db', t.db, '-q', 'import', 'customers', fixture('sample', 'customers.csv')])).code).toBe(0);
  expect((await run(['--db', t.db, '-q', 'import', 'transactions', fixture('sample', 'transactions.csv')])).code).toBe(0);
});
afterAll(() => t.cleanup());

const at80 = (args: string[], lang: string) => run(['--db', t.db, '--lang', lang, ...args], { tty: true, columns: 80, env: { NO_COLOR: '1' } });
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('on a terminal 80 columns wide', () => {
  for (const lang of ['en', 'zh-CN']) {
    it(`config list keeps every setting's key whole: it is what config set is given (${lang})`, async () => {
      const r = await at80(['--no-pager', 'config', 'list'], lang);
      expect(r.code, r.stderr).toBe(0);
      const keys = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('│ '))
        .map((l) => l.split('│')[1]!.trim());
      for (const s of SETTINGS) expect(keys).toContain(s.key);
    });

    it(`status keeps the name of each imported file, cutting its folder if anything (${lang})`, async () => {
      const r = await at80(['--no-pager', 'status'], lang);
      expect(r.code, r.stderr).toBe(0);
      expect(widest(r.stdout)).toBeLessThanOrEqual(80);
      expect(r.stdout).toContain('transactions.csv │');
      expect(r.stdout).toContain('customers.csv │');
    });
  }
});
