/**
 * The program is built from the command specs (src/commands/NAME/spec.ts): each spec names its
 * help in both catalogues, and help starts without loading any command's module or a database
 * driver (the spec imports its run only when the command runs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import type { CommandSpec } from '../../src/cli/program.js';
import { catalogueKeys, LANGS } from '../../src/i18n/index.js';
import { tempDir } from '../helpers.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Every catalogue key a spec (and its subcommands) shows in its help. */
function helpKeys(spec: CommandSpec, where = spec.name): [string, string][] {
  const keys = [`help.${spec.help}.description`, ...(spec.examples === false ? [] : [`help.${spec.help}.examples`])];
  if (spec.helpAfter !== undefined) keys.push(spec.helpAfter);
  for (const a of spec.args ?? []) keys.push(a.help);
  for (const o of spec.options ?? []) keys.push(o.help);
  const own = keys.map((k): [string, string] => [where, k]);
  return [...own, ...(spec.subcommands ?? []).flatMap((s) => helpKeys(s, `${where} ${s.name}`))];
}

describe('the command specs', () => {
  it('name help that both catalogues hold', () => {
    const keys = COMMANDS.flatMap((c) => helpKeys(c));
    expect(keys.length).toBeGreaterThan(100);
    for (const lang of LANGS) {
      const held = new Set(catalogueKeys(lang, 'help'));
      expect(keys.filter(([, k]) => !held.has(k)).map(([cmd, k]) => `${lang}: rapport ${cmd}: ${k}`)).toEqual([]);
    }
  });

  it('have names unique among their siblings', () => {
    const clash = (list: CommandSpec[]): string[] => [
      ...list.map((c) => c.name).filter((n, i, all) => all.indexOf(n) !== i),
      ...list.flatMap((c) => clash(c.subcommands ?? [])),
    ];
    expect(clash(COMMANDS)).toEqual([]);
  });
});

describe('lazy loading', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  // A module hook that names every file Node loads, on stderr.
  const hooks = tmp.file(
    'hooks.mjs',
    "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }\n",
  );
  const register = tmp.file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);

  const loaded = (args: string[]): string[] => {
    const r = spawnSync(process.execPath, ['--import', register, path.join(ROOT, 'bin/rapport.js'), '--db', tmp.db, ...args], {
      cwd: tmp.dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, RAPPORT_LANG: 'en' },
    });
    return r.stderr
      .split('\n')
      .filter((l) => l.startsWith('LOADED '))
      .map((l) => l.slice('LOADED '.length));
  };
  const commandModules = (files: string[]): string[] => files.filter((f) => /\/dist\/commands\/[^/]+\.js$/.test(f) && !f.endsWith('/index.js'));
  const drivers = (files: string[]): string[] => files.filter((f) => /node_modules\/(better-sqlite3|postgres)\//.test(f));

  it('help loads no command module and no database driver', () => {
    for (const args of [['--help'], ['status', '--help'], ['complaint', 'add', '--help'], ['report', '--help']]) {
      const files = loaded(args);
      expect(
        files.some((f) => f.endsWith('/dist/main.js')),
        args.join(' '),
      ).toBe(true);
      expect(commandModules(files), args.join(' ')).toEqual([]);
      expect(drivers(files), args.join(' ')).toEqual([]);
    }
  });

  it('a command that runs loads its own module', () => {
    expect(fs.existsSync(tmp.db)).toBe(false);
    expect(commandModules(loaded(['status'])).map((f) => path.basename(f))).toContain('status.js');
  });
});
