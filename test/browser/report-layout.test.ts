/**
 * The summary report of the sample shop laid out by headless chromium at 1280 and 390 css pixels
 * (npm run test:system): nothing wider than the viewport, no text under 12 px, no request, no
 * console message; the screenshots in docs/ are taken here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from '../helpers.js';
import { withPage, type Page } from './devtools.js';

const DOCS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs');
// The sample's last sale is on 2026-10-31: a report as of then, whatever the date today.
const AS_OF = '2026-10-31';
let t: ReturnType<typeof tempDir>;
let file: string;
beforeAll(async () => {
  t = tempDir();
  expect((await run(['--db', t.db, '-q', 'demo'])).code).toBe(0);
  file = path.join(t.dir, 'summary.html');
  const r = await run(['--db', t.db, '--format', 'html', 'report', 'summary', '--as-of', AS_OF, '--out', file]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());

interface Layout {
  viewport: number;
  scrollWidth: number;
  /** Elements reaching past either edge of the viewport: tag.class and their left/right. */
  wide: string[];
  /** Texts drawn smaller than 12 css pixels, with their size. */
  small: string[];
  /** SVG texts reaching past their drawing's edge, where the SVG cuts them off. */
  clipped: string[];
}

// Evaluated by DevTools in the page; the page itself has no script (its CSP allows none).
const MEASURE = `(() => {
  const viewport = document.documentElement.clientWidth;
  const name = (e) => e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class').split(' ').join('.') : '');
  const wide = [], small = [], clipped = [];
  for (const e of document.body.querySelectorAll('*')) {
    const b = e.getBoundingClientRect();
    if (b.width > 0 && (b.left < -0.5 || b.right > viewport + 0.5)) wide.push(name(e) + ' ' + Math.round(b.left) + '..' + Math.round(b.right));
    if (e.tagName === 'text' && e.ownerSVGElement) {
      const box = e.ownerSVGElement.getBoundingClientRect();
      if (b.left < box.left - 0.5 || b.right > box.right + 0.5) clipped.push(e.textContent + ' ' + Math.round(b.left) + '..' + Math.round(b.right));
    }
    const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!text || b.width === 0) continue;
    let px = parseFloat(getComputedStyle(e).fontSize);
    if (e instanceof SVGElement) px *= e.getScreenCTM().a; // an SVG's text shrinks with its drawing
    if (px < 11.95) small.push(name(e) + ' ' + px.toFixed(1) + 'px: ' + e.textContent.slice(0, 30));
  }
  return { viewport, scrollWidth: document.documentElement.scrollWidth, wide, small, clipped };
})()`;

const measure = (page: Page): Promise<Layout> => page.evaluate<Layout>(MEASURE);

