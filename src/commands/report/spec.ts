/** rapport report NAME: the flags and checks; the run is in ../report.ts. */
import { AS_OF, defineCommand } from '../../cli/program.js';
import { positiveInt, usageError } from '../../cli/args.js';
import { langFlag } from '../../i18n/choose.js';
import { t } from '../../i18n/index.js';

type Flags = { asOf?: string; since?: string; out?: string; force?: boolean; table?: string; limit: string; failIf: string[]; save: boolean };

export const command = defineCommand<Flags, [string]>({
  name: 'report',
  help: 'report',
  paged: true,
  helpAfter: 'help.report.formats',
  // `rapport report` alone says which reports there are, as its help does (src/reports/build.ts, which has them, loads only when one runs).
  args: [{ name: '<name>', help: 'help.report.arg.name', missing: () => t('errors.cli.reportMissing', { reports: t('help.report.arg.name') }) }],
  options: [
    AS_OF,
    { flags: '--since <date>', help: 'help.report.opt.since' },
    { flags: '--out <file>', help: 'help.report.opt.out' },
    { flags: '--force', help: 'help.opt.force' },
    { flags: '--table <name>', help: 'help.report.opt.table' },
    { flags: '--limit <n>', help: 'help.report.opt.limit', default: '25' },
    { flags: '--fail-if <condition>', help: 'help.report.opt.failIf', repeat: true },
    { flags: '--no-save', help: 'help.report.opt.noSave' },
  ],
  async run({ args: [name], opts, argv, context }) {
    const [{ runReport }, { REPORTS }, { parseAsOf }, { writeAtomically, formatFromName }, { notice }] = await Promise.all([
      import('../report.js'),
      import('../../reports/build.js'),
      import('../../app/run.js'),
      import('../../cli/outfile.js'),
      import('../../cli/io.js'),
    ]);
    const which = REPORTS.find((r) => r === name.trim().toLowerCase());
    if (which === undefined) throw usageError(t('errors.cli.noReport', { name, reports: REPORTS.join(', ') }));
    const ctx0 = context();
    // --out report.html asks for HTML unless --format says otherwise.
    const ctx = { ...ctx0, format: ctx0.format ?? formatFromName(opts.out) };
    const options = {
      name: which,
      asOf: parseAsOf(opts.asOf),
      since: opts.since === undefined ? null : parseAsOf(opts.since, undefined, '--since'),
      table: opts.table ?? null,
      limit: positiveInt(opts.limit, '--limit', 20),
      failIf: opts.failIf,
      keepList: opts.save,
      // --lang comes first for a report too; then RAPPORT_LANG, the report.lang setting, the locale.
      lang: langFlag(argv),
    };
    const out = opts.out;
    if (out === undefined) return runReport(options, ctx);
    // Where it went (as export says what it exported), unless -q; not for a stream, nor beside alerts (exit 5), which are for cron's mail.
    const said = (): void => notice(ctx.io, t('report.wrote', { out }));
    return writeAtomically(ctx.io, out, (io) => runReport(options, { ...ctx, io }), opts.force === true, ctx.dbPath, said);
  },
});
