/**
 * Debian's chromium, headless, for the browser tests (npm run test:system). Pages are opened
 * with a child process that does not block, so a server in the test can answer (and count) any
 * request the page makes.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

export const NEED_CHROMIUM = 'chromium is needed for npm run test:system: apt-get install chromium (.ci/run installs it)';

/** Opens a page; returns the DOM it built and the console lines (CSP-blocked requests are logged there). */
export function openPage(file: string): Promise<{ dom: string; console: string[] }> {
  if (chromium === undefined) throw new Error(NEED_CHROMIUM);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    '--virtual-time-budget=3000',
    '--dump-dom',
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(chromium, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let dom = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (dom += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      fs.rmSync(profile, { recursive: true, force: true });
      resolve({ dom, console: err.split('\n').filter((l) => l.includes(':CONSOLE')) });
    });
  });
}
