import { loadSettings, moneyOf, isCurrent } from '../app/run.js';
import { openForRead, type Context } from '../cli/context.js';
import { show } from '../cli/printer.js';
import { personTime } from '../i18n/times.js';
import { t } from '../i18n/index.js';
import { formatDate } from '../i18n/format.js';

export async function runSnapshots(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const loaded = await loadSettings(db, await moneyOf(db));
    const rows: Record<string, unknown>[] = [];
    for (const s of await db.listSnapshots())
      rows.push({
        kind: 'segments',
        id: s.id,
        as_of: s.as_of,
        created_at: s.created_at,
        customers: s.customers,
        value_basis: s.value_basis,
        current: await isCurrent(db, s, loaded),
        horizon_days: null,
      });
    // The churn lists kept for later scorecards (issue 26): what was given, not recomputed, so never stale.
    for (const w of await db.listWatchlists())
      rows.push({
        kind: 'churn_list',
        id: w.id,
        as_of: w.as_of,
        created_at: w.created_at,
        customers: w.customers,
        value_basis: null,
        current: null,
        horizon_days: w.horizon_days,
      });
    show(ctx, {
      data: {
        columns: [
          { key: 'kind', header: t('snapshots.col.kind'), show: (v) => (v === 'churn_list' ? t('snapshots.kind.churn-list') : t('snapshots.kind.segments')) },
          { key: 'id', header: t('snapshots.col.id'), align: 'right' },
          { key: 'as_of', header: t('snapshots.col.as-of'), show: (v) => formatDate(String(v)) },
          { key: 'created_at', header: t('snapshots.col.made'), show: (v) => personTime(v as string, new Date(), ctx.io.env.TZ) },
          { key: 'customers', header: t('snapshots.col.customers'), align: 'right' },
          {
            key: 'value_basis',
            header: t('snapshots.col.tiers-by'),
            show: (v) => (v === 'clv' ? t('snapshots.basis.clv') : v === 'net_revenue' ? t('snapshots.basis.net-revenue') : v === null ? '' : String(v)),
          },
          { key: 'current', header: t('snapshots.col.current'), show: (v) => (v === null ? '' : v ? t('snapshots.current.yes') : t('snapshots.current.no')) },
          {
            key: 'horizon_days',
            header: t('snapshots.col.horizon'),
            align: 'right',
            show: (v) => (v === null ? '' : t('snapshots.horizon', { days: Number(v) })),
          },
        ],
        rows,
      },
    });
    return 0;
  } finally {
    await db.close();
  }
}
