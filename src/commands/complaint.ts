import { moneyJson } from '../core/moneyOut.js';
import { localDay, localMinute, personTime } from '../core/times.js';
import {
  CATEGORIES,
  PRIORITIES,
  STATUSES,
  dueAt,
  isOpen,
  isOverdue,
  transition,
  yesNo,
  type ResponseHours,
  type Status,
} from '../core/complaints.js';
import { rulesOnly, scoreChurn } from '../core/model/churn.js';
import { currenciesOf, MoneyParser } from '../core/money.js';
import { customerType } from '../core/columns.js';
import { currentFit, customerAsOf, loadSettings, moneyOf, today } from '../analysis/run.js';
import { collect, type Draft, type Lookups } from '../complaints/flow.js';
import { openComplaintsAsOf } from '../analysis/churn.js';
import { complaintSummary } from '../analysis/complaints.js';
import { Cancelled, terminalPrompter, type Prompter } from '../complaints/prompts.js';
import { openForChange, openForRead, type Context } from '../context.js';
import { ExitCode, RapportError, UsageError } from '../errors.js';
import { notice } from '../io.js';
import { chalkFor, printRecord, printRows, resolveFormat, type Column } from '../output.js';
import type { Store } from '../store/store.js';
import { type ComplaintRow } from '../store/complaints.js';

/**
 * --at: a date (midnight UTC) or a date and time (UTC unless it names an offset); default now.
 * For logging what happened earlier: never in the future.
 */
export function parseAt(text: string | undefined, now = new Date()): string {
  if (text === undefined) return now.toISOString();
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  const hint = 'for example --at 2025-06-30 or --at 2025-06-30T14:05 (UTC)';
  if (!m) throw new UsageError(`--at must be a date or a date and time, not "${text}"`, hint);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.getUTCMonth() !== Number(m[2]) - 1 || day.getUTCDate() !== Number(m[3])) throw new UsageError(`--at ${t} is not a day of the calendar`, hint);
  const iso = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new UsageError(`--at must be a date or a date and time, not "${text}"`, hint);
  if (ms > now.getTime() + 60_000) throw new UsageError(`--at ${t} is in the future`, 'record things when they have happened');
  return new Date(ms).toISOString();
}

/** A change to a complaint cannot be dated before what its history already holds. */
async function notBefore(db: Store, id: number, at: string): Promise<void> {
  const last = await db.lastEventAt(id);
  if (at < last) throw new UsageError(`--at ${at.slice(0, 16).replace('T', ' ')} is before complaint #${id}'s last change (${last.slice(0, 16).replace('T', ' ')} UTC)`, 'changes are recorded in order; leave out --at to record it now');
}

