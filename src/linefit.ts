import { Writable } from 'node:stream';
import stringWidth from 'string-width';

/**
 * Prose that fits the terminal: a line longer than the window is broken between words, so the
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
      for (const token of piece.split(/(\s+)/)) {
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
