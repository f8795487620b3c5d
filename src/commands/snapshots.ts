import { loadSettings, moneyOf, isCurrent } from '../analysis/run.js';
import { openForRead, type Context } from '../context.js';
import { printRows, resolveFormat } from '../output.js';
import { personTime } from '../core/times.js';

export async function runSnapshots(ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const loaded = await loadSettings(db, await moneyOf(db));
    const rows = [];
    for (const s of await db.listSnapshots()) rows.push({ id: s.id, as_of: s.as_of, created_at: s.created_at, customers: s.customers, value_basis: s.value_basis, current: await isCurrent(db, s, loaded) });
    printRows(
      ctx.io,
      resolveFormat(ctx.format, ctx.io),
      [{ key: 'id', align: 'right' }, { key: 'as_of' }, { key: 'created_at', header: 'made', show: (v) => personTime(v as string, new Date(), ctx.io.env.TZ) }, { key: 'customers', align: 'right' }, { key: 'value_basis', header: 'tiers by' }, { key: 'current', show: (v) => (v ? 'yes' : 'no: data or settings changed since') }],
      rows,
    );
    return 0;
  } finally {
    await db.close();
  }
}