export function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`, `for example ${flag} ${allowed[0]}`);
  return hit;
}

function yesNoFlag(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = yesNo(value);
  if (v === null) throw new UsageError(`${flag} must be yes or no, not "${value}"`, `for example ${flag} yes`);
  return v;
}

export interface AddFlags {
  customer?: string;
  newCustomer?: boolean;
  name?: string;
  email?: string;
  phone?: string;
  type?: string;
  category?: string;
  priority?: string;
  product?: string;
  summary?: string;
  how?: string;
  why?: string;
  staff?: string;
  other?: string;
  reasonable?: string;
  wanted?: string;
  assignee?: string;
  at?: string;
}

export function draftFrom(f: AddFlags): Draft {
  if (!f.newCustomer) {
    const stray = (['name', 'email', 'phone', 'type'] as const).filter((k) => f[k] !== undefined);
    if (stray.length > 0) throw new UsageError(`--${stray.join(', --')} describe${stray.length === 1 ? 's' : ''} a new customer: add --new-customer`, 'or leave them out to log a complaint for an existing customer');
  }
  let type: string | undefined;
  if (f.type !== undefined) {
    type = customerType(f.type) ?? undefined;
    if (type === undefined) throw new UsageError(`--type must be consumer, business, channel or internal, not "${f.type}"`, 'for example --type consumer');
  }
  // Flags not given stay undefined: on a terminal they are asked; without one they stay empty.
  return {
    customer: f.customer?.trim(),
    newCustomer: f.newCustomer ? { id: f.customer?.trim(), name: f.name, email: f.email, phone: f.phone, type } : null,
    category: pick(f.category, CATEGORIES, '--category'),
    priority: pick(f.priority, PRIORITIES, '--priority'),
    product: f.product,
    summary: f.summary,
    how: f.how,
    why: f.why,
    staff: f.staff,
    other: f.other,
    reasonable: yesNoFlag(f.reasonable, '--reasonable'),
    wanted: f.wanted,
    assignee: f.assignee,
  };
}

/** Who this is, before the complaint is taken: from the data, as of today. */
async function profile(db: Store, id: string): Promise<string[]> {
  const lines: string[] = [];
  const asOf = today();
  const record = await db.customerRecord(id);
  const found = await customerAsOf(db, asOf, id);
  const c = found.customer;
  lines.push(`${id}${record?.name ? ' · ' + record.name : ''}${record?.type ? ' · ' + record.type : ''}`);
  if (c === null || c.purchaseDays === 0) lines.push('  new customer: no purchases on record');
  else {
    lines.push(`  returning customer: ${c.purchaseDays} purchase day${c.purchaseDays === 1 ? '' : 's'} since ${c.firstPurchase}, the last ${c.recencyDays} days ago`);
    lines.push(`  tier ${c.tier}, stage ${c.stage} (${c.stageReason})`);
    // The saved fit, or the rules: fitting the model at the counter would keep a customer waiting.
    const fit = (await currentFit(db, asOf, found.loaded)) ?? rulesOnly(asOf, 'no saved fit');
    const s = scoreChurn([c], fit, found.loaded.settings.model, found.loaded.settings.lifecycle, found.analysis.populationGapDays, await openComplaintsAsOf(db, asOf))[0]!;
    lines.push(`  churn risk ${s.riskLevel} (${Math.round(s.churnRisk * 100)}%${s.method === 'rules' ? ', by the lifecycle rules' : ''})${s.reasons.length > 0 ? ': ' + s.reasons[0] : ''}`);
  }
  const now = new Date().toISOString();
  const open = (await db.listComplaints({ customerId: id })).filter((x) => isOpen(x.status));
  lines.push(
    open.length === 0
      ? '  no open complaints'
      : `  ${open.length} open complaint${open.length === 1 ? '' : 's'}: ${open.map((x) => `#${x.id} ${x.category} (${x.created_at.slice(0, 10)}${isOverdue({ status: x.status, dueAt: x.due_at }, now) ? ', overdue' : ''})`).join(', ')}`,
  );
  return lines;
}

const REQUIRED: [keyof Draft, string][] = [
  ['customer', '--customer'],
  ['category', '--category'],
  ['summary', '--summary'],
];

/** Logs a complaint from flags, with prompts for what is missing when on a terminal. */
export async function runComplaintAdd(flags: AddFlags, ctx: Context, prompter?: Prompter): Promise<number> {
  const draft = draftFrom(flags);
  const at = parseAt(flags.at);
  if (draft.summary !== undefined && draft.summary.trim() === '') throw new UsageError('--summary is empty', 'say in a few words what happened');
  const db = await openForChange(ctx);
  try {
    const missing = REQUIRED.filter(([k]) => draft[k] === undefined).map(([, flag]) => flag);
    const interactive = prompter !== undefined || ctx.io.canPrompt;
    const lookups: Lookups = {
      exists: async (id) => (await db.customerRecord(id)) !== null,
      find: (text) => db.findCustomers(text),
      // The profile is for the person at the counter: a script gets none (it costs an analysis
      // of every customer: 2 s on a million transactions).
      profile: async (id) => (interactive ? profile(db, id) : []),
    };
    if (!interactive) {
      if (missing.length > 0) {
        throw new UsageError(
          `prompts are off (not on a terminal, or CI is set), so nothing can be asked: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} needed`,
          'rapport complaint add --customer ID --category service --summary "what happened"',
        );
      }
      if (!draft.newCustomer && !(await lookups.exists(draft.customer!))) {
        const near = (await db.findCustomers(draft.customer!, 3)).map((m) => m.id);
        throw new RapportError(`no customer "${draft.customer}"`, near.length > 0 ? `did you mean ${near.join(', ')}? or add --new-customer --name "..." to create it` : 'add --new-customer --name "..." to create it');
      }
      if (draft.newCustomer && (await lookups.exists(draft.customer!))) throw new UsageError(`--new-customer: ${draft.customer} exists already`, 'leave out --new-customer to log a complaint for it');
    }
    let collected;
    try {
      // Without a terminal every answer is already a flag: the flow asks nothing.
      const p = prompter ?? (interactive ? await terminalPrompter(ctx.io) : noPrompts());
      const complete: Draft = {
        ...draft,
        reasonable: draft.reasonable ?? null,
        ...fillOptional(draft),
        newCustomer: draft.newCustomer ? { ...draft.newCustomer, name: draft.newCustomer.name ?? null, email: draft.newCustomer.email ?? null, phone: draft.newCustomer.phone ?? null, type: draft.newCustomer.type ?? null } : null,
      };
      collected = await collect(interactive ? draft : complete, p, lookups);
    } catch (e) {
      if (e instanceof Cancelled) {
        notice(ctx.io, 'cancelled: nothing was written');
        return ExitCode.cancelled;
      }
      throw e;
    }
    if (collected === null) {
      notice(ctx.io, 'not saved: nothing was written');
      return ExitCode.cancelled;
    }
    const { input, newCustomer } = collected;
    const hours = (await loadSettings(db, await moneyOf(db))).settings.complaintHours;
    const due = dueAt(at, input.priority, hours);
    const write = async (): Promise<number> => {
      if (newCustomer) await db.createCustomer({ ...newCustomer, createdDate: at.slice(0, 10) });
      return db.insertComplaint(input, at, due);
    };
    // Confirmed at the counter: waits for a long import rather than lose what was typed (a
    // script keeps the busy timeout and its error, and can run again).
    const id = interactive
      ? await db.writeWhenFree(write, () => ctx.io.stderr.write('waiting for the import to finish: another rapport is writing to the database (Ctrl-C gives up; nothing is saved until then)…\n'))
      : await db.transaction(write);
    notice(ctx.io, `logged complaint #${id} for ${input.customerId}${newCustomer ? ' (new customer)' : ''}; due ${personTime(due, new Date(), ctx.io.env.TZ)}`);
    printRecord(ctx.io, resolveFormat(ctx.format, ctx.io), { id, customer_id: input.customerId, category: input.category, priority: input.priority, status: 'open', created_at: at, due_at: due });
    return 0;
  } finally {
    await db.close();
  }
}

