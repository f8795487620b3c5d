/**
 * Taking an import back (rapport imports remove ID), what both back ends say the same way: the
 * plan built from what each one counted, and the line the import's record keeps once removed.
 */
import type { RemovalPlan } from './types.js';

/** What a back end counted for the plan: the record, all its transactions, and those that stay. */
export interface RemovalCounts {
  record: { kind: string; file_name: string; status: string; removed: string | null };
  /** All the import's transactions and their net amount. */
  all: { n: number; net: number };
  /** Those a remaining import also held, each with the earliest such import (who keeps it). */
  heirs: readonly { import_id: number; amount: number }[];
  rejects: number;
  customers: number;
  snapshots: string[];
  fits: string[];
}

export function removalPlanOf(importId: number, c: RemovalCounts): RemovalPlan {
  return {
    importId,
    kind: c.record.kind,
    fileName: c.record.file_name,
    status: c.record.status,
    removed: c.record.removed,
    transactions: c.all.n - c.heirs.length,
    net: c.all.net - c.heirs.reduce((s, h) => s + h.amount, 0),
    kept: c.heirs.length,
    keptBy: [...new Set(c.heirs.map((h) => h.import_id))].sort((a, b) => a - b),
    rejects: c.rejects,
    customers: c.customers,
    snapshots: c.snapshots,
    fits: c.fits,
  };
}

/** The line an import's record keeps once removed: what went, and when. */
export function removalLine(plan: RemovalPlan, now: Date): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const kept = plan.kept > 0 ? `, ${n(plan.kept)} transactions kept by import ${plan.keptBy.map((i) => `#${i}`).join(', ')}` : '';
  return `removed ${now.toISOString()}: ${n(plan.transactions)} transactions${kept}, ${n(plan.rejects)} rejects, ${n(plan.customers)} customers${
    plan.snapshots.length + plan.fits.length > 0 ? `, ${plan.snapshots.length} snapshots and ${plan.fits.length} model fits that saw them` : ''
  }`;
}
