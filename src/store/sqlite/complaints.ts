/** Complaints and their history. */
import type { ComplaintFacts, ComplaintInput } from '../../core/complaints.js';
import { replayComplaints } from '../complaintReplay.js';
import type { ComplaintEvent, ComplaintFilter, ComplaintHead, ComplaintRow, EventRow, FoundCustomer, NewCustomer } from '../types.js';
import type { DB } from './db.js';

const SELECT = `SELECT c.*, k.name AS customer_name FROM complaints c LEFT JOIN customers k ON k.id = c.customer_id`;

export function insertComplaint(db: DB, input: ComplaintInput, createdAt: string, dueAt: string): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO complaints (customer_id, created_at, category, priority, product, summary, how, why, staff, other_issues, reasonable, wanted, status, assignee, due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
        )
        .run(
          input.customerId,
          createdAt,
          input.category,
          input.priority,
          input.product,
          input.summary,
          input.how,
          input.why,
          input.staff,
          input.otherIssues,
          input.reasonable === null ? null : input.reasonable ? 1 : 0,
          input.wanted,
          input.assignee,
          dueAt,
        ).lastInsertRowid,
    );
    addEvent(db, id, createdAt, 'logged', null, 'open', null);
    recordDue(db, id, createdAt, dueAt);
    return id;
  })();
}

export function addEvent(
  db: DB,
  id: number,
  at: string,
  kind: string,
  from: string | null,
  to: string | null,
  text: string | null,
  satisfied: boolean | null = null,
): void {
  db.prepare('INSERT INTO complaint_events (complaint_id, at, kind, from_status, to_status, text, satisfied) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id,
    at,
    kind,
    from,
    to,
    text,
    satisfied === null ? null : satisfied ? 1 : 0,
  );
}

/** The time of the complaint's latest event: a later change cannot be dated before it. */
export function lastEventAt(db: DB, id: number): string {
  return db.prepare('SELECT max(at) FROM complaint_events WHERE complaint_id = ?').pluck().get(id) as string;
}

export function getComplaint(db: DB, id: number): ComplaintRow | null {
  return (db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as ComplaintRow | undefined) ?? null;
}

export function complaintEvents(db: DB, id: number): EventRow[] {
  return db.prepare('SELECT at, kind, from_status, to_status, text FROM complaint_events WHERE complaint_id = ? ORDER BY id').all(id) as EventRow[];
}

export function listComplaints(db: DB, f: ComplaintFilter = {}): ComplaintRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) {
    where.push('c.status = ?');
    params.push(f.status);
  }
  if (f.customerId) {
    where.push('c.customer_id = ?');
    params.push(f.customerId);
  }
  if (f.category) {
    where.push('c.category = ?');
    params.push(f.category);
  }
  return db.prepare(`${SELECT}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY c.id`).all(...params) as ComplaintRow[];
}

/** Set columns of one complaint (names from a fixed list in the caller). */
export function setFields(db: DB, id: number, fields: Record<string, unknown>): void {
  const keys = Object.keys(fields);
  if (keys.length === 0) return;
  db.prepare(`UPDATE complaints SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => fields[k]), id);
}

/**
 * Every complaint as it stood at `at` (an ISO timestamp): those logged by then, with the status
 * their history gave them at that moment, so an analysis as of a past date sees the past.
 */
export function complaintsAt(db: DB, at: string): ComplaintFacts[] {
  const rows = db.prepare('SELECT id, customer_id, category, created_at FROM complaints WHERE created_at <= ? ORDER BY id').all(at) as ComplaintHead[];
  const events = db
    .prepare(`SELECT complaint_id, at, kind, to_status, satisfied FROM complaint_events WHERE at <= ? ORDER BY at, id`)
    .all(at) as ComplaintEvent[];
  return replayComplaints(rows, events, dueTimesAt(db, at));
}

/** Each complaint's due time as it stood at `at` (the latest due_at recorded in its events by then). */
function dueTimesAt(db: DB, at: string): Map<number, string> {
  const rows = db.prepare(`SELECT complaint_id, due_at FROM complaint_due WHERE at <= ? ORDER BY at, rowid`).all(at) as {
    complaint_id: number;
    due_at: string;
  }[];
  return new Map(rows.map((r) => [r.complaint_id, r.due_at]));
}

export function recordDue(db: DB, id: number, at: string, due: string): void {
  db.prepare('INSERT INTO complaint_due (complaint_id, at, due_at) VALUES (?, ?, ?)').run(id, at, due);
}

/** Customers whose id, name, email or phone contains the text (any case), at most `limit`. */
export function findCustomers(db: DB, text: string, limit = 20): FoundCustomer[] {
  const like = `%${text.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
  // Phones match on their digits alone: "7700 341710" finds "+44 7700-341710".
  const digits = text.replace(/\D/g, '');
  return db
    .prepare(
      `SELECT id, name, email, phone FROM customers
       WHERE id LIKE @like ESCAPE '\\' OR name LIKE @like ESCAPE '\\' OR email LIKE @like ESCAPE '\\' OR phone LIKE @like ESCAPE '\\'
          OR (length(@digits) >= 4 AND replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', '') LIKE '%' || @digits || '%')
       ORDER BY (lower(id) = lower(@exact)) DESC, id LIMIT @limit`,
    )
    .all({ like, digits, exact: text.trim(), limit }) as FoundCustomer[];
}

export function createCustomer(db: DB, c: NewCustomer): void {
  db.prepare('INSERT INTO customers (id, name, email, phone, type, created_date) VALUES (?, ?, ?, ?, ?, ?)').run(
    c.id,
    c.name,
    c.email,
    c.phone,
    c.type,
    c.createdDate,
  );
}

/** Purchase days per customer after each moment: for "did they buy again after the resolution". */
export function boughtBetween(db: DB, customerId: string, from: string, to: string): boolean {
  return (
    db.prepare('SELECT 1 FROM transactions WHERE customer_id = ? AND date > ? AND date <= ? AND amount >= 0 LIMIT 1').get(customerId, from, to) !== undefined
  );
}
