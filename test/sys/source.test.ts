import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { RapportError } from '../../src/sys/errors.js';
import { TextReader, firstInvalidUtf8, looksBinary, type SourceFile } from '../../src/import/source.js';
import { tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

function readAll(content: Buffer, encoding?: string): { text: string; encoding: string } {
  t = tempDir();
  const file = t.file('in.csv', content);
  const src: SourceFile = { name: 'in.csv', path: file, size: content.length, sha256: null, cleanup: () => {} };
  const r = new TextReader(src, encoding);
  let text = '';
  try {
    for (let s = r.next(); s !== null; s = r.next()) text += s;
  } finally {
    r.close();
  }
  return { text, encoding: r.encoding };
}

describe('TextReader', () => {
  it('strips a UTF-8 BOM and reads UTF-16 from its BOM', () => {
    expect(readAll(Buffer.from('\uFEFFa,b\n')).text.replace(/^\uFEFF/, '')).toBe('a,b\n');
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('客户,金额\n', 'utf16le')]);
    const r = readAll(u16);
    expect(r.encoding).toBe('utf-16le');
    expect(r.text).toBe('客户,金额\n');
  });

  it('decodes Windows-1252 and GB18030 when told', () => {
    expect(readAll(iconv.encode('Zoë,€5\n', 'windows-1252'), 'windows-1252').text).toBe('Zoë,€5\n');
    expect(readAll(iconv.encode('王伟,日期\n', 'gb18030'), 'gb18030').text).toBe('王伟,日期\n');
  });

  it('turns old Mac line ends into newlines', () => {
    expect(readAll(Buffer.from('a,b\r1,2\r')).text).toBe('a,b\n1,2\n');
  });

  it('names the line of a bad UTF-8 byte far into the file, across chunk boundaries', () => {
    const good = 'C1,2024-01-01,1.00\n'.repeat(40_000); // ~760 KB, several 256 KiB chunks
    const content = Buffer.concat([Buffer.from('customer,date,amount\n' + good), Buffer.from([0x5a, 0xeb, 0x0a])]);
    let err: unknown;
    try {
      readAll(content);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RapportError);
    expect((err as RapportError).message).toContain('line 40002');
    expect((err as RapportError).hint).toContain('windows-1252');
  });
});

describe('byte checks', () => {
  it('finds the first invalid UTF-8 sequence', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo 中文'))).toBe(Buffer.byteLength('héllo 中文'));
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1); // latin1 é
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe4, 0xb8]))).toBe(1); // cut short
  });

  it('tells binary from text with a stray control byte', () => {
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe(true);
    const text = Buffer.from('a,b\n'.repeat(1000) + 'x\u0000y\n');
    expect(looksBinary(text)).toBe(false);
    const noisy = Buffer.alloc(1000, 0x41);
    for (let i = 100; i < 130; i++) noisy[i] = 1;
    expect(looksBinary(noisy)).toBe(true);
  });
});
