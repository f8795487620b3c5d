import stringWidth from 'string-width';
import { rawStream, type IO } from './io.js';
import { oneLine, terminalText } from '../text/escape.js';
import { t } from '../i18n/index.js';

/**
 * A progress bar on stderr: bytes read against file size. Only when io.progress (stderr is a
 * terminal, not CI, not --quiet); otherwise every call is a no-op.
 *
 * A frame never reaches the window's last column: a line as wide as the window wraps on many
 * terminals, and then every redraw (`\r` goes back to the start of the *wrapped* line only)
 * leaves a copy of the frame behind. So the label (a path) is shortened first, then the bar,
 * then the least useful figures are dropped.
 */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();
  private shown = false;

  private readonly label: string;

  constructor(
    private readonly io: IO,
    label: string,
    /** What done and total count: bytes of a file (the import), or rows (the copy). */
    private readonly unit: 'bytes' | 'rows' = 'bytes',
  ) {
    // The label is a file name: shown, never acted on, since the bar draws on the raw stream.
    this.label = terminalText(oneLine(label));
  }

  update(done: number, total: number): void {
    if (!this.io.progress) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const secs = (now - this.started) / 1000;
    const rows = this.unit === 'rows';
    const rate =
      secs > 0 ? (rows ? t('copy.progress.rate', { rows: Math.round(done / secs).toLocaleString('en-US') }) : `${(done / 1e6 / secs).toFixed(1)} MB/s`) : '';
    // Time left at the rate so far, once there is a rate to go by and a second or more to go.
    // Nothing read yet (a PostgreSQL import waiting on its connection or another import's lock) gives no rate: no time left, not "Infinity:NaN:NaN".
    const remaining = done > 0 ? ((total - done) * secs) / done : null;
    const left = remaining !== null && secs >= 1 && remaining >= 1 && done < total ? t('import.progress.left', { time: clock(remaining) }) : '';
    const frame = fitFrame(this.io.errWidth || this.io.width || 80, {
      label: this.label,
      frac,
      size: rows ? `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` : `${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`,
      rate,
      left,
    });
    // \x1b[K clears the rest of the line: a shorter frame leaves nothing of a longer one behind.
    rawStream(this.io.stderr).write(`\r${frame}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) rawStream(this.io.stderr).write('\r\x1b[2K');
  }
}

export interface FrameParts {
  label: string;
  frac: number;
  size: string;
  rate: string;
  left: string;
}

const BAR_MAX = 30;
const BAR_MIN = 10;
/** The path gets this much room before the bar narrows, and never less than the minimum. */
const LABEL_WANTED = 28;
const LABEL_MIN = 12;

/** One frame of the bar, at most `columns - 1` display columns wide (CJK characters count two). */
export function fitFrame(columns: number, p: FrameParts): string {
  const room = Math.max(8, columns) - 1;
  const pct = `${(p.frac * 100).toFixed(0).padStart(3)}%`;
  // Figures are given up when the window is narrow: the rate first, then the size, then the time left.
  const dropOrder = [p.rate, p.size, p.left];
  for (const labelMin of [LABEL_WANTED, LABEL_MIN]) {
    for (let dropped = 0; dropped <= dropOrder.length; dropped++) {
      const gone = new Set(dropOrder.slice(0, dropped));
      const tail = [pct, p.size, p.rate, p.left].filter((s, i) => s !== '' && (i === 0 || !gone.has(s))).join('  ');
      for (let bar = BAR_MAX; bar >= BAR_MIN; bar -= 2) {
        const labelRoom = room - (1 + bar + 1 + stringWidth(tail));
        if (labelRoom >= Math.min(labelMin, stringWidth(p.label))) {
          return `${shorten(p.label, labelRoom)} ${drawBar(p.frac, bar)} ${tail}`;
        }
      }
    }
  }
  // A very narrow window: the share done is all there is room for.
  return shorten(`${shorten(p.label, room - 6)} ${pct}`, room);
}

function drawBar(frac: number, width: number): string {
  const filled = Math.round(frac * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Cuts text to `width` display columns with an ellipsis in the middle, keeping a path's file name. */
export function shorten(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  const chars = [...text];
  // Keep the end (the file name) whole where it can be: take from the end first, then the start.
  const tailBudget = Math.ceil((width - 1) * 0.6);
  let tail = '';
  for (let i = chars.length - 1; i >= 0 && stringWidth(chars[i]! + tail) <= tailBudget; i--) tail = chars[i]! + tail;
  let head = '';
  for (const c of chars) {
    if (stringWidth(head + c) + 1 + stringWidth(tail) > width) break;
    head += c;
  }
  return `${head}…${tail}`;
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function clock(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
