/**
 * Chinese on a terminal: a CJK character takes two columns, and Chinese prose has no spaces, so
 * tables and prose break between characters (never inside a Latin word or a number, never
 * before closing punctuation) and still fit 60 and 80 columns.
 */
import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.js';
import { LineFitter, breakUnits, wrapText } from '../../src/text/linefit.js';
import { printRecord, printRows, type Column } from '../../src/cli/output.js';
import { setLang } from '../../src/i18n/index.js';

const REASON = '已有120天没有购买，是平时约21天购买间隔的5.7倍；最近90天没有消费，而之前90天消费了GBP 1,234.50（模型估计仍是客户的概率为31%）。';
const CLOSING = /^[，。：；）！？、]/;

function fakeIo(width: number | null): { io: IO; text: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const io: IO = {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    stdoutIsTTY: true,
    width,
    progress: false,
    color: false,
    canPrompt: false,
    quiet: true,
    env: {},
    cwd: '/',
  };
  return { io, text: () => text };
}

/** The text of a table's column: its cells' lines joined, borders and padding gone. */
const cellsOf = (out: string, column: number): string =>
  out
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│')[column + 1]!.trim())
    .join('');

afterEach(() => setLang('en'));

describe('break points in Chinese text', () => {
  it('breaks between Chinese characters, keeps Latin words and numbers whole and punctuation with the character before it', () => {
    expect(breakUnits('共购买12次，稳定180天')).toEqual(['共', '购', '买', '12', '次，', '稳', '定', '180', '天']);
    expect(breakUnits('（约每21.5天）')).toEqual(['（约', '每', '21.5', '天）']);
    expect(breakUnits('GBP的1,234.50。')).toEqual(['GBP', '的', '1,234.50。']);
    expect(breakUnits('no-purchase')).toEqual(['no-purchase']);
  });

  for (const width of [60, 80]) {
    it(`wraps Chinese prose to ${width} columns: every line fits, nothing is lost, no line starts with closing punctuation`, () => {
      const text = `${REASON}${REASON}`;
      const wrapped = wrapText(text, width).split('\n');
      expect(wrapped.length).toBeGreaterThan(1);
      for (const l of wrapped) {
        expect(stringWidth(l), l).toBeLessThanOrEqual(width);
        expect(l, l).not.toMatch(CLOSING);
      }
      expect(wrapped.join('')).toBe(text);
      // Latin words and numbers are never split across lines.
      for (const w of ['1,234.50', 'GBP', '5.7', '120', '31%'])
        expect(
          wrapped.some((l) => l.includes(w)),
          w,
        ).toBe(true);
    });

    it(`the terminal's line fitter breaks Chinese prose at ${width} columns, hanging under a label's value`, () => {
      const sink = new PassThrough();
      let out = '';
      sink.on('data', (b: Buffer) => (out += b.toString('utf8')));
      const fitter = new LineFitter(sink, width);
      const line = `流失原因  ${REASON}${REASON}`;
      const fitted = fitter.fit(line + '\n');
      const lines = fitted.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines) {
        expect(stringWidth(l), l).toBeLessThanOrEqual(width);
        expect(l.trimStart(), l).not.toMatch(CLOSING);
      }
      // Continuation lines start under the value, which begins at column 10 (4 characters of 2 columns, 2 spaces).
      for (const l of lines.slice(1)) expect(l.startsWith(' '.repeat(10)) && l[10] !== ' ', l).toBe(true);
      expect(lines.map((l, i) => (i === 0 ? l : l.slice(10))).join('')).toBe(line);
      // English still breaks at its spaces, the space dropped at the break.
      expect(
        new LineFitter(sink, 20)
          .fit('one two three four five six\n')
          .split('\n')
          .map((l) => l.trimEnd()),
      ).toEqual(['one two three four', 'five six', '']);
    });

    it(`a table with a Chinese column fits ${width} columns and keeps every character in order`, () => {
      const { io, text } = fakeIo(width);
      const columns: Column[] = [
        { key: 'customer_id', header: '客户' },
        { key: 'tier', header: '价值层' },
        { key: 'reasons', header: '流失原因' },
      ];
      const rows = [
        { customer_id: 'C0001', tier: '铂金层', reasons: REASON },
        { customer_id: 'C0002', tier: '重铅层', reasons: '一次性购买，30天前' },
      ];
      printRows(io, 'table', columns, rows);
      const out = text();
      const lines = out.trimEnd().split('\n');
      for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(width);
      // Every border of every line at the same columns: wide characters counted as two.
      const borders = (l: string): number[] => {
        const at: number[] = [];
        let col = 0;
        for (const ch of l) {
          if ('│┌┐└┘├┤┬┴┼'.includes(ch)) at.push(col);
          col += stringWidth(ch);
        }
        return at;
      };
      for (const l of lines) expect(borders(l), l).toEqual(borders(lines[0]!));
      expect(cellsOf(out, 2)).toBe('流失原因' + REASON + '一次性购买，30天前');
      expect(cellsOf(out, 1)).toBe('价值层铂金层重铅层');
      for (const l of lines) expect(l.split('│')[3]?.trim() ?? '', l).not.toMatch(CLOSING);
    });
  }

  it('pads record labels by their width on the terminal, so Chinese labels line the values up', () => {
    const { io, text } = fakeIo(80);
    printRecord(
      io,
      'table',
      { customer_id: 'C0001', tier: 'platinum', churn_risk: 0.42 },
      { customer_id: '客户编号', tier: '价值层', churn_risk: 'churn risk' },
    );
    const starts = text()
      .trimEnd()
      .split('\n')
      .map((l) => stringWidth(l.slice(0, l.search(/ {2}\S/) + 2)));
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(12);
  });

  it('says "none", "more" and the hidden columns in the reader\'s language', () => {
    setLang('zh-CN');
    const empty = fakeIo(80);
    printRows(empty.io, 'table', [{ key: 'a' }], []);
    expect(empty.text()).toBe('（无）\n');
    const many = fakeIo(80);
    printRows(many.io, 'table', [{ key: 'a' }], [{ a: 1 }, { a: 2 }, { a: 3 }], 1);
    expect(many.text()).toContain('……另有 2 行未显示');
  });
});
