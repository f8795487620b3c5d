/**
 * Spreadsheet safety for CSV (OWASP, "CSV Injection"): a text cell that begins with = + - @, a
 * tab or a carriage return can be run as a formula when the file is opened in a spreadsheet, so
 * it is prefixed with a single quote, which spreadsheets show as text. Numbers are written as
 * numbers and never touched (a refund of -5.00 stays -5.00), and so is text that is only a
 * negative number ("-1", "-12.50", "-3,5": a customer id or an exported amount): OWASP's concern
 * is formulas, and a spreadsheet reads a plain number as data. "-1+1", "-2+3+cmd|' /C calc'!A0"
 * and anything else after the minus are still guarded. JSON keeps every value exact.
 * Text that already starts with quotes before such a character ("'=x") gets one more, so the
 * guard can be undone exactly (restore): rapport's own export imports back as it was. The import
 * undoes only the exact shapes written here (restore, fromExcelText), and only in a file with the
 * header of rapport's own export.
 */
const DANGEROUS = /^'*[=+\-@\t\r]/;
const NEGATIVE_NUMBER = /^-(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;

export function neutralise(text: string): string {
  return DANGEROUS.test(text) && !NEGATIVE_NUMBER.test(text) ? `'${text}` : text;
}

/** The text neutralise was given: its quote removed when neutralise would have added it. */
export function restore(cell: string): string {
  return cell.startsWith("'") && neutralise(cell.slice(1)) === cell ? cell.slice(1) : cell;
}

/**
 * A phone number as Excel text: `="+44 7700 118158"`, which Excel shows as the number, as text
 * (neither the guard's quote nor a dropped leading 0). Only for a value that is nothing but a
 * phone number (an optional +, then digits, spaces and ( ) - . /), so the formula rapport builds
 * can hold nobody else's; null for anything else.
 */
export function excelText(value: string): string | null {
  const t = value.trim();
  return EXCEL_PHONE.test(t) ? `="${t}"` : null;
}

/** The value excelText was given, when `cell` is exactly what excelText writes; else the cell as it is. */
export function fromExcelText(cell: string): string {
  const m = /^="(.*)"$/.exec(cell);
  return m !== null && EXCEL_PHONE.test(m[1]!) ? m[1]! : cell;
}

const EXCEL_PHONE = /^(\+|0)[0-9 ().\-/]*[0-9]$/;

/** A plain number (-5.00, +3, -1,5) is data a spreadsheet reads as a number, not a formula. */
const PLAIN_NUMBER = /^[-+]?\d[\d.,]*$/;

/**
 * Lines of CSV as they were in a file (rejected rows shown with --raw), each cell that would be
 * run as a formula prefixed with a quote as neutralise() does, inside its quotes if it has them;
 * nothing else in the text changes, so the lines can still be fixed and imported again. Plain
 * numbers are left as they are: a refund's -5.00 in the amount column must import again. Quotes
 * are followed across line breaks, so a quoted cell holding a new line is one cell; text with an
 * unbalanced quote is cut into cells as a reader that tolerates it would.
 */
export function neutraliseLines(text: string, delimiter: string): string {
  let out = '';
  let i = 0;
  while (i <= text.length) {
    // at the start of a cell
    const quoted = text[i] === '"';
    const start = quoted ? i + 1 : i;
    let end = start;
    if (quoted) {
      while (end < text.length && !(text[end] === '"' && text[end + 1] !== '"')) end += text[end] === '"' ? 2 : 1;
    } else {
      while (end < text.length && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end++;
    }
    const cell = text.slice(start, end);
    out += (quoted ? '"' : '') + (DANGEROUS.test(cell) && !PLAIN_NUMBER.test(cell) ? "'" : '') + cell;
    i = end;
    if (quoted && i < text.length) {
      // the closing quote and anything after it up to the cell's end
      let close = i + 1;
      while (close < text.length && text[close] !== delimiter && text[close] !== '\n' && text[close] !== '\r') close++;
      out += text.slice(i, close);
      i = close;
    }
    if (i >= text.length) break;
    // the delimiter or line break that ends the cell
    const brk = text[i] === '\r' && text[i + 1] === '\n' ? '\r\n' : text[i]!;
    out += brk;
    i += brk.length;
  }
  return out;
}
