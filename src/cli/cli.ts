/**
 * The command registry. Each command's module is imported only when that command runs, so
 * `rapport --help` loads no database driver.
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../sys/root.js';
import { ExitCode } from '../sys/errors.js';
import { sweepStale } from '../sys/tempfiles.js';
import { reportError } from './printError.js';
import { guarded, ioFromProcess, type ProcessLike, type IO } from './io.js';
import { resolveDbPath, type Context } from './context.js';
import { ASKED_FORMATS, type AskedFormat } from './output.js';
import { endPager, pagerCommand, startPager, type Pager } from './pager.js';
import { fdWriter, regularFileFd } from '../sys/fullwrite.js';
import { refuseStoreStdout } from './outguard.js';
import { LineFitter } from '../text/linefit.js';
import { setLang } from '../i18n/index.js';
import { chooseLang, langFlag } from '../i18n/choose.js';
import stringWidth from 'string-width';
import { t, tn } from '../i18n/index.js';
import { breakable, commanderMessage, wideHelp } from './cliText.js';

const require = createRequire(import.meta.url);
const { version } = require(path.join(packageRoot(import.meta.url), 'package.json')) as { version: string };

interface GlobalFlags {
  db?: string;
  quiet?: boolean;
  color?: boolean;
  format?: AskedFormat;
  pager?: boolean;
  check?: 'quick' | 'full';
  width?: number;
}

/**
 * Commands whose output can be long go through a pager on a terminal; the ones that prompt,
 * write, or print a line or two do not. Import's own subcommands share names with `customers`.
 */
const PAGED = new Set(['status', 'imports', 'rejects', 'segment', 'customers', 'customer', 'model', 'churn', 'backtest', 'list', 'show', 'summary', 'report', 'export', 'snapshots']);
/** complaint add asks its questions on stdout, drawing and redrawing them itself. */
function prompts(cmd: Command): boolean {
  return cmd.name() === 'add' && cmd.parent?.name() === 'complaint';
}
function pagedCommand(cmd: Command): boolean {
  return PAGED.has(cmd.name()) && cmd.parent?.name() !== 'import';
}

/** An examples block from the catalogue: one command line per line of the text. */
function examples(lines: string): string {
  return `\n${t('help.title.examples')}\n` + lines.split('\n').map((l) => `  $ ${l}`).join('\n') + '\n';
}

/**
 * An example command line too wide for the terminal, broken between words (never inside quotes)
 * with a shell continuation, so it still runs when pasted. Piped help keeps each example whole.
 */
