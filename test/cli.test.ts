import { describe, expect, it } from 'vitest';
import { decideColor } from '../src/io.js';
import { run } from './helpers.js';

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