/** Without a terminal the optional answers are simply absent. */
function fillOptional(d: Draft): Draft {
  return { product: d.product ?? '', how: d.how ?? '', why: d.why ?? '', staff: d.staff ?? '', other: d.other ?? '', wanted: d.wanted ?? '', priority: d.priority ?? 'normal' };
}

function noPrompts(): Prompter {
  const never = (): never => {
    throw new Error('a prompt was needed without a terminal');
  };
  return { input: never, select: never, confirm: async () => true, say: () => undefined };
}

const LIST_COLUMNS = ['id', 'customer_id', 'customer_name', 'created_at', 'category', 'priority', 'status', 'assignee', 'due_at', 'overdue', 'summary', 'resolved_at', 'satisfied'];

function listRow(c: ComplaintRow, now: string): Record<string, unknown> {
  return { ...c, overdue: isOverdue({ status: c.status, dueAt: c.due_at }, now), satisfied: c.satisfied === null ? null : c.satisfied === 1 };
}

/** The list as it stood at a moment: complaints logged by then, with the status and due time they had. */
async function rowsAt(db: Store, rows: ComplaintRow[], at: string): Promise<ComplaintRow[]> {
  const facts = new Map((await db.complaintsAt(at)).map((f) => [f.id, f]));
  return rows.filter((r) => facts.has(r.id)).map((r) => ({ ...r, status: facts.get(r.id)!.status, due_at: facts.get(r.id)!.dueAt }));
}

