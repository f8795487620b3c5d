/**
 * Complaints as they stood at a moment, from their history: the replay both back ends run on the
 * rows and events they read (complaintsAt), so an analysis as of a past date sees the past.
 */
import type { ComplaintFacts, Status } from '../core/complaints.js';
import type { ComplaintEvent, ComplaintHead } from './types.js';

/**
 * Each complaint's history replayed (events in (at, id) order): status, standing resolution (a
 * reopen withdraws it), and the due time last recorded (`due`).
 */
export function replayComplaints(rows: readonly ComplaintHead[], events: readonly ComplaintEvent[], due: Map<number, string>): ComplaintFacts[] {
  const state = new Map<number, { status: Status; resolvedAt: string | null; satisfied: boolean | null }>();
  for (const e of events) {
    const s = state.get(e.complaint_id) ?? { status: 'open' as Status, resolvedAt: null, satisfied: null };
    if (e.to_status !== null) s.status = e.to_status;
    if (e.kind === 'reopened') {
      s.resolvedAt = null;
      s.satisfied = null;
    }
    if (e.to_status === 'resolved') {
      s.resolvedAt = e.at;
      s.satisfied = e.satisfied === null ? null : e.satisfied === 1;
    }
    state.set(e.complaint_id, s);
  }
  return rows.map((r) => {
    const s = state.get(r.id);
    return {
      id: r.id,
      customerId: r.customer_id,
      category: r.category,
      status: s?.status ?? 'open',
      createdAt: r.created_at,
      dueAt: due.get(r.id) ?? r.created_at,
      resolvedAt: s?.resolvedAt ?? null,
      satisfied: s?.satisfied ?? null,
    };
  });
}
