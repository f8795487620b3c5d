/** rapport model: the flags; the run is in ../model.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';

export const command = defineCommand<{ asOf?: string; model?: string; horizon?: string; timeUnit?: 'day' | 'week'; save: boolean }>({
  name: 'model',
  help: 'model',
  paged: true,
  options: [
    AS_OF,
    { flags: '--model <name>', help: 'help.model.opt.model' },
    { flags: '--horizon <days>', help: 'help.model.opt.horizon' },
    { flags: '--time-unit <unit>', help: 'help.model.opt.timeUnit', choices: ['day', 'week'] },
    { flags: '--no-save', help: 'help.model.opt.noSave' },
  ],
  async run({ opts, context }) {
    const [{ runModel, parseModelName }, { parseAsOf }, { parseHorizon }] = await Promise.all([
      import('../model.js'),
      import('../../app/run.js'),
      import('../churn.js'),
    ]);
    const options = {
      asOf: parseAsOf(opts.asOf),
      model: parseModelName(opts.model),
      horizonDays: parseHorizon(opts.horizon),
      timeUnit: opts.timeUnit ?? null,
      save: opts.save,
    };
    return runModel(options, context());
  },
});
