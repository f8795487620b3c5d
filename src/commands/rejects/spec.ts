/** rapport rejects [import_id]: the flags and checks; the run is in ../rejects.ts. */
import { defineCommand } from '../../cli/program.js';
import { positiveOrNull, usageError } from '../../cli/args.js';
import { t } from '../../i18n/index.js';

export const command = defineCommand<{ limit?: string; raw?: boolean }, [string | undefined]>({
  name: 'rejects',
  help: 'rejects',
  paged: true,
  args: [{ name: '[import_id]', help: 'help.rejects.arg.importId' }],
  options: [
    { flags: '--limit <n>', help: 'help.opt.limitRows' },
    { flags: '--raw', help: 'help.rejects.opt.raw' },
  ],
  async run({ args: [id], opts, context }) {
    const { runRejects } = await import('../rejects.js');
    if (opts.raw && id === undefined) throw usageError(t('errors.cli.rawNeedsId'));
    const options = { importId: positiveOrNull(id, 'import_id'), limit: positiveOrNull(opts.limit, '--limit', 20), raw: opts.raw === true };
    return runRejects(options, context());
  },
});
