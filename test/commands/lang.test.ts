/**
 * The language chosen end to end, through the real binary (bin/rapport.js over dist/): --lang,
 * then RAPPORT_LANG, then the locale; an unknown value is a usage error naming it and the
 * choices; machine output (CSV, JSON) the same in every language.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/rapport.js');

/** A shell with no language set at all, plus what the test adds. */
function rapport(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE', 'RAPPORT_LANG', 'RAPPORT_DB', 'FORCE_COLOR', 'NO_COLOR', 'CI']) delete base[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...base, ...env }, encoding: 'utf8', cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const t = tempDir();
beforeAll(() => {
  const imp = rapport(['--db', t.db, '--quiet', 'import', 'transactions', fixture('sample/transactions.csv')]);
  expect(imp.code, imp.stderr).toBe(0);
});
afterAll(() => t.cleanup());

/** The "finished" column of status's last imports: just imported, so "just now" in the reader's language. */
const justNow = (out: string): string | null => (out.includes('(just now)') ? 'en' : out.includes('（刚刚）') ? 'zh-CN' : null);

describe('rapport --lang', () => {
  it('takes --lang, then RAPPORT_LANG, then LC_ALL, LC_MESSAGES, LANG, else English', () => {
    const status = (args: string[], env: Record<string, string> = {}): string | null => {
      const r = rapport(['--db', t.db, ...args, 'status', '--format', 'table'], env);
      expect(r.code, r.stderr).toBe(0);
      return justNow(r.stdout);
    };
    expect(status([])).toBe('en');
    expect(status(['--lang', 'zh-CN'])).toBe('zh-CN');
    expect(status(['--lang=zh'])).toBe('zh-CN');
    expect(status(['--lang', 'zh_CN'])).toBe('zh-CN');
    expect(status(['--lang', 'en'], { RAPPORT_LANG: 'zh-CN' })).toBe('en');
    expect(status([], { RAPPORT_LANG: 'zh-CN', LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(status([], { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(status([], { LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(status([], { LC_MESSAGES: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(status([], { LANG: 'fr_FR.UTF-8' })).toBe('en');
    // After the command too, as the other global options.
    const after = rapport(['--db', t.db, 'status', '--format', 'table', '--lang', 'zh-CN']);
    expect(justNow(after.stdout)).toBe('zh-CN');
  });

  it('refuses an unknown language by name with the choices: exit 2, nothing on stdout', () => {
    const flag = rapport(['--lang', 'klingon', '--db', t.db, 'status']);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe('');
    expect(flag.stderr).toBe('rapport: unknown language "klingon" in --lang\nhint: choose one of en, zh-CN (zh, zh_CN and zh-Hans also mean zh-CN)\n');
    const env = rapport(['--db', t.db, 'status'], { RAPPORT_LANG: 'fr' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^rapport: unknown language "fr" in RAPPORT_LANG\n/);
    // Worded in the locale's language when the locale is Chinese.
    const zh = rapport(['--lang', 'xx', '--help'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/^rapport: --lang 的语言“xx”不支持\n提示：/);
    expect(rapport(['status', '--lang']).code).toBe(2);
  });

  it('help works in either language', () => {
    for (const lang of ['en', 'zh-CN']) {
      const r = rapport(['--lang', lang, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--lang <lang>/);
    }
  });

  it('keeps CSV and JSON the same in every language', () => {
    for (const args of [
      ['status', '--format', 'json'],
      ['imports', '--format', 'csv'],
      ['segment', '--as-of', '2026-10-31', '--format', 'json'],
      ['customers', '--format', 'csv'],
      ['churn', '--format', 'csv'],
    ]) {
      const en = rapport(['--db', t.db, ...args]);
      const zh = rapport(['--db', t.db, '--lang', 'zh-CN', ...args]);
      expect(en.code, en.stderr).toBe(0);
      // Each segment run saves a snapshot of its own; the rest is the same.
      const same = (s: string): string => s.replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, 'T').replace(/"snapshot_id": \d+/, '');
      expect(same(zh.stdout)).toBe(same(en.stdout));
      expect(en.stdout.length).toBeGreaterThan(100);
    }
  });
});
