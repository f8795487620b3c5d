/** The record loop shared by the parsing worker and the main thread: text -> CSV records -> rows or rejects. */
import { CsvParser } from '../core/csv.js';
import { TextReader, type SourceFile } from './source.js';
import type { FileShape, Reject } from './validate.js';

export interface RecordHandler {
  /** A record with the header's number of fields. */
  row(fields: string[], line: number, raw: string): void;
  reject(r: Reject): void;
  /** Called every few MB with the bytes read so far. */
  progress?(bytesRead: number): void;
}

export interface ReadStats {
  read: number;
  blankLines: number;
  /** The line the file ended on without a newline (it may have been cut short), or null. */
  unterminatedLine: number | null;
  /** SHA-256 of the file, when asked for. */
  sha256: string | null;
}

export function readRecords(source: Pick<SourceFile, 'name' | 'path'>, shape: FileShape, handler: RecordHandler, options: { hash?: boolean } = {}): ReadStats {
  const stats: ReadStats = { read: 0, blankLines: 0, sha256: null, unterminatedLine: null };
  const width = shape.headers.length;
  const reader = new TextReader(source, shape.encoding, options);
  const parser: CsvParser = new CsvParser(
    { delimiter: shape.delimiter, expectedFields: width },
    {
      record(fields, line, raw) {
        if (line <= shape.headerLine) return;
        if (fields.length !== width) {
          if (fields.every((f) => f.trim() === '')) {
            stats.blankLines++;
            return;
          }
          stats.read++;
          const cut = parser.endedWithoutNewline && fields.length < width ? ' (the last line looks cut short)' : '';
          handler.reject({ line, field: null, raw, reason: `expected ${width} fields, found ${fields.length}${cut}` });
          return;
        }
        stats.read++;
        handler.row(fields, line, raw);
      },
      bad(raw, line, reason) {
        stats.read++;
        handler.reject({ line, field: null, raw, reason });
      },
    },
  );
  try {
    let text = reader.next();
    if (text !== null && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let lastReport = 0;
    while (text !== null) {
      parser.push(text);
      if (handler.progress && reader.bytesRead - lastReport >= 4 * 1024 * 1024) {
        lastReport = reader.bytesRead;
        handler.progress(reader.bytesRead);
      }
      text = reader.next();
    }
    parser.end();
    stats.sha256 = reader.digest();
    if (parser.endedWithoutNewline) stats.unterminatedLine = parser.lines;
  } finally {
    reader.close();
  }
  stats.blankLines += parser.blankLines;
  return stats;
}
