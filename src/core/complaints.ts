/**
 * Complaints (../shared/domain.md section 7): categories, priorities, the status life cycle, due
 * dates, and the summary figures. Pure: no I/O.
 */

export const CATEGORIES = ['price', 'product', 'service', 'technology', 'promotion', 'demand', 'management', 'political', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];

/** Hours to respond by priority (settings complaint.hours_*). */
export type ResponseHours = Record<Priority, number>;
export const DEFAULT_RESPONSE_HOURS: ResponseHours = { urgent: 24, high: 72, normal: 168, low: 336 };

/** The free-text fields a complaint may leave empty (null), in the order the prompts ask for them. */
export const OPTIONAL_TEXT = ['product', 'how', 'why', 'staff', 'otherIssues', 'wanted'] as const;
export type OptionalText = (typeof OPTIONAL_TEXT)[number];

/**
 * A complaint's fields, in the one shape everything else derives from: what the store is given
 * (ComplaintInput), the answers the prompts complete (cli/complaints/flow.ts Draft: the same keys,
 * each optional) and the flags of `complaint add` (commands/complaint.ts AddFlags: FLAG_OF's
 * names). The stored row (store/types.ts) keeps its columns' snake_case names.
 */
export type ComplaintInput = {
  customerId: string;
  category: Category;
  priority: Priority;
  summary: string;
  reasonable: boolean | null;
  assignee: string | null;
} & Record<OptionalText, string | null>;
export type ComplaintField = keyof ComplaintInput;

/** The `complaint add` flag that gives each field (--customer, --other: shorter than the field's name). */
export const FLAG_OF = {
  customerId: 'customer',
  category: 'category',
  priority: 'priority',
  product: 'product',
  summary: 'summary',
  how: 'how',
  why: 'why',
  staff: 'staff',
  otherIssues: 'other',
  reasonable: 'reasonable',
  wanted: 'wanted',
  assignee: 'assignee',
} as const satisfies Record<ComplaintField, string>;
export type ComplaintFlag = (typeof FLAG_OF)[ComplaintField];

/** A customer made at the counter while a complaint is logged (complaints/flow.ts asks for these). */
export interface CounterCustomer {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
}

/** The due time: created + the priority's response hours, as an ISO timestamp. */
export function dueAt(createdAt: string, priority: Priority, hours: ResponseHours): string {
  return new Date(Date.parse(createdAt) + hours[priority] * 3_600_000).toISOString();
}

/**
 * What a status change means, or why it is not allowed: the catalogue key of the refusal, whose
 * {status} is the complaint's current status (worded by the caller). Open complaints can be taken
 * in hand, resolved or closed; resolved ones closed; resolved or closed ones reopened (back to open).
 */
export function transition(from: Status, to: Status): { event: 'status' | 'reopened' } | { error: string } {
  if (from === to) return { error: 'complaint.transition.already' };
  if (to === 'open') return from === 'resolved' || from === 'closed' ? { event: 'reopened' } : { error: 'complaint.transition.still-open' };
  if (to === 'in_progress') return from === 'open' ? { event: 'status' } : { error: 'complaint.transition.reopen-first' };
  if (to === 'resolved') return from === 'open' || from === 'in_progress' ? { event: 'status' } : { error: 'complaint.transition.already-done' };
  return { event: 'status' }; // closed: from open, in progress or resolved
}

export function isOpen(status: Status): boolean {
  return status === 'open' || status === 'in_progress';
}

export interface ComplaintFacts {
  id: number;
  customerId: string;
  category: Category;
  status: Status;
  createdAt: string;
  dueAt: string;
  resolvedAt: string | null;
  satisfied: boolean | null;
}

/** Open at `now` (an ISO timestamp) and past its due time. */
export function isOverdue(c: Pick<ComplaintFacts, 'status' | 'dueAt'>, now: string): boolean {
  return isOpen(c.status) && c.dueAt < now;
}

/** Open complaints per customer at a moment: how many, the oldest's age in days, how many overdue. */
export interface OpenComplaints {
  open: number;
  oldestDays: number;
  overdue: number;
}

export function openByCustomer(complaints: readonly ComplaintFacts[], now: string): Map<string, OpenComplaints> {
  const out = new Map<string, OpenComplaints>();
  const nowMs = Date.parse(now);
  for (const c of complaints) {
    if (!isOpen(c.status)) continue;
    const age = Math.floor((nowMs - Date.parse(c.createdAt)) / 86_400_000);
    const o = out.get(c.customerId) ?? { open: 0, oldestDays: 0, overdue: 0 };
    o.open++;
    o.oldestDays = Math.max(o.oldestDays, age);
    if (isOverdue(c, now)) o.overdue++;
    out.set(c.customerId, o);
  }
  return out;
}

/** Median of the hours from logging to resolution, over resolved complaints; null without any. */
export function medianHoursToResolve(complaints: readonly ComplaintFacts[]): number | null {
  const hours = complaints
    .filter((c) => c.resolvedAt !== null)
    .map((c) => (Date.parse(c.resolvedAt!) - Date.parse(c.createdAt)) / 3_600_000)
    .sort((a, b) => a - b);
  if (hours.length === 0) return null;
  const m = hours.length >> 1;
  return hours.length % 2 === 1 ? hours[m]! : (hours[m - 1]! + hours[m]!) / 2;
}

/** "yes"/"no" as people write it; null when it is neither. */
export function yesNo(text: string): boolean | null {
  const answer = text.trim().toLowerCase();
  if (['yes', 'y', 'true', '1', '是', '对'].includes(answer)) return true;
  if (['no', 'n', 'false', '0', '否', '不'].includes(answer)) return false;
  return null;
}
