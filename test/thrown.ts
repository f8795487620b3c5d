import { errorText } from '../src/i18n/phrase.js';

/** What a call throws, worded as the CLI prints it (core throws phrases, worded above it). */
export function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return errorText(e);
  }
  throw new Error('nothing thrown');
}
