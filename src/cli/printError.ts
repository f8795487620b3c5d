import { CommanderError } from 'commander';
import { ExitCode, RapportError } from '../sys/errors.js';
import type { IO } from './io.js';
import { storageError } from '../store/sqlite/faults.js';
import { t } from '../i18n/index.js';
import { errorText } from '../i18n/phrase.js';

/** One line (and a hint), never a stack unless RAPPORT_DEBUG is set. */
export function reportError(e: unknown, io: IO, dbPath?: string): number {
  if (e instanceof CommanderError) {
    // --help and --version succeed; help shown because a command is missing (commander.help) is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
    if (e.code === 'rapport.usage')
      io.stderr.write(`${t('errors.line', { message: e.message.replace(/^error: /, '') })}\n${t('errors.hintLine', { hint: t('errors.helpHint') })}\n`);
    return ExitCode.usage;
  }
  e = storageError(e, dbPath) ?? e;
  if (e instanceof RapportError) {
    io.stderr.write(t('errors.line', { message: e.message }) + '\n');
    if (e.hint) io.stderr.write(t('errors.hintLine', { hint: e.hint }) + '\n');
    if (io.env.RAPPORT_DEBUG) io.stderr.write(String(e.stack) + '\n');
    return e.exitCode;
  }
  const err = e as Error & { code?: string };
  if (err?.code === 'SQLITE_BUSY') {
    // Another process held the write lock for longer than the busy timeout (15 s).
    io.stderr.write(t('errors.line', { message: t('errors.busy') }) + '\n');
    io.stderr.write(t('errors.hintLine', { hint: t('errors.busyHint') }) + '\n');
    if (io.env.RAPPORT_DEBUG) io.stderr.write(String(err.stack) + '\n');
    return ExitCode.failure;
  }
  io.stderr.write(t('errors.line', { message: t('errors.unexpected', { message: errorText(e) }) }) + '\n');
  io.stderr.write(io.env.RAPPORT_DEBUG ? String(err?.stack) + '\n' : t('errors.hintLine', { hint: t('errors.unexpectedHint') }) + '\n');
  return ExitCode.failure;
}
