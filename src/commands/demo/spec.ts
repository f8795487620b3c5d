/** rapport demo: the run is in ../demo.ts. */
import type { CommandSpec } from '../../cli/program.js';

export const command: CommandSpec = {
  name: 'demo',
  help: 'demo',
  async run({ context }) {
    const { runDemo } = await import('../demo.js');
    return runDemo(context());
  },
};
