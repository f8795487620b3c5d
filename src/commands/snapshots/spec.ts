/** rapport snapshots: the run is in ../snapshots.ts. */
import type { CommandSpec } from '../../cli/program.js';

export const command: CommandSpec = {
  name: 'snapshots',
  help: 'snapshots',
  paged: true,
  async run({ context }) {
    const { runSnapshots } = await import('../snapshots.js');
    return runSnapshots(context());
  },
};
