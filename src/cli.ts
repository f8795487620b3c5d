/**
 * The command registry. Each command's module is imported only when that command runs, so
 * `rapport --help` loads no database driver.
 */
import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from './errors.js';
import { sweepStale } from './tempfiles.js';
import { reportError } from './report.js';
import { guarded, ioFromProcess, type ProcessLike, type IO } from './io.js';
import { resolveDbPath, type Context } from './context.js';
import { ASKED_FORMATS, type AskedFormat } from './output.js';
import { pagerCommand, startPager, type Pager } from './pager.js';
import { LineFitter } from './linefit.js';
import { setLang } from './i18n/index.js';
import { chooseLang } from './i18n/choose.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

interface GlobalFlags {
  db?: string;
  quiet?: boolean;
  color?: boolean;
  format?: AskedFormat;
  pager?: boolean;
  check?: 'quick' | 'full';
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

function examples(lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => `  $ ${l}`).join('\n') + '\n';
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
      if (line.length <= width) return line;
      if (!line.startsWith('  $ ')) return wrapProse(line, width);
      const words = line.slice(4).match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
      const out: string[] = [];
      let cur = '  $';
      for (const w of words) {
        if (cur.length + 1 + w.length + 2 > width && cur.trim() !== '$') {
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

/** A line of prose broken between words, its indent kept. */
function wrapProse(line: string, width: number): string {
  const indent = /^\s*/.exec(line)![0];
  const out: string[] = [];
  let cur = '';
  for (const w of line.trim().split(/\s+/)) {
    if (cur !== '' && indent.length + cur.length + 1 + w.length > width) {
      out.push(indent + cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  out.push(indent + cur);
  return out.join('\n');
}

/** Option help as a person writes it: 5, not "5"; no empty list; no true for a --no- flag. */
function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`one of: ${option.argChoices.join(', ')}`);
  const d: unknown = option.defaultValue;
  if (option.defaultValueDescription) extra.push(`default: ${option.defaultValueDescription}`);
  else if ((typeof d === 'string' && d !== '') || typeof d === 'number') extra.push(`default: ${d}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
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
    sweepAtStart(io, [path.dirname(dbPath), os.tmpdir()]);
    return { io, dbPath, dbChosen: flags.db !== undefined, format: flags.format, check: flags.check ?? 'quick' };
  };

  program
    .name('rapport')
    .description('Know your customers from your sales history. Import sales and customer CSVs into a local SQLite database; segment customers by RFM, value tier and lifecycle stage; fit a churn model and list who is about to leave; log complaints and track them to resolution.')
    .version(version, '-V, --version')
    .addOption(new Option('--db <path>', 'database file, or set RAPPORT_DB').default(undefined, 'rapport.db in the current folder'))
    .addOption(new Option('--format <format>', 'output format where data is printed (md and html: reports only)').choices(ASKED_FORMATS))
    .addOption(new Option('--check <level>', 'before a command writes, check the database: quick (PRAGMA quick_check) or full (integrity_check, slower)').choices(['quick', 'full']).default('quick'))
    .addOption(new Option('--lang <lang>', 'language of what rapport writes for people: en or zh-CN (or set RAPPORT_LANG; default: from LC_ALL, LC_MESSAGES, LANG, else en)'))
    .option('-q, --quiet', 'no progress bar, notices or warnings on stderr (errors still print)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--no-pager', 'never page long output on a terminal (pager: RAPPORT_PAGER, PAGER, else less -FRX)')
    .showHelpAfterError('hint: add --help for usage and examples')
    .configureHelp({ showGlobalOptions: true, optionDescription })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(wrapExamples(s, io.width)),
      writeErr: (s) => io.stderr.write(s),
      // One line like every other error: "rapport: unknown option '--bogus'".
      outputError: (s, write) => write(`rapport: ${s.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      examples([
        'rapport import transactions sales.csv',
        'rapport import customers customers.csv --map customer_id="Client Ref"',
        'rapport status',
        'rapport segment --as-of 2025-12-31',
        'rapport customers --tier platinum --stage decline',
        'rapport customer C0042',
        'rapport churn --level high --tier platinum,gold',
        'rapport --db shop.db imports --format json',
        'rapport demo',
      ]) + '\nExit codes: 0 ok, 1 failure, 2 usage error, 3 import refused (too many rejected rows), 4 nothing imported (every row rejected), 5 a report --fail-if condition held, 130 cancelled at a prompt or interrupted (SIGINT), 143 SIGTERM, 129 SIGHUP.\n',
    );

  const importCmd = program
    .command('import')
    .description('import sales history or customer records from CSV')
    .addHelpText('after', examples(['rapport import transactions sales.csv', 'rapport import customers customers.csv', 'rapport import transactions --help']));
  for (const kind of ['transactions', 'customers'] as const) {
    importCmd
      .command(kind)
      .description(kind === 'transactions' ? 'import transactions (sales, refunds) from CSV files' : 'import customer records from CSV files')
      .argument('<files...>', 'CSV files; - reads standard input')
      .option('--map <field=Column>', 'use Column for field (repeatable); Column may be a 1-based column number', collect, [])
      .option('--no-header', 'the file has no header row: its first line is data (name columns by number: --map customer_id=1)')
      .option('--date-format <layout>', 'date layout, e.g. DD/MM/YYYY, M/D/YYYY HH:mm, DD-MMM-YY')
      .option('--decimal-comma', 'amounts use a decimal comma: 1.234,50')
      .option('--currency <code>', 'ISO currency of the amounts (one per database)')
      .option('--encoding <name>', 'file encoding: utf-8 (default), windows-1252, latin1, gb18030, gbk, utf-16le, ...')
      .option('--delimiter <char>', 'field delimiter (default: sniffed among , ; tab |)')
      .option('--max-rejects <n|n%>', 'refuse a file with more rejected rows than this (nothing stored)')
      .option('--dry-run', 'show the mapping, the first rows as stored, and the counts; write nothing')
      .option('--no-dedupe', 'store every row, even ones the database already holds (for exports known not to overlap)')
      .option('--preview <n>', 'rows to show with --dry-run', '5')
      .addHelpText(
        'after',
        examples(
          kind === 'transactions'
            ? [
                'rapport import transactions sales-2024.csv sales-2025.csv',
                'rapport import transactions export.csv --date-format DD/MM/YYYY --decimal-comma --currency EUR',
                'rapport import transactions Online_Retail.csv --map customer_id=CustomerID --max-rejects 1%',
                'rapport import transactions purchases.tsv --no-header --map customer_id=1 --map amount=2 --map date=3',
                'cat today.csv | rapport import transactions - --dry-run',
              ]
            : ['rapport import customers customers.csv', 'rapport import customers clients.csv --map customer_id="Client Ref" --encoding windows-1252'],
        ),
      )
      .action(async (files: string[], opts: Record<string, unknown>, c: Command) => {
        const { parseImportOptions, runImport } = await import('./commands/import.js');
        const ctx = context(c);
        exitCode = await runImport(files, parseImportOptions(kind, opts), ctx);
      });
  }

  program
    .command('status')
    .description('what the database holds: customers, transactions, date range, net revenue, last imports')
    .addHelpText('after', examples(['rapport status', 'rapport status --format json']))
    .action(async (_opts: unknown, c: Command) => {
      const { runStatus } = await import('./commands/status.js');
      exitCode = await runStatus(context(c));
    });

  const imports = program
    .command('imports')
    .description('list imports: file, counts, status, when; imports remove ID takes one back')
    .option('--limit <n>', 'only the most recent n imports')
    .addHelpText('after', examples(['rapport imports', 'rapport imports --format csv > imports.csv', 'rapport imports remove 3']))
    .action(async (opts: { limit?: string }, c: Command) => {
      const { runImports } = await import('./commands/imports.js');
      exitCode = await runImports({ limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit') }, context(c));
    });
  imports
    .command('remove')
    .description('remove an import wholly: its transactions, rejects, the customers it alone created, and the snapshots and fits that saw it')
    .argument('<import_id>', 'the import to remove (see rapport imports)')
    .option('--yes', 'do not ask (for scripts); without a terminal it is required')
    .addHelpText('after', examples(['rapport imports remove 3', 'rapport imports remove 3 --yes']))
    .action(async (id: string, opts: { yes?: boolean }, c: Command) => {
      const { runImportsRemove } = await import('./commands/imports.js');
      exitCode = await runImportsRemove({ importId: positiveInt(id, 'IMPORT_ID'), yes: opts.yes === true }, context(c));
    });

  program
    .command('rejects')
    .description('list rejected rows with line and reason (all imports, or one)')
    .argument('[import_id]', 'the import to list (see rapport imports)')
    .option('--limit <n>', 'at most n rows')
    .option('--raw', 'the rejected lines as they were, under the file header, ready to fix and re-import (needs IMPORT_ID)')
    .addHelpText(
      'after',
      examples([
        'rapport rejects',
        'rapport rejects 3 --format csv > rejects.csv',
        'rapport rejects 3 --raw > fix-me.csv   # edit, then: rapport import transactions fix-me.csv',
      ]),
    )
    .action(async (id: string | undefined, opts: { limit?: string; raw?: boolean }, c: Command) => {
      const { runRejects } = await import('./commands/rejects.js');
      if (opts.raw && id === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', 'error: --raw needs an IMPORT_ID (see rapport imports)');
      exitCode = await runRejects(
        {
          importId: id === undefined ? null : positiveInt(id, 'import_id'),
          limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit'),
          raw: opts.raw === true,
        },
        context(c),
      );
    });

  const asOfOption = (): Option => new Option('--as-of <date>', 'analyse as of this date (YYYY-MM-DD; default today): later transactions are ignored');

  program
    .command('segment')
    .description('segment every customer (RFM, value tier, lifecycle stage) as of a date, save the snapshot, print the summary')
    .addOption(asOfOption())
    .option('--no-save', 'print the summary without saving a snapshot')
    .addHelpText('after', examples(['rapport segment', 'rapport segment --as-of 2025-12-31', 'rapport segment --format json > summary.json', 'rapport segment --no-save   # print only']))
    .action(async (opts: { asOf?: string; save: boolean }, c: Command) => {
      const [{ runSegment }, { parseAsOf }] = await Promise.all([import('./commands/segment.js'), import('./analysis/run.js')]);
      exitCode = await runSegment({ asOf: parseAsOf(opts.asOf), save: opts.save }, context(c));
    });

  program
    .command('customers')
    .description('list customers with their measures, RFM scores, segment, tier and stage')
    .addOption(asOfOption())
    .option('--tier <tiers>', 'only these tiers: platinum, gold, iron, lead (comma-separated)')
    .option('--stage <stages>', 'only these stages: exploration, formation, stability, decline, ended (comma-separated)')
    .option('--exit <patterns>', 'only ended customers with these exit patterns: "early abort", "mid-way failure", "early exit", long-term')
    .option('--segment <name>', 'only this RFM segment (see rapport config get rfm.segments)')
    .option('--type <type>', 'only this customer type: consumer, business, channel, internal, unknown')
    .option('--sort <column[:asc|:desc]>', 'order by a column (default value:desc; numbers largest first, text A to Z)')
    .option('--limit <n>', 'at most n customers')
    .addHelpText(
      'after',
      examples([
        'rapport customers --tier platinum',
        'rapport customers --stage decline --sort value --limit 20',
        'rapport customers --segment "At Risk" --format csv > at-risk.csv',
        'rapport customers --as-of 2025-06-30 --format json',
      ]),
    )
    .action(async (opts: { asOf?: string; tier?: string; stage?: string; exit?: string; segment?: string; type?: string; sort?: string; limit?: string }, c: Command) => {
      const [{ runCustomers, parseCustomersOptions }, { parseAsOf }] = await Promise.all([import('./commands/customers.js'), import('./analysis/run.js')]);
      const options = parseCustomersOptions({ ...opts, asOf: parseAsOf(opts.asOf), limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit') });
      exitCode = await runCustomers(options, context(c));
    });

  program
    .command('customer')
    .description("one customer's card: who they are, measures, RFM scores and why, tier, stage, monthly spend, recent transactions")
    .argument('<id>', 'the customer id, as in your files')
    .addOption(asOfOption())
    .option('--months <n>', 'months of spend in the sparkline (up to 240)', '24')
    .option('--transactions <n>', 'recent transactions to list (0: none)', '10')
    .addHelpText('after', examples(['rapport customer C0042', 'rapport customer C0042 --as-of 2025-06-30', 'rapport customer C0042 --format json']))
    .action(async (id: string, opts: { asOf?: string; months: string; transactions: string }, c: Command) => {
      const [{ runCustomer }, { parseAsOf }] = await Promise.all([import('./commands/customer.js'), import('./analysis/run.js')]);
      if (id.trim() === '') throw new CommanderError(ExitCode.usage, 'rapport.usage', 'error: the customer id is empty');
      const months = positiveInt(opts.months, '--months');
      if (months > 240) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: --months goes up to 240 (20 years), not ${months}`);
      exitCode = await runCustomer({ id, asOf: parseAsOf(opts.asOf), months, transactions: wholeInt(opts.transactions, '--transactions') }, context(c));
    });

  program
    .command('model')
    .description('fit the purchase model (auto: MBG/NBD, Pareto/NBD or BG/NBD, chosen on your last horizon against the recency rule) and the spend model (Gamma-Gamma) as of a date; print the comparison, parameters, fit and data sufficiency')
    .addOption(asOfOption())
    .option('--model <name>', 'purchase model for this run: auto, mbgnbd, paretonbd or bgnbd (default: model.name)')
    .option('--horizon <days>', 'the horizon churn risk looks over: 90d, 12w, 3m (default: churn.horizon_days, auto: from your rhythm)')
    .addOption(new Option('--time-unit <unit>', 'time unit for this run (default: model.time_unit)').choices(['day', 'week']))
    .option('--no-save', 'do not save the fit (a saved fit makes the pyramid rank by lifetime value)')
    .addHelpText('after', examples(['rapport model', 'rapport model --as-of 2025-12-31 --format json', 'rapport model --model bgnbd --time-unit day --no-save', 'rapport model --horizon 273d']))
    .action(async (opts: { asOf?: string; model?: string; horizon?: string; timeUnit?: 'day' | 'week'; save: boolean }, c: Command) => {
      const [{ runModel, parseModelName }, { parseAsOf }, { parseHorizon }] = await Promise.all([import('./commands/model.js'), import('./analysis/run.js'), import('./commands/churn.js')]);
      exitCode = await runModel({ asOf: parseAsOf(opts.asOf), model: parseModelName(opts.model), horizonDays: parseHorizon(opts.horizon), timeUnit: opts.timeUnit ?? null, save: opts.save }, context(c));
    });

  const churn = program
    .command('churn')
    .description('the churn watchlist: risk of no purchase in the horizon, lifetime value, value at risk, reasons; sorted by value at risk')
    .addOption(asOfOption())
    .option('--horizon <days>', 'how far ahead risk looks: 90d, 12w, 3m (30-day months; default: churn.horizon_days)')
    .option('--level <levels>', 'only these risk levels: low, medium, high (comma-separated)')
    .option('--tier <tiers>', 'only these tiers: platinum, gold, iron, lead (comma-separated)')
    .option('--limit <n>', 'at most n customers')
    .addHelpText('after', examples(['rapport churn --level high --tier platinum,gold', 'rapport churn --horizon 60d --limit 20', 'rapport churn --format csv > watchlist.csv', 'rapport churn backtest --cutoff 2025-06-30']))
    .action(async (opts: { asOf?: string; horizon?: string; level?: string; tier?: string; limit?: string }, c: Command) => {
      const [{ runChurn, parseHorizon, parseList }, { parseAsOf }] = await Promise.all([import('./commands/churn.js'), import('./analysis/run.js')]);
      exitCode = await runChurn(
        {
          asOf: parseAsOf(opts.asOf),
          horizonDays: parseHorizon(opts.horizon),
          levels: parseList(opts.level, ['low', 'medium', 'high'] as const, '--level'),
          tiers: parseList(opts.tier, ['platinum', 'gold', 'iron', 'lead'] as const, '--tier'),
          limit: opts.limit === undefined ? null : positiveInt(opts.limit, '--limit'),
        },
        context(c),
      );
    });
  churn
    .command('backtest')
    .description('fit on data up to a cutoff and check the scores against what happened after it, beside a plain recency rule')
    .requiredOption('--cutoff <date>', 'fit on data up to this date (YYYY-MM-DD); the horizon after it must be in your data')
    .option('--horizon <days>', 'the horizon after the cutoff: 90d, 12w, 3m (30-day months; default: churn.horizon_days)')
    .addHelpText('after', examples(['rapport churn backtest --cutoff 2025-06-30', 'rapport churn backtest --cutoff 2025-03-31 --horizon 180d --format json']))
    .action(async (opts: { cutoff: string; horizon?: string }, c: Command) => {
      const [{ runBacktest, parseHorizon }, { parseAsOf }] = await Promise.all([import('./commands/churn.js'), import('./analysis/run.js')]);
      // churn's own options are parsed by churn even after "backtest": take --horizon from there,
      // and refuse the ones that mean nothing to a backtest rather than ignore them.
      const parent = c.parent?.opts() ?? {};
      for (const flag of ['asOf', 'level', 'tier', 'limit'] as const) {
        if (parent[flag] !== undefined) {
          const name = `--${flag.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase())}`;
          throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: ${name} does not apply to churn backtest (it scores every customer as of --cutoff)`);
        }
      }
      const horizon = opts.horizon ?? (parent.horizon as string | undefined);
      exitCode = await runBacktest({ cutoff: parseAsOf(opts.cutoff, undefined, '--cutoff'), horizonDays: parseHorizon(horizon) }, context(c));
    });

  const complaint = program
    .command('complaint')
    .description('log complaints (prompts on a terminal, flags for scripts) and track them to resolution')
    .addHelpText('after', examples(['rapport complaint add', 'rapport complaint add --customer C0042 --category service --priority high --summary "waited 40 minutes"', 'rapport complaint list --overdue', 'rapport complaint resolve 12 --resolution "refunded" --satisfied yes']));
  complaint
    .command('add')
    .description('log a complaint: on a terminal, prompts ask for what the flags do not give; without one, --customer, --category and --summary are needed')
    .option('--customer <id>', 'the customer id (on a terminal: part of an id, name, email or phone to search)')
    .option('--new-customer', 'create the customer: --customer is the new id; --name, --email, --phone, --type')
    .option('--name <name>', 'new customer: name')
    .option('--email <email>', 'new customer: email')
    .option('--phone <phone>', 'new customer: phone')
    .option('--type <type>', 'new customer: consumer, business, channel or internal')
    .option('--category <c>', 'price, product, service, technology, promotion, demand, management, other')
    .option('--priority <p>', 'urgent, high, normal (default), low: sets the due time')
    .option('--product <text>', 'the product concerned')
    .option('--summary <text>', 'what happened')
    .option('--how <text>', 'how it happened')
    .option('--why <text>', 'why they are dissatisfied')
    .option('--staff <name>', 'the member of staff involved')
    .option('--other <text>', 'anything else they are unhappy about')
    .option('--reasonable <yes|no>', 'is the demand reasonable')
    .option('--wanted <text>', 'the resolution they want')
    .option('--assignee <name>', 'who handles it')
    .option('--at <when>', 'when it was made: a date, or a date and time in UTC (default now)')
    .addHelpText('after', examples(['rapport complaint add', 'rapport complaint add --customer C0042 --category product --summary "cracked teapot" --wanted "replacement"', 'rapport complaint add --customer C9001 --new-customer --name "Ada Lovelace" --category service --summary "rude on the phone"']))
    .action(async (opts: Record<string, string | boolean | undefined>, c: Command) => {
      const { runComplaintAdd } = await import('./commands/complaint.js');
      exitCode = await runComplaintAdd(opts as never, context(c));
    });
  complaint
    .command('list')
    .description('list complaints: id, customer, category, priority, status, due, overdue')
    .option('--status <s>', 'open, in_progress, resolved, closed')
    .option('--overdue', 'only open complaints past their due time')
    .option('--customer <id>', "only this customer's")
    .option('--category <c>', 'only this category')
    .option('--at <when>', 'judge "overdue" at this time (default now)')
    .addHelpText('after', examples(['rapport complaint list', 'rapport complaint list --overdue --format csv', 'rapport complaint list --customer C0042']))
    .action(async (opts: { status?: string; overdue?: boolean; customer?: string; category?: string; at?: string }, c: Command) => {
      const { runComplaintList } = await import('./commands/complaint.js');
      exitCode = await runComplaintList({ ...opts, overdue: opts.overdue === true }, context(c));
    });
  complaint
    .command('show')
    .description('one complaint with its history and notes')
    .argument('<id>', 'the complaint number')
    .addHelpText('after', examples(['rapport complaint show 12', 'rapport complaint show 12 --format json']))
    .action(async (id: string, _opts: unknown, c: Command) => {
      const { runComplaintShow } = await import('./commands/complaint.js');
      exitCode = await runComplaintShow(positiveInt(id, 'complaint id'), context(c));
    });
  complaint
    .command('update')
    .description('change status (open to reopen, in_progress, closed), assignee, priority (moves the due time), category; with a note')
    .argument('<id>', 'the complaint number')
    .option('--status <s>', 'in_progress, closed (also without a resolution: withdrawn, duplicate), or open to reopen')
    .option('--assignee <name>', 'who handles it ("" for nobody)')
    .option('--priority <p>', 'urgent, high, normal, low')
    .option('--category <c>', 'the category')
    .option('--note <text>', 'a note with the change')
    .option('--at <when>', 'when (default now)')
    .addHelpText('after', examples(['rapport complaint update 12 --status in_progress --assignee Dana', 'rapport complaint update 12 --status open --note "customer called again"']))
    .action(async (id: string, opts: { status?: string; assignee?: string; priority?: string; category?: string; note?: string; at?: string }, c: Command) => {
      const { runComplaintUpdate } = await import('./commands/complaint.js');
      exitCode = await runComplaintUpdate(positiveInt(id, 'complaint id'), opts, context(c));
    });
  complaint
    .command('resolve')
    .description('resolve a complaint: what was done, any compensation, whether the customer was satisfied')
    .argument('<id>', 'the complaint number')
    .option('--resolution <text>', 'what was done')
    .option('--satisfied <yes|no>', 'was the customer satisfied')
    .option('--compensation <amount>', 'compensation given, e.g. 10.00')
    .option('--at <when>', 'when (default now)')
    .addHelpText('after', examples(['rapport complaint resolve 12 --resolution "replaced the teapot" --satisfied yes --compensation 5.00']))
    .action(async (id: string, opts: { resolution?: string; satisfied?: string; compensation?: string; at?: string }, c: Command) => {
      const { runComplaintResolve } = await import('./commands/complaint.js');
      exitCode = await runComplaintResolve(positiveInt(id, 'complaint id'), opts, context(c));
    });
  complaint
    .command('note')
    .description("add a note to a complaint's thread")
    .argument('<id>', 'the complaint number')
    .argument('<text>', 'the note')
    .option('--at <when>', 'when (default now)')
    .addHelpText('after', examples(['rapport complaint note 12 "called back, left a message"']))
    .action(async (id: string, text: string, opts: { at?: string }, c: Command) => {
      const { runComplaintNote } = await import('./commands/complaint.js');
      exitCode = await runComplaintNote(positiveInt(id, 'complaint id'), text, opts, context(c));
    });
  complaint
    .command('summary')
    .description('counts by category and status, median time to resolve, overdue list, buying again after satisfied vs unsatisfied resolutions')
    .addOption(asOfOption())
    .option('--days <n>', 'the window for "bought again" after a resolution', '90')
    .addHelpText('after', examples(['rapport complaint summary', 'rapport complaint summary --as-of 2025-12-31 --format json']))
    .action(async (opts: { asOf?: string; days: string }, c: Command) => {
      const [{ runComplaintSummary }, { parseAsOf }] = await Promise.all([import('./commands/complaint.js'), import('./analysis/run.js')]);
      exitCode = await runComplaintSummary({ asOf: opts.asOf === undefined ? undefined : parseAsOf(opts.asOf), days: positiveInt(opts.days, '--days') }, context(c));
    });

  program
    .command('report')
    .description('reports: churn, pyramid, lifecycle, rfm, movement, cohorts, complaints, staff, or summary (all of them)')
    .argument('<name>', 'churn, pyramid, lifecycle, rfm, movement, cohorts, complaints, staff, products, summary')
    .addOption(asOfOption())
    .option('--since <date>', 'compare with this date (default: the newest snapshot before --as-of)')
    .option('--out <file>', 'write to this file, atomically; its extension (.html, .md, .csv, .json) sets the format unless --format does')
    .option('--force', 'with --out: replace a symbolic link at that path (refused otherwise)')
    .option('--table <name>', 'with --format csv: which of the report\'s tables (default the first)')
    .option('--limit <n>', 'rows of each table shown in table, md and html (csv and json have all)', '25')
    .option('--fail-if <condition>', 'exit 5 when it holds (repeatable): high-risk-value>5000, new-high-risk:platinum, overdue-complaints>0', collect, [])
    .addHelpText(
      'after',
      examples([
        'rapport report churn',
        'rapport report summary --format html --out report.html',
        'rapport report movement --since 2025-09-30 --format md',
        'rapport report cohorts --format csv > cohorts.csv',
        'rapport report churn --out churn.md --fail-if new-high-risk:platinum --fail-if "high-risk-value>5000"',
      ]) + '\nFormats: table (terminal), md (Markdown; the default when piped), html (one self-contained page), csv (one table), json (everything).\n',
    )
    .action(async (name: string, opts: { asOf?: string; since?: string; out?: string; force?: boolean; table?: string; limit: string; failIf: string[] }, c: Command) => {
      const [{ runReport }, { REPORTS }, { parseAsOf }, { writeAtomically, formatFromName }] = await Promise.all([
        import('./commands/report.js'),
        import('./reports/build.js'),
        import('./analysis/run.js'),
        import('./outfile.js'),
      ]);
      const which = REPORTS.find((r) => r === name.trim().toLowerCase());
      if (which === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: no report "${name}"; reports: ${REPORTS.join(', ')}`);
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
      };
      exitCode = opts.out === undefined ? await runReport(options, ctx) : await writeAtomically(ctx.io, opts.out, (io) => runReport(options, { ...ctx, io }), opts.force === true);
    });

  program
    .command('export')
    .description('all the data back out: customers, transactions, segments (a snapshot), complaints, rejects')
    .argument('<what>', 'customers, transactions, segments, complaints or rejects')
    .option('--out <file>', 'write to this file (atomically: a reader never sees half of it)')
    .option('--force', 'with --out: replace a symbolic link at that path (refused otherwise)')
    .option('--excel', 'CSV with a UTF-8 byte order mark, so Excel shows accented and non-Latin names right')
    .option('--redact', 'replace customer ids, names, emails and phones with stable pseudonyms and blank free text (rejects: raw line and reason), for sharing')
    .option('--as-of <date>', 'segments: the snapshot of this date (default: the newest)')
    .addHelpText(
      'after',
      examples(['rapport export customers --out customers.csv --excel', 'rapport export transactions --format json --out sales.json', 'rapport export segments --as-of 2025-12-31 --redact --out segments.csv']),
    )
    .action(async (what: string, opts: { out?: string; force?: boolean; excel?: boolean; redact?: boolean; asOf?: string }, c: Command) => {
      const [{ runExport, EXPORTS }, { parseAsOf }, { writeAtomically, formatFromName }] = await Promise.all([import('./commands/export.js'), import('./analysis/run.js'), import('./outfile.js')]);
      const which = EXPORTS.find((e) => e === what.trim().toLowerCase());
      if (which === undefined) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: export what? ${EXPORTS.join(', ')}; not "${what}"`);
      const ctx0 = context(c);
      const ctx = { ...ctx0, format: ctx0.format ?? formatFromName(opts.out) };
      // Machines read exports: CSV unless --format json (a table is no export).
      if (ctx.format === 'md' || ctx.format === 'html' || ctx.format === 'table') throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: exports are CSV or JSON, not ${ctx.format}`);
      const format = ctx.format === 'json' ? 'json' : 'csv';
      const options = { what: which, format, excel: opts.excel === true, redact: opts.redact === true, asOf: opts.asOf === undefined ? null : parseAsOf(opts.asOf) } as const;
      exitCode = opts.out === undefined ? await runExport(options, ctx) : await writeAtomically(ctx.io, opts.out, (io) => runExport(options, { ...ctx, io }), opts.force === true);
    });

  program
    .command('snapshots')
    .description('list saved segment snapshots, and whether each is current')
    .addHelpText('after', examples(['rapport snapshots', 'rapport snapshots --format json']))
    .action(async (_opts: unknown, c: Command) => {
      const { runSnapshots } = await import('./commands/snapshots.js');
      exitCode = await runSnapshots(context(c));
    });

  const config = program
    .command('config')
    .description('analysis settings (RFM bins and segments, tier cuts, lifecycle rules), stored in the database')
    .addHelpText('after', examples(['rapport config list', 'rapport config get tier.cuts', 'rapport config set tier.cuts 10,20,30', 'rapport config unset tier.cuts']));
  config
    .command('list')
    .description('every setting: value, default, whether changed, what it does')
    .action(async (_opts: unknown, c: Command) => {
      const { runConfigList } = await import('./commands/config.js');
      exitCode = await runConfigList(context(c));
    });
  config
    .command('get')
    .description("print one setting's value")
    .argument('<key>', 'e.g. rfm.bins (see rapport config list)')
    .action(async (key: string, _opts: unknown, c: Command) => {
      const { runConfigGet } = await import('./commands/config.js');
      exitCode = await runConfigGet(key, context(c));
    });
  config
    .command('set')
    .description('change settings: one or more KEY VALUE pairs, checked alone and together, stored at once')
    .argument('<key>', 'e.g. lifecycle.ended_min_days')
    .argument('<value>', 'the new value')
    .argument('[more...]', 'more KEY VALUE pairs')
    .addHelpText(
      'after',
      examples([
        'rapport config set lifecycle.ended_min_days 120',
        'rapport config set tier.method share tier.cuts 50,80,95',
        'rapport config set rfm.bins 4 rfm.recency_days 14,60,180',
        'rapport config set rfm.segments "VIP: r4-5 f4-5 m4-5 | Regular: f2-5 | Occasional:"',
      ]),
    )
    .action(async (key: string, value: string, more: string[], _opts: unknown, c: Command) => {
      const { runConfigSet } = await import('./commands/config.js');
      exitCode = await runConfigSet([key, value, ...more], context(c));
    });
  config
    .command('unset')
    .description('put a setting back to its default')
    .argument('<key>', 'e.g. tier.cuts')
    .action(async (key: string, _opts: unknown, c: Command) => {
      const { runConfigUnset } = await import('./commands/config.js');
      exitCode = await runConfigUnset(key, context(c));
    });

  program
    .command('demo')
    .description('import the bundled sample shop into a fresh database and show a first summary')
    .addHelpText('after', examples(['rapport demo', 'rapport --db /tmp/demo.db demo']))
    .action(async (_opts: unknown, c: Command) => {
      const { runDemo } = await import('./commands/demo.js');
      exitCode = await runDemo(context(c));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    return reportError(e, io, dbPath);
  } finally {
    await (pager as Pager | null)?.finish();
  }
}

/**
 * Temporary files left by killed runs (src/tempfiles.ts) in the places rapport always writes: the
 * database's folder and the system's temporary folder (spooled standard input). An --out folder
 * is swept when a file is next written there.
 */
function sweepAtStart(io: IO, dirs: string[]): void {
  for (const dir of new Set(dirs)) {
    const n = sweepStale(dir);
    if (n > 0) io.stderr.write(io.quiet ? '' : `rapport: removed ${n} temporary file${n === 1 ? '' : 's'} left in ${dir} by interrupted runs\n`);
  }
}

function positiveInt(v: string, name: string): number {
  const n = wholeInt(v, name);
  if (n <= 0) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: ${name} must be a positive whole number, not "${v}"`);
  return n;
}

/**
 * Digits beyond 2^53 - 1 round to another number (99999999999999999999 became 1e20 and asked
 * about a record that was never named): refused rather than answered about the wrong one.
 */
function wholeInt(v: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: ${name} must be a whole number, not "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new CommanderError(ExitCode.usage, 'rapport.usage', `error: ${name} ${v.trim()} is too large: at most ${Number.MAX_SAFE_INTEGER}`);
  return n;
}
