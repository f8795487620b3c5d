/**
 * A command in a real terminal emulator: a tmux window of a given size on a private server
 * (its own socket, so nobody else's tmux is touched), typed into with send-keys once each awaited
 * text is on the screen (capture-pane, polled). Used by the complaint prompts' test and by the
 * screenshots in docs/ (scripts/terminal-shot.mjs).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One answer: wait for `wait` on the screen (after the previous one), type `text`, press `keys` (tmux key names). */
export interface Step {
  wait: string;
  text?: string;
  keys?: string[];
}

const EXIT = '[command ended: ';
const EXIT_LINE = /\[command ended: (\d+)$/m;

export class Tmux {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-tmux-'));
  private readonly socket = path.join(this.dir, 'sock');
  private seen = 0;

  /** Starts `command` (a shell command line) in a `cols` × `rows` window; the window stays when it ends. */
  constructor(command: string, size: { cols: number; rows: number }, env: NodeJS.ProcessEnv) {
    const conf = path.join(this.dir, 'tmux.conf');
    fs.writeFileSync(conf, 'set -g remain-on-exit on\nset -g default-terminal xterm-256color\nset -g history-limit 5000\n');
    // The exit status is printed by the shell that ran the command: tmux 3.3 sometimes leaves its
    // pane's process unreaped (dead, no status) for a minute or more.
    this.tmux(['-f', conf, 'new-session', '-d', '-x', String(size.cols), '-y', String(size.rows), '-s', 'rapport', `${command}; echo "${EXIT}$?"`], env);
  }

  private tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', env });
    if (r.error) throw new Error(`tmux is needed (apt-get install tmux): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** The window's text, scrollback included, wrapped lines joined; `escapes` keeps the colours (for a screenshot). */
  screen(escapes = false): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', ...(escapes ? ['-e'] : []), '-t', 'rapport']);
  }

  /** The command's exit status once it has ended (as its shell printed it), else null. */
  ended(): number | null {
    const m = EXIT_LINE.exec(this.screen());
    return m ? Number(m[1]) : null;
  }

  /**
   * Waits until `text` is on the screen past the previous step's text (polled every 50 ms), or
   * throws with the screen when the command ended first or `limitMs` passed (a hung prompt).
   */
  async waitFor(text: string, limitMs = 60_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const screen = this.screen();
      const at = screen.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        return;
      }
      if (this.ended() !== null || Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  type(text: string): void {
    this.tmux(['send-keys', '-t', 'rapport', '-l', text]);
  }

  press(...keys: string[]): void {
    if (keys.length > 0) this.tmux(['send-keys', '-t', 'rapport', ...keys]);
  }

  async answer(steps: Step[]): Promise<void> {
    for (const s of steps) {
      await this.waitFor(s.wait);
      if (s.text !== undefined) this.type(s.text);
      this.press(...(s.keys ?? []));
    }
  }

  /** Waits for the command to end; its exit status. */
  async exit(limitMs = 60_000): Promise<number> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const status = this.ended();
      if (status !== null) return status;
      if (Date.now() > deadline) throw new Error(`still running; the screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
