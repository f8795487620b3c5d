/**
 * The counter's pseudo-terminal tests (test/cli/typeahead.test.ts, complaint-counter.test.ts):
 * a shop to run in, the binary's command line and a terminal's environment.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { fixture, run } from './helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../bin/rapport.js');

/** The sample shop of a language imported into `db`: en the segment fixture (customer Y1), zh-CN the Chinese one (KH0047 王娜). */
export async function counterShop(db: string, lang: 'en' | 'zh-CN'): Promise<void> {
  const dir = lang === 'en' ? 'segment' : 'zh-shop';
  for (const [kind, file] of [
    ['customers', 'customers.csv'],
    ['transactions', lang === 'en' ? 'shop.csv' : 'transactions.csv'],
  ])
    expect((await run(['--db', db, '-q', 'import', kind!, fixture(dir, file!)])).code).toBe(0);
}

/** A terminal's environment: prompts on (no CI), no colour, the language from the command line only. */
export function terminalEnv(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
  delete e.CI; // prompts are off under CI; this is a terminal
  delete e.RAPPORT_LANG;
  return e;
}

/** `rapport ARGS` as a shell command line. */
export function rapportCommand(...args: string[]): string {
  return [process.execPath, BIN, ...args].map((a) => JSON.stringify(a)).join(' ');
}
