/**
 * Spreadsheet safety for CSV (OWASP, "CSV Injection"): a text cell that begins with = + - @, a
 * tab or a carriage return can be run as a formula when the file is opened in a spreadsheet, so
 * it is prefixed with a single quote, which spreadsheets show as text. Numbers are written as
 * numbers and never touched (a refund of -5.00 stays -5.00). JSON keeps every value exact.
 */
const DANGEROUS = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return DANGEROUS.test(text) ? `'${text}` : text;
}
