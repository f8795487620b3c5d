import type { Readable, Writable } from 'node:stream';

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
