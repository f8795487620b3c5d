/** rapport complaint add|list|show|update|resolve|note|summary: flags and checks; the runs are in ../complaint.ts. */
import { AS_OF, defineCommand, type CommandSpec, type OptionSpec } from '../../cli/program.js';
import { positiveInt } from '../../cli/args.js';
import { t } from '../../i18n/index.js';

const ID = { name: '<id>', help: 'help.complaint.arg.id' };
const AT_WHEN: OptionSpec = { flags: '--at <when>', help: 'help.opt.when' };
const complaintId = (id: string): number => positiveInt(id, t('errors.cli.complaintId'));
type Text = string | undefined;

/** The flags of complaint add, each a question its prompts would otherwise ask. */
const ADD_FLAGS: OptionSpec[] = [
  { flags: '--customer <id>', help: 'help.complaintAdd.opt.customer' },
  { flags: '--new-customer', help: 'help.complaintAdd.opt.newCustomer' },
  { flags: '--name <name>', help: 'help.complaintAdd.opt.name' },
  { flags: '--email <email>', help: 'help.complaintAdd.opt.email' },
  { flags: '--phone <phone>', help: 'help.complaintAdd.opt.phone' },
  { flags: '--type <type>', help: 'help.complaintAdd.opt.type' },
  { flags: '--category <c>', help: 'help.complaintAdd.opt.category' },
  { flags: '--priority <p>', help: 'help.complaintAdd.opt.priority' },
  { flags: '--product <text>', help: 'help.complaintAdd.opt.product' },
  { flags: '--summary <text>', help: 'help.complaintAdd.opt.summary' },
  { flags: '--how <text>', help: 'help.complaintAdd.opt.how' },
  { flags: '--why <text>', help: 'help.complaintAdd.opt.why' },
  { flags: '--staff <name>', help: 'help.complaintAdd.opt.staff' },
  { flags: '--other <text>', help: 'help.complaintAdd.opt.other' },
  { flags: '--reasonable <yes|no>', help: 'help.complaintAdd.opt.reasonable' },
  { flags: '--wanted <text>', help: 'help.complaintAdd.opt.wanted' },
  { flags: '--assignee <name>', help: 'help.complaintAdd.opt.assignee' },
  { flags: '--at <when>', help: 'help.complaintAdd.opt.at' },
];

const add = defineCommand<Record<string, string | boolean | undefined>>({
  name: 'add',
  help: 'complaintAdd',
  options: ADD_FLAGS,
  async run({ opts, context }) {
    const { runComplaintAdd } = await import('../complaint.js');
    return runComplaintAdd(opts as never, context());
  },
});

const list = defineCommand<{ status?: string; overdue?: boolean; customer?: string; category?: string; at?: string }>({
  name: 'list',
  help: 'complaintList',
  paged: true,
  options: [
    { flags: '--status <s>', help: 'help.complaintList.opt.status' },
    { flags: '--overdue', help: 'help.complaintList.opt.overdue' },
    { flags: '--customer <id>', help: 'help.complaintList.opt.customer' },
    { flags: '--category <c>', help: 'help.complaintList.opt.category' },
    { flags: '--at <when>', help: 'help.complaintList.opt.at' },
  ],
  async run({ opts, context }) {
    const { runComplaintList } = await import('../complaint.js');
    return runComplaintList({ ...opts, overdue: opts.overdue === true }, context());
  },
});

const show = defineCommand<object, [string]>({
  name: 'show',
  help: 'complaintShow',
  paged: true,
  args: [ID],
  async run({ args: [id], context }) {
    const { runComplaintShow } = await import('../complaint.js');
    return runComplaintShow(complaintId(id), context());
  },
});

const update = defineCommand<{ status?: Text; assignee?: Text; priority?: Text; category?: Text; note?: Text; at?: Text }, [string]>({
  name: 'update',
  help: 'complaintUpdate',
  args: [ID],
  options: [
    { flags: '--status <s>', help: 'help.complaintUpdate.opt.status' },
    { flags: '--assignee <name>', help: 'help.complaintUpdate.opt.assignee' },
    { flags: '--priority <p>', help: 'help.complaintUpdate.opt.priority' },
    { flags: '--category <c>', help: 'help.complaintUpdate.opt.category' },
    { flags: '--note <text>', help: 'help.complaintUpdate.opt.note' },
    AT_WHEN,
  ],
  async run({ args: [id], opts, context }) {
    const { runComplaintUpdate } = await import('../complaint.js');
    return runComplaintUpdate(complaintId(id), opts, context());
  },
});

const resolve = defineCommand<{ resolution?: Text; satisfied?: Text; compensation?: Text; at?: Text }, [string]>({
  name: 'resolve',
  help: 'complaintResolve',
  args: [ID],
  options: [
    { flags: '--resolution <text>', help: 'help.complaintResolve.opt.resolution' },
    { flags: '--satisfied <yes|no>', help: 'help.complaintResolve.opt.satisfied' },
    { flags: '--compensation <amount>', help: 'help.complaintResolve.opt.compensation' },
    AT_WHEN,
  ],
  async run({ args: [id], opts, context }) {
    const { runComplaintResolve } = await import('../complaint.js');
    return runComplaintResolve(complaintId(id), opts, context());
  },
});

const note = defineCommand<{ at?: string }, [string, string | undefined]>({
  name: 'note',
  help: 'complaintNote',
  // asked on a terminal when not given; needed without one
  args: [ID, { name: '[text]', help: 'help.complaintNote.arg.text' }],
  options: [AT_WHEN],
  async run({ args: [id, text], opts, context }) {
    const { runComplaintNote } = await import('../complaint.js');
    return runComplaintNote(complaintId(id), text, opts, context());
  },
});

const summary = defineCommand<{ asOf?: string; days: string }>({
  name: 'summary',
  help: 'complaintSummary',
  paged: true,
  options: [AS_OF, { flags: '--days <n>', help: 'help.complaintSummary.opt.days', default: '90' }],
  async run({ opts, context }) {
    const [{ runComplaintSummary }, { parseAsOf }] = await Promise.all([import('../complaint.js'), import('../../app/run.js')]);
    return runComplaintSummary({ asOf: opts.asOf === undefined ? undefined : parseAsOf(opts.asOf), days: positiveInt(opts.days, '--days', 90) }, context());
  },
});

export const command: CommandSpec = { name: 'complaint', help: 'complaint', subcommands: [add, list, show, update, resolve, note, summary] };
