/**
 * The HTML report in a real headless browser (Debian chromium): npm run test:system, not npm
 * test, which passes on a machine without a browser (issue 15). Reports on the hand-worked shop
 * of fixtures/segment/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from '../helpers.js';
import { chromium, NEED_CHROMIUM, openPage } from './chromium.js';

const AS_OF = '2025-12-31';
let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
});
afterEach(() => t.cleanup());
const rp = (args: string[]) => run(['--db', t.db, ...args]);

describe('the HTML report in a real headless browser (Debian chromium)', () => {
  it('has a browser to run', () => {
    expect(chromium, NEED_CHROMIUM).toBeDefined();
  });

  it('shows the charts and tables, with no console errors and no network requests', async () => {
    const file = path.join(t.dir, 'summary.html');
    expect((await rp(['--format', 'html', 'report', 'summary', '--as-of', AS_OF, '--out', file])).code).toBe(0);
    const page = await openPage(file);
    expect(page.console).toEqual([]);
    for (const cls of ['pyramid', 'funnel', 'heatmap', 'trend', 'bars']) expect(page.dom, cls).toContain(`class="chart ${cls}"`);
    expect(page.dom).toContain('data-table="watchlist"');
    // the check can fail: a page that reaches out is caught
    const bad = path.join(t.dir, 'bad.html');
    fs.writeFileSync(bad, `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><img src="http://203.0.113.1/x.png">`);
    expect((await openPage(bad)).console.length).toBeGreaterThan(0);
  }, 120_000);
});
