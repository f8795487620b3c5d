/** rapport imports [remove]: the flags and checks; the runs are in ../imports.ts. */
import { defineCommand } from '../../cli/program.js';
import { positiveInt, positiveOrNull } from '../../cli/args.js';

const remove = defineCommand<{ yes?: boolean }, [string]>({
  name: 'remove',
  help: 'importsRemove',
  args: [{ name: '<import_id>', help: 'help.importsRemove.arg.importId' }],
  options: [{ flags: '--yes', help: 'help.importsRemove.opt.yes' }],
  async run({ args: [id], opts, context }) {
    const { runImportsRemove } = await import('../imports.js');
    return runImportsRemove({ importId: positiveInt(id, 'IMPORT_ID'), yes: opts.yes === true }, context());
  },
});

export const command = defineCommand<{ limit?: string }>({
  name: 'imports',
  help: 'imports',
  paged: true,
  options: [{ flags: '--limit <n>', help: 'help.imports.opt.limit' }],
  async run({ opts, context }) {
    const { runImports } = await import('../imports.js');
    return runImports({ limit: positiveOrNull(opts.limit, '--limit', 20) }, context());
  },
  subcommands: [remove],
});
