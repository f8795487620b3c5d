/**
 * One run of rapport: the streams it writes to, the language it speaks, the pager it may have
 * started, and the Context each command gets (the database chosen, the streams fitted to the
 * terminal, the format asked for).
 */
import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../sys/errors.js';
import { sweepStale } from '../sys/tempfiles.js';
import { fdWriter, regularFileFd } from '../sys/fullwrite.js';
import { LineFitter } from '../text/linefit.js';
import { setLang, t, tn } from '../i18n/index.js';
import { chooseLang } from '../i18n/choose.js';
import { guarded, ioFromProcess, type ProcessLike, type IO } from './io.js';
import { resolveDbPath, type Context } from './context.js';
import type { AskedFormat } from './output.js';
import { endPager, pagerCommand, startPager, type Pager } from './pager.js';
import { refuseStoreStdout } from './outguard.js';

interface GlobalFlags {
  db?: string;
  quiet?: boolean;
  color?: boolean;
  format?: AskedFormat;
  pager?: boolean;
  check?: 'quick' | 'full';
  width?: number;
}

/** How a command's output is shown: through a pager on a terminal, or drawn by its own prompts. */
export interface Display {
  /** long output: paged on a terminal */
  paged?: boolean;
  /** asks its questions on stdout, drawing and redrawing them itself */
  prompts?: boolean;
}

export class Session {
  exitCode: number = ExitCode.ok;
  dbPath: string | undefined;
  private pager: Pager | null = null;

  constructor(
    readonly argv: string[],
    private readonly proc: ProcessLike,
    private readonly overrides: Partial<IO>,
    public io: IO,
  ) {}

  /**
   * The language first, so that everything printed (help included) is in it. Every stream a
   * person reads goes through the terminal's escaping rule (io.ts, escape.ts).
   */
  static start(argv: string[], proc: ProcessLike, overrides: Partial<IO> = {}): Session | number {
    const io = guarded({ ...ioFromProcess(proc), ...overrides });
    const lang = chooseLang(argv, io.env);
    if ('error' in lang) {
      io.stderr.write(`rapport: ${lang.error}\n${lang.hint}\n`);
      return ExitCode.usage;
    }
    setLang(lang.lang);
    return new Session(argv, proc, overrides, io);
  }

  /**
   * The Context a command runs in, its streams set up from the global flags. Each step replaces
   * this.io at once, so an error thrown part way is reported on the streams set up so far.
   */
  context(cmd: Command, display: Display): Context {
    const { proc, overrides } = this;
    const flags = cmd.optsWithGlobals() as GlobalFlags;
    const io = (this.io = { ...ioFromProcess(proc, { quiet: flags.quiet, noColor: flags.color === false }), ...overrides });
    if (flags.quiet) io.progress = false;
    if (flags.color === false) io.color = false;
    // stdout redirected to a file: written whole or failed (Node's own stream ignores a short write).
    const stdoutFile = overrides.stdout === undefined ? regularFileFd(proc.stdout) : null;
    if (stdoutFile !== null) io.stdout = fdWriter(() => stdoutFile);
    // --width: tables fitted to it wherever they go, every cell whole (a terminal's own width cuts very long cells).
    if (flags.width !== undefined) this.io = { ...io, width: flags.width, widthAsked: true };
    this.fitStreams(flags, display);
    // Last, around whatever else wraps the streams: every write passes the terminal's rule, and
    // rawStream() (the progress bar, the prompts) gets the stream just beneath it.
    this.io = guarded(this.io, flags.format === 'table');
    const dbPath = (this.dbPath = resolveDbPath(flags.db, this.io));
    if (stdoutFile !== null) refuseStoreStdout(stdoutFile, dbPath);
    sweepAtStart(this.io, [path.dirname(dbPath), os.tmpdir()]);
    return {
      io: this.io,
      dbPath,
      dbChosen: flags.db !== undefined,
      format: flags.format,
      check: flags.check ?? 'quick',
      asOfGiven: (cmd.opts() as { asOf?: string }).asOf !== undefined,
    };
  }

  /** The pager on a real terminal, and prose fitted to the terminal's width. */
  private fitStreams(flags: GlobalFlags, display: Display): void {
    const { proc, overrides, io } = this;
    // Only a real terminal (a stream on a file descriptor) is paged: never a pipe, a file, or a
    // test's stand-in for stdout.
    const realTerminal = proc.stdout.isTTY === true && typeof (proc.stdout as { fd?: unknown }).fd === 'number' && overrides.stdout === undefined;
    const pagerCmd = flags.pager !== false && realTerminal && display.paged === true ? pagerCommand(io.env) : null;
    if (pagerCmd !== null && this.pager === null) {
      this.pager = startPager(pagerCmd, io.env);
      io.stdout = this.pager.stdin;
    }
    // Prose broken between words at the terminal's width (not under a prompt, which draws itself).
    if (io.stdoutIsTTY && io.width && overrides.stdout === undefined && display.prompts !== true) io.stdout = new LineFitter(io.stdout, io.width);
    if (io.errWidth && overrides.stderr === undefined) io.stderr = new LineFitter(io.stderr, io.errWidth);
  }

  /** A pager that did not show the output: the terminal shows it, or the run fails. */
  end(code: number): Promise<number> | number {
    return this.pager === null ? code : endPager(this.pager, code, this.proc.stdout, this.io.stderr);
  }
}

/**
 * Temporary files left by killed runs (src/sys/tempfiles.ts) in the places rapport always writes:
 * the database's folder and the system's temporary folder (spooled standard input). An --out
 * folder is swept when a file is next written there.
 */
function sweepAtStart(io: IO, dirs: string[]): void {
  for (const dir of new Set(dirs)) {
    const n = sweepStale(dir);
    if (n > 0) io.stderr.write(io.quiet ? '' : t('errors.line', { message: tn('errors.removedTempFiles', n, { dir }) }) + '\n');
  }
}
