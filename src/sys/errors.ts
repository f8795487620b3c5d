/** Exit codes, documented in the README and in rapport --help. Nothing below `main` calls process.exit. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** An import was refused because it had more rejected rows than --max-rejects allows. */
  rejected: 3,
  /** An import had rows and rejected every one of them: nothing was imported. */
  nothingImported: 4,
  /** A report's --fail-if condition held (the report was still written). */
  alert: 5,
  /** A prompt was cancelled (Ctrl-C) or its summary declined: nothing was written. */
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An expected failure: printed as one line (plus an optional hint), never with a stack.
 * Anything else that reaches `main` is a bug and shows a stack only under RAPPORT_DEBUG.
 */
export class RapportError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = 'RapportError';
  }
}

/**
 * A failure of what the data live on that can pass: a full disk, the database server gone,
 * unreachable, out of memory or connections. The same write can succeed once it is mended (a
 * person at the counter may try again, what they typed kept); a refusal (a read-only store, a
 * constraint, a damaged file, a missing customer) fails the same way again.
 */
export class PassingFault extends RapportError {}

export class UsageError extends RapportError {
  constructor(message: string, hint?: string) {
    super(message, hint, ExitCode.usage);
    this.name = 'UsageError';
  }
}
