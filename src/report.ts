import { CommanderError } from 'commander';
import { ExitCode, RapportError } from './errors.js';
import type { IO } from './io.js';
import { storageError } from './store/faults.js';

/** One line (and a hint), never a stack unless RAPPORT_DEBUG is set. */
export function reportError(e: unknown, io: IO, dbPath?: string): number {
  if (e instanceof CommanderError) {
    // --help and --version succeed; help shown because a command is missing (commander.help) is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
    if (e.code === 'rapport.usage') io.stderr.write(`rapport: ${e.message.replace(/^error: /, '')}\nhint: add --help for usage and examples\n`);
    return ExitCode.usage;
  }
  e = storageError(e, dbPath) ?? e;
  if (e instanceof RapportError) {
    io.stderr.write(`rapport: ${e.message}\n`);
    if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
    if (io.env.RAPPORT_DEBUG) io.stderr.write(String(e.stack) + '\n');
    return e.exitCode;
  }
  const err = e as Error & { code?: string };
  if (err?.code === 'SQLITE_BUSY') {
    // Another process held the write lock for longer than the busy timeout (15 s).
    io.stderr.write('rapport: the database is busy: another rapport is writing to it (an import, most likely)\n');
    io.stderr.write('hint: try again when it has finished; readers (status, reports) are never blocked\n');
    return ExitCode.failure;
  }
  io.stderr.write(`rapport: unexpected error: ${err?.message ?? String(e)}\n`);
  io.stderr.write(io.env.RAPPORT_DEBUG ? String(err?.stack) + '\n' : 'hint: run with RAPPORT_DEBUG=1 for details, and report it\n');
  return ExitCode.failure;
}
