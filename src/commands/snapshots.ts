import { loadSettings, moneyOf, isCurrent } from '../analysis/run.js';
import { openForRead, type Context } from '../context.js';
import { printRows, resolveFormat } from '../output.js';
import { personTime } from '../core/times.js';
import { t } from '../i18n/index.js';
import { formatDate } from '../i18n/format.js';

export async function runSnapshots(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const loaded = await loadSettings(db, await moneyOf(db));
    const rows = [];
    for (const s of await db.listSnapshots()) rows.push({ id: s.id, as_of: s.as_of, created_at: s.created_at, customers: s.customers, value_basis: s.value_basis, current: await isCurrent(db, s, loaded) });
    printRows(
      ctx.io,
      resolveFormat(ctx.format, ctx.io),
      [
        { key: 'id', header: t('snapshots.col.id'), align: 'right' },
        { key: 'as_of', header: t('snapshots.col.as-of'), show: (v) => formatDate(String(v)) },
        { key: 'created_at', header: t('snapshots.col.made'), show: (v) => personTime(v as string, new Date(), ctx.io.env.TZ) },
        { key: 'customers', header: t('snapshots.col.customers'), align: 'right' },
        { key: 'value_basis', header: t('snapshots.col.tiers-by'), show: (v) => (v === 'clv' ? t('snapshots.basis.clv') : v === 'net_revenue' ? t('snapshots.basis.net-revenue') : String(v)) },
        { key: 'current', header: t('snapshots.col.current'), show: (v) => (v ? t('snapshots.current.yes') : t('snapshots.current.no')) },
      ],
      rows,
    );
    return 0;
  } finally {
    await db.close();
  }
}
