/** rapport customers: the flags; the checks and run are in ../customers.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';
import { positiveOrNull } from '../../cli/args.js';

type Flags = { asOf?: string; tier?: string; stage?: string; exit?: string; segment?: string; type?: string; sort?: string; limit?: string };

export const command = defineCommand<Flags>({
  name: 'customers',
  help: 'customers',
  paged: true,
  options: [
    AS_OF,
    { flags: '--tier <tiers>', help: 'help.opt.tier' },
    { flags: '--stage <stages>', help: 'help.customers.opt.stage' },
    { flags: '--exit <patterns>', help: 'help.customers.opt.exit' },
    { flags: '--segment <name>', help: 'help.customers.opt.segment' },
    { flags: '--type <type>', help: 'help.customers.opt.type' },
    { flags: '--sort <column[:asc|:desc]>', help: 'help.customers.opt.sort' },
    { flags: '--limit <n>', help: 'help.opt.limitCustomers' },
  ],
  async run({ opts, context }) {
    const [{ runCustomers, parseCustomersOptions }, { parseAsOf }] = await Promise.all([import('../customers.js'), import('../../app/run.js')]);
    const options = parseCustomersOptions({ ...opts, asOf: parseAsOf(opts.asOf), limit: positiveOrNull(opts.limit, '--limit', 20) });
    return runCustomers(options, context());
  },
});