export function wrapExamples(text: string, width: number | null | undefined): string {
  if (width === null || width === undefined) return text;
  return text
    .split('\n')
    .map((line) => {
      if (stringWidth(line) <= width) return line;
      if (!line.startsWith('  $ ')) return wrapProse(line, width);
      const words = line.slice(4).match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
      const out: string[] = [];
      let cur = '  $';
      for (const w of words) {
        if (stringWidth(cur) + 1 + stringWidth(w) + 2 > width && cur.trim() !== '$') {
          out.push(cur + ' \\');
          cur = '     ';
          cur += w;
        } else cur += ' ' + w;
      }
      out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}

/** A line of prose broken between words (or between CJK characters), its indent kept. */
function wrapProse(line: string, width: number): string {
  const indent = /^\s*/.exec(line)![0];
  const out: string[] = [];
  let cur = '';
  for (const piece of breakable(line.trim())) {
    const w = piece.trimStart();
    const joined = cur === '' ? w : cur + (piece.length > w.length ? ' ' : '') + w;
    if (cur !== '' && indent.length + stringWidth(joined) > width) {
      out.push(indent + cur);
      cur = w;
    } else cur = joined;
  }
  out.push(indent + cur);
  return out.join('\n');
}

/** Option help as a person writes it: 5, not "5"; no empty list; no true for a --no- flag. */
function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(t('help.oneOf', { list: option.argChoices.join(', ') }));
  const d: unknown = option.defaultValue;
  if (option.defaultValueDescription) extra.push(t('help.default', { value: option.defaultValueDescription }));
  else if ((typeof d === 'string' && d !== '') || typeof d === 'number') extra.push(t('help.default', { value: d }));
  return extra.length > 0 ? t('help.withExtras', { description: option.description, extras: extra.join(t('help.extrasSeparator')) }) : option.description;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function main(argv: string[], proc: ProcessLike, overrides: Partial<IO> = {}): Promise<number> {
  let exitCode: number = ExitCode.ok;
  // Every stream a person reads goes through the terminal's escaping rule (io.ts, escape.ts).
  let io: IO = guarded({ ...ioFromProcess(proc), ...overrides });
  // The language first, so that everything printed (help included) is in it.
  const lang = chooseLang(argv, io.env);
  if ('error' in lang) {
    io.stderr.write(`rapport: ${lang.error}\n${lang.hint}\n`);
    return ExitCode.usage;
  }
  setLang(lang.lang);
  let pager: Pager | null = null;
  let dbPath: string | undefined;
  const program = new Command();
  const context = (cmd: Command): Context => {
    const flags = cmd.optsWithGlobals() as GlobalFlags;
    io = { ...ioFromProcess(proc, { quiet: flags.quiet, noColor: flags.color === false }), ...overrides };
    if (flags.quiet) io.progress = false;
    if (flags.color === false) io.color = false;
    // stdout redirected to a file: written whole or failed (Node's own stream ignores a short write).
    const stdoutFile = overrides.stdout === undefined ? regularFileFd(proc.stdout) : null;
    if (stdoutFile !== null) io.stdout = fdWriter(() => stdoutFile);
    // --width: tables fitted to it wherever they go, every cell whole (a terminal's own width cuts very long cells).
    if (flags.width !== undefined) io = { ...io, width: flags.width, widthAsked: true };
    // Only a real terminal (a stream on a file descriptor) is paged: never a pipe, a file, or a
    // test's stand-in for stdout.
    const realTerminal = proc.stdout.isTTY === true && typeof (proc.stdout as { fd?: unknown }).fd === 'number' && overrides.stdout === undefined;
    const pagerCmd = flags.pager !== false && realTerminal && pagedCommand(cmd) ? pagerCommand(io.env) : null;
    if (pagerCmd !== null && pager === null) {
      pager = startPager(pagerCmd, io.env);
      io.stdout = pager.stdin;
    }
    // Prose broken between words at the terminal's width (not under a prompt, which draws itself).
    if (io.stdoutIsTTY && io.width && overrides.stdout === undefined && !prompts(cmd)) io.stdout = new LineFitter(io.stdout, io.width);
    if (io.errWidth && overrides.stderr === undefined) io.stderr = new LineFitter(io.stderr, io.errWidth);
    // Last, around whatever else wraps the streams: every write passes the terminal's rule, and
    // rawStream() (the progress bar, the prompts) gets the stream just beneath it.
    io = guarded(io, flags.format === 'table');
    dbPath = resolveDbPath(flags.db, io);
    if (stdoutFile !== null) refuseStoreStdout(stdoutFile, dbPath);
    sweepAtStart(io, [path.dirname(dbPath), os.tmpdir()]);
    return { io, dbPath, dbChosen: flags.db !== undefined, format: flags.format, check: flags.check ?? 'quick', asOfGiven: (cmd.opts() as { asOf?: string }).asOf !== undefined };
  };

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
    .option('--width <columns>', t('help.opt.width'), (v) => positiveInt(v, '--width'))
    .showHelpAfterError(t('errors.hintLine', { hint: t('errors.helpHint') }))
    .configureHelp({ showGlobalOptions: true, optionDescription, ...wideHelp })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(wrapExamples(s, io.width)),
      writeErr: (s) => io.stderr.write(s),
      // One line like every other error: "rapport: unknown option '--bogus'".
      outputError: (s, write) => write(t('errors.line', { message: commanderMessage(s).replace(/^error: /, '') })),
    })
    .addHelpText(
      'after',
      examples(t('help.program.examples')) + `\n${t('help.program.exitCodes')}\n`,
    );

  const importCmd = program
    .command('import')
    .description(t('help.import.description'))
    .addHelpText('after', examples(t('help.import.examples')));
  for (const kind of ['transactions', 'customers'] as const) {
    const sub = importCmd.command(kind);
    // A flag, not an option with an optional value: `--round sales.csv` must not take the file as its rule.
    if (kind === 'transactions') sub.option('--round', t('help.import.opt.round')).addOption(new Option('--rounding <rule>', t('help.import.opt.rounding')).choices(['half-up', 'half-even']));
    sub
      .description(kind === 'transactions' ? t('help.importTransactions.description') : t('help.importCustomers.description'))
      .argument('<files...>', t('help.import.arg.files'))
      .option('--map <field=Column>', t('help.import.opt.map'), collect, [])
      .option('--no-header', t('help.import.opt.noHeader'))
      .option('--date-format <layout>', t('help.import.opt.dateFormat'))
      .option('--decimal-comma', t('help.import.opt.decimalComma'))
      .option('--currency <code>', t('help.import.opt.currency'))
      .option('--encoding <name>', t('help.import.opt.encoding'))
      .option('--delimiter <char>', t('help.import.opt.delimiter'))
      .option('--max-rejects <n|n%>', t('help.import.opt.maxRejects'))
      .option('--dry-run', t('help.import.opt.dryRun'))
      .option('--no-dedupe', t('help.import.opt.noDedupe'))
      .option('--preview <n>', t('help.import.opt.preview'), '5')
      .addHelpText(
        'after',
        examples(kind === 'transactions' ? t('help.importTransactions.examples') : t('help.importCustomers.examples')),
      )
      .action(async (files: string[], opts: Record<string, unknown>, c: Command) => {
        const { parseImportOptions, runImport } = await import('../commands/import.js');
        const ctx = context(c);
        exitCode = await runImport(files, parseImportOptions(kind, opts), ctx);
      });
  }

  program
    .command('status')
    .description(t('help.status.description'))
    .addHelpText('after', examples(t('help.status.examples')))
    .action(async (_opts: unknown, c: Command) => {
      const { runStatus } = await import('../commands/status.js');
      exitCode = await runStatus(context(c));
    });

  const imports = program
    .command('imports')
    .description(t('help.imports.description'))
    .option('--limit <n>', t('help.imports.opt.limit'))
    .addHelpText('after', examples(t('help.imports.examples')))
    .action(async (opts: { limit?: string }, c: Command) => {
      const { runImports } = await import('../commands/imports.js');
      exitCode = await runImports({ limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit') }, context(c));
    });
  imports
    .command('remove')
    .description(t('help.importsRemove.description'))
    .argument('<import_id>', t('help.importsRemove.arg.importId'))
    .option('--yes', t('help.importsRemove.opt.yes'))
    .addHelpText('after', examples(t('help.importsRemove.examples')))
    .action(async (id: string, opts: { yes?: boolean }, c: Command) => {
      const { runImportsRemove } = await import('../commands/imports.js');
      exitCode = await runImportsRemove({ importId: positiveInt(id, 'IMPORT_ID'), yes: opts.yes === true }, context(c));
    });

  program
    .command('rejects')
    .description(t('help.rejects.description'))
    .argument('[import_id]', t('help.rejects.arg.importId'))
    .option('--limit <n>', t('help.opt.limitRows'))
    .option('--raw', t('help.rejects.opt.raw'))
    .addHelpText(
      'after',
      examples(t('help.rejects.examples')),
    )
    .action(async (id: string | undefined, opts: { limit?: string; raw?: boolean }, c: Command) => {
      const { runRejects } = await import('../commands/rejects.js');
      if (opts.raw && id === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.rawNeedsId'));
      exitCode = await runRejects(
        {
          importId: id === undefined ? null : positiveInt(id, 'import_id'),
          limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit'),
          raw: opts.raw === true,
        },
        context(c),
      );
    });

  const asOfOption = (): Option => new Option('--as-of <date>', t('help.opt.asOf'));

  program
    .command('segment')
    .description(t('help.segment.description'))
    .addOption(asOfOption())
    .option('--no-save', t('help.segment.opt.noSave'))
    .addHelpText('after', examples(t('help.segment.examples')))
    .action(async (opts: { asOf?: string; save: boolean }, c: Command) => {
      const [{ runSegment }, { parseAsOf }] = await Promise.all([import('../commands/segment.js'), import('../app/run.js')]);
      exitCode = await runSegment({ asOf: parseAsOf(opts.asOf), save: opts.save }, context(c));
    });

  program
    .command('customers')
    .description(t('help.customers.description'))
    .addOption(asOfOption())
    .option('--tier <tiers>', t('help.opt.tier'))
    .option('--stage <stages>', t('help.customers.opt.stage'))
    .option('--exit <patterns>', t('help.customers.opt.exit'))
    .option('--segment <name>', t('help.customers.opt.segment'))
    .option('--type <type>', t('help.customers.opt.type'))
    .option('--sort <column[:asc|:desc]>', t('help.customers.opt.sort'))
    .option('--limit <n>', t('help.opt.limitCustomers'))
    .addHelpText(
      'after',
      examples(t('help.customers.examples')),
    )
    .action(async (opts: { asOf?: string; tier?: string; stage?: string; exit?: string; segment?: string; type?: string; sort?: string; limit?: string }, c: Command) => {
      const [{ runCustomers, parseCustomersOptions }, { parseAsOf }] = await Promise.all([import('../commands/customers.js'), import('../app/run.js')]);
      const options = parseCustomersOptions({ ...opts, asOf: parseAsOf(opts.asOf), limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit') });
      exitCode = await runCustomers(options, context(c));
    });

  program
    .command('customer')
    .description(t('help.customer.description'))
    .argument('<id>', t('help.customer.arg.id'))
    .addOption(asOfOption())
    .option('--months <n>', t('help.customer.opt.months'), '24')
    .option('--transactions <n>', t('help.customer.opt.transactions'), '10')
    .addHelpText('after', examples(t('help.customer.examples')))
    .action(async (id: string, opts: { asOf?: string; months: string; transactions: string }, c: Command) => {
      const [{ runCustomer }, { parseAsOf }] = await Promise.all([import('../commands/customer.js'), import('../app/run.js')]);
      if (id.trim() === '') throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.emptyCustomerId'));
      const months = positiveInt(opts.months, '--months');
      if (months > 240) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.monthsTooMany', { months }));
      exitCode = await runCustomer({ id, asOf: parseAsOf(opts.asOf), months, transactions: wholeInt(opts.transactions, '--transactions') }, context(c));
    });

  program
    .command('model')
    .description(t('help.model.description'))
    .addOption(asOfOption())
    .option('--model <name>', t('help.model.opt.model'))
    .option('--horizon <days>', t('help.model.opt.horizon'))
    .addOption(new Option('--time-unit <unit>', t('help.model.opt.timeUnit')).choices(['day', 'week']))
    .option('--no-save', t('help.model.opt.noSave'))
    .addHelpText('after', examples(t('help.model.examples')))
    .action(async (opts: { asOf?: string; model?: string; horizon?: string; timeUnit?: 'day' | 'week'; save: boolean }, c: Command) => {
      const [{ runModel, parseModelName }, { parseAsOf }, { parseHorizon }] = await Promise.all([import('../commands/model.js'), import('../app/run.js'), import('../commands/churn.js')]);
      exitCode = await runModel({ asOf: parseAsOf(opts.asOf), model: parseModelName(opts.model), horizonDays: parseHorizon(opts.horizon), timeUnit: opts.timeUnit ?? null, save: opts.save }, context(c));
    });

  const churn = program
    .command('churn')
    .description(t('help.churn.description'))
    .addOption(asOfOption())
    .option('--horizon <days>', t('help.churn.opt.horizon'))
    .option('--level <levels>', t('help.churn.opt.level'))
    .option('--tier <tiers>', t('help.opt.tier'))
    .option('--limit <n>', t('help.opt.limitCustomers'))
    .option('--no-save', t('help.churn.opt.noSave'))
    .addHelpText('after', examples(t('help.churn.examples')))
    .action(async (opts: { asOf?: string; horizon?: string; level?: string; tier?: string; limit?: string; save: boolean }, c: Command) => {
      const [{ runChurn, parseHorizon, parseList }, { parseAsOf }] = await Promise.all([import('../commands/churn.js'), import('../app/run.js')]);
      exitCode = await runChurn(
        {
          asOf: parseAsOf(opts.asOf),
          horizonDays: parseHorizon(opts.horizon),
          levels: parseList(opts.level, ['low', 'medium', 'high'] as const, '--level'),
          tiers: parseList(opts.tier, ['platinum', 'gold', 'iron', 'lead'] as const, '--tier'),
          limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit'),
          keep: opts.save,
        },
        context(c),
      );
    });
  churn
    .command('backtest')
    .description(t('help.backtest.description'))
    .requiredOption('--cutoff <date>', t('help.backtest.opt.cutoff'))
    .option('--horizon <days>', t('help.backtest.opt.horizon'))
    .addHelpText('after', examples(t('help.backtest.examples')))
    .action(async (opts: { cutoff: string; horizon?: string }, c: Command) => {
      const [{ runBacktest, parseHorizon }, { parseAsOf }] = await Promise.all([import('../commands/churn.js'), import('../app/run.js')]);
      // churn's own options are parsed by churn even after "backtest": take --horizon from there,
      // and refuse the ones that mean nothing to a backtest rather than ignore them.
      const parent = c.parent?.opts() ?? {};
      for (const flag of ['asOf', 'level', 'tier', 'limit'] as const) {
        if (parent[flag] !== undefined) {
          const name = `--${flag.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase())}`;
          throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.notForBacktest', { flag: name }));
        }
      }
      const horizon = opts.horizon ?? (parent.horizon as string | undefined);
      exitCode = await runBacktest({ cutoff: parseAsOf(opts.cutoff, undefined, '--cutoff'), horizonDays: parseHorizon(horizon) }, context(c));
    });

  const complaint = program
    .command('complaint')
    .description(t('help.complaint.description'))
    .addHelpText('after', examples(t('help.complaint.examples')));
  complaint
    .command('add')
    .description(t('help.complaintAdd.description'))
    .option('--customer <id>', t('help.complaintAdd.opt.customer'))
    .option('--new-customer', t('help.complaintAdd.opt.newCustomer'))
    .option('--name <name>', t('help.complaintAdd.opt.name'))
    .option('--email <email>', t('help.complaintAdd.opt.email'))
    .option('--phone <phone>', t('help.complaintAdd.opt.phone'))
    .option('--type <type>', t('help.complaintAdd.opt.type'))
    .option('--category <c>', t('help.complaintAdd.opt.category'))
    .option('--priority <p>', t('help.complaintAdd.opt.priority'))
    .option('--product <text>', t('help.complaintAdd.opt.product'))
    .option('--summary <text>', t('help.complaintAdd.opt.summary'))
    .option('--how <text>', t('help.complaintAdd.opt.how'))
    .option('--why <text>', t('help.complaintAdd.opt.why'))
    .option('--staff <name>', t('help.complaintAdd.opt.staff'))
    .option('--other <text>', t('help.complaintAdd.opt.other'))
    .option('--reasonable <yes|no>', t('help.complaintAdd.opt.reasonable'))
    .option('--wanted <text>', t('help.complaintAdd.opt.wanted'))
    .option('--assignee <name>', t('help.complaintAdd.opt.assignee'))
    .option('--at <when>', t('help.complaintAdd.opt.at'))
    .addHelpText('after', examples(t('help.complaintAdd.examples')))
    .action(async (opts: Record<string, string | boolean | undefined>, c: Command) => {
      const { runComplaintAdd } = await import('../commands/complaint.js');
      exitCode = await runComplaintAdd(opts as never, context(c));
    });
  complaint
    .command('list')
    .description(t('help.complaintList.description'))
    .option('--status <s>', t('help.complaintList.opt.status'))
    .option('--overdue', t('help.complaintList.opt.overdue'))
    .option('--customer <id>', t('help.complaintList.opt.customer'))
    .option('--category <c>', t('help.complaintList.opt.category'))
    .option('--at <when>', t('help.complaintList.opt.at'))
    .addHelpText('after', examples(t('help.complaintList.examples')))
    .action(async (opts: { status?: string; overdue?: boolean; customer?: string; category?: string; at?: string }, c: Command) => {
      const { runComplaintList } = await import('../commands/complaint.js');
      exitCode = await runComplaintList({ ...opts, overdue: opts.overdue === true }, context(c));
    });
  complaint
    .command('show')
    .description(t('help.complaintShow.description'))
    .argument('<id>', t('help.complaint.arg.id'))
    .addHelpText('after', examples(t('help.complaintShow.examples')))
    .action(async (id: string, _opts: unknown, c: Command) => {
      const { runComplaintShow } = await import('../commands/complaint.js');
      exitCode = await runComplaintShow(positiveInt(id, t('errors.cli.complaintId')), context(c));
    });
  complaint
    .command('update')
    .description(t('help.complaintUpdate.description'))
    .argument('<id>', t('help.complaint.arg.id'))
    .option('--status <s>', t('help.complaintUpdate.opt.status'))
    .option('--assignee <name>', t('help.complaintUpdate.opt.assignee'))
    .option('--priority <p>', t('help.complaintUpdate.opt.priority'))
    .option('--category <c>', t('help.complaintUpdate.opt.category'))
    .option('--note <text>', t('help.complaintUpdate.opt.note'))
    .option('--at <when>', t('help.opt.when'))
    .addHelpText('after', examples(t('help.complaintUpdate.examples')))
    .action(async (id: string, opts: { status?: string; assignee?: string; priority?: string; category?: string; note?: string; at?: string }, c: Command) => {
      const { runComplaintUpdate } = await import('../commands/complaint.js');
      exitCode = await runComplaintUpdate(positiveInt(id, t('errors.cli.complaintId')), opts, context(c));
    });
  complaint
    .command('resolve')
    .description(t('help.complaintResolve.description'))
    .argument('<id>', t('help.complaint.arg.id'))
    .option('--resolution <text>', t('help.complaintResolve.opt.resolution'))
    .option('--satisfied <yes|no>', t('help.complaintResolve.opt.satisfied'))
    .option('--compensation <amount>', t('help.complaintResolve.opt.compensation'))
    .option('--at <when>', t('help.opt.when'))
    .addHelpText('after', examples(t('help.complaintResolve.examples')))
    .action(async (id: string, opts: { resolution?: string; satisfied?: string; compensation?: string; at?: string }, c: Command) => {
      const { runComplaintResolve } = await import('../commands/complaint.js');
      exitCode = await runComplaintResolve(positiveInt(id, t('errors.cli.complaintId')), opts, context(c));
    });
  complaint
    .command('note')
    .description(t('help.complaintNote.description'))
    .argument('<id>', t('help.complaint.arg.id'))
    .argument('<text>', t('help.complaintNote.arg.text'))
    .option('--at <when>', t('help.opt.when'))
    .addHelpText('after', examples(t('help.complaintNote.examples')))
    .action(async (id: string, text: string, opts: { at?: string }, c: Command) => {
      const { runComplaintNote } = await import('../commands/complaint.js');
      exitCode = await runComplaintNote(positiveInt(id, t('errors.cli.complaintId')), text, opts, context(c));
    });
  complaint
    .command('summary')
    .description(t('help.complaintSummary.description'))
    .addOption(asOfOption())
    .option('--days <n>', t('help.complaintSummary.opt.days'), '90')
    .addHelpText('after', examples(t('help.complaintSummary.examples')))
    .action(async (opts: { asOf?: string; days: string }, c: Command) => {
      const [{ runComplaintSummary }, { parseAsOf }] = await Promise.all([import('../commands/complaint.js'), import('../app/run.js')]);
      exitCode = await runComplaintSummary({ asOf: opts.asOf === undefined ? undefined : parseAsOf(opts.asOf), days: positiveInt(opts.days, '--days') }, context(c));
    });

  program
    .command('report')
    .description(t('help.report.description'))
    .argument('<name>', t('help.report.arg.name'))
    .addOption(asOfOption())
    .option('--since <date>', t('help.report.opt.since'))
    .option('--out <file>', t('help.report.opt.out'))
    .option('--force', t('help.opt.force'))
    .option('--table <name>', t('help.report.opt.table'))
    .option('--limit <n>', t('help.report.opt.limit'), '25')
    .option('--fail-if <condition>', t('help.report.opt.failIf'), collect, [])
    .option('--no-save', t('help.report.opt.noSave'))
    .addHelpText(
      'after',
      examples(t('help.report.examples')) + `\n${t('help.report.formats')}\n`,
    )
    .action(async (name: string, opts: { asOf?: string; since?: string; out?: string; force?: boolean; table?: string; limit: string; failIf: string[]; save: boolean }, c: Command) => {
      const [{ runReport }, { REPORTS }, { parseAsOf }, { writeAtomically, formatFromName }] = await Promise.all([
        import('../commands/report.js'),
        import('../reports/build.js'),
        import('../app/run.js'),
        import('./outfile.js'),
      ]);
      const which = REPORTS.find((r) => r === name.trim().toLowerCase());
      if (which === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.noReport', { name, reports: REPORTS.join(', ') }));
      const ctx0 = context(c);
      // --out report.html asks for HTML unless --format says otherwise.
      const ctx = { ...ctx0, format: ctx0.format ?? formatFromName(opts.out) };
      const options = {
        name: which,
        asOf: parseAsOf(opts.asOf),
        since: opts.since === undefined ? null : parseAsOf(opts.since, undefined, '--since'),
        table: opts.table ?? null,
        limit: positiveInt(opts.limit, '--limit'),
        failIf: opts.failIf,
        keepList: opts.save,
        // --lang comes first for a report too; then RAPPORT_LANG, the report.lang setting, the locale.
        lang: langFlag(argv),
      };
      exitCode = opts.out === undefined ? await runReport(options, ctx) : await writeAtomically(ctx.io, opts.out, (io) => runReport(options, { ...ctx, io }), opts.force === true, ctx.dbPath);
    });

  program
    .command('export')
    .description(t('help.export.description'))
    .argument('<what>', t('help.export.arg.what'))
    .option('--out <file>', t('help.export.opt.out'))
    .option('--force', t('help.opt.force'))
    .option('--excel', t('help.export.opt.excel'))
    .option('--redact', t('help.export.opt.redact'))
    .option('--as-of <date>', t('help.export.opt.asOf'))
    .addHelpText(
      'after',
      examples(t('help.export.examples')),
    )
    .action(async (what: string, opts: { out?: string; force?: boolean; excel?: boolean; redact?: boolean; asOf?: string }, c: Command) => {
      const [{ runExport, EXPORTS }, { parseAsOf }, { writeAtomically, formatFromName }] = await Promise.all([import('../commands/export.js'), import('../app/run.js'), import('./outfile.js')]);
      const which = EXPORTS.find((e) => e === what.trim().toLowerCase());
      if (which === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.noExport', { what, exports: EXPORTS.join(', ') }));
      const ctx0 = context(c);
      const ctx = { ...ctx0, format: ctx0.format ?? formatFromName(opts.out) };
      // Machines read exports: CSV unless --format json (a table is no export).
      if (ctx.format === 'md' || ctx.format === 'html' || ctx.format === 'table') throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.exportFormat', { format: ctx.format }));
      const format = ctx.format === 'json' ? 'json' : 'csv';
      const options = { what: which, format, excel: opts.excel === true, redact: opts.redact === true, asOf: opts.asOf === undefined ? null : parseAsOf(opts.asOf) } as const;
      exitCode = opts.out === undefined ? await runExport(options, ctx) : await writeAtomically(ctx.io, opts.out, (io) => runExport(options, { ...ctx, io }), opts.force === true, ctx.dbPath);
    });

  program
    .command('copy')
    .description(t('help.copy.description'))
    .requiredOption('--to <db>', t('help.copy.opt.to'))
    .addHelpText('after', examples(t('help.copy.examples')))
    .action(async (opts: { to: string }, c: Command) => {
      const { runCopy } = await import('../commands/copy.js');
      exitCode = await runCopy(opts.to, context(c));
    });

  program
    .command('snapshots')
    .description(t('help.snapshots.description'))
    .addHelpText('after', examples(t('help.snapshots.examples')))
    .action(async (_opts: unknown, c: Command) => {
      const { runSnapshots } = await import('../commands/snapshots.js');
      exitCode = await runSnapshots(context(c));
    });

  const config = program
    .command('config')
    .description(t('help.config.description'))
    .addHelpText('after', examples(t('help.config.examples')));
  config
    .command('list')
    .description(t('help.configList.description'))
    .action(async (_opts: unknown, c: Command) => {
      const { runConfigList } = await import('../commands/config.js');
      exitCode = await runConfigList(context(c));
    });
  config
    .command('get')
    .description(t('help.configGet.description'))
    .argument('<key>', t('help.configGet.arg.key'))
    .action(async (key: string, _opts: unknown, c: Command) => {
      const { runConfigGet } = await import('../commands/config.js');
      exitCode = await runConfigGet(key, context(c));
    });
  config
    .command('set')
    .description(t('help.configSet.description'))
    .argument('<key>', t('help.configSet.arg.key'))
    .argument('<value>', t('help.configSet.arg.value'))
    .argument('[more...]', t('help.configSet.arg.more'))
    .addHelpText(
      'after',
      examples(t('help.configSet.examples')),
    )
    .action(async (key: string, value: string, more: string[], _opts: unknown, c: Command) => {
      const { runConfigSet } = await import('../commands/config.js');
      exitCode = await runConfigSet([key, value, ...more], context(c));
    });
  config
    .command('unset')
    .description(t('help.configUnset.description'))
    .argument('<key>', t('help.configUnset.arg.key'))
    .action(async (key: string, _opts: unknown, c: Command) => {
      const { runConfigUnset } = await import('../commands/config.js');
      exitCode = await runConfigUnset(key, context(c));
    });

  program
    .command('demo')
    .description(t('help.demo.description'))
    .addHelpText('after', examples(t('help.demo.examples')))
    .action(async (_opts: unknown, c: Command) => {
      const { runDemo } = await import('../commands/demo.js');
      exitCode = await runDemo(context(c));
    });

  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = exitCode;
  } catch (e) {
    code = reportError(e, io, dbPath);
  }
  // A pager that did not show the output: the terminal shows it, or the run fails.
  const paged = pager as Pager | null;
  return paged === null ? code : endPager(paged, code, proc.stdout, io.stderr);
}

/**
 * Temporary files left by killed runs (src/tempfiles.ts) in the places rapport always writes: the
 * database's folder and the system's temporary folder (spooled standard input). An --out folder
 * is swept when a file is next written there.
 */
function sweepAtStart(io: IO, dirs: string[]): void {
  for (const dir of new Set(dirs)) {
    const n = sweepStale(dir);
    if (n > 0) io.stderr.write(io.quiet ? '' : t('errors.line', { message: tn('errors.removedTempFiles', n, { dir }) }) + '\n');
  }
}

function positiveInt(v: string, name: string): number {
  const n = wholeInt(v, name);
  if (n <= 0) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.notPositive', { name, value: v }));
  return n;
}

/**
 * Digits beyond 2^53 - 1 round to another number (99999999999999999999 became 1e20 and asked
 * about a record that was never named): refused rather than answered about the wrong one.
 */
function wholeInt(v: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.notWhole', { name, value: v }));
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new CommanderError(ExitCode.usage, 'rapport.usage', t('errors.cli.tooLarge', { name, value: v.trim(), max: Number.MAX_SAFE_INTEGER }));
  return n;
}
