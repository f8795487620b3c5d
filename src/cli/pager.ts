import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ExitCode } from '../sys/errors.js';
import { t } from '../i18n/index.js';

/**
 * A pager for long output on a terminal, the way git does it: the pager is started before the
 * command writes anything and stdout goes through it. `less -FRX` (LESS=FRX when LESS is unset)
 * quits at once when the output fits on one screen (-F), passes rapport's colours (-R) and leaves
 * the text on the screen when it quits (-X), so short output looks as if no pager ran.
 * LESSCHARSET=utf-8 when it is unset, as rapport's output is UTF-8 in every locale.
 */
export interface Pager {
  /** Where the command writes its output. */
  stdin: Writable;
  /** The pager's command line. */
  command: string;
  /** How many bytes of the output are kept for the terminal, should the pager fail. */
  keep: number;
  /** Ends the output and waits for the reader to quit the pager: whether it showed the output. */
  finish(): Promise<PagerEnd>;
}

/** How the pager ended: it showed the output, or it failed (`how`), with the output kept or not. */
export type PagerEnd = { shown: true } | { shown: false; how: string; kept: Buffer | null };

/**
 * What is sent to the pager is kept, up to this many bytes, so that a pager that fails can be
 * replaced by the terminal itself: `RAPPORT_PAGER=false` lost the output with exit 0 (issue 22).
 */
export const KEEP_BYTES = 16 * 2 ** 20;

/**
 * The pager command to run: RAPPORT_PAGER, else PAGER, else less. Null for none: set to "" or
 * cat, or a program that is not on PATH (the output then goes straight to the terminal).
 */
export function pagerCommand(env: Record<string, string | undefined>): string | null {
  const cmd = (env.RAPPORT_PAGER ?? env.PAGER ?? 'less').trim();
  if (cmd === '' || cmd === 'cat') return null;
  const program = cmd.split(/\s+/)[0]!;
  return onPath(program, env.PATH ?? '') ? cmd : null;
}

function onPath(program: string, searchPath: string): boolean {
  const candidates = program.includes('/')
    ? [program]
    : searchPath
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, program));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Starts the pager (through the shell, as PAGER is a command line, as git and man read it).
 * A pager that fails (a status other than 0, a signal, or not started) or that ends before rapport
 * wrote anything has not shown the output: finish() says so and hands back what was written.
 */
export function startPager(cmd: string, env: Record<string, string | undefined>, keep = KEEP_BYTES): Pager {
  // rapport writes UTF-8 whatever the locale: without a locale (LANG unset, or one not installed)
  // less took the table's lines for binary and showed <E2><94><8C> for each ┌, unless told.
  const child = spawn(cmd, {
    shell: true,
    stdio: ['pipe', 'inherit', 'inherit'],
    env: { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c', LESSCHARSET: env.LESSCHARSET ?? 'utf-8' },
  });
  const pipe = child.stdin!;
  // The reader quitting early closes the pipe (EPIPE): what is left to write is simply not wanted.
  pipe.on('error', () => undefined);
  let kept: Buffer[] | null = [];
  let size = 0;
  let wrote = false;
  let early = false;
  let finishing = false;
  const closed = new Promise<string | null>((resolve) => {
    child.on('error', (e) => resolve(t('errors.pager.notStarted', { detail: e.message })));
    child.on('close', (code, signal) => {
      if (signal !== null) resolve(t('errors.pager.signal', { signal }));
      else if (code !== 0) resolve(t('errors.pager.status', { code: String(code) }));
      else resolve(early ? t('errors.pager.early') : null);
    });
    // Not when the output was empty: the pager then ends when it is told the output is over.
    child.on('exit', () => (early = !wrote && !finishing));
  });
  const stdin = new Writable({
    write(chunk: Buffer, _enc, done) {
      wrote = true;
      size += chunk.length;
      if (kept !== null && size <= keep) kept.push(chunk);
      else kept = null;
      pipe.write(chunk);
      done();
    },
  });
  return {
    stdin,
    command: cmd,
    keep,
    async finish() {
      finishing = true;
      await new Promise<void>((resolve) => stdin.end(resolve));
      pipe.end();
      const how = await closed;
      if (how === null) return { shown: true };
      return { shown: false, how, kept: kept === null ? null : Buffer.concat(kept) };
    },
  };
}

/**
 * Ends the pager after the command: when it did not show the output, the output goes to the
 * terminal directly (with a line saying why), or, when it was too long to keep, the run fails.
 */
export async function endPager(pager: Pager, code: number, terminal: Writable, stderr: Writable): Promise<number> {
  const end = await pager.finish();
  if (end.shown) return code;
  if (end.kept !== null) {
    stderr.write(
      t('errors.line', { message: t('errors.pager.direct', { pager: pager.command, how: end.how }) }) +
        '\n' +
        t('errors.hintLine', { hint: t('errors.pager.hint') }) +
        '\n',
    );
    await new Promise<void>((resolve) => terminal.write(end.kept, () => resolve()));
    return code;
  }
  stderr.write(
    t('errors.line', { message: t('errors.pager.lost', { pager: pager.command, how: end.how, mb: pager.keep / 2 ** 20 }) }) +
      '\n' +
      t('errors.hintLine', { hint: t('errors.pager.hint') }) +
      '\n',
  );
  return code === ExitCode.ok ? ExitCode.failure : code;
}
