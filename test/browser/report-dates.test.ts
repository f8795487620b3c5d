/**
 * A date in the report's sentences stays on one line on a phone (390 css pixels): "on 2026-08-01"
 * broke after its first hyphen (2026- / 08-01) in the sample shop's summary, seen walking the
 * README; a Chinese date (2026年8月1日) may break between its characters the same way.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';
import { withPage, type Page } from './devtools.js';

// The sample's last sale is on 2026-10-31.
const AS_OF = '2026-10-31';
let t: ReturnType<typeof tempDir>;
const files: Record<string, string> = {};
beforeAll(async () => {
  t = tempDir();
  expect((await run(['--db', t.db, '-q', 'demo'])).code).toBe(0);
  for (const lang of ['en', 'zh-CN']) {
    files[lang] = path.join(t.dir, `summary-${lang}.html`);
    const r = await run(['--lang', lang, '--db', t.db, '--format', 'html', 'report', 'summary', '--as-of', AS_OF, '--out', files[lang]!]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => t.cleanup());

/** Every date in the page's sentences (paragraphs, list items, the headline's details), and those laid out on more than one line. */
const DATES = `(() => {
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const broken = [];
  let dates = 0;
  for (const e of document.querySelectorAll('p, li, .figure .detail')) {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/\\d{4}-\\d{2}-\\d{2}|\\d{4}年\\d{1,2}月(?:\\d{1,2}日)?/g)) {
        dates++;
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        if (lines(range) > 1) broken.push(m[0]);
      }
    }
  }
  return { broken, dates };
})()`;

const measure = (page: Page): Promise<{ broken: string[]; dates: number }> => page.evaluate(DATES);

describe("the summary report's sentences at 390 px", () => {
  for (const lang of ['en', 'zh-CN']) {
    it(`keep each date on one line (${lang})`, async () => {
      await withPage(files[lang]!, 390, 844, async (page) => {
        const m = await measure(page);
        expect(m.dates).toBeGreaterThan(5);
        expect(m.broken).toEqual([]);
        expect(page.problems).toEqual([]);
      });
    });
  }
});
