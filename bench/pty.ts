/**
 * A command in a pseudo-terminal (util-linux `script` gives it one), answered as a person would:
 * each step waits for a text on the screen, then types its keys (or does something else). Used
 * by test/store/complaint-pty.test.ts and by npm run harness's counter-during-import case.
 */
import { spawn } from 'node:child_process';

/**
 * Runs a command under `script`, answering each awaited text with keys (or a function that does
 * something else); `timeoutMs` guards against a prompt that never comes (generous: a busy
 * machine is slow, not hung). `size` gives the terminal a window size first (`stty cols … rows …`), as every
 * real terminal has one: `script` alone reports none, and a prompt bug that shows only on a
 * terminal of known width (issue 21) passed unseen.
 */
export function converse(
  command: string,
  steps: [string, string | (() => void)][],
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
  size?: { cols: number; rows: number },
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const line = size === undefined ? command : `stty cols ${size.cols} rows ${size.rows} && exec ${command}`;
    const child = spawn('script', ['-qfec', line, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let step = 0;
    let seen = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for "${steps[step]?.[0]}"; screen:\n${screen}`));
    }, timeoutMs);
    const advance = (): void => {
      while (step < steps.length) {
        const [wait, keys] = steps[step]!;
        const at = screen.indexOf(wait, seen);
        if (at < 0) return;
        seen = at + wait.length;
        step++;
        // At once: a prompt listens for keys before its text is drawn (@inquirer/core runs the
        // keypress effect in the same turn as the first render), and typed keys wait in the pty.
        // A fixed pause here only slowed every step (issue 21).
        if (typeof keys === 'string') child.stdin.write(keys);
        else keys();
      }
    };
    child.stdout.on('data', (b: Buffer) => {
      screen += b.toString('utf8');
      advance();
    });
    child.stderr.on('data', (b: Buffer) => (screen += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
