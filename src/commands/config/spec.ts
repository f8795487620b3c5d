/** rapport config list|get|set|unset: the arguments; the runs are in ../config.ts. */
import { defineCommand, type CommandSpec } from '../../cli/program.js';

const list: CommandSpec = {
  name: 'list',
  help: 'configList',
  examples: false,
  paged: true,
  async run({ context }) {
    const { runConfigList } = await import('../config.js');
    return runConfigList(context());
  },
};

const get = defineCommand<object, [string]>({
  name: 'get',
  help: 'configGet',
  examples: false,
  args: [{ name: '<key>', help: 'help.configGet.arg.key' }],
  async run({ args: [key], context }) {
    const { runConfigGet } = await import('../config.js');
    return runConfigGet(key, context());
  },
});

const set = defineCommand<object, [string, string, string[]]>({
  name: 'set',
  help: 'configSet',
  args: [
    { name: '<key>', help: 'help.configSet.arg.key' },
    { name: '<value>', help: 'help.configSet.arg.value' },
    { name: '[more...]', help: 'help.configSet.arg.more' },
  ],
  async run({ args: [key, value, more], context }) {
    const { runConfigSet } = await import('../config.js');
    return runConfigSet([key, value, ...more], context());
  },
});

const unset = defineCommand<object, [string]>({
  name: 'unset',
  help: 'configUnset',
  examples: false,
  args: [{ name: '<key>', help: 'help.configUnset.arg.key' }],
  async run({ args: [key], context }) {
    const { runConfigUnset } = await import('../config.js');
    return runConfigUnset(key, context());
  },
});

export const command: CommandSpec = { name: 'config', help: 'config', subcommands: [list, get, set, unset] };
