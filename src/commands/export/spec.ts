/** rapport export WHAT: the flags and checks; the run is in ../export.ts. */
import { defineCommand } from '../../cli/program.js';
import { usageError } from '../../cli/args.js';
import { t } from '../../i18n/index.js';

export const command = defineCommand<{ out?: string; force?: boolean; excel?: boolean; redact?: boolean; asOf?: string }, [string]>({
  name: 'export',
  help: 'export',
  paged: true,
  args: [{ name: '<what>', help: 'help.export.arg.what' }],
  options: [
    { flags: '--out <file>', help: 'help.export.opt.out' },
    { flags: '--force', help: 'help.opt.force' },
    { flags: '--excel', help: 'help.export.opt.excel' },
    { flags: '--redact', help: 'help.export.opt.redact' },
    { flags: '--as-of <date>', help: 'help.export.opt.asOf' },
  ],
  async run({ args: [what], opts, context }) {
    const [{ runExport, EXPORTS }, { parseAsOf }, { writeAtomically, formatFromName }] = await Promise.all([
      import('../export.js'),
      import('../../app/run.js'),
      import('../../cli/outfile.js'),
    ]);
    const which = EXPORTS.find((e) => e === what.trim().toLowerCase());
    if (which === undefined) throw usageError(t('errors.cli.noExport', { what, exports: EXPORTS.join(', ') }));
    const ctx0 = context();
    const ctx = { ...ctx0, format: ctx0.format ?? formatFromName(opts.out) };
    // Machines read exports: CSV unless --format json (a table is no export).
    if (ctx.format === 'md' || ctx.format === 'html' || ctx.format === 'table') throw usageError(t('errors.cli.exportFormat', { format: ctx.format }));
    const format = ctx.format === 'json' ? 'json' : 'csv';
    const options = {
      what: which,
      format,
      excel: opts.excel === true,
      redact: opts.redact === true,
      asOf: opts.asOf === undefined ? null : parseAsOf(opts.asOf),
    } as const;
    if (opts.out === undefined) return runExport(options, ctx);
    return writeAtomically(ctx.io, opts.out, (io) => runExport(options, { ...ctx, io }), opts.force === true, ctx.dbPath);
  },
});
