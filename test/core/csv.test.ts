import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvParser, parseAll, sniffDelimiter } from '../../src/core/csv.js';
import { rng } from '../../bench/synth/generate.js';

/** Feeds text to the parser in pieces of the given sizes and collects records and bad records. */
function feed(text: string, delimiter: string, pieces: number[], maxRecordChars?: number, expectedFields?: number) {
  const records: { fields: string[]; line: number; raw: string }[] = [];
  const bad: { line: number; reason: string }[] = [];
  const p = new CsvParser(
    { delimiter, maxRecordChars, expectedFields },
    {
      record: (fields, line, raw) => records.push({ fields, line, raw }),
      bad: (_raw, line, reason) => bad.push({ line, reason }),
    },
  );
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const n = pieces[k++ % pieces.length]!;
    p.push(text.slice(at, at + n));
    at += n;
  }
  p.end();
  return { records, bad, parser: p };
}

describe('CsvParser', () => {
  it('reads plain, quoted, escaped and multi-line fields with their start lines', () => {
    const text = 'a,b,c\n1,"x, y",3\n"he said ""hi""",2,\n"two\nlines",5,6\r\nlast,row,here';
    const { records } = feed(text, ',', [3, 7, 1]);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', '3'],
      ['he said "hi"', '2', ''],
      ['two\nlines', '5', '6'],
      ['last', 'row', 'here'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
    expect(records[3]!.raw).toBe('"two\nlines",5,6');
  });

  it('counts blank lines and knows when the input did not end with a newline', () => {
    const { records, parser } = feed('a,b\n\n1,2\n\n', ',', [100]);
    expect(records).toHaveLength(2);
    expect(parser.blankLines).toBe(2);
    expect(parser.endedWithoutNewline).toBe(false);
    expect(feed('a,b\n1,2', ',', [100]).parser.endedWithoutNewline).toBe(true);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(parseAll('Monitor 24" wide,2\n', ',')).toEqual([['Monitor 24" wide', '2']]);
  });

  it('gives up only the line of an unterminated quote and reads the lines after it', () => {
    const { records, bad } = feed('a,b\n1,"never closed\n2,3\n4,5\n', ',', [5]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [3, ['2', '3']],
      [4, ['4', '5']],
    ]);
    expect(bad).toEqual([{ line: 2, reason: expect.stringContaining('never closed') }]);
  });

  it('takes a quote that swallows whole rows for a stray quote, even when the widths agree', () => {
    const text = 'customer_id,date,amount,note\nc1,2024-01-01,1.00,"oops\nc2,2024-01-02,2.00,fine\nc3,2024-01-03,3.00,"quoted"\n';
    const { records, bad } = feed(text, ',', [7], undefined, 4);
    expect(bad.map((b) => b.line)).toEqual([2]);
    expect(records.map((r) => r.fields[0])).toEqual(['customer_id', 'c2', 'c3']);
    // a note with commas and a line break inside quotes is still one field
    const note = 'a,b,c,d\n1,2,3,"first line\nsecond, with a comma"\n';
    expect(feed(note, ',', [5], undefined, 4).records[1]!.fields[3]).toBe('first line\nsecond, with a comma');
  });

  it('takes a multi-line record of the wrong width for a stray quote', () => {
    // The quote opened on line 2 closes on line 4: that would make one 3-field record of lines 2-4.
    const text = 'a,b\n1,"x\n2,3\n"4",5\n6,7\n';
    const { records, bad } = feed(text, ',', [3], undefined, 2);
    expect(bad.map((b) => b.line)).toEqual([2]);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['2', '3'],
      ['4', '5'],
      ['6', '7'],
    ]);
    // a genuine multi-line field of the right width is still one record
    expect(feed('a,b\n"one\ntwo",3\n', ',', [4], undefined, 2).records[1]!.fields).toEqual(['one\ntwo', '3']);
  });

  it('takes a quote that closes with text after it, on a later line, for a stray quote', () => {
    // Issue 22: the quote opened on line 2 meets the one opening line 3's product; the widths agree.
    const text = 'customer_id,date,amount,product\nC1,2024-01-05,2.00,"Large mug\nC2,2024-01-06,4.00,"Special" blend\n';
    const { records, bad } = feed(text, ',', [6], undefined, 4);
    expect(bad).toEqual([{ line: 2, reason: expect.stringContaining('stray quote') }]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['customer_id', 'date', 'amount', 'product']],
      [3, ['C2', '2024-01-06', '4.00', 'Special blend']],
    ]);
    // without the header's width known too
    expect(feed(text, ',', [100]).bad.map((b) => b.line)).toEqual([2]);
    // on a line of its own, text after a closing quote is still kept
    expect(parseAll('"a"b,c\n', ',')).toEqual([['ab', 'c']]);
  });

  it('keeps a multi-line field whose quote closes before a delimiter or the end of the line', () => {
    const text = 'customer_id,date,amount,product\nC1,2024-01-05,2.00,"Large mug\nwith a ""lid"""\n"C2\nb",2024-01-06,4.00,Tea\n';
    const { records, bad } = feed(text, ',', [5], undefined, 4);
    expect(bad).toEqual([]);
    expect(records.slice(1).map((r) => [r.line, r.fields])).toEqual([
      [2, ['C1', '2024-01-05', '2.00', 'Large mug\nwith a "lid"']],
      [4, ['C2\nb', '2024-01-06', '4.00', 'Tea']],
    ]);
  });

  it('resumes after an open quote that outgrows the record limit', () => {
    const { records, bad } = feed('h\n"open\n' + 'x\n'.repeat(50) + 'ok\n', ',', [4], 40);
    expect(bad[0]!.line).toBe(2);
    expect(records.at(-1)!.fields).toEqual(['ok']);
  });

  it('bounds a single huge line', () => {
    const { records, bad } = feed('h\n' + 'y'.repeat(1000) + '\nnext\n', ',', [64], 100);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.line).toBe(2);
    expect(records.map((r) => r.fields[0])).toEqual(['h', 'next']);
  });

  it('agrees with csv-parse on generated well-formed files', () => {
    const u = rng(1234);
    const pick = (s: string) => s[Math.floor(u() * s.length)]!;
    for (let trial = 0; trial < 200; trial++) {
      const delimiter = pick(',;\t|');
      const width = 1 + Math.floor(u() * 5);
      const rows: string[][] = [];
      for (let r = 0; r < 1 + Math.floor(u() * 8); r++) {
        const row: string[] = [];
        for (let c = 0; c < width; c++) {
          let v = '';
          for (let k = Math.floor(u() * 6); k > 0; k--) v += pick(`ab1 "\n,;\t|é中`);
          row.push(v);
        }
        rows.push(row);
      }
      const quoteAll = u() < 0.3;
      const text = rows
        .map((row) =>
          row.map((v) => (quoteAll || /["\n\r]/.test(v) || v.includes(delimiter) || v === '' ? '"' + v.replace(/"/g, '""') + '"' : v)).join(delimiter),
        )
        .join(u() < 0.5 ? '\n' : '\r\n');
      const expected = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
      const { records } = feed(text, delimiter, [1 + Math.floor(u() * 9)]);
      expect(
        records.map((r) => r.fields),
        JSON.stringify(text),
      ).toEqual(expected);
    }
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1;2,5;3\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['name,amount\n"Smith; John",3\n', ','],
  ])('%j -> %j', (text, d) => {
    expect(sniffDelimiter(text)).toBe(d);
  });
});
