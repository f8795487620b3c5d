/**
 * A copy of rapport as npm would install it (package.json's "files" and the production
 * dependencies), readable by every user, in a fresh world-readable temporary folder. For the tests
 * that run the binary as another user (nobody): the checkout itself may sit where only its owner
 * can go (a clone under /root, or in a `mktemp -d` folder, both 0700), and nobody then cannot load
 * bin/rapport.js at all (issue 21).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

interface Manifest {
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Where Node would find package `name` required from `from`: the nearest node_modules up the tree. */
function resolvePackage(name: string, from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Build leftovers a running program never loads (better-sqlite3 keeps its SQLite sources and
 * object files beside the 2 MB addon: 27 MB in all). Nested node_modules are copied on their own,
 * as dependencies, when something needs them.
 */
const SKIP = new Set(['node_modules', 'obj', 'obj.target', '.deps', 'deps', 'src', 'test', 'docs']);
const SKIP_EXT = /\.(c|cc|cpp|h|hpp|o|a|gyp|mk|md|map|ts)$/;

function copyPackage(from: string, to: string, isAddon: boolean): void {
  fs.cpSync(from, to, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      if (src === from) return true;
      const name = path.basename(src);
      if (name === 'node_modules') return false;
      // sources and build leftovers only in packages with a native part; elsewhere "src" may be code
      if (isAddon && (SKIP.has(name) || SKIP_EXT.test(name))) return false;
      return true;
    },
  });
}

/** Makes everything under `dir` readable (and folders enterable) by all, as a 022 umask would have. */
function openUp(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) openUp(p);
    else if (e.isFile()) fs.chmodSync(p, fs.statSync(p).mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * Copies the built checkout (`npm run build` first: dist/ is in "files") into a new 0755 folder
 * and returns it; `extra` files of the checkout (test fixtures) come along at the same paths.
 * The caller removes the folder.
 */
export function readableInstall(extra: string[] = []): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-installed-'));
  const own = manifest(ROOT);
  for (const f of [...(own.files ?? []), 'package.json', ...extra]) fs.cpSync(path.join(ROOT, f), path.join(target, f), { recursive: true, dereference: true });
  // Production dependencies, each at its place relative to the checkout's node_modules, so that
  // a nested copy (another version under its dependant's node_modules) stays nested.
  const modules = fs.realpathSync(path.join(ROOT, 'node_modules'));
  const copied = new Set<string>();
  const visit = (dir: string): void => {
    const m = manifest(dir);
    for (const name of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
      const found = resolvePackage(name, dir);
      if (found === null) continue; // an optional dependency not installed on this platform
      const real = fs.realpathSync(found);
      if (copied.has(real)) continue;
      copied.add(real);
      const rel = path.relative(modules, real);
      if (rel.startsWith('..')) throw new Error(`${name} resolves outside ${modules}: ${real}`);
      copyPackage(real, path.join(target, 'node_modules', rel), fs.existsSync(path.join(real, 'binding.gyp')));
      visit(real);
    }
  };
  visit(ROOT);
  openUp(target);
  return target;
}
