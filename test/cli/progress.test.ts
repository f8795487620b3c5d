/** The import's progress bar: drawn on a terminal's stderr only, with the time left; never on a pipe. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import stringWidth from 'string-width';
import { ProgressBar, clock, fitFrame, shorten } from '../../src/cli/progress.js';
import { DEFAULTS, generate } from '../../bench/synth/generate.js';
import type { IO } from '../../src/cli/io.js';
import { tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

function io(progress: boolean): { io: IO; text: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const stdout = new PassThrough();
  return {
    io: { stdout, stderr, stdin: new PassThrough(), stdoutIsTTY: false, progress, color: false, canPrompt: false, quiet: false, env: {}, cwd: '/' },
    text: () => text,
  };
}

/** A bar on a fake clock, its first frame (nothing read) drawn. */
function started(): { start: number; t: ReturnType<typeof io>; bar: ProgressBar } {
  vi.useFakeTimers();
  const start = Date.UTC(2026, 0, 5, 6, 0, 0);
  vi.setSystemTime(start);
  const t = io(true);
  const bar = new ProgressBar(t.io, 'sales.csv');
  bar.update(0, 100e6);
  return { start, t, bar };
}

describe('ProgressBar', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the share done, the rate, and the time left once a second has passed', () => {
    const { start, t, bar } = started();
    vi.setSystemTime(start + 10_000);
    bar.update(25e6, 100e6); // a quarter in 10 s: 30 s to go
    const frames = t.text().split('\r').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatch(/^sales\.csv .* 25% {2}25\.0\/100\.0 MB {2}2\.5 MB\/s {2}0:30 left\x1b\[K$/);
    vi.setSystemTime(start + 10_050);
    bar.update(26e6, 100e6); // within 100 ms of the last frame: not drawn
    expect(t.text().split('\r').filter(Boolean)).toHaveLength(2);
    vi.setSystemTime(start + 39_600);
    bar.update(99e6, 100e6); // 0.4 s to go: no time left shown
    expect(t.text()).toMatch(/ 99% {2}99\.0\/100\.0 MB {2}2\.5 MB\/s\x1b\[K$/);
    vi.setSystemTime(start + 40_000);
    bar.update(100e6, 100e6); // the end is always drawn, without a time left; each frame clears the rest of its line
    expect(t.text()).toMatch(/100% {2}100\.0\/100\.0 MB {2}2\.5 MB\/s\x1b\[K$/);
    bar.done();
    expect(t.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('gives no time left while nothing has been read, however long that takes (was "Infinity:NaN:NaN left", seen on a PostgreSQL import)', () => {
    const { start, t, bar } = started();
    vi.setSystemTime(start + 1_500);
    bar.update(0, 100e6);
    const frames = t.text().split('\r').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatch(/^sales\.csv .* {2}0% {2}0\.0\/100\.0 MB {2}0\.0 MB\/s\x1b\[K$/);
  });

  it('draws nothing when progress is off (a pipe, CI or --quiet)', () => {
    const t = io(false);
    const bar = new ProgressBar(t.io, 'sales.csv');
    bar.update(1, 2);
    bar.update(2, 2);
    bar.done();
    expect(t.text()).toBe('');
  });

  it('keeps every frame inside the window, shortening the path before the figures and keeping its file name', () => {
    const label = '/home/shop/exports/2026/november/till-3/sales-export-full-history.csv';
    const cjk = '/home/店主/销售记录/二〇二六年十一月/全部订单导出.csv';
    const parts = { frac: 0.42, size: '420.0/1000.0 MB', rate: '35.2 MB/s', left: '0:16 left' };
    for (const columns of [20, 40, 60, 80, 100, 160]) {
      for (const l of [label, cjk, 'a.csv']) {
        const frame = fitFrame(columns, { label: l, ...parts });
        // One column short of the window: a frame as wide as the window wraps on many terminals.
        expect(stringWidth(frame), `${columns} columns, ${l}`).toBeLessThan(columns);
        expect(frame).toContain('42%');
      }
    }
    const wide = fitFrame(160, { label, ...parts });
    expect(wide).toBe(`${label} ${'█'.repeat(13)}${'░'.repeat(17)}  42%  420.0/1000.0 MB  35.2 MB/s  0:16 left`);
    const narrow = fitFrame(80, { label, ...parts });
    expect(narrow).toMatch(/^\/home.*….*history\.csv [█░]+ {2}42%/);
    expect(narrow).toContain('0:16 left');
    // At 40 columns the rate goes first, then the size; the time left stays longest.
    const tiny = fitFrame(40, { label, ...parts });
    expect(tiny).not.toContain('MB/s');
  });

  it('shortens text to a display width with an ellipsis, counting CJK characters as two', () => {
    expect(shorten('short.csv', 20)).toBe('short.csv');
    const s = shorten('/a/very/long/path/to/the/file.csv', 16);
    expect(stringWidth(s)).toBeLessThanOrEqual(16);
    expect(s).toContain('…');
    expect(s.endsWith('file.csv')).toBe(true);
    expect(stringWidth(shorten('全部订单导出全部订单导出.csv', 11))).toBeLessThanOrEqual(11);
  });

  it('writes the time left as m:ss or h:mm:ss', () => {
    expect([clock(0), clock(59.6), clock(75), clock(3725), clock(-3)]).toEqual(['0:00', '1:00', '1:15', '1:02:05', '0:00']);
  });
});

describe('rapport import on a terminal and on a pipe', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  it('draws progress on a terminal and nothing on a pipe, with the same result', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
    t = tempDir();
    const csv = path.join(t.dir, 'sales.csv');
    const lines = generate({ ...DEFAULTS, seed: 3, customers: 2000, rows: 50_000 }, csv).rows;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const tty = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} --db ${t.dir}/a.db import transactions ${csv}`, '/dev/null'], {
      encoding: 'utf8',
      env,
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/sales\.csv [█░]{10,30} 100%/);
    const pipe = spawnSync(process.execPath, [BIN, '--db', `${t.dir}/b.db`, 'import', 'transactions', csv], { encoding: 'utf8', env });
    expect(pipe.status).toBe(0);
    expect(pipe.stderr).not.toMatch(/[█░%]|\r/);
    expect(pipe.stdout).toContain(`,imported,1,,${lines},${lines},`);
  });
});
