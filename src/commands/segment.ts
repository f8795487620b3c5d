import { moneyJson } from '../core/moneyOut.js';
import { summarise, type GroupSummary } from '../core/analysis.js';
import { pyramid } from '../charts.js';
import { computeAnalysis, currentFit, loadSettings, moneyOf, warnIfStale } from '../analysis/run.js';
import { openForAnalysis, type Context } from '../context.js';
import { notice } from '../io.js';
import { chalkFor, printRows, resolveFormat, type Column } from '../output.js';

export interface SegmentOptions {
  asOf: string;
  save: boolean;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export async function runSegment(options: SegmentOptions, ctx: Context): Promise<number> {
  // An existing database only, saving or not: a mistyped --db must not become a new empty one.
  const db = await openForAnalysis(ctx, options.save);
  try {
    await warnIfStale(db, options.asOf, ctx.io);
    const money = await moneyOf(db);
    const loaded = await loadSettings(db, money);
    const analysis = await computeAnalysis(db, options.asOf, loaded, money);
    const fit = analysis.valueBasis === 'net_revenue' ? await currentFit(db, options.asOf, loaded) : null;
    if (fit !== null && fit.spend === null) notice(ctx.io, `tiers rank by net revenue, not lifetime value: the saved fit has no spend model (${fit.spendProblem ?? 'no customer with a positive spend'})`);
    // An empty picture (a date before any purchase) is reported, not saved as a snapshot.
    const snapshotId = options.save && analysis.customers.length > 0 ? await db.saveSnapshot(analysis, loaded.text) : null;
    const summary = summarise(
      analysis.customers,
      loaded.settings.segments.map((s) => s.name),
    );
    const n = analysis.customers.length;
    const window = loaded.settings.valueWindowDays;
    const revenueLabel = window === 0 ? 'all history' : `the ${window} days to ${options.asOf}`;
    if (n === 0) notice(ctx.io, `no customer bought anything up to ${options.asOf}${options.save ? '; no snapshot saved' : ''}`);
    if (snapshotId !== null) notice(ctx.io, `saved snapshot ${snapshotId} (as of ${options.asOf})`);
    const format = resolveFormat(ctx.format, ctx.io);
    const rows = summary.map((g) => ({
      group: g.group,
      name: g.name,
      customers: g.customers,
      customer_share: g.customerShare,
      revenue: g.revenue,
      revenue_share: g.revenueShare,
      average: g.average === null ? null : Math.round(g.average),
    }));
    if (format === 'json') {
      const by = (group: GroupSummary['group']): Record<string, unknown>[] => rows.filter((r) => r.group === group).map(({ group: _g, ...rest }) => rest);
      const out = {
        as_of: options.asOf,
        snapshot_id: snapshotId,
        customers: n,
        currency: money.currency,
        revenue_window_days: window,
        tiers_by: analysis.valueBasis,
        stages: by('stage'),
        exit_patterns: by('exit_pattern'),
        tiers: by('tier'),
        segments: by('segment'),
      };
      ctx.io.stdout.write(JSON.stringify(moneyJson(out, money), null, 2) + '\n');
      return 0;
    }
    const columns: Column[] = [
      { key: 'group' },
      { key: 'name' },
      { key: 'customers', align: 'right' },
      { key: 'customer_share', header: 'share', align: 'right', show: (v) => pct(v as number) },
      { key: 'revenue', header: `revenue${money.currency ? ' ' + money.currency : ''}`, align: 'right', show: (v) => money.format(v as number) },
      { key: 'revenue_share', header: 'of revenue', align: 'right', show: (v) => pct(v as number) },
      { key: 'average', align: 'right', show: (v) => (v === null ? '' : money.format(v as number)) },
    ];
    if (format === 'csv') {
      printRows(ctx.io, 'csv', columns, rows, null, money);
      return 0;
    }
    const c = chalkFor(ctx.io);
    const section = (title: string, group: GroupSummary['group']): void => {
      ctx.io.stdout.write(`\n${c.bold(title)}\n`);
      printRows(
        ctx.io,
        'table',
        columns.filter((col) => col.key !== 'group'),
        rows.filter((r) => r.group === group),
      );
    };
    const tiersBy = analysis.valueBasis === 'clv' ? `predicted ${loaded.settings.model.clvHorizonDays}-day lifetime value (the fitted model)` : `net revenue over ${revenueLabel}`;
    ctx.io.stdout.write(`${c.bold(`${n.toLocaleString('en-US')} customers as of ${options.asOf}`)} (revenue: net, over ${revenueLabel}; tiers by ${tiersBy})\n`);
    ctx.io.stdout.write(`\n${c.bold('Value pyramid')}\n`);
    // Colours that read on dark and light terminals alike: no bright white (invisible on white), no
    // yellow (faint on white), no grey (faint on black); lead keeps the terminal's own colour.
    const paint: Record<string, (s: string) => string> = { platinum: c.magenta.bold, gold: c.red, iron: c.cyan };
    const tiers = summary.filter((g) => g.group === 'tier');
    for (const line of pyramid(
      tiers.map((t) => ({
        label: t.name,
        share: t.customerShare,
        text: `${String(t.customers).padStart(7)} customers  ${pct(t.revenueShare).padStart(6)} of revenue`,
      })),
      30,
      (label, s) => (paint[label] ?? ((x: string) => x))(s),
    ))
      ctx.io.stdout.write(line + '\n');
    section('Tiers', 'tier');
    section('Lifecycle stages', 'stage');
    section('How ended relationships ended', 'exit_pattern');
    section('RFM segments', 'segment');
    return 0;
  } finally {
    await db.close();
  }
}
