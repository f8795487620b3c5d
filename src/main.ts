/**
 * rapport's entry (bin/rapport.js loads it from dist/): parse the command line, run the command it
 * names, print the error if it fails. The commands are listed in src/commands/index.ts.
 */
import { buildProgram } from './cli/program.js';
import { Session } from './cli/session.js';
import { reportError } from './cli/printError.js';
import type { IO, ProcessLike } from './cli/io.js';
import { COMMANDS } from './commands/index.js';

export async function main(argv: string[], proc: ProcessLike, overrides: Partial<IO> = {}): Promise<number> {
  const session = Session.start(argv, proc, overrides);
  if (typeof session === 'number') return session;
  let code: number;
  try {
    await buildProgram(COMMANDS, session).parseAsync(argv, { from: 'user' });
    code = session.exitCode;
  } catch (e) {
    code = reportError(e, session.io, session.dbPath);
  }
  return session.end(code);
}
