/**
 * One escaping rule per output medium (issue 12): the terminal, Markdown and CSV rules on hostile
 * strings, the terminal guard as a stream, and Markdown reports read back by markdown-it.
 */
import { PassThrough } from 'node:stream';
import MarkdownIt from 'markdown-it';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fenceFor, markdownLine, markdownText, oneLine, terminalStream, terminalText } from '../../src/text/escape.js';
import { neutralise, neutraliseLines } from '../../src/core/csvSafe.js';
import { guarded, rawStream, TerminalGuard, type IO } from '../../src/cli/io.js';
import { renderMarkdown, renderText } from '../../src/reports/render.js';
import type { Report } from '../../src/reports/model.js';
import { run, tempDir } from '../helpers.js';

const ESC = '\u001b';
const BEL = '\u0007';
const CLIPBOARD = `${ESC}]52;c;cm0gLXJmIH4gIw==${BEL}`; // OSC 52: "rm -rf ~ #" into the clipboard
const TITLE = `${ESC}]2;pwned${BEL}`; // OSC 2: the window title
const CLEAR = `${ESC}[2J`; // CSI 2J: clear the screen
const CSI8 = '\u009b2J'; // the one-character C1 CSI
const RLO = '\u202e'; // right-to-left override
const HOSTILE = [CLIPBOARD, TITLE, CLEAR, CSI8, RLO, `${ESC}[8mhidden`, '\r', '\u007f', '\u0000'];

