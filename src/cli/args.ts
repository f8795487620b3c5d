/**
 * The checks a command's flags and arguments share: whole numbers in a range, repeated flags, and
 * the usage errors they raise (exit code 2, with a hint under the line).
 */
import { CommanderError } from 'commander';
import { ExitCode, UsageError } from '../sys/errors.js';
import { t } from '../i18n/index.js';

/** A usage error with the catalogue's words: printed as one line with the help hint. */
export function usageError(message: string): CommanderError {
  return new CommanderError(ExitCode.usage, 'rapport.usage', message);
}

/** A repeatable flag's values, in the order given. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A whole number a flag or an argument takes, from `min` (to `max` when given). A bad value is
 * one line naming the flag, the value and what it takes, with a hint that shows the flag in use
 * (`example`), exit code 2: every numeric flag of every command says it the same way.
 */
export interface WholeRange {
  min: number;
  max?: number;
  /** The value the hint shows, for a flag (an argument's hint is the help's). */
  example?: number;
}

/**
 * Digits beyond 2^53 - 1 round to another number (99999999999999999999 became 1e20 and asked
 * about a record that was never named): refused rather than answered about the wrong one.
 */
export function wholeNumber(v: string, name: string, { min, max, example = 10 }: WholeRange): number {
  const hint = name.startsWith('--') ? t('errors.cli.exampleHint', { name, example }) : t('errors.helpHint');
  const n = /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (n > Number.MAX_SAFE_INTEGER) throw new UsageError(t('errors.cli.tooLarge', { name, value: v.trim(), max: Number.MAX_SAFE_INTEGER }), hint);
  if (Number.isNaN(n) || n < min || (max !== undefined && n > max)) {
    const vars = { name, value: v, min, max: max ?? 0 };
    throw new UsageError(max === undefined ? t('errors.cli.wholeAtLeast', vars) : t('errors.cli.wholeBetween', vars), hint);
  }
  return n;
}

export function positiveInt(v: string, name: string, example?: number): number {
  return wholeNumber(v, name, { min: 1, example });
}

/** A positive whole number, or null when the flag was not given. */
export function positiveOrNull(v: string | undefined, name: string, example?: number): number | null {
  return v === undefined ? null : positiveInt(v, name, example);
}
