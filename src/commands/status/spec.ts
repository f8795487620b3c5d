/** rapport status: what the database holds; the run is in ../status.ts. */
import type { CommandSpec } from '../../cli/program.js';

export const command: CommandSpec = {
  name: 'status',
  help: 'status',
  paged: true,
  async run({ context }) {
    const { runStatus } = await import('../status.js');
    return runStatus(context());
  },
};
