/**
 * Half of a UTF-16 surrogate pair on its own: not a character, and SQLite would store it as
 * invalid UTF-8. It reaches rapport from a UTF-16 file, or from a UTF-8 file holding an encoded
 * surrogate (import/source.ts decodes that to the same lone surrogate).
 */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** The text with each lone surrogate replaced by U+FFFD, as a decoder would show it. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\ufffd');
}
