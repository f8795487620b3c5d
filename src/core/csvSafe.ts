/**
 * Spreadsheet safety for CSV (OWASP, "CSV Injection"): a text cell that begins with = + - @, a
 * tab or a carriage return can be run as a formula when the file is opened in a spreadsheet, so
 * it is prefixed with a single quote, which spreadsheets show as text. Numbers are written as
 * numbers and never touched (a refund of -5.00 stays -5.00), and so is text that is only a
 * negative number ("-1", "-12.50", "-3,5": a customer id or an exported amount): OWASP's concern
 * is formulas, and a spreadsheet reads a plain number as data. "-1+1", "-2+3+cmd|' /C calc'!A0"
 * and anything else after the minus are still guarded. JSON keeps every value exact.
 * Text that already starts with quotes before such a character ("'=x") gets one more, so the
 * guard can be undone exactly (restore): rapport's own export imports back as it was.
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
