import { Writable } from 'node:stream';
import stringWidth from 'string-width';

/**
 * Prose that fits the terminal: a line longer than the window is broken between words (and
 * between Chinese characters, which have no spaces between them: see breakUnits), so the
 * terminal does not break it mid-word ("lifet ime"). Continuation lines keep the line's indent;
 * a "label  value" line (a record, a card) hangs under its value. Lines that fit, which is every
 * table line once printRows has fitted it, pass through untouched; so do colour codes, which take
 * no room. Only for a terminal of known width: pipes and files keep every line as written.
 */
export class LineFitter extends Writable {
  private col = 0;
  private line = '';

  constructor(
    readonly raw: Writable,
    private readonly width: number,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.raw.write(this.fit(text));
    done();
  }

  /** The text with line breaks added where a line would pass the width. */
  fit(text: string): string {
    let out = '';
    for (const piece of text.split(/(\r|\n)/)) {
      if (piece === '\n' || piece === '\r') {
        out += piece;
        this.col = 0;
        this.line = '';
        continue;
      }
      for (const token of tokens(piece)) {
        if (token === '') continue;
        const w = stringWidth(token);
        if (this.col + w <= this.width) {
          out += token;
          this.col += w;
          this.line += token;
          continue;
        }
        const indent = ' '.repeat(hangingIndent(this.line, this.width));
        if (/^\s+$/.test(token)) {
          // A break falls here: the space is dropped.
          out += '\n' + indent;
          this.startLine(indent);
          continue;
        }
        if (this.line.trim() !== '') {
          out += '\n' + indent;
          this.startLine(indent);
        }
        // A word longer than the room is cut into pieces that fit: nothing passes the width.
        let word = token;
        while (this.col + stringWidth(word) > this.width && [...word].length > 1) {
          let head = '';
          for (const ch of word) {
            if (this.col + stringWidth(head + ch) > this.width) break;
            head += ch;
          }
          if (head === '') break;
          out += head + '\n' + indent;
          word = word.slice(head.length);
          this.startLine(indent);
        }
        out += word;
        this.col += stringWidth(word);
        this.line += word;
      }
    }
    return out;
  }

  private startLine(indent: string): void {
    this.col = indent.length;
    this.line = indent;
  }
}

/**
 * Where a broken line continues: under the value of a "label  value" line (two or more spaces
 * after a label, as records and cards print), two past a bullet, else at the line's own indent.
 * Never more than half the width, so a continuation always has room.
 */
export function hangingIndent(line: string, width: number): number {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  const lead = /^\s*/.exec(plain)![0].length;
  const label = /^(\s*\S(?:.*?\S)?\s{2,})\S/.exec(plain);
  let indent = lead;
  if (label !== null) indent = stringWidth(label[1]!);
  else if (/^\s*[-•*]\s/.test(plain)) indent = lead + 2;
  return indent <= width / 2 ? indent : lead <= width / 2 ? lead : 0;
}

/**
 * Wide characters: CJK ideographs, kana, hangul and full-width forms. A line may break before or
 * after one without a space (Chinese writes none), as UAX #14 lets it for ideographs.
 */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3040-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
/** Never at the start of a line: closing punctuation, full-width (，。：；）！？、) and ASCII, and the ellipsis. */
const NO_START = /[，。：；）！？、」』》〉】〕…％,.:;)!?%’”]/u;
/** Never at the end of a line: opening brackets and quotes. */
const NO_END = /[（「『《〈【〔“‘(]/u;

/**
 * A word (text without spaces) cut where a line may break inside it: between two characters when
 * either is wide, except before closing punctuation or after an opening bracket. A Latin word or a
 * number stays whole ("共购买12次，" gives 共 购 买12 次，), and a word with no wide character is
 * one piece, so English wraps exactly as before.
 */
export function breakUnits(word: string): string[] {
  if (!WIDE.test(word)) return [word];
  const out: string[] = [];
  let cur = '';
  let prev = '';
  for (const ch of word) {
    if (cur !== '' && (WIDE.test(prev) || WIDE.test(ch)) && !NO_START.test(ch) && !NO_END.test(prev)) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
    prev = ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Printable ASCII only: as many terminal columns as characters. */
const PLAIN = /^[\x20-\x7e]*$/;

/** A line's spaces and the pieces between which it may break, in order. */
function tokens(line: string): string[] {
  return line.split(/(\s+)/).flatMap((t) => (t === '' || /^\s+$/.test(t) ? [t] : breakUnits(t)));
}

/** Whether a text has a wide (CJK) character in it. */
export function hasWide(text: string): boolean {
  return WIDE.test(text);
}

/**
 * Text wrapped to `width` terminal columns (a wide character takes two): broken at spaces, which
 * are dropped there, or between Chinese characters; a piece wider than the width alone is cut.
 * For table cells: the table library wraps only at spaces.
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let cur = '';
    let col = 0;
    let space = '';
    for (const token of tokens(line)) {
      if (token === '') continue;
      if (/^\s+$/.test(token)) {
        space = token;
        continue;
      }
      const plain = PLAIN.test(token);
      const w = plain ? token.length : stringWidth(token);
      const gap = col > 0 ? (PLAIN.test(space) ? space.length : stringWidth(space)) : 0;
      if (col > 0 && col + gap + w > width) {
        out.push(cur);
        cur = '';
        col = 0;
      } else if (col > 0) {
        cur += space;
        col += gap;
      }
      space = '';
      if (plain) {
        // Plain ASCII, a column a character: cut in slices, in time linear in the text.
        let rest = token;
        while (col + rest.length > width && rest.length > 0) {
          const take = Math.max(width - col, col > 0 ? 0 : 1);
          cur += rest.slice(0, take);
          out.push(cur);
          cur = '';
          col = 0;
          rest = rest.slice(take);
        }
        cur += rest;
        col += rest.length;
        continue;
      }
      for (const ch of token) {
        const cw = stringWidth(ch);
        if (col > 0 && col + cw > width) {
          out.push(cur);
          cur = '';
          col = 0;
        }
        cur += ch;
        col += cw;
      }
    }
    out.push(cur);
  }
  return out.join('\n');
}

/** Text padded with spaces to `width` terminal columns (padEnd counts UTF-16 units, not columns). */
export function padWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}
