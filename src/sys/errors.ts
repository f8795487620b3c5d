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

export class UsageError extends RapportError {
  constructor(message: string, hint?: string) {
    super(message, hint, ExitCode.usage);
    this.name = 'UsageError';
  }
}
