/** Test helpers: run the CLI in-process with fake streams, on real temporary databases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../src/cli.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** stdout is a terminal (tables, colour allowed) */
  tty?: boolean;
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

class Sink extends PassThrough {
  text = '';
  isTTY: boolean;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
    this.on('data', (c: Buffer) => (this.text += c.toString('utf8')));
  }
}

/** Runs `rapport ...args` in-process and returns exit code, stdout and stderr. */
export async function run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdout = new Sink(opts.tty ?? false);
  const stderr = new Sink(opts.tty ?? false);
  const stdin = Object.assign(Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]), { isTTY: false });
  const code = await main(args, {
    stdout,
    stderr,
    stdin,
    env: { ...(opts.env ?? {}) },
    cwd: () => opts.cwd ?? process.cwd(),
  });
  // Let the PassThrough streams deliver what was written.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temporary folder, removed by the caller's afterEach via cleanup(). */
export function tempDir(): { dir: string; db: string; file(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  return {
    dir,
    db: path.join(dir, 'test.db'),
    file(name, content) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}
