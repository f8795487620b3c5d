/**
 * Markdown reports rendered as a reader's tools render them (issue 12, item 1): staff names that
 * break out of the chart's code block into an <img onerror>, a remote image, a link, an autolink,
 * a bare address, and a CR that splits a table row, imported as sales; `report staff` and
 * `report summary` written as Markdown, rendered by markdown-it with raw HTML and linkify on, and
 * opened in headless chromium on a page with no Content-Security-Policy. Every address points at
 * a server in this test, which counts what it is asked for: nothing may be, no element from the
 * data may be in the page, and no script may run.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.js';
import { chromium, NEED_CHROMIUM, openPage } from './chromium.js';

const md = new MarkdownIt({ html: true, linkify: true });

describe('Markdown reports in markdown-it and chromium', () => {
  let t: ReturnType<typeof tempDir>;
  let server: http.Server;
  const asked: string[] = [];
  let base = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.end('');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = tempDir();
    const names = [
      // ends the chart's code block, then runs a script when the image fails
      `Sam\n\`\`\`\n<img src=x onerror="fetch('${base}/ran-img')">`,
      `Ann\r\`\`\`\r<script>fetch('${base}/ran-script')</script>`,
      `![x](${base}/image.png) [Pay here](${base}/pay)`,
      `<${base}/autolink> ${base}/bare www.example.com`,
      'Bob\rSmith | split',
    ];
    const lines = ['invoice,date,customer_id,amount,staff'];
    names.forEach((n, i) => {
      for (let k = 0; k < 3; k++) lines.push(`I${i}-${k},2025-0${k + 1}-1${i},C${i},${10 + k}.00,"${n.replace(/"/g, '""')}"`);
    });
    const file = t.file('sales.csv', lines.join('\n') + '\n');
    const r = await run(['--db', t.db, '-q', 'import', 'transactions', file]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    t?.cleanup();
    await new Promise((r) => server.close(r));
  });

  /** The Markdown as a page, as a wiki or a mail client would show it: no policy to save it. */
  const page = (markdown: string, name: string): string => {
    const file = path.join(t.dir, `${name}.html`);
    fs.writeFileSync(file, `<!doctype html><meta charset="utf-8"><title>report</title><body>${md.render(markdown)}</body>`);
    return file;
  };

  it('has a browser to run', () => {
    expect(chromium, NEED_CHROMIUM).toBeDefined();
  });

  for (const name of ['staff', 'summary']) {
    it(`report ${name}: no element from the data, no request, no script`, async () => {
      const out = path.join(t.dir, `${name}.md`);
      const r = await run(['--db', t.db, 'report', name, '--as-of', '2025-12-31', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      asked.length = 0;
      const shown = await openPage(page(fs.readFileSync(out, 'utf8'), name));
      const body = shown.dom.slice(shown.dom.indexOf('<body>'));
      expect(body).not.toMatch(/<(img|a|script|iframe|svg)\b/i);
      expect(asked).toEqual([]);
      // the names are there, as text, and the staff table has one row per member of staff (five)
      expect(body).toContain('Pay here');
      expect(body).toContain('onerror=');
      expect(body).toContain('Bob Smith | split');
      const staffRows = body.slice(body.indexOf('<th>staff</th>'));
      expect(staffRows.slice(0, staffRows.indexOf('</table>')).match(/<tr>/g)).toHaveLength(5);
    }, 120_000);
  }

  it('the check can fail: the same names in a Markdown file written without escaping reach the server', async () => {
    asked.length = 0;
    const raw = ['```', 'Sam', '```', `<img src=x onerror="fetch('${base}/ran-img')">`, '', `![x](${base}/image.png)`, ''].join('\n');
    const shown = await openPage(page(raw, 'unescaped'));
    expect(shown.dom).toMatch(/<img\b/);
    expect(asked.sort()).toEqual(['/image.png', '/ran-img']);
  }, 120_000);
});
