import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

/**
 * A pager for long output on a terminal, the way git does it: the pager is started before the
 * command writes anything and stdout goes through it. `less -FRX` (LESS=FRX when LESS is unset)
 * quits at once when the output fits on one screen (-F), passes rapport's colours (-R) and leaves
 * the text on the screen when it quits (-X), so short output looks as if no pager ran.
 */
export interface Pager {
  /** Where the command writes its output. */
  stdin: Writable;
  /** Ends the output and waits for the reader to quit the pager. */
  finish(): Promise<void>;
}

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
  const candidates = program.includes('/') ? [program] : searchPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, program));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Starts the pager (through the shell, as PAGER is a command line, as git and man read it). */
export function startPager(cmd: string, env: Record<string, string | undefined>): Pager {
  const child = spawn(cmd, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' } });
  const stdin = child.stdin!;
  // The reader quitting early closes the pipe (EPIPE): what is left to write is simply not wanted.
  stdin.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => {
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
  return {
    stdin,
    async finish() {
      stdin.end();
      await closed;
    },
  };
}
