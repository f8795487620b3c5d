/** rapport customer ID: the flags and checks; the run is in ../customer.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';
import { usageError, wholeNumber } from '../../cli/args.js';
import { t } from '../../i18n/index.js';

/** Twenty years of monthly history is the most one screen shows. */
const MOST_MONTHS = 240;

export const command = defineCommand<{ asOf?: string; months: string; transactions: string }, [string]>({
  name: 'customer',
  help: 'customer',
  paged: true,
  args: [{ name: '<id>', help: 'help.customer.arg.id' }],
  options: [
    AS_OF,
    { flags: '--months <n>', help: 'help.customer.opt.months', default: '24' },
    { flags: '--transactions <n>', help: 'help.customer.opt.transactions', default: '10' },
  ],
  async run({ args: [id], opts, context }) {
    const [{ runCustomer }, { parseAsOf }] = await Promise.all([import('../customer.js'), import('../../app/run.js')]);
    if (id.trim() === '') throw usageError(t('errors.cli.emptyCustomerId'));
    const months = wholeNumber(opts.months, '--months', { min: 1, max: MOST_MONTHS, example: 24 });
    return runCustomer(
      { id, asOf: parseAsOf(opts.asOf), months, transactions: wholeNumber(opts.transactions, '--transactions', { min: 0, example: 10 }) },
      context(),
    );
  },
});
