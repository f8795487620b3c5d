/**
 * The checks a command's flags and arguments share: whole and positive numbers, repeated flags,
 * and the usage error they raise (exit code 2, the help hint under it).
 */
import { CommanderError } from 'commander';
import { ExitCode } from '../sys/errors.js';
import { t } from '../i18n/index.js';

/** A usage error with the catalogue's words: printed as one line with the help hint. */
export function usageError(message: string): CommanderError {
  return new CommanderError(ExitCode.usage, 'rapport.usage', message);
}

/** A repeatable flag's values, in the order given. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function positiveInt(v: string, name: string): number {
  const n = wholeInt(v, name);
  if (n <= 0) throw usageError(t('errors.cli.notPositive', { name, value: v }));
  return n;
}

/** A positive whole number, or null when the flag was not given. */
export function positiveOrNull(v: string | undefined, name: string): number | null {
  return v === undefined ? null : positiveInt(v, name);
}

/**
 * Digits beyond 2^53 - 1 round to another number (99999999999999999999 became 1e20 and asked
 * about a record that was never named): refused rather than answered about the wrong one.
 */
export function wholeInt(v: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw usageError(t('errors.cli.notWhole', { name, value: v }));
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw usageError(t('errors.cli.tooLarge', { name, value: v.trim(), max: Number.MAX_SAFE_INTEGER }));
  return n;
}