export async function runComplaintList(o: { status?: string; overdue: boolean; customer?: string; category?: string; at?: string }, ctx: Context): Promise<number> {
  const status = pick(o.status, STATUSES, '--status');
  const category = pick(o.category, CATEGORIES, '--category');
  const now = parseAt(o.at);
  const db = await openForRead(ctx);
  try {
    const stored = await db.listComplaints({ customerId: o.customer ?? null, category: category ?? null });
    let rows = (o.at === undefined ? stored : await rowsAt(db, stored, now)).filter((c) => status === undefined || c.status === status).map((c) => listRow(c, now));
    if (o.overdue) rows = rows.filter((r) => r.overdue === true);
    const format = resolveFormat(ctx.format, ctx.io);
    if (format !== 'table') {
      printRows(ctx.io, format, LIST_COLUMNS.map((key) => ({ key })), rows);
      return 0;
    }
    const c = chalkFor(ctx.io);
    const columns: Column[] = [
      { key: 'id', align: 'right' },
      { key: 'customer_id', header: 'customer' },
      { key: 'customer_name', header: 'name', clip: 20 },
      { key: 'created_at', header: 'logged', show: (v) => localDay(String(v), ctx.io.env.TZ) },
      { key: 'category' },
      { key: 'priority' },
      { key: 'status', show: (v) => String(v).replace('_', ' ') },
      { key: 'due_at', header: 'due', show: (v) => localMinute(String(v), ctx.io.env.TZ) },
      { key: 'overdue', show: (v) => (v ? c.red('overdue') : '') },
      { key: 'summary', clip: 40 },
    ];
    printRows(ctx.io, 'table', columns, rows);
    return 0;
  } finally {
    await db.close();
  }
}

async function mustGet(db: Store, id: number): Promise<ComplaintRow> {
  const c = await db.getComplaint(id);
  if (c === null) throw new RapportError(`no complaint #${id}`, 'list them with rapport complaint list');
  return c;
}

