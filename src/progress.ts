import { rawStream, type IO } from './io.js';
import { oneLine, terminalText } from './escape.js';

/**
 * A progress bar on stderr: bytes read against file size. Only when io.progress (stderr is a
 * terminal, not CI, not --quiet); otherwise every call is a no-op.
 */
export class ProgressBar {
  private last = 0;
  private readonly started = Date.now();
  private shown = false;

  private readonly label: string;

  constructor(
    private readonly io: IO,
    label: string,
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
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? `${(done / 1e6 / secs).toFixed(1)} MB/s` : '';
    // Time left at the rate so far, once there is a rate to go by and a second or more to go.
    const remaining = done > 0 ? ((total - done) * secs) / done : Infinity;
    const left = secs >= 1 && remaining >= 1 && done < total ? `  ${clock(remaining)} left` : '';
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    // \x1b[K clears the rest of the line: a shorter frame leaves nothing of a longer one behind.
    rawStream(this.io.stderr).write(`\r${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB  ${rate}${left}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) rawStream(this.io.stderr).write('\r\x1b[2K');
  }
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function clock(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
