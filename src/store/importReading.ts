/** How an import read its file, from its record (either back end stores the same options JSON). */
import type { ImportReading } from './types.js';

/** An import's reading from its record's kind and options (JSON). */
export function readingOf(kind: string, options: string): ImportReading {
  const o = JSON.parse(options) as {
    header?: string;
    delimiter?: string;
    dateFormat?: string;
    decimalComma?: boolean;
    reading?: { map?: Record<string, string>; keepAll?: boolean };
  };
  return {
    kind,
    header: typeof o.header === 'string' ? o.header : null,
    delimiter: o.delimiter ?? ',',
    dateFormat: o.dateFormat ?? 'ISO',
    decimalComma: o.decimalComma === true,
    map: o.reading?.map ?? {},
    keepAll: o.reading?.keepAll === true,
    // Recorded as an empty header line (imports before --no-header always recorded a real one).
    noHeader: o.header === '',
  };
}