describe('the summary report laid out at 1280 and 390 px (Debian chromium, DevTools protocol)', () => {
  for (const width of [1280, 390]) {
    it(`at ${width} px: nothing wider than the window, text of 12 px or more, no request or console message; screenshot in docs/`, async () => {
      await withPage(file, width, width === 390 ? 844 : 900, async (page) => {
        const layout = await measure(page);
        expect(layout.viewport).toBe(width);
        expect(layout.wide).toEqual([]);
        expect(layout.scrollWidth).toBeLessThanOrEqual(width);
        expect(layout.small).toEqual([]);
        expect(layout.clipped).toEqual([]);
        // what the page is: a headline, a table of contents that leads somewhere, the charts
        const found = await page.evaluate<{ figures: number; toc: number; targets: number; charts: string[] }>(
          `({ figures: document.querySelectorAll('.headline .figure').length, toc: document.querySelectorAll('nav.toc a').length, targets: [...document.querySelectorAll('nav.toc a')].filter((a) => document.getElementById(a.getAttribute('href').slice(1))).length, charts: [...document.querySelectorAll('.chart')].map((c) => c.getAttribute('class')) })`,
        );
        expect(found.figures).toBe(4);
        expect(found.toc).toBeGreaterThan(8);
        expect(found.targets).toBe(found.toc);
        for (const cls of ['pyramid', 'funnel', 'heatmap', 'trend', 'bars', 'check']) expect(found.charts).toContain(`chart ${cls}`);
        fs.mkdirSync(DOCS, { recursive: true });
        fs.writeFileSync(path.join(DOCS, `report-${width}.png`), await page.screenshot());
        expect(page.problems).toEqual([]);
        expect(page.requests).toEqual([]);
      });
    });
  }

  it('a long reason reads in three lines at most at 1280 px, the rest one click away; at 390 px the cohorts stay a table', async () => {
    // Before: the watchlist's reasons took up to 13 lines at 1280 px, and each cohort month was a card at 390 px.
    await withPage(file, 1280, 900, async (page) => {
      const cells = await page.evaluate<{ lines: number; more: boolean; text: string }[]>(
        `[...document.querySelectorAll('table[data-table="watchlist"] td[data-label="reasons"]')].map((td) => { const shown = td.querySelector('summary') ?? td; return { lines: Math.round(shown.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)), more: shown !== td, text: td.textContent }; })`,
      );
      expect(cells).toHaveLength(25);
      expect(cells.filter((c) => c.lines > 3)).toEqual([]);
      // the long ones keep every clause in the page, behind their first
      const long = cells.filter((c) => c.more);
      expect(long.length).toBeGreaterThan(10);
      for (const c of long) expect(c.text).toMatch(/\(\d more\).+/);
    });
    await withPage(file, 390, 844, async (page) => {
      const cohorts = await page.evaluate<{ display: string; rows: number; fits: boolean }>(
        `(() => { const t = document.querySelector('table[data-table="cohorts"]'); const box = t.parentElement; return { display: getComputedStyle(t.querySelector('tbody tr')).display, rows: t.querySelectorAll('tbody tr').length, fits: box.scrollWidth <= box.clientWidth }; })()`,
      );
      expect(cohorts).toEqual({ display: 'table-row', rows: 25, fits: true });
    });
  });

  it('a cohort grid of 50 months (a shop whose last cohorts are old) scrolls in its own box at 390 px; the page stays the width of the phone', async () => {
    const db = path.join(t.dir, 'old-cohorts.db');
    expect((await run(['--db', db, '-q', 'import', 'transactions', fixture('segment', 'shop.csv')])).code).toBe(0);
    const wide = path.join(t.dir, 'cohorts.html');
    expect((await run(['--db', db, 'report', 'cohorts', '--as-of', '2025-12-31', '--out', wide])).code).toBe(0);
    await withPage(wide, 390, 844, async (page) => {
      expect((await measure(page)).scrollWidth).toBeLessThanOrEqual(390);
      const grid = await page.evaluate<{ months: number; scrolls: boolean }>(
        `(() => { const t = document.querySelector('table.heatmap'); const box = t.parentElement; return { months: t.querySelectorAll('thead th').length - 1, scrolls: box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto' }; })()`,
      );
      expect(grid).toEqual({ months: 50, scrolls: true });
    });
  });

  it('the checks can fail: a page too wide, with small text, a request and a console error is caught', async () => {
    const bad = path.join(t.dir, 'bad.html');
    fs.writeFileSync(
      bad,
      `<!doctype html><meta name="viewport" content="width=device-width"><div class="wide" style="width:600px;font-size:9px">wide</div><svg width="100" height="30"><text x="-20" y="20">cut off</text></svg><img src="http://203.0.113.1/x.png">`,
    );
    await withPage(bad, 390, 844, async (page) => {
      const layout = await measure(page);
      expect(layout.wide.some((w) => w.startsWith('div.wide'))).toBe(true);
      expect(layout.scrollWidth).toBeGreaterThan(390);
      expect(layout.small[0]).toMatch(/^div\.wide 9\.0px/);
      expect(layout.clipped[0]).toMatch(/^cut off /);
      expect(page.requests).toEqual(['http://203.0.113.1/x.png']);
    });
    const csp = path.join(t.dir, 'csp.html');
    fs.writeFileSync(csp, `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><img src="http://203.0.113.1/x.png">`);
    await withPage(csp, 390, 844, async (page) => {
      // give the log a moment: the violation is reported after the load
      await new Promise((r) => setTimeout(r, 300));
      expect(page.problems.length).toBeGreaterThan(0);
    });
  });
});
