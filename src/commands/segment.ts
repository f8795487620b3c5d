import { moneyJson } from '../core/moneyOut.js';
import { summarise, type GroupSummary } from '../core/analysis.js';
import { pyramid } from '../text/charts.js';
import { computeAnalysis, currentFit, loadSettings, moneyOf, settleAsOf, type Money } from '../app/run.js';
import { openForAnalysis, type Context } from '../cli/context.js';
import { notice, noticer } from '../cli/io.js';
import type { Column } from '../cli/output.js';
import { show, type Pen } from '../cli/printer.js';
import { t } from '../i18n/index.js';
import { exitPatternName, segmentName, stageName, tierName } from '../i18n/domain.js';
import { formatDate, formatNumber } from '../i18n/format.js';

export interface SegmentOptions {
  asOf: string;
  save: boolean;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export async function runSegment(options: SegmentOptions, ctx: Context): Promise<number> {
  // An existing database only, saving or not: a mistyped --db must not become a new empty one.
  const db = await openForAnalysis(ctx, options.save);
  try {
    options = { ...options, asOf: await settleAsOf(db, options.asOf, ctx.asOfGiven !== false, noticer(ctx.io)) };
    const money = await moneyOf(db);
    const loaded = await loadSettings(db, money);
    const analysis = await computeAnalysis(db, options.asOf, loaded, money);
    const fit = analysis.valueBasis === 'net_revenue' ? await currentFit(db, options.asOf, loaded) : null;
    if (fit !== null && fit.spend === null) notice(ctx.io, t('segment.no-spend-model', { why: fit.spendProblem ?? t('segment.no-positive-spend') }));
    // An empty picture (a date before any purchase) is reported, not saved as a snapshot.
    const snapshotId = options.save && analysis.customers.length > 0 ? await db.saveSnapshot(analysis, loaded.text) : null;
    const summary = summarise(
      analysis.customers,
      loaded.settings.segments.map((s) => s.name),
    );
    const n = analysis.customers.length;
    const window = loaded.settings.valueWindowDays;
    const revenueLabel = window === 0 ? t('segment.all-history') : t('segment.window', { days: window, date: formatDate(options.asOf) });
    if (n === 0)
      notice(
        ctx.io,
        options.save ? t('segment.nobody-not-saved', { date: formatDate(options.asOf) }) : t('segment.nobody', { date: formatDate(options.asOf) }),
      );
    if (snapshotId !== null) notice(ctx.io, t('segment.saved', { id: snapshotId, date: formatDate(options.asOf) }));
    const rows = summaryRows(summary);
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
    const columns = segmentColumns(money);
    const tiersBy =
      analysis.valueBasis === 'clv' ? t('segment.by-clv', { days: loaded.settings.model.clvHorizonDays }) : t('segment.by-revenue', { over: revenueLabel });
    const draw = (pen: Pen): void => drawSegments(pen, { n, asOf: options.asOf, revenueLabel, tiersBy, summary, rows, columns });
    show(ctx, { json: { value: moneyJson(out, money) }, csv: { rows, columns, units: money }, table: { draw } });
    return 0;
  } finally {
    await db.close();
  }
}

type SummaryRow = ReturnType<typeof summaryRows>[number];

/** The summary's groups as rows: the CSV rows, and under JSON's group keys. */
function summaryRows(summary: GroupSummary[]) {
  return summary.map((g) => ({
    group: g.group,
    name: g.name,
    customers: g.customers,
    customer_share: g.customerShare,
    revenue: g.revenue,
    revenue_share: g.revenueShare,
    average: g.average === null ? null : Math.round(g.average),
  }));
}

function segmentColumns(money: Money): Column[] {
  return [
    { key: 'group' },
    { key: 'name', header: t('segment.col.name') },
    { key: 'customers', header: t('segment.col.customers'), align: 'right' },
    { key: 'customer_share', header: t('segment.col.share'), align: 'right', show: (v) => pct(v as number) },
    {
      key: 'revenue',
      header: t('segment.col.revenue', { currency: money.currency ? ' ' + money.currency : '' }),
      align: 'right',
      show: (v) => money.format(v as number),
    },
    { key: 'revenue_share', header: t('segment.col.revenue-share'), align: 'right', show: (v) => pct(v as number) },
    { key: 'average', header: t('segment.col.average'), align: 'right', show: (v) => (v === null ? '' : money.format(v as number)) },
  ];
}

interface SegmentView {
  n: number;
  asOf: string;
  revenueLabel: string;
  tiersBy: string;
  summary: GroupSummary[];
  rows: SummaryRow[];
  columns: Column[];
}

/** The picture for people: the heading, the tier pyramid, and a table per group. */
function drawSegments(pen: Pen, v: SegmentView): void {
  const c = pen.chalk;
  const section = (title: string, group: GroupSummary['group']): void => {
    pen.line(`\n${c.bold(title)}`);
    pen.rows(
      v.columns.filter((col) => col.key !== 'group').map((col) => (col.key === 'name' ? { ...col, show: (x) => groupName(group, String(x)) } : col)),
      v.rows.filter((r) => r.group === group),
    );
  };
  pen.write(
    `${c.bold(t('segment.heading', { n: formatNumber(v.n), date: formatDate(v.asOf) }))}${t('segment.heading-detail', { over: v.revenueLabel, by: v.tiersBy })}\n`,
  );
  pen.line(`\n${c.bold(t('segment.pyramid'))}`);
  // Colours that read on dark and light terminals alike: no bright white (invisible on white), no
  // yellow (faint on white), no grey (faint on black); lead keeps the terminal's own colour.
  const paint: Record<string, (s: string) => string> = { [tierName('platinum')]: c.magenta.bold, [tierName('gold')]: c.red, [tierName('iron')]: c.cyan };
  const tiers = v.summary.filter((g) => g.group === 'tier');
  for (const line of pyramid(
    tiers.map((g) => ({
      label: tierName(g.name),
      share: g.customerShare,
      text: `${String(g.customers).padStart(7)}${t('segment.pyramid-customers')}  ${pct(g.revenueShare).padStart(6)}${t('segment.pyramid-revenue')}`,
    })),
    30,
    (label, s) => (paint[label] ?? ((x: string) => x))(s),
  ))
    pen.line(line);
  section(t('segment.tiers'), 'tier');
  section(t('segment.stages'), 'stage');
  section(t('segment.exit-patterns'), 'exit_pattern');
  section(t('segment.segments'), 'segment');
}

/** A group's value in the reader's words (tiers, stages, exit patterns and default segments). */
function groupName(group: GroupSummary['group'], name: string): string {
  if (group === 'tier') return tierName(name);
  if (group === 'stage') return stageName(name);
  if (group === 'exit_pattern') return exitPatternName(name);
  return segmentName(name);
}
