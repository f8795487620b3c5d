/** The complaints summary: figures for `complaint summary` and the complaints report. */
import { CATEGORIES, STATUSES, isOpen, isOverdue, medianHoursToResolve, type Status } from '../core/complaints.js';
import type { Store } from '../store/store.js';

/**
 * Counts by category and status, median time to resolve, the overdue list, and how often
 * customers bought again within `days` after a resolution they were satisfied with, against one
 * they were not (only resolutions at least `days` old count: the others have not had the time).
 */
export async function complaintSummary(db: Store, asOfDate: string, days: number) {
  const now = new Date(Date.parse(asOfDate + 'T23:59:59.999Z')).toISOString();
  const all = await db.complaintsAt(now);
  const byCategory = CATEGORIES.map((cat) => {
    const of = all.filter((c) => c.category === cat);
    return { category: cat, total: of.length, ...Object.fromEntries(STATUSES.map((s) => [s, of.filter((c) => c.status === s).length])) } as {
      category: string;
      total: number;
    } & Record<Status, number>;
  });
  const median = medianHoursToResolve(all);
  const overdue = all
    .filter((c) => isOverdue(c, now))
    .map((c) => ({
      id: c.id,
      customer_id: c.customerId,
      category: c.category,
      created_at: c.createdAt,
      due_at: c.dueAt,
      days_overdue: Math.floor((Date.parse(now) - Date.parse(c.dueAt)) / 86_400_000),
    }));
  const window = days * 86_400_000;
  const rebought = { satisfied: { resolved: 0, bought_again: 0 }, not_satisfied: { resolved: 0, bought_again: 0 } };
  for (const c of all) {
    if (c.resolvedAt === null || c.satisfied === null || Date.parse(c.resolvedAt) + window > Date.parse(now)) continue;
    const side = c.satisfied ? rebought.satisfied : rebought.not_satisfied;
    side.resolved++;
    const from = c.resolvedAt.slice(0, 10);
    const to = new Date(Date.parse(c.resolvedAt) + window).toISOString().slice(0, 10);
    if (await db.boughtBetween(c.customerId, from, to)) side.bought_again++;
  }
  const rate = (s: { resolved: number; bought_again: number }): number | null => (s.resolved === 0 ? null : s.bought_again / s.resolved);
  return {
    as_of: asOfDate,
    complaints: all.length,
    open: all.filter((c) => isOpen(c.status)).length,
    median_hours_to_resolve: median === null ? null : Math.round(median * 10) / 10,
    by_category: byCategory,
    overdue,
    bought_again_within_days: days,
    after_satisfied: { ...rebought.satisfied, rate: rate(rebought.satisfied) },
    after_not_satisfied: { ...rebought.not_satisfied, rate: rate(rebought.not_satisfied) },
  };
}
