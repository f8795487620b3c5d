import { StringDecoder } from 'node:string_decoder';
import { Writable, type Readable } from 'node:stream';
import { terminalStream } from '../text/escape.js';
import { LineFitter } from '../text/linefit.js';

/**
 * Every terminal fact a command needs, decided once in `main` and handed down.
 * Nothing below `main` reads process.stdout, process.env or isTTY directly, so tests
 * can run every command with the terminal on and off.
 */
export interface IO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** stdout is a terminal: human tables by default. */
  stdoutIsTTY: boolean;
  /** The terminal's width in characters, when stdout is one: tables wrap their cells to fit it. */
  width?: number | null;
  /** The width came from --width: tables are fitted to it wherever they go, with every cell whole. */
  widthAsked?: boolean;
  /** stderr's width, when it is a terminal: the progress bar keeps within it. */
  errWidth?: number | null;
  /** stderr is a terminal and we are not in CI: progress bars are allowed. */
  progress: boolean;
  /** colour on stdout/stderr. */
  color: boolean;
  /** stdin and stdout are terminals: prompts are allowed. */
  canPrompt: boolean;
  quiet: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface ProcessLike {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd(): string;
}

/** Colour: NO_COLOR (any value) turns it off, FORCE_COLOR (not "0") turns it on, else the TTY decides. */
export function decideColor(env: Record<string, string | undefined>, isTTY: boolean, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function ioFromProcess(proc: ProcessLike, opts: { quiet?: boolean; noColor?: boolean } = {}): IO {
  const env = proc.env;
  const stdoutIsTTY = proc.stdout.isTTY === true;
  const stderrIsTTY = proc.stderr.isTTY === true;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const quiet = opts.quiet === true;
  return {
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdin: proc.stdin,
    stdoutIsTTY,
    width: stdoutIsTTY ? ((proc.stdout as { columns?: number }).columns ?? null) : null,
    errWidth: stderrIsTTY ? ((proc.stderr as { columns?: number }).columns ?? null) : null,
    progress: stderrIsTTY && !ci && !quiet,
    color: decideColor(env, stdoutIsTTY, opts.noColor === true),
    canPrompt: proc.stdin.isTTY === true && stdoutIsTTY && !ci,
    quiet,
    env,
    cwd: proc.cwd(),
  };
}

/** Writes a line to stderr unless --quiet. Warnings and notices go here, never to stdout. */
export function notice(io: IO, line: string): void {
  if (!io.quiet) io.stderr.write(line + '\n');
}

/** notice() bound to a run's streams: what app/ is handed to say a warning without knowing the CLI. */
export function noticer(io: IO): (line: string) => void {
  return (line) => notice(io, line);
}

/**
 * A stream to a person: every write passes through the terminal's escaping rule (escape.ts), so
 * text from the data (a customer's name, a rejected line, a file name in a message) can never
 * drive the terminal, whichever command wrote it. rapport's own colour codes pass. `raw` is the
 * stream underneath, for the two writers that move the cursor themselves and escape their own
 * text: the progress bar and the prompts.
 */
export class TerminalGuard extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  constructor(readonly raw: Writable) {
    super({ decodeStrings: false });
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text === '') return done();
    // Written through at once, as to the stream itself: nothing waits in the guard when the
    // process ends. The stream underneath buffers and reports its own errors (EPIPE, bin/).
    this.raw.write(terminalStream(text));
    done();
  }
}

/**
 * The stream a cursor-moving writer (a prompt, the progress bar) draws on: the terminal itself,
 * under the guard and the line fitter. A prompt drawn through the line fitter had its cursor
 * moves and unfinished lines re-broken, and on a terminal that reports its width inquirer's
 * second prompt never appeared (issue 21).
 */
export function rawStream(w: Writable): Writable {
  let s = w;
  while (s instanceof TerminalGuard || s instanceof LineFitter) s = s.raw;
  return s;
}

/**
 * The io a command gets: stderr always guarded (messages are for people, and a log of them is
 * read in a terminal too), stdout when it is a terminal or a table was asked for (`--format
 * table | less`). Data for machines (CSV, JSON to a pipe or a file) is written as it is, under
 * its own medium's rule.
 */
export function guarded(io: IO, tableAsked = false): IO {
  const guard = (w: Writable): Writable => (w instanceof TerminalGuard ? w : new TerminalGuard(w));
  return { ...io, stderr: guard(io.stderr), stdout: io.stdoutIsTTY || tableAsked ? guard(io.stdout) : io.stdout };
}
