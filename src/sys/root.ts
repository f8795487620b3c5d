import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (the one holding package.json, locales/ and fixtures/), found by walking
 * up from a module's own URL: the same answer from src/ under vitest, from dist/ as shipped, and from
 * dist-dev/src/ where the developer tools (bench/) compile their copy.
 */
export function packageRoot(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'locales'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`rapport: no package root above ${fileURLToPath(moduleUrl)}`);
    dir = up;
  }
}