/** Every byte a terminal would act on: any control but newline and tab, C1, bidi overrides. */
const ACTS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('terminal: control characters are shown, never emitted', () => {
  it('shows each hostile sequence as visible text', () => {
    for (const h of HOSTILE) {
      const out = terminalText(`Eve ${h} Smith`);
      expect(out, JSON.stringify(h)).not.toMatch(ACTS);
      expect(out.startsWith('Eve ') && out.endsWith(' Smith')).toBe(true);
    }
    expect(terminalText(CLEAR)).toBe('\\x1b[2J');
    expect(terminalText(CSI8)).toBe('\\u009b2J');
    expect(terminalText(RLO + 'abc')).toBe('\\u202eabc');
    expect(terminalText('a\rb')).toBe('a\\x0db');
  });

  it('keeps newlines, tabs and ordinary text, accents and CJK included', () => {
    const ok = 'Zoë Ångström\t北京\nline two — £5.00';
    expect(terminalText(ok)).toBe(ok);
  });

  it("a stream write keeps rapport's own colour codes and nothing else", () => {
    const own = `${ESC}[1mbold${ESC}[22m ${ESC}[31mred${ESC}[39m`;
    expect(terminalStream(own)).toBe(own);
    const out = terminalStream(`${ESC}[1m${CLIPBOARD}${TITLE}${CLEAR}${ESC}[8m${ESC}[?1049h${ESC}[22m`);
    // only the bold on and off are left as escape sequences
    expect(out.match(/\x1b/g)).toHaveLength(2);
    expect(out.startsWith(`${ESC}[1m`) && out.endsWith(`${ESC}[22m`)).toBe(true);
    expect(out).toContain('\\x1b]52;c;');
    expect(out).toContain('\\x1b[8m'); // hidden text is not one of ours
  });

  it('the guard escapes whatever is written through it, strings or bytes, and gives the raw stream to those who draw', async () => {
    const sink = new PassThrough();
    let got = '';
    sink.on('data', (b: Buffer) => (got += b.toString('utf8')));
    const guard = new TerminalGuard(sink);
    guard.write(`name: Eve${CLEAR}\n`);
    guard.write(Buffer.from(`file: x${TITLE}.csv ${ESC}[1mok${ESC}[22m\n`));
    // a multi-byte character cut between two writes still arrives whole
    const e = Buffer.from('é');
    guard.write(e.subarray(0, 1));
    guard.write(e.subarray(1));
    await new Promise((r) => setImmediate(r));
    expect(got).toBe(`name: Eve\\x1b[2J\nfile: x\\x1b]2;pwned\\x07.csv ${ESC}[1mok${ESC}[22m\né`);
    expect(rawStream(guard)).toBe(sink);
    expect(rawStream(sink)).toBe(sink);
  });

  it('JSON shown on a terminal is still valid JSON, with the same values', () => {
    const value = { name: `Eve${CLEAR}${CSI8}${RLO}\u007f`, summary: `late ${CLIPBOARD}` };
    const out = terminalStream(JSON.stringify(value));
    expect(out).not.toMatch(ACTS);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('guards stderr always and stdout only on a terminal', () => {
    const io = (tty: boolean): IO => ({
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      stdoutIsTTY: tty,
      progress: false,
      color: false,
      canPrompt: false,
      quiet: false,
      env: {},
      cwd: '/',
    });
    expect(guarded(io(true)).stdout).toBeInstanceOf(TerminalGuard);
    expect(guarded(io(false)).stdout).not.toBeInstanceOf(TerminalGuard);
    expect(guarded(io(false)).stderr).toBeInstanceOf(TerminalGuard);
    const twice = guarded(guarded(io(true)));
    expect(rawStream(twice.stdout)).not.toBeInstanceOf(TerminalGuard);
  });
});

const md = new MarkdownIt({ html: true, linkify: true });

describe('Markdown: text from the data is text', () => {
  const attacks = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '![x](http://127.0.0.1:9/p.png)',
    '[Pay here](http://127.0.0.1:9/pay)',
    '<http://127.0.0.1:9/auto>',
    'http://127.0.0.1:9/bare',
    'www.evil.example/pay',
    'pay.evil.example',
    'mailto:a@evil.example',
    'someone@evil.example',
    '&lt;img src=x onerror=alert(1)&gt;',
    '**bold** _it_ ~~gone~~ `code`',
  ];

  it('renders as the same text, with no element and no link', () => {
    for (const a of attacks) {
      const html = md.renderInline(markdownText(a));
      expect(html, a).not.toMatch(/<(?!\/?(p)\b)[a-z]/i);
      // what a reader sees is the text that was there
      const seen = html
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
      expect(seen, a).toBe(a);
    }
  });

  it('a line of text starts no block: heading, quote, list, rule, setext underline, code', () => {
    for (const a of ['# Heading', '> quote', '- item', '+ item', '1. item', '2) item', '---', '===', '    code', '| a | b |']) {
      const html = md.render(markdownLine(a));
      expect(html, a).toMatch(/^<p>[^<]*<\/p>\n$/);
    }
  });

  it('line breaks of every kind become spaces', () => {
    expect(oneLine('a\r\nb\rc\nd\u2028e\u2029f\u000bg\u000ch\u0085i')).toBe('a b c d e f g h i');
    expect(markdownText('Bob\rSmith')).toBe('Bob Smith');
  });

  it('a fence is longer than any run of backticks inside it', () => {
    expect(fenceFor(['plain'])).toBe('```');
    expect(fenceFor(['a ``` b', '````'])).toBe('`````');
  });

  /** A report whose every label and cell is hostile. */
  const hostileReport = (name: string): Report => ({
    name: 'staff',
    title: 'Staff as of 2025-12-31',
    asOf: '2025-12-31',
    currency: 'GBP',
    exponent: 2,
    sections: [
      {
        title: 'Staff',
        lines: ['Each customer counts for their account manager.'],
        chart: {
          type: 'bars',
          title: 'Retention by staff',
          bars: [
            { label: name, value: 0.5 },
            { label: 'Al', value: 1 },
          ],
          kind: 'share',
        },
        tables: [
          {
            name: 'staff',
            columns: [
              { key: 'staff', header: 'staff', kind: 'text' },
              { key: 'revenue', header: 'revenue', kind: 'money' },
            ],
            rows: [
              { staff: name, revenue: 1250 },
              { staff: 'Al', revenue: -500 },
            ],
          },
        ],
      },
    ],
  });

  it('a report with a fence break, HTML, links and a CR in a name: no element from the data, one row per row', () => {
    for (const name of [
      'Sam\n```\n<img src=x onerror=alert(1)>',
      'Sam\r```\r<img src=x onerror=alert(1)>',
      '![x](http://127.0.0.1:9/p.png) [Pay here](http://127.0.0.1:9/pay)',
      'Bob\rSmith | extra',
      '`````\n<script>alert(1)</script>',
    ]) {
      const text = renderMarkdown(hostileReport(name));
      const html = md.render(text);
      expect(html, name).not.toMatch(/<(img|a|script|iframe)\b/i);
      expect(html, name).not.toContain('onerror=alert(1)>');
      // the chart stays one code block, and the table has its two rows
      expect(html.match(/<pre>/g), name).toHaveLength(1);
      expect(html.match(/<tr>/g), name).toHaveLength(3); // header and two rows
      expect(html).toContain('<td style="text-align:right">-5.00</td>');
    }
  });

  it('the check can fail: the same report, unescaped, runs the image', () => {
    const raw = '```\nSam\n```\n<img src=x onerror=alert(1)>\n```';
    expect(md.render(raw)).toMatch(/<img src=x onerror=alert\(1\)>/);
  });

  it('text reports show the chart label escaped on one line', () => {
    let out = '';
    renderText(
      hostileReport(`Sam\n${CLEAR}`),
      () => undefined,
      (s) => s,
      (s) => void (out += s),
    );
    expect(out).toContain('Sam \\x1b[2J');
    expect(out).not.toMatch(ACTS);
  });
});

describe('CSV: formula protection on every cell', () => {
  it('neutralise prefixes = + - @ tab and CR', () => {
    for (const c of ['=1+1', '+C9', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) expect(neutralise(c)).toBe(`'${c}`);
    expect(neutralise('Eve')).toBe('Eve');
  });

  it('raw lines: dangerous cells get a quote, quoted or not; numbers and the rest are kept', () => {
    expect(neutraliseLines('I4,notadate,E1,=BAD(),@B', ',')).toBe("I4,notadate,E1,'=BAD(),'@B");
    expect(neutraliseLines('I5,2025-01-02,+C9,-5.00,"=HYPERLINK(""http://x"")"', ',')).toBe('I5,2025-01-02,\'+C9,-5.00,"\'=HYPERLINK(""http://x"")"');
    expect(neutraliseLines('a;-1,5;@x;"b;c"', ';')).toBe('a;-1,5;\'@x;"b;c"');
    expect(neutraliseLines('a\t=1\t+2', '\t')).toBe("a\t'=1\t+2");
    // a quoted cell across a line break is one cell; the next line's first cell is checked
    expect(neutraliseLines('"x\n=y",ok\n=z,1', ',')).toBe('"x\n=y",ok\n\'=z,1');
    // an unbalanced quote does not stop the rest from being read
    expect(neutraliseLines('"abc,=d', ',')).toBe('"abc,=d');
    expect(neutraliseLines('', ',')).toBe('');
    expect(neutraliseLines('a,,', ',')).toBe('a,,');
  });

  it('every cell of the result is safe when a spreadsheet reads it', () => {
    const lines = ['id,name,amount', "1,=cmd|' /C calc'!A0,-3.50", '2,"@SUM(1)",+1', '3,"  =x",4', '4,-x-,5'];
    const cells = parse(lines.map((l) => neutraliseLines(l, ',')).join('\n'), { relax_column_count: true }) as string[][];
    for (const row of cells) for (const cell of row) if (!/^[-+]?\d[\d.,]*$/.test(cell)) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells[1]![1]).toBe("'=cmd|' /C calc'!A0");
    expect(cells[4]![1]).toBe("'-x-");
  });
});

describe('rejects --raw is CSV like every other (issue 12, item 10)', () => {
  it('protects =, @ and + cells of the rejected lines and the header, and keeps refunds as numbers', async () => {
    const t = tempDir();
    try {
      const file = t.file(
        'sales.csv',
        [
          'invoice,date,customer_id,amount,@product',
          'I1,2025-01-02,C1,10.00,Tea',
          'I2,2025-01-03,C1,-5.00,Tea',
          'I3,notadate,C1,=BAD(),@B',
          'I4,2025-01-05,+C9,oops,-5.00',
        ].join('\n') + '\n',
      );
      expect((await run(['--db', t.db, '-q', 'import', 'transactions', file])).code).toBe(0);
      const r = await run(['--db', t.db, 'rejects', '1', '--raw']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(["invoice,date,customer_id,amount,'@product", "I3,notadate,C1,'=BAD(),'@B", "I4,2025-01-05,'+C9,oops,-5.00", ''].join('\n'));
      expect(r.stderr).toMatch(/3 line\(s\) had a cell starting with/);
      const cells = parse(r.stdout) as string[][];
      for (const row of cells) for (const cell of row) if (!/^[-+]?\d[\d.,]*$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    } finally {
      t.cleanup();
    }
  });

  it('a table asked for on a pipe is for people too: the card and complaint show escape their text', async () => {
    const t = tempDir();
    try {
      expect((await run(['--db', t.db, '-q', 'import', 'customers', t.file('c.csv', 'customer_id,name\nA1,Ann\n')])).code).toBe(0);
      const added = await run([
        '--db',
        t.db,
        '-q',
        'complaint',
        'add',
        '--customer',
        'Z1',
        '--new-customer',
        '--name',
        `Zed${TITLE}`,
        '--category',
        'price',
        '--summary',
        `late ${CLIPBOARD}`,
      ]);
      expect(added.code, added.stderr).toBe(0);
      for (const args of [
        ['customer', 'Z1'],
        ['complaint', 'show', '1'],
        ['complaint', 'list'],
      ]) {
        const r = await run(['--db', t.db, '--format', 'table', ...args]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout, args.join(' ')).toMatch(/\\x1b\]/);
        expect(r.stdout, args.join(' ')).not.toMatch(ACTS);
      }
      // CSV for a machine keeps the value as stored
      const csv = await run(['--db', t.db, '--format', 'csv', 'complaint', 'show', '1']);
      expect(csv.stdout).toContain(CLIPBOARD);
    } finally {
      t.cleanup();
    }
  });

  it('messages on stderr that quote a file name show its escape sequences', async () => {
    const t = tempDir();
    try {
      const r = await run(['--db', t.db, 'import', 'transactions', `nofile${CLEAR}${TITLE}.csv`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('nofile\\x1b[2J\\x1b]2;pwned\\x07.csv');
      expect(r.stderr).not.toMatch(ACTS);
    } finally {
      t.cleanup();
    }
  });
});
