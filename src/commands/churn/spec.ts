/** rapport churn [backtest]: the flags and checks; the runs are in ../churn.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';
import { positiveOrNull, usageError } from '../../cli/args.js';
import { t } from '../../i18n/index.js';

const backtest = defineCommand<{ cutoff: string; horizon?: string }>({
  name: 'backtest',
  help: 'backtest',
  paged: true,
  options: [
    { flags: '--cutoff <date>', help: 'help.backtest.opt.cutoff', required: true },
    { flags: '--horizon <days>', help: 'help.backtest.opt.horizon' },
  ],
  async run({ opts, cmd, context }) {
    const [{ runBacktest, parseHorizon }, { parseAsOf }] = await Promise.all([import('../churn.js'), import('../../app/run.js')]);
    // churn's own options are parsed by churn even after "backtest": take --horizon from there,
    // and refuse the ones that mean nothing to a backtest rather than ignore them.
    const parent = cmd.parent?.opts() ?? {};
    for (const flag of ['asOf', 'level', 'tier', 'limit'] as const) {
      if (parent[flag] !== undefined) {
        const name = `--${flag.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase())}`;
        throw usageError(t('errors.cli.notForBacktest', { flag: name }));
      }
    }
    const horizon = opts.horizon ?? (parent.horizon as string | undefined);
    return runBacktest({ cutoff: parseAsOf(opts.cutoff, undefined, '--cutoff'), horizonDays: parseHorizon(horizon) }, context());
  },
});

export const command = defineCommand<{ asOf?: string; horizon?: string; level?: string; tier?: string; limit?: string; save: boolean }>({
  name: 'churn',
  help: 'churn',
  paged: true,
  options: [
    AS_OF,
    { flags: '--horizon <days>', help: 'help.churn.opt.horizon' },
    { flags: '--level <levels>', help: 'help.churn.opt.level' },
    { flags: '--tier <tiers>', help: 'help.opt.tier' },
    { flags: '--limit <n>', help: 'help.churn.opt.limit' },
    { flags: '--no-save', help: 'help.churn.opt.noSave' },
  ],
  async run({ opts, context }) {
    const [{ runChurn, parseHorizon, parseList }, { parseAsOf }] = await Promise.all([import('../churn.js'), import('../../app/run.js')]);
    const options = {
      asOf: parseAsOf(opts.asOf),
      horizonDays: parseHorizon(opts.horizon),
      levels: parseList(opts.level, ['low', 'medium', 'high'] as const, '--level'),
      tiers: parseList(opts.tier, ['platinum', 'gold', 'iron', 'lead'] as const, '--tier'),
      limit: positiveOrNull(opts.limit, '--limit', 20),
      keep: opts.save,
    };
    return runChurn(options, context());
  },
  subcommands: [backtest],
});
