/**
 * The program: commander built from a list of command specs. Each command (src/commands/NAME/spec.ts)
 * declares its flags, arguments, help keys and run together; its module, and the database driver
 * behind it, is imported only when that command runs, so `rapport --help` starts fast.
 */
import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../sys/root.js';
import { t } from '../i18n/index.js';
import { ASKED_FORMATS } from './output.js';
import { collect, positiveInt } from './args.js';
import { commanderMessage, examples, optionDescription, wideHelp, wrapExamples } from './cliText.js';
import type { Context } from './context.js';
import type { Display, Session } from './session.js';

const require = createRequire(import.meta.url);
const { version } = require(path.join(packageRoot(import.meta.url), 'package.json')) as { version: string };

/** A flag: its commander spelling and the catalogue key of its help. */
export interface OptionSpec {
  flags: string;
  help: string;
  default?: string | string[];
  choices?: readonly string[];
  /** given more than once: every value kept, in order */
  repeat?: boolean;
  required?: boolean;
}

/** A positional argument: '<name>', '[name]' or '<name...>', and the catalogue key of its help. */
export interface ArgSpec {
  name: string;
  help: string;
  /** The error when a required argument is not given, naming what it may be (else commander's "missing required argument 'name'"). */
  missing?: () => string;
}

/** What a command's run gets: its arguments and flags as commander parsed them, and its Context. */
export interface Invocation<O = Record<string, unknown>, A extends unknown[] = string[]> {
  args: A;
  opts: O;
  cmd: Command;
  /** the whole command line (report reads --lang from it) */
  argv: string[];
  /** opens the run's streams and chooses the database: call it after the argument checks */
  context(): Context;
}

export interface CommandSpec<O = Record<string, unknown>, A extends unknown[] = string[]> extends Display {
  name: string;
  /** the catalogue key under help.: help.KEY.description and help.KEY.examples */
  help: string;
  args?: ArgSpec[];
  options?: OptionSpec[];
  /** help.KEY.examples is shown after the help (true unless said otherwise) */
  examples?: boolean;
  /** a catalogue key whose text follows the examples */
  helpAfter?: string;
  subcommands?: CommandSpec[];
  /** the exit code; a command with subcommands alone has none */
  run?(inv: Invocation<O, A>): Promise<number>;
}

/** A spec with its flags' and arguments' types, listed among the others. */
export function defineCommand<O, A extends unknown[] = string[]>(spec: CommandSpec<O, A>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** --as-of, as the analyses take it. */
export const AS_OF: OptionSpec = { flags: '--as-of <date>', help: 'help.opt.asOf' };

export function buildProgram(commands: CommandSpec[], session: Session): Command {
  const program = new Command();
  program
    .name('rapport')
    .description(t('help.program.description'))
    .version(version, '-V, --version', t('help.opt.version'))
    .helpOption('-h, --help', t('help.opt.help'))
    .helpCommand('help [command]', t('help.opt.help'))
    .addOption(new Option('--db <path>', t('help.opt.db')).default(undefined, t('help.opt.dbDefault')))
    .addOption(new Option('--format <format>', t('help.opt.format')).choices(ASKED_FORMATS))
    .addOption(new Option('--check <level>', t('help.opt.check')).choices(['quick', 'full']).default('quick'))
    .addOption(new Option('--lang <lang>', t('help.opt.lang')))
    .option('-q, --quiet', t('help.opt.quiet'))
    .option('--no-color', t('help.opt.noColor'))
    .option('--no-pager', t('help.opt.noPager'))
    .option('--width <columns>', t('help.opt.width'), (v) => positiveInt(v, '--width', 100))
    .showHelpAfterError(t('errors.hintLine', { hint: t('errors.helpHint') }))
    .configureHelp({ showGlobalOptions: true, optionDescription, ...wideHelp })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => session.io.stdout.write(wrapExamples(s, session.io.width)),
      writeErr: (s) => session.io.stderr.write(s),
      // One line like every other error: "rapport: unknown option '--bogus'".
      outputError: (s, write) => write(t('errors.line', { message: commanderMessage(s).replace(/^error: /, '') })),
    })
    .addHelpText('after', examples(t('help.program.examples')) + `\n${t('help.program.exitCodes')}\n`);
  for (const spec of commands) addCommand(program, spec, session);
  return program;
}

/** One command (and its subcommands) added to its parent as its spec says. */
function addCommand(parent: Command, spec: CommandSpec, session: Session): void {
  const cmd = parent.command(spec.name).description(t(`help.${spec.help}.description`));
  for (const arg of spec.args ?? []) cmd.argument(arg.name, t(arg.help));
  const missing = spec.args?.find((a) => a.missing !== undefined)?.missing;
  // commander calls missingArgument() (not in its typings) for a required argument not given.
  if (missing !== undefined)
    (cmd as unknown as { missingArgument(): never }).missingArgument = () => cmd.error(missing(), { code: 'commander.missingArgument' });
  for (const o of spec.options ?? []) cmd.addOption(option(o));
  const after = (spec.examples === false ? '' : examples(t(`help.${spec.help}.examples`))) + (spec.helpAfter === undefined ? '' : `\n${t(spec.helpAfter)}\n`);
  if (after !== '') cmd.addHelpText('after', after);
  const run = spec.run;
  if (run !== undefined) {
    cmd.action(async (...given: unknown[]) => {
      // commander passes the arguments, then the flags, then the command itself.
      const c = given.at(-1) as Command;
      const inv = {
        args: given.slice(0, -2) as string[],
        opts: given.at(-2) as Record<string, unknown>,
        cmd: c,
        argv: session.argv,
        context: () => session.context(c, spec),
      };
      session.exitCode = await run(inv);
    });
  }
  for (const sub of spec.subcommands ?? []) addCommand(cmd, sub, session);
}

function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, t(spec.help));
  if (spec.choices !== undefined) o.choices(spec.choices);
  if (spec.repeat === true) o.argParser(collect).default(spec.default ?? []);
  else if (spec.default !== undefined) o.default(spec.default);
  if (spec.required === true) o.makeOptionMandatory();
  return o;
}
