/**
 * docs/commands.md is generated from the built CLI's --help (scripts/docs-commands.mjs, issue 28):
 * this fails when a command's help changed and the reference was not written again
 * (npm run docs:commands), as `npm run docs:check` does in .ci/run.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, render, subcommands, withoutGlobalOptions } from '../../scripts/docs-commands.mjs';

const HELP = `Usage: rapport complaint [options] [command]

log complaints

Options:
  -h, --help                  display help for command

Global Options:
  --db <path>                 database: a SQLite file, or a shared PostgreSQL
                              database
  -q, --quiet                 no progress bar

Commands:
  add [options]               log a complaint: on a terminal, prompts ask for
                              what the flags do not give
  list [options]              list complaints
  help [command]              display help for command

Examples:
  $ rapport complaint add
`;

describe('docs/commands.md', () => {
  it('finds the subcommands under "Commands:", help left out, and stops at the next heading', () => {
    expect(subcommands(HELP)).toEqual(['add', 'list']);
    expect(subcommands('Usage: rapport status [options]\n\nOptions:\n  -h, --help  help\n')).toEqual([]);
  });

  it('leaves out the Global Options block and nothing else', () => {
    const out = withoutGlobalOptions(HELP);
    expect(out).not.toContain('Global Options:');
    expect(out).not.toContain('--db <path>');
    expect(out).toContain('Options:\n  -h, --help');
    expect(out).toContain('Commands:\n  add [options]');
    expect(out.split('\n').length).toBe(HELP.split('\n').length - 5); // the heading, its 3 lines, the blank line after
  });

  it('is what the built CLI prints for --help, every command and subcommand (npm run docs:commands writes it)', async () => {
    const want = await render();
    for (const name of ['rapport import transactions', 'rapport complaint resolve', 'rapport config set', 'rapport churn backtest']) {
      expect(want).toContain(`## ${name}\n`);
    }
    const have = fs.readFileSync(DOC, 'utf8');
    expect(have === want, 'docs/commands.md is stale: run npm run docs:commands').toBe(true);
  });
});
