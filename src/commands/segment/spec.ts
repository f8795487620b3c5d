/** rapport segment: the flags; the run is in ../segment.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';

export const command = defineCommand<{ asOf?: string; save: boolean }>({
  name: 'segment',
  help: 'segment',
  paged: true,
  options: [AS_OF, { flags: '--no-save', help: 'help.segment.opt.noSave' }],
  async run({ opts, context }) {
    const [{ runSegment }, { parseAsOf }] = await Promise.all([import('../segment.js'), import('../../app/run.js')]);
    return runSegment({ asOf: parseAsOf(opts.asOf), save: opts.save }, context());
  },
});
