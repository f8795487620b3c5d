/** rapport import transactions|customers: the flags and help; the run is in ../import.ts. */
import type { ImportKind } from '../../core/columns.js';
import { defineCommand, type CommandSpec, type OptionSpec } from '../../cli/program.js';

const SHARED: OptionSpec[] = [
  { flags: '--map <field=Column>', help: 'help.import.opt.map', repeat: true },
  { flags: '--no-header', help: 'help.import.opt.noHeader' },
  { flags: '--date-format <layout>', help: 'help.import.opt.dateFormat' },
  { flags: '--decimal-comma', help: 'help.import.opt.decimalComma' },
  { flags: '--currency <code>', help: 'help.import.opt.currency' },
  { flags: '--encoding <name>', help: 'help.import.opt.encoding' },
  { flags: '--delimiter <char>', help: 'help.import.opt.delimiter' },
  { flags: '--max-rejects <n|n%>', help: 'help.import.opt.maxRejects' },
  { flags: '--dry-run', help: 'help.import.opt.dryRun' },
  { flags: '--no-dedupe', help: 'help.import.opt.noDedupe' },
  { flags: '--preview <n>', help: 'help.import.opt.preview', default: '5' },
];

const ROUNDING: OptionSpec[] = [
  // A flag, not an option with an optional value: `--round sales.csv` must not take the file as its rule.
  { flags: '--round', help: 'help.import.opt.round' },
  { flags: '--rounding <rule>', help: 'help.import.opt.rounding', choices: ['half-up', 'half-even'] },
];

function importOf(kind: ImportKind, help: string, options: OptionSpec[]): CommandSpec {
  return defineCommand<Record<string, unknown>, [string[]]>({
    name: kind,
    help,
    args: [{ name: '<files...>', help: 'help.import.arg.files' }],
    options,
    async run({ args: [files], opts, context }) {
      const { parseImportOptions, runImport } = await import('../import.js');
      const ctx = context();
      return runImport(files, parseImportOptions(kind, opts), ctx);
    },
  });
}

export const command: CommandSpec = {
  name: 'import',
  help: 'import',
  subcommands: [importOf('transactions', 'importTransactions', [...ROUNDING, ...SHARED]), importOf('customers', 'importCustomers', SHARED)],
};
