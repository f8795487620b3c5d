/**
 * The summary report in Chinese laid out by headless chromium at 1280 and 390 css pixels (issue
 * 21): a table header, a bar label or a heading never breaks inside a Chinese word (名/称), and a
 * date in a title never breaks across lines (2026年11月/26日); the screenshots in docs/ are taken here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';
import { withPage, type Page } from './devtools.js';

const DOCS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs');
// The Chinese demo shop (fixtures/zh-shop) as the demo reports it.
const AS_OF = '2026-11-26';
let t: ReturnType<typeof tempDir>;
let file: string;
beforeAll(async () => {
  t = tempDir();
  expect((await run(['--lang', 'zh-CN', '--db', t.db, '-q', 'demo'])).code).toBe(0);
  file = path.join(t.dir, 'summary.html');
  const r = await run(['--lang', 'zh-CN', '--db', t.db, '--format', 'html', 'report', 'summary', '--as-of', AS_OF, '--out', file]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => t.cleanup());

/** Texts laid out on more than one line that must stay on one: headers and labels without a space, and dates in titles. */
const BROKEN = `(() => {
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const broken = [];
  let headers = 0, dates = 0;
  for (const e of document.querySelectorAll('th, .bar-label, .figure .label')) {
    const text = e.textContent.trim();
    if (text === '' || /\\s/.test(text)) continue;
    headers++;
    const range = document.createRange();
    range.selectNodeContents(e);
    if (lines(range) > 1) broken.push(text);
  }
  for (const e of document.querySelectorAll('h1, h2, caption, figcaption')) {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/\\d{4}年\\d{1,2}月(?:\\d{1,2}日)?/g)) {
        dates++;
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        if (lines(range) > 1) broken.push(m[0]);
      }
    }
  }
  return { broken, headers, dates };
})()`;

const measure = (page: Page): Promise<{ broken: string[]; headers: number; dates: number }> => page.evaluate(BROKEN);

describe('the Chinese summary report at 1280 and 390 px', () => {
  for (const [width, shot] of [
    [1280, 1100],
    [390, 1400],
  ] as const) {
    it(`at ${width} px: no header broken inside a word, no title's date broken; screenshot in docs/`, async () => {
      await withPage(file, width, width === 390 ? 844 : 900, async (page) => {
        const m = await measure(page);
        expect(m.headers).toBeGreaterThan(20);
        expect(m.dates).toBeGreaterThan(0);
        expect(m.broken).toEqual([]);
        fs.writeFileSync(path.join(DOCS, `report-zh-${width}.png`), await page.screenshot(0, shot));
        expect(page.problems).toEqual([]);
      });
    });
  }

  it('the check can fail: a narrow header and a title whose date does not fit are caught', async () => {
    const bad = path.join(t.dir, 'bad.html');
    fs.writeFileSync(
      bad,
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><h1 style="width:11em">客户报告（截至 2026年11月26日）</h1><table><tr><th style="width:1em">名称</th></tr></table>`,
    );
    await withPage(bad, 390, 844, async (page) => {
      expect((await measure(page)).broken).toEqual(['名称', '2026年11月26日']);
    });
  });
});
