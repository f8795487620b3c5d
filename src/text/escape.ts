/**
 * How text from the data is made safe for each medium rapport writes to: one rule per medium,
 * applied where the medium's text is put together (the terminal stream guard in io.ts, the table
 * and record renderers in output.ts, the Markdown renderer in reports/render.ts). CSV's rule is
 * core/csvSafe.ts; HTML's is esc() in reports/render.ts.
 */

/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts every escape
 * sequence: OSC 52 writes the clipboard, OSC 2 the window title, CSI 2J clears the screen), DEL,
 * the C1 controls (U+009B is a one-character CSI on terminals that take 8-bit controls), and the
 * bidirectional overrides and isolates that make a line read in another order than it is stored
 * (Boucher and Anderson, "Trojan Source: Invisible Vulnerabilities", USENIX Security 2023).
 * Newline and tab are kept: they are layout.
 */
const TERMINAL_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One control character written out visibly: C0 as \x1b, the rest (DEL, C1, bidi) as \u009b or
 * \u202e, which is also how JSON writes them, so JSON shown on a terminal stays valid JSON.
 */
function shown(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text for a terminal: every control character shown as \xNN or \uNNNN, never emitted. */
export function terminalText(s: string): string {
  return s.replace(TERMINAL_CONTROL, shown);
}

/**
 * The only escape sequences that reach a terminal: the SGR colour and weight codes chalk writes
 * at level 1 (one parameter each). Hidden (8) and blink (5, 6) are not among them, so text from
 * the data that carries an SGR code can change a colour at most, never hide itself.
 */
const OWN_SGR = '\\x1b\\[(?:0|1|2|3|4|7|9|22|23|24|27|29|3[0-7]|39|4[0-7]|49|9[0-7]|10[0-7])m';
const STREAM = new RegExp(`(${OWN_SGR})|${TERMINAL_CONTROL.source}`, 'g');

/** A whole write to a terminal: colour codes kept, every other control character shown. */
export function terminalStream(s: string): string {
  return s.replace(STREAM, (m, sgr: string | undefined) => sgr ?? shown(m));
}

/** Every kind of line break, including the ones only some readers honour. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x85\u2028\u2029]/g;

/** One line: line breaks become spaces (a table cell, a chart label, a Markdown table row). */
export function oneLine(s: string): string {
  return s.replace(LINE_BREAK, ' ');
}

/**
 * Markdown inline text that renders as the same text and nothing else (CommonMark 0.31, section
 * 2.4: any ASCII punctuation may be escaped with a backslash). Escaped: the backslash itself,
 * code spans, emphasis, strikethrough, link and image brackets, raw HTML and autolinks (<),
 * entities (&), table pipes, math ($), and what linkifiers turn into links by themselves: a
 * scheme's colon before a slash, an e-mail's @, and a dot before a letter (evil.com, www.x): escaped characters
 * are separate text, so a linkifier never sees the whole address. Line breaks become spaces and
 * control characters are shown as on a terminal (the file is also read with cat).
 */
export function markdownText(s: string): string {
  return terminalText(oneLine(s))
    .replace(/[\\`*_[\]<>!|~&@$]/g, '\\$&')
    .replace(/:(?=\/)|\.(?=\p{L})/gu, '\\$&');
}

/**
 * A Markdown paragraph or heading line of text: markdownText, and nothing at its start that
 * would make it a block (a heading, a quote, a list item, a setext underline, indented code).
 */
export function markdownLine(s: string): string {
  return markdownText(s)
    .trimStart()
    .replace(/^[#>+=-]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * A fence for a code block holding these lines: longer than any run of backticks in them, so no
 * line can close it early (CommonMark 0.31, section 4.5: the closing fence must be at least as
 * long as the opening one). Lines must already be one line each (oneLine).
 */
export function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const l of lines) for (const run of l.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}