export async function runComplaintShow(id: number, ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const c = await mustGet(db, id);
    const events = await db.complaintEvents(id);
    const now = new Date().toISOString();
    const format = resolveFormat(ctx.format, ctx.io);
    const record: Record<string, unknown> = { ...listRow(c, now), reasonable: c.reasonable === null ? null : c.reasonable === 1 };
    if (format === 'json') {
      const money = await moneyOf(db);
      ctx.io.stdout.write(JSON.stringify({ ...(moneyJson(record, money) as Record<string, unknown>), currency: money.currency, history: events }, null, 2) + '\n');
      return 0;
    }
    if (format === 'csv') {
      printRecord(ctx.io, 'csv', record, {}, await moneyOf(db));
      return 0;
    }
    const money = await moneyOf(db);
    const when = (v: string | null): string | null => (v === null ? null : personTime(v, new Date(now), ctx.io.env.TZ));
    const shown: Record<string, unknown> = {
      complaint: `#${c.id}`,
      customer: `${c.customer_id}${c.customer_name ? ' · ' + c.customer_name : ''}`,
      logged: when(c.created_at),
      category: c.category,
      priority: c.priority,
      status: c.status.replace('_', ' ') + (record.overdue ? ' (overdue)' : ''),
      due: when(c.due_at),
      assignee: c.assignee,
      product: c.product,
      'what happened': c.summary,
      how: c.how,
      'why dissatisfied': c.why,
      staff: c.staff,
      'also unhappy about': c.other_issues,
      'demand reasonable': c.reasonable === null ? 'not judged' : c.reasonable ? 'yes' : 'no',
      wants: c.wanted,
      resolution: c.resolution,
      compensation: c.compensation === null ? null : money.format(c.compensation) + (money.currency ? ' ' + money.currency : ''),
      satisfied: c.satisfied === null ? null : c.satisfied ? 'yes' : 'no',
    };
    printRecord(ctx.io, 'table', Object.fromEntries(Object.entries(shown).filter(([, v]) => v !== null && v !== undefined)));
    ctx.io.stdout.write('\nhistory:\n');
    for (const e of events) {
      const what = e.kind === 'note' ? `note: ${e.text}` : e.kind === 'update' ? `changed ${e.text}` : e.kind === 'logged' ? 'logged' : `${e.from_status ?? ''} → ${e.to_status ?? ''}${e.text ? ': ' + e.text : ''}`;
      ctx.io.stdout.write(`  ${localMinute(e.at, ctx.io.env.TZ)}  ${e.kind === 'reopened' ? 'reopened: ' : ''}${what}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

export async function runComplaintUpdate(id: number, o: { status?: string; assignee?: string; priority?: string; category?: string; note?: string; at?: string }, ctx: Context): Promise<number> {
  const to = pick(o.status, ['open', 'in_progress', 'closed'] as const, '--status');
  const priority = pick(o.priority, PRIORITIES, '--priority');
  const category = pick(o.category, CATEGORIES, '--category');
  if (to === undefined && o.assignee === undefined && priority === undefined && category === undefined && o.note === undefined) {
    throw new UsageError('nothing to change', 'give --status, --assignee, --priority, --category or --note');
  }
  const at = parseAt(o.at);
  const db = await openForChange(ctx);
  try {
    const c = await mustGet(db, id);
    await notBefore(db, id, at);
    const hours = (await loadSettings(db, await moneyOf(db))).settings.complaintHours;
    await db.transaction(async () => {
      const changes: Record<string, unknown> = {};
      const said: string[] = [];
      if (o.assignee !== undefined) {
        changes.assignee = o.assignee.trim() === '' ? null : o.assignee.trim();
        said.push(`assignee ${changes.assignee ?? '(none)'}`);
      }
      if (category !== undefined) {
        changes.category = category;
        said.push(`category ${category}`);
      }
      if (priority !== undefined) {
        // A new priority moves the due time: counted from when the complaint was logged.
        changes.priority = priority;
        changes.due_at = dueAt(c.created_at, priority, hours);
        await db.recordDue(id, at, changes.due_at as string);
        said.push(`priority ${priority}, due ${personTime(String(changes.due_at), new Date(), ctx.io.env.TZ)}`);
      }
      await db.setComplaintFields(id, changes);
      if (said.length > 0) await db.addEvent(id, at, 'update', null, null, said.join('; '));
      if (to !== undefined) await applyStatus(db, { ...c, priority: (priority ?? c.priority) }, to, at, o.note ?? null, hours);
      else if (o.note !== undefined) await db.addEvent(id, at, 'note', null, null, o.note);
    });
    notice(ctx.io, `complaint #${id} updated`);
    return 0;
  } finally {
    await db.close();
  }
}

async function applyStatus(db: Store, c: ComplaintRow, to: Status, at: string, text: string | null, hours: ResponseHours, satisfied: boolean | null = null): Promise<void> {
  const t = transition(c.status, to);
  if ('error' in t) {
    throw new UsageError(`complaint #${c.id} cannot go from ${c.status.replace('_', ' ')} to ${to.replace('_', ' ')}: ${t.error}`, `see its history with rapport complaint show ${c.id}`);
  }
  const fields: Record<string, unknown> = { status: to };
  if (to === 'closed') fields.closed_at = at;
  if (t.event === 'reopened') {
    // Reopened: the old resolution stays in the history; the complaint is due again from now.
    const due = dueAt(at, c.priority, hours);
    Object.assign(fields, { closed_at: null, resolved_at: null, satisfied: null, resolution: null, compensation: null, due_at: due });
    await db.recordDue(c.id, at, due);
  }
  await db.setComplaintFields(c.id, fields);
  await db.addEvent(c.id, at, t.event, c.status, to, text, satisfied);
}

export async function runComplaintResolve(id: number, o: { resolution?: string; satisfied?: string; compensation?: string; at?: string }, ctx: Context): Promise<number> {
  if (o.resolution === undefined || o.resolution.trim() === '') throw new UsageError('--resolution is needed: what was done', 'rapport complaint resolve 12 --resolution "refunded the order" --satisfied yes');
  const satisfied = yesNoFlag(o.satisfied, '--satisfied');
  if (satisfied === undefined) throw new UsageError('--satisfied yes|no is needed: was the customer satisfied with the resolution?', 'ask them; rapport complaint resolve 12 --resolution "..." --satisfied no');
  const at = parseAt(o.at);
  const db = await openForChange(ctx);
  try {
    const money = await moneyOf(db);
    let compensation: number | null = null;
    if (o.compensation !== undefined) {
      const parser = new MoneyParser({ exponent: money.exponent, decimalComma: false });
      const parsed = parser.parse(o.compensation.trim());
      if (Number.isNaN(parsed) || parsed < 0) throw new UsageError(`--compensation must be an amount like 10.00, not "${o.compensation}"`, 'write it in the database\'s currency, e.g. 5.00');
      if (parser.symbol !== null) {
        const of = currenciesOf(parser.symbol) ?? [];
        if (money.currency === null || !of.includes(money.currency)) {
          throw new UsageError(`--compensation ${o.compensation} is not in ${money.currency ?? "the database's currency (none is set yet)"}`, 'give the amount without a currency mark, in the currency your sales are in');
        }
      }
      compensation = parsed;
    }
    const c = await mustGet(db, id);
    await notBefore(db, id, at);
    const hours = (await loadSettings(db, money)).settings.complaintHours;
    await db.transaction(async () => {
      await applyStatus(db, c, 'resolved', at, o.resolution!.trim(), hours, satisfied);
      await db.setComplaintFields(id, { resolved_at: at, resolution: o.resolution!.trim(), satisfied: satisfied ? 1 : 0, compensation });
    });
    notice(ctx.io, `complaint #${id} resolved (customer ${satisfied ? '' : 'not '}satisfied)`);
    return 0;
  } finally {
    await db.close();
  }
}

export async function runComplaintNote(id: number, text: string, o: { at?: string }, ctx: Context): Promise<number> {
  if (text.trim() === '') throw new UsageError('the note is empty', 'rapport complaint note 12 "called back, left a message"');
  const at = parseAt(o.at);
  const db = await openForChange(ctx);
  try {
    await mustGet(db, id);
    await notBefore(db, id, at);
    await db.addEvent(id, at, 'note', null, null, text.trim());
    notice(ctx.io, `note added to complaint #${id}`);
    return 0;
  } finally {
    await db.close();
  }
}

export async function runComplaintSummary(o: { asOf?: string; days: number }, ctx: Context): Promise<number> {
  const asOfDate = o.asOf ?? today();
  const db = await openForRead(ctx);
  try {
    const result = await complaintSummary(db, asOfDate, o.days);
    const { by_category: byCategory, overdue } = result;
    const median = result.median_hours_to_resolve;
    const rebought = { satisfied: result.after_satisfied, not_satisfied: result.after_not_satisfied };
    const format = resolveFormat(ctx.format, ctx.io);
    if (format === 'json') {
      ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    const catColumns: Column[] = [{ key: 'category' }, { key: 'total', align: 'right' }, ...STATUSES.map((s) => ({ key: s, header: s.replace('_', ' '), align: 'right' as const }))];
    if (format === 'csv') {
      printRows(ctx.io, 'csv', catColumns, byCategory);
      return 0;
    }
    const k = chalkFor(ctx.io);
    const out = (s = ''): void => void ctx.io.stdout.write(s + '\n');
    const pct = (x: number | null): string => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
    out(k.bold(`Complaints as of ${asOfDate}`) + `: ${result.complaints} logged, ${result.open} open, ${overdue.length} overdue; median time to resolve ${median === null ? 'n/a' : median < 48 ? `${result.median_hours_to_resolve} hours` : `${(median / 24).toFixed(1)} days`}`);
    printRows(ctx.io, 'table', catColumns, byCategory);
    out();
    out(k.bold(`Bought again within ${o.days} days of the resolution`));
    out(`  when satisfied:     ${pct(result.after_satisfied.rate)} (${rebought.satisfied.bought_again} of ${rebought.satisfied.resolved})`);
    out(`  when not satisfied: ${pct(result.after_not_satisfied.rate)} (${rebought.not_satisfied.bought_again} of ${rebought.not_satisfied.resolved})`);
    if (overdue.length > 0) {
      out();
      out(k.bold('Overdue'));
      printRows(ctx.io, 'table', [{ key: 'id', align: 'right' }, { key: 'customer_id', header: 'customer' }, { key: 'category' }, { key: 'due_at', header: 'due', show: (v) => localMinute(String(v), ctx.io.env.TZ) }, { key: 'days_overdue', header: 'days over', align: 'right' }], overdue);
    }
    return 0;
  } finally {
    await db.close();
  }
}
