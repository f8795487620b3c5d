/** rapport copy --to DB: the flags; the run is in ../copy.ts. */
import { defineCommand } from '../../cli/program.js';

export const command = defineCommand<{ to: string }>({
  name: 'copy',
  help: 'copy',
  options: [{ flags: '--to <db>', help: 'help.copy.opt.to', required: true }],
  async run({ opts, context }) {
    const { runCopy } = await import('../copy.js');
    return runCopy(opts.to, context());
  },
});
