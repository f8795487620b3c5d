import { isRealDay } from '../core/measures.js';
import { moneyJson } from '../core/moneyOut.js';
import { localDay, localMinute } from '../core/times.js';
import { personTime } from '../i18n/times.js';
import {
  CATEGORIES,
  PRIORITIES,
  STATUSES,
  dueAt,
  isOpen,
  isOverdue,
  transition,
  FLAG_OF,
  OPTIONAL_TEXT,
  type ComplaintFlag,
  yesNo,
  type ResponseHours,
  type Status,
} from '../core/complaints.js';
import { horizonFor, riskPercent, rulesOnly, scoreChurn } from '../core/model/churn.js';
import { currenciesOf, MoneyParser } from '../core/money.js';
import { customerType } from '../core/columns.js';
import { currentFit, customerAsOf, loadSettings, moneyOf, settleAsOf, today, type Money } from '../app/run.js';
import { collect, newCustomerFault, reasonableText, type Draft, type Lookups } from '../cli/complaints/flow.js';
import { currentLang, t, tn } from '../i18n/index.js';
import { categoryName, customerTypeName, priorityName, riskName, stageName, statusName, tierName } from '../i18n/domain.js';
import { formatDate, formatMoneyFor } from '../i18n/format.js';
import { padEndWidth } from '../text/charts.js';
import stringWidth from 'string-width';
import { churnAsOf, openComplaintsAsOf } from '../app/churn.js';
import { complaintSummary } from '../app/complaints.js';
import { englishReasons } from '../app/words.js';
import { Cancelled, terminalPrompter, type Prompter } from '../cli/complaints/prompts.js';
import { collectChanges, collectNote, collectResolution, labelled, statusText, type Changes } from '../cli/complaints/change.js';
import { openForChange, openForRead, type Context } from '../cli/context.js';
import { ExitCode, PassingFault, RapportError, UsageError } from '../sys/errors.js';
import { storageError } from '../store/sqlite/faults.js';
import { reportError } from '../cli/printError.js';
import { notice } from '../cli/io.js';
import type { Column } from '../cli/output.js';
import { show, type Pen, type Shown } from '../cli/printer.js';
import type { Store } from '../store/store.js';
import type { ComplaintRow } from '../store/types.js';
import { reword, riskWords } from '../i18n/phrase.js';

/**
 * --at: a date (midnight UTC) or a date and time (UTC unless it names an offset); default now.
 * For logging what happened earlier: never in the future.
 */
export function parseAt(text: string | undefined, now = new Date()): string {
  if (text === undefined) return now.toISOString();
  const asked = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(asked);
  const hint = t('complaint.error.at-hint');
  if (!m) throw new UsageError(t('complaint.error.at-format', { text }), hint);
  if (!isRealDay(Number(m[1]), Number(m[2]), Number(m[3]))) throw new UsageError(t('complaint.error.at-no-day', { at: asked }), hint);
  const iso = m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new UsageError(t('complaint.error.at-format', { text }), hint);
  if (ms > now.getTime() + 60_000) throw new UsageError(t('complaint.error.at-future', { at: asked }), t('complaint.error.at-future-hint'));
  return new Date(ms).toISOString();
}

/** A change to a complaint cannot be dated before what its history already holds. */
async function notBefore(db: Store, id: number, at: string): Promise<void> {
  const last = await db.lastEventAt(id);
  if (at < last)
    throw new UsageError(
      t('complaint.error.at-before-last', { at: at.slice(0, 16).replace('T', ' '), id, last: last.slice(0, 16).replace('T', ' ') }),
      t('complaint.error.at-before-last-hint'),
    );
}

export function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const hit = allowed.find((a) => a === v);
  if (hit === undefined)
    throw new UsageError(
      t('complaint.error.one-of', { flag, allowed: allowed.join(', '), value }),
      t('complaint.error.for-example', { example: `${flag} ${allowed[0]}` }),
    );
  return hit;
}

function yesNoFlag(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = yesNo(value);
  if (v === null) throw new UsageError(t('complaint.error.yes-no', { flag, value }), t('complaint.error.for-example', { example: `${flag} yes` }));
  return v;
}

/** `complaint add`'s flags: one per complaint field (core/complaints.ts FLAG_OF), and a new customer's, and --at. */
export type AddFlags = { [F in ComplaintFlag]?: string } & {
  newCustomer?: boolean;
  name?: string;
  email?: string;
  phone?: string;
  type?: string;
  at?: string;
};

export function draftFrom(f: AddFlags): Draft {
  if (!f.newCustomer) {
    const stray = (['name', 'email', 'phone', 'type'] as const).filter((k) => f[k] !== undefined);
    if (stray.length > 0)
      throw new UsageError(tn('complaint.error.stray', stray.length, { flags: `--${stray.join(', --')}` }), t('complaint.error.stray-hint'));
  }
  let type: string | undefined;
  if (f.type !== undefined) {
    type = customerType(f.type) ?? undefined;
    if (type === undefined)
      throw new UsageError(t('complaint.error.type', { value: f.type }), t('complaint.error.for-example', { example: '--type consumer' }));
  }
  // A new customer's id and email pass the import's checks (one a customers file could not give
  // is refused); an empty name, email or phone is none.
  const none = (v: string | undefined): string | null | undefined => (v === undefined ? undefined : v.trim() === '' ? null : v.trim());
  const newCustomer = f.newCustomer ? { id: f.customer?.trim(), name: none(f.name), email: none(f.email), phone: none(f.phone), type } : null;
  const fault = newCustomer === null ? null : newCustomerFault(f.customer === undefined ? newCustomer : { ...newCustomer, id: f.customer });
  if (fault !== null) throw new UsageError(t('complaint.error.new-customer', { fault }), t('complaint.error.new-customer-hint'));
  // Flags not given stay undefined: on a terminal they are asked; without one they stay empty.
  const draft: Draft = {
    newCustomer,
    customerId: f.customer?.trim(),
    category: pick(f.category, CATEGORIES, '--category'),
    priority: pick(f.priority, PRIORITIES, '--priority'),
  };
  draft.reasonable = yesNoFlag(f.reasonable, '--reasonable');
  for (const field of [...OPTIONAL_TEXT, 'summary', 'assignee'] as const) draft[field] = f[FLAG_OF[field]];
  return draft;
}

/**
 * Customers past which the counter does not fit the churn model while a customer waits: about
 * 2 ms a customer on a 2-core machine, so a few seconds at most; `rapport model` saves a fit
 * for the day that the counter then uses at any size.
 */
export const COUNTER_FIT_CUSTOMERS = 3000;

/**
 * Who this is, before the complaint is taken: from the data, as `rapport customer ID` shows it
 * today (the same date, the same churn risk by the same method).
 */
export async function profile(db: Store, id: string, fitLimit = COUNTER_FIT_CUSTOMERS): Promise<string[]> {
  const lines: string[] = [];
  const asOf = await settleAsOf(db, today(), false, () => {});
  const record = await db.customerRecord(id);
  const found = await customerAsOf(db, asOf, id);
  const c = found.customer;
  lines.push(`${id}${record?.name ? ' · ' + record.name : ''}${record?.type ? ' · ' + customerTypeName(record.type) : ''}`);
  if (c === null || c.purchaseDays === 0) lines.push(`  ${t('complaint.profile.new')}`);
  else {
    lines.push(
      `  ${tn('complaint.profile.returning', c.purchaseDays, { since: formatDate(c.firstPurchase ?? ''), ago: t('core.time.ago', { span: tn('core.time.days', c.recencyDays ?? 0) }) })}`,
    );
    lines.push(`  ${t('complaint.profile.tier-stage', { tier: tierName(c.tier), stage: stageName(c.stage), why: reword(c.stageReason) })}`);
    // The saved fit, else one fitted over every customer as the customer card does (a second or
    // two on a shop of a few thousand; keys typed meanwhile reach the next question). With the
    // lifecycle rules instead, the counter said "medium 34%, by the lifecycle rules" beside the
    // card's "high 27%, learned from this shop's past" for one customer on one day. On a larger
    // shop that fit keeps the customer waiting (40 s on 20,500 customers, minutes on PostgreSQL
    // with 60,500), so there the rules speak, named as such, with how to save the learned one.
    const saved = await currentFit(db, asOf, found.loaded, true);
    const fitHere = saved === null && (await db.customerCount()) <= fitLimit;
    const fit =
      saved ??
      (fitHere ? (await churnAsOf(db, asOf)).fitted : rulesOnly(asOf, null, horizonFor(found.loaded.settings.model, found.analysis.populationGapDays).days));
    const s = scoreChurn(
      [c],
      fit,
      found.loaded.settings.model,
      found.loaded.settings.lifecycle,
      found.analysis.populationGapDays,
      await openComplaintsAsOf(db, asOf),
    )[0]!;
    const percent = riskWords(riskPercent(s.churnRisk, found.loaded.settings.model));
    const risk =
      s.method === 'rules'
        ? t('complaint.profile.risk-by-rules', { level: riskName(s.riskLevel), percent })
        : t('complaint.profile.risk', { level: riskName(s.riskLevel), percent });
    lines.push(`  ${s.reasonPhrases.length > 0 ? t('complaint.profile.risk-reason', { risk, reason: reword(englishReasons(s)[0]!) }) : risk}`);
    if (saved === null && !fitHere) lines.push(`  ${t('complaint.profile.risk-unsaved')}`);
  }
  const now = new Date().toISOString();
  const open = (await db.listComplaints({ customerId: id })).filter((x) => isOpen(x.status));
  lines.push(
    open.length === 0
      ? `  ${t('complaint.profile.no-open')}`
      : `  ${tn('complaint.profile.open', open.length, {
          list: open
            .map((x) =>
              isOverdue({ status: x.status, dueAt: x.due_at }, now)
                ? t('complaint.profile.open-item-overdue', { id: x.id, category: categoryName(x.category), date: formatDate(x.created_at.slice(0, 10)) })
                : t('complaint.profile.open-item', { id: x.id, category: categoryName(x.category), date: formatDate(x.created_at.slice(0, 10)) }),
            )
            .join(t('complaint.list-separator')),
        })}`,
  );
  return lines;
}

const REQUIRED = ['customerId', 'category', 'summary'] as const;

/** Logs a complaint from flags, with prompts for what is missing when on a terminal. */
export async function runComplaintAdd(flags: AddFlags, ctx: Context, prompter?: Prompter): Promise<number> {
  const draft = draftFrom(flags);
  const at = parseAt(flags.at);
  if (draft.summary !== undefined && draft.summary.trim() === '') throw new UsageError(t('complaint.error.summary-empty'), t('complaint.validate.summary'));
  const db = await openForChange(ctx);
  try {
    const missing = REQUIRED.filter((k) => draft[k] === undefined).map((k) => `--${FLAG_OF[k]}`);
    const interactive = prompter !== undefined || ctx.io.canPrompt;
    if (interactive) await db.checkComplaintsWritable();
    const lookups: Lookups = {
      exists: async (id) => (await db.customerRecord(id)) !== null,
      find: (text) => db.findCustomers(text),
      // The profile is for the person at the counter: a script gets none (it costs an analysis
      // of every customer: 2 s on a million transactions).
      profile: async (id) => (interactive ? profile(db, id) : []),
    };
    if (!interactive) {
      if (missing.length > 0) {
        throw new UsageError(tn('complaint.error.prompts-off', missing.length, { flags: missing.join(', ') }), t('complaint.error.prompts-off-hint'));
      }
      if (!draft.newCustomer && !(await lookups.exists(draft.customerId!))) {
        const near = (await db.findCustomers(draft.customerId!, 3)).map((m) => m.id);
        throw new RapportError(
          t('complaint.error.no-customer', { id: String(draft.customerId) }),
          near.length > 0 ? t('complaint.error.no-customer-near', { ids: near.join(', ') }) : t('complaint.error.no-customer-hint'),
        );
      }
      if (draft.newCustomer && (await lookups.exists(draft.customerId!)))
        throw new UsageError(t('complaint.error.exists', { id: String(draft.customerId) }), t('complaint.error.exists-hint'));
    }
    // Read before the questions: at the save, only the write can fail (and be tried again).
    const hours = (await loadSettings(db, await moneyOf(db))).settings.complaintHours;
    // Without a terminal every answer is already a flag: the flow asks nothing.
    const collected = await asking(ctx, prompter ?? (interactive ? undefined : noPrompts()), (p) => {
      const complete: Draft = {
        ...draft,
        reasonable: draft.reasonable ?? null,
        ...fillOptional(draft),
        newCustomer: draft.newCustomer
          ? {
              ...draft.newCustomer,
              name: draft.newCustomer.name ?? null,
              email: draft.newCustomer.email ?? null,
              phone: draft.newCustomer.phone ?? null,
              type: draft.newCustomer.type ?? null,
            }
          : null,
      };
      return collect(interactive ? draft : complete, p, lookups);
    });
    if (typeof collected === 'number') return collected;
    const { input, newCustomer } = collected;
    const due = dueAt(at, input.priority, hours);
    const write = async (): Promise<number> => {
      if (newCustomer) await db.createCustomer({ ...newCustomer, createdDate: at.slice(0, 10) });
      return db.insertComplaint(input, at, due);
    };
    // Confirmed at the counter: waits for a long import rather than lose what was typed (a
    // script keeps the busy timeout and its error, and can run again).
    const saved = await saving(ctx, db, interactive, prompter, async () => ({ id: await write() }));
    if (typeof saved === 'number') return saved;
    const { id } = saved;
    const due_ = personTime(due, new Date(), ctx.io.env.TZ);
    notice(
      ctx.io,
      newCustomer
        ? t('complaint.notice.logged-new', { id, customer: input.customerId, due: due_ })
        : t('complaint.notice.logged', { id, customer: input.customerId, due: due_ }),
    );
    // Scripts get the record; a person gets it as `complaint show` draws it, in their words.
    const logged = (await db.getComplaint(id))!;
    const money = await moneyOf(db);
    show(ctx, {
      data: { record: { id, customer_id: input.customerId, category: input.category, priority: input.priority, status: 'open', created_at: at, due_at: due } },
      table: { draw: (pen) => pen.record(card(logged, money, new Date().toISOString(), ctx.io.env.TZ)) },
    });
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * Asks `questions` on the terminal (or on `prompter`); Ctrl-C, or an answer not to save (null),
 * is said and becomes the exit code: nothing is written. The terminal is given back before the
 * caller saves, which may wait for an import: Ctrl-C works there as anywhere.
 */
async function asking<T>(ctx: Context, prompter: Prompter | undefined, questions: (p: Prompter) => Promise<T | null>): Promise<T | number> {
  const p = prompter ?? (await terminalPrompter(ctx.io));
  let answers: T | null = null;
  let cancelled = false;
  try {
    answers = await questions(p);
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    cancelled = true;
  } finally {
    p.close?.();
  }
  if (answers !== null) return answers;
  notice(ctx.io, cancelled ? t('complaint.notice.cancelled') : t('complaint.notice.not-saved'));
  return ExitCode.cancelled;
}

/** Without a terminal the optional answers are simply absent. */
function fillOptional(d: Draft): Draft {
  const filled: Draft = { priority: d.priority ?? 'normal' };
  for (const field of OPTIONAL_TEXT) filled[field] = d[field] ?? '';
  return filled;
}

function noPrompts(): Prompter {
  const never = (): never => {
    throw new Error(t('complaint.error.no-terminal'));
  };
  return { input: never, select: never, confirm: async () => true, say: () => undefined };
}

const LIST_COLUMNS = [
  'id',
  'customer_id',
  'customer_name',
  'created_at',
  'category',
  'priority',
  'status',
  'assignee',
  'due_at',
  'overdue',
  'summary',
  'resolved_at',
  'satisfied',
];

function listRow(c: ComplaintRow, now: string): Record<string, unknown> {
  return { ...c, overdue: isOverdue({ status: c.status, dueAt: c.due_at }, now), satisfied: c.satisfied === null ? null : c.satisfied === 1 };
}

/** The list as it stood at a moment: complaints logged by then, with the status and due time they had. */
async function rowsAt(db: Store, rows: ComplaintRow[], at: string): Promise<ComplaintRow[]> {
  const facts = new Map((await db.complaintsAt(at)).map((f) => [f.id, f]));
  return rows.filter((r) => facts.has(r.id)).map((r) => ({ ...r, status: facts.get(r.id)!.status, due_at: facts.get(r.id)!.dueAt }));
}

export async function runComplaintList(
  o: { status?: string; overdue: boolean; customer?: string; category?: string; at?: string },
  ctx: Context,
): Promise<number> {
  const status = pick(o.status, STATUSES, '--status');
  const category = pick(o.category, CATEGORIES, '--category');
  const now = parseAt(o.at);
  const db = await openForRead(ctx);
  try {
    const stored = await db.listComplaints({ customerId: o.customer ?? null, category: category ?? null });
    let rows = (o.at === undefined ? stored : await rowsAt(db, stored, now))
      .filter((c) => status === undefined || c.status === status)
      .map((c) => listRow(c, now));
    if (o.overdue) rows = rows.filter((r) => r.overdue === true);
    const columns = (c: Pen['chalk']): Column[] => [
      { key: 'id', header: t('complaint.col.id'), align: 'right' },
      { key: 'customer_id', header: t('complaint.col.customer') },
      { key: 'customer_name', header: t('complaint.col.name'), clip: 20, drop: 3 },
      { key: 'created_at', header: t('complaint.col.logged'), show: (v) => localDay(String(v), ctx.io.env.TZ), drop: 1 },
      { key: 'category', header: t('complaint.col.category'), show: (v) => categoryName(String(v)), drop: 2 },
      { key: 'priority', header: t('complaint.col.priority'), show: (v) => priorityName(String(v)), drop: 4 },
      { key: 'status', header: t('complaint.col.status'), show: (v) => statusText(String(v)) },
      { key: 'due_at', header: t('complaint.col.due'), show: (v) => localMinute(String(v), ctx.io.env.TZ), drop: 5 },
      { key: 'overdue', header: t('complaint.col.overdue'), show: (v) => (v ? c.red(t('complaint.overdue')) : '') },
      { key: 'summary', header: t('complaint.col.summary'), clip: 40 },
    ];
    show(ctx, { data: { columns: LIST_COLUMNS.map((key) => ({ key })), rows }, table: { draw: (pen) => pen.rows(columns(pen.chalk), rows) } });
    return 0;
  } finally {
    await db.close();
  }
}

/** The history has always shown English statuses as stored (in_progress); other languages name them. */
const historyStatus = (status: string): string => (currentLang() === 'en' ? status : statusName(status));

/**
 * Writes a change to a complaint in one transaction. Typed and confirmed at the counter, it waits
 * for an import however long it takes, as `complaint add` does (the busy timeout lost the
 * answers); a script keeps the busy timeout and its error.
 */
async function saving<T extends object | void>(
  ctx: Context,
  db: Store,
  interactive: boolean,
  prompter: Prompter | undefined,
  write: () => Promise<T>,
): Promise<T | number> {
  if (!interactive) return db.transaction(write);
  // A failure that can pass (a full disk, the server gone or too busy) does not throw away what
  // was typed: the reason is said, and they may try again once it is mended (Ctrl-C or "no" gives
  // up, nothing saved). Not one that fails the same way again (a read-only store, a damaged file,
  // a constraint, a change refused for what it says): that is said and the command ends.
  for (;;) {
    try {
      return await db.writeWhenFree(write, () => ctx.io.stderr.write(t('complaint.notice.waiting') + '\n'));
    } catch (e) {
      const why = canPass(e, ctx.dbPath);
      if (why === null) throw e;
      reportError(why, ctx.io, ctx.dbPath);
      const again = await asking(ctx, prompter, async (p) => ((await p.confirm(t('complaint.ask.save-again'), true)) ? true : null));
      if (typeof again === 'number') return again;
    }
  }
}

/** The failure of a write, said for people, when trying the same write again can succeed (saving's question); else null. */
export function canPass(e: unknown, dbPath: string | undefined): PassingFault | null {
  const why = storageError(e, dbPath);
  return why instanceof PassingFault ? why : null;
}

/** A complaint changed by someone else since it was shown: trying again cannot help. */
class ChangedMeanwhile extends RapportError {}

/**
 * The complaint as stored now, inside the write, unless it changed since `seen` was read (and
 * shown): someone else resolved, closed or reassigned it meanwhile (another counter, a script).
 * Refused then, nothing written, rather than laying this change over theirs.
 */
async function unchanged(db: Store, seen: ComplaintRow): Promise<ComplaintRow> {
  const now = await db.complaintForChange(seen.id);
  const own = (r: ComplaintRow): string => JSON.stringify({ ...r, customer_name: null });
  if (now !== null && own(now) === own(seen)) return now;
  throw new ChangedMeanwhile(
    t('complaint.error.changed-meanwhile', { id: seen.id, status: now === null ? '-' : statusText(now.status) }),
    t('complaint.error.changed-meanwhile-hint', { id: seen.id }),
  );
}

async function mustGet(db: Store, id: number): Promise<ComplaintRow> {
  const c = await db.getComplaint(id);
  if (c === null) throw new RapportError(t('complaint.error.no-complaint', { id }), t('complaint.error.no-complaint-hint'));
  return c;
}

/** A complaint for people: its fields in the reader's words, times local and relative to `now`, the empty ones left out. */
function card(c: ComplaintRow, money: Awaited<ReturnType<typeof moneyOf>>, now: string, tz: string | undefined): Record<string, unknown> {
  const when = (v: string | null): string | null => (v === null ? null : personTime(v, new Date(now), tz));
  const yes = (v: number | null): string | null => (v === null ? null : v ? t('common.yes') : t('common.no'));
  const status = isOverdue({ status: c.status, dueAt: c.due_at }, now) ? t('complaint.status-overdue', { status: statusText(c.status) }) : statusText(c.status);
  const shown: [string, unknown][] = [
    [t('complaint.field.complaint'), `#${c.id}`],
    [t('complaint.field.customer'), `${c.customer_id}${c.customer_name ? ' · ' + c.customer_name : ''}`],
    [t('complaint.field.logged'), when(c.created_at)],
    [t('complaint.field.category'), categoryName(c.category)],
    [t('complaint.field.priority'), priorityName(c.priority)],
    [t('complaint.field.status'), status],
    [t('complaint.field.due'), when(c.due_at)],
    [t('complaint.field.assignee'), c.assignee],
    [t('complaint.field.product'), c.product],
    [t('complaint.field.summary'), c.summary],
    [t('complaint.field.how'), c.how],
    [t('complaint.field.why'), c.why],
    [t('complaint.field.staff'), c.staff],
    [t('complaint.field.other'), c.other_issues],
    [t('complaint.field.reasonable'), reasonableText(c.reasonable === null ? null : c.reasonable === 1)],
    [t('complaint.field.wanted'), c.wanted],
    [t('complaint.field.resolution'), c.resolution],
    [t('complaint.field.compensation'), c.compensation === null ? null : formatMoneyFor(Math.round(c.compensation), money.exponent, money.currency)],
    [t('complaint.field.satisfied'), yes(c.satisfied)],
  ];
  return Object.fromEntries(shown.filter(([, v]) => v !== null && v !== undefined));
}

/** A complaint as programs get it from `complaint show` (and after a change): JSON with its history, or one CSV record. */
async function forPrograms(db: Store, c: ComplaintRow, money: Money, now: string): Promise<Required<Pick<Shown, 'json' | 'csv'>>> {
  const events = await db.complaintEvents(c.id);
  const record: Record<string, unknown> = { ...listRow(c, now), reasonable: c.reasonable === null ? null : c.reasonable === 1 };
  return {
    json: { value: { ...(moneyJson(record, money) as Record<string, unknown>), currency: money.currency, history: events } },
    csv: { record, units: money },
  };
}

export async function runComplaintShow(id: number, ctx: Context): Promise<number> {
  const db = await openForRead(ctx);
  try {
    const c = await mustGet(db, id);
    const events = await db.complaintEvents(id);
    const now = new Date().toISOString();
    const money = await moneyOf(db);
    const draw = (pen: Pen): void => {
      pen.record(card(c, money, now, ctx.io.env.TZ));
      pen.line(`\n${t('complaint.history')}`);
      for (const e of events) {
        const what =
          e.kind === 'note'
            ? t('complaint.event.note', { text: String(e.text) })
            : e.kind === 'update'
              ? t('complaint.event.changed', { text: String(e.text) })
              : e.kind === 'logged'
                ? t('complaint.event.logged')
                : `${e.from_status === null ? '' : historyStatus(e.from_status)} → ${e.to_status === null ? '' : historyStatus(e.to_status)}${e.text ? t('complaint.event.because', { text: e.text }) : ''}`;
        pen.line(`  ${localMinute(e.at, ctx.io.env.TZ)}  ${e.kind === 'reopened' ? t('complaint.event.reopened') : ''}${what}`);
      }
    };
    show(ctx, { ...(await forPrograms(db, c, money, now)), table: { draw } });
    return 0;
  } finally {
    await db.close();
  }
}

/** The complaint being answered at the counter, before the questions: which one, whose, what happened and what they want. */
function sayWhich(ctx: Context, title: string, c: ComplaintRow, money: Money): void {
  const all = card(c, money, new Date().toISOString(), ctx.io.env.TZ);
  const keep = ['customer', 'logged', 'category', 'priority', 'status', 'assignee', 'product', 'summary', 'wanted'].map((k) => t(`complaint.field.${k}`));
  const shown = Object.fromEntries(Object.entries(all).filter(([label]) => keep.includes(label)));
  for (const line of [title, ...labelled(shown).map((l) => `  ${l}`), '']) ctx.io.stderr.write(line + '\n');
}

/**
 * The complaint as stored after a change: for a script that asked --format json or csv, as
 * `complaint show` gives it; for the person who changed it at the counter, its card. Otherwise
 * nothing: the notice on stderr said it (a script that pipes without --format gets what it got).
 */
async function showStored(ctx: Context, db: Store, id: number, interactive: boolean): Promise<void> {
  const forScript = ctx.format === 'json' || ctx.format === 'csv';
  if (!forScript && !interactive) return;
  const c = (await db.getComplaint(id))!;
  const money = await moneyOf(db);
  const now = new Date().toISOString();
  if (forScript) show(ctx, await forPrograms(db, c, money, now));
  else show(ctx, { table: { draw: (pen) => pen.record(card(c, money, now, ctx.io.env.TZ)) } });
}

type UpdateFlags = { status?: string; assignee?: string; priority?: string; category?: string; note?: string; at?: string };

export async function runComplaintUpdate(id: number, o: UpdateFlags, ctx: Context, prompter?: Prompter): Promise<number> {
  const flagged: Changes = {
    status: pick(o.status, ['open', 'in_progress', 'closed'] as const, '--status'),
    assignee: o.assignee,
    priority: pick(o.priority, PRIORITIES, '--priority'),
    category: pick(o.category, CATEGORIES, '--category'),
    note: o.note,
  };
  const at = parseAt(o.at);
  const nothing = Object.values(flagged).every((v) => v === undefined);
  const interactive = nothing && (prompter !== undefined || ctx.io.canPrompt);
  const db = await openForChange(ctx);
  try {
    if (nothing && !interactive) throw new UsageError(t('complaint.error.nothing-to-change'), t('complaint.error.nothing-to-change-hint'));
    const c = await mustGet(db, id);
    await notBefore(db, id, at);
    const money = await moneyOf(db);
    const hours = (await loadSettings(db, money)).settings.complaintHours;
    let changes = flagged;
    if (interactive) {
      await db.checkComplaintsWritable();
      sayWhich(ctx, t('complaint.say.changing', { id }), c, money);
      const asked = await asking(ctx, prompter, (p) => collectChanges(c, p));
      if (typeof asked === 'number') return asked;
      changes = asked;
    }
    const { status: to, priority, category, note } = changes;
    const saved = await saving(ctx, db, interactive, prompter, async () => {
      await unchanged(db, c);
      const fields: Record<string, unknown> = {};
      const said: string[] = [];
      if (changes.assignee !== undefined) {
        fields.assignee = changes.assignee.trim() === '' ? null : changes.assignee.trim();
        said.push(`assignee ${fields.assignee ?? '(none)'}`);
      }
      if (category !== undefined) {
        fields.category = category;
        said.push(`category ${category}`);
      }
      if (priority !== undefined) {
        // A new priority moves the due time: counted from when the complaint was logged.
        fields.priority = priority;
        fields.due_at = dueAt(c.created_at, priority, hours);
        await db.recordDue(id, at, fields.due_at as string);
        said.push(`priority ${priority}, due ${personTime(String(fields.due_at), new Date(), ctx.io.env.TZ)}`);
      }
      await db.setComplaintFields(id, fields);
      if (said.length > 0) await db.addEvent(id, at, 'update', null, null, said.join('; '));
      if (to !== undefined) await applyStatus(db, { ...c, priority: priority ?? c.priority }, to, at, note ?? null, hours);
      else if (note !== undefined) await db.addEvent(id, at, 'note', null, null, note);
    });
    if (typeof saved === 'number') return saved;
    notice(ctx.io, t('complaint.notice.updated', { id }));
    await showStored(ctx, db, id, interactive);
    return 0;
  } finally {
    await db.close();
  }
}

/** The move from `c`'s status to `to`, or the reason it cannot be made. */
function mustMove(c: ComplaintRow, to: Status): { event: 'status' | 'reopened' } {
  const change = transition(c.status, to);
  if ('error' in change) {
    throw new UsageError(
      t('complaint.error.transition', { id: c.id, from: statusText(c.status), to: statusText(to), why: t(change.error, { status: statusName(c.status) }) }),
      t('complaint.error.transition-hint', { id: c.id }),
    );
  }
  return change;
}

async function applyStatus(
  db: Store,
  c: ComplaintRow,
  to: Status,
  at: string,
  text: string | null,
  hours: ResponseHours,
  satisfied: boolean | null = null,
): Promise<void> {
  const change = mustMove(c, to);
  const fields: Record<string, unknown> = { status: to };
  if (to === 'closed') fields.closed_at = at;
  if (change.event === 'reopened') {
    // Reopened: the old resolution stays in the history; the complaint is due again from now.
    const due = dueAt(at, c.priority, hours);
    Object.assign(fields, { closed_at: null, resolved_at: null, satisfied: null, resolution: null, compensation: null, due_at: due });
    await db.recordDue(c.id, at, due);
  }
  await db.setComplaintFields(c.id, fields);
  await db.addEvent(c.id, at, change.event, c.status, to, text, satisfied);
}

/**
 * A compensation in minor units, or why it cannot be taken: an amount, not negative, and in the
 * database's currency if a currency mark is written (the flag and the prompt both hold to it).
 */
function compensationOf(text: string, money: Money): number | 'amount' | 'currency' | 'no-currency' {
  const parser = new MoneyParser({ exponent: money.exponent, decimalComma: false });
  const parsed = parser.parse(text.trim());
  if (Number.isNaN(parsed) || parsed < 0) return 'amount';
  if (parser.symbol !== null && (money.currency === null || !(currenciesOf(parser.symbol) ?? []).includes(money.currency)))
    return money.currency === null ? 'no-currency' : 'currency';
  return parsed;
}

export async function runComplaintResolve(
  id: number,
  o: { resolution?: string; satisfied?: string; compensation?: string; at?: string },
  ctx: Context,
  prompter?: Prompter,
): Promise<number> {
  const satisfied = yesNoFlag(o.satisfied, '--satisfied');
  const at = parseAt(o.at);
  // Asked at a terminal when a needed flag is missing (all of them given: nothing is asked, as a script expects).
  const interactive = (o.resolution === undefined || satisfied === undefined) && (prompter !== undefined || ctx.io.canPrompt);
  const db = await openForChange(ctx);
  try {
    if ((o.resolution === undefined && !interactive) || o.resolution?.trim() === '')
      throw new UsageError(t('complaint.error.resolution'), t('complaint.error.resolution-hint', { id }));
    if (satisfied === undefined && !interactive) throw new UsageError(t('complaint.error.satisfied'), t('complaint.error.satisfied-hint', { id }));
    const money = await moneyOf(db);
    const hours = (await loadSettings(db, money)).settings.complaintHours;
    let compensation: number | null | undefined;
    if (o.compensation !== undefined) {
      const got = compensationOf(o.compensation, money);
      if (got === 'amount') throw new UsageError(t('complaint.error.compensation', { value: o.compensation }), t('complaint.error.compensation-hint'));
      if (typeof got === 'string')
        throw new UsageError(
          got === 'no-currency'
            ? t('complaint.error.compensation-no-currency', { value: o.compensation })
            : t('complaint.error.compensation-currency', { value: o.compensation, currency: String(money.currency) }),
          t('complaint.error.compensation-currency-hint'),
        );
      compensation = got;
    }
    const c = await mustGet(db, id);
    await notBefore(db, id, at);
    let answers = { resolution: o.resolution?.trim(), satisfied, compensation: compensation ?? (interactive ? undefined : null) };
    if (interactive) {
      // Before any question: a complaint that cannot be resolved is said so, not after the answers.
      mustMove(c, 'resolved');
      await db.checkComplaintsWritable();
      sayWhich(ctx, t('complaint.say.resolving', { id }), c, money);
      const why = (text: string): number | string => {
        const got = compensationOf(text, money);
        return got === 'amount'
          ? t('complaint.validate.compensation')
          : got === 'no-currency'
            ? t('complaint.validate.compensation-no-currency')
            : got === 'currency'
              ? t('complaint.validate.compensation-currency', { currency: String(money.currency) })
              : got;
      };
      const asked = await asking(ctx, prompter, (p) => collectResolution(answers, p, why, money.currency));
      if (typeof asked === 'number') return asked;
      answers = asked;
    }
    const resolved = { resolution: answers.resolution!, satisfied: answers.satisfied!, compensation: answers.compensation ?? null };
    const saved = await saving(ctx, db, interactive, prompter, async () => {
      await applyStatus(db, await unchanged(db, c), 'resolved', at, resolved.resolution, hours, resolved.satisfied);
      await db.setComplaintFields(id, {
        resolved_at: at,
        resolution: resolved.resolution,
        satisfied: resolved.satisfied ? 1 : 0,
        compensation: resolved.compensation,
      });
    });
    if (typeof saved === 'number') return saved;
    notice(ctx.io, resolved.satisfied ? t('complaint.notice.resolved-satisfied', { id }) : t('complaint.notice.resolved-not-satisfied', { id }));
    await showStored(ctx, db, id, interactive);
    return 0;
  } finally {
    await db.close();
  }
}

/** A note on a complaint; on a terminal without one, it is asked (commander no longer requires the argument). */
export async function runComplaintNote(id: number, text: string | undefined, o: { at?: string }, ctx: Context, prompter?: Prompter): Promise<number> {
  if (text !== undefined && text.trim() === '') throw new UsageError(t('complaint.error.note-empty'), t('complaint.error.note-empty-hint'));
  const at = parseAt(o.at);
  const interactive = text === undefined && (prompter !== undefined || ctx.io.canPrompt);
  const db = await openForChange(ctx);
  try {
    // Without a terminal, as when the argument was required: commander's words.
    if (text === undefined && !interactive) throw new UsageError(t('errors.commander.missingArgument', { name: 'text' }), t('errors.helpHint'));
    const c = await mustGet(db, id);
    await notBefore(db, id, at);
    let note = text?.trim();
    if (note === undefined) {
      await db.checkComplaintsWritable();
      sayWhich(ctx, t('complaint.say.noting', { id }), c, await moneyOf(db));
      const asked = await asking(ctx, prompter, collectNote);
      if (typeof asked === 'number') return asked;
      note = asked;
    }
    const saved = await saving(ctx, db, interactive, prompter, () => db.addEvent(id, at, 'note', null, null, note));
    if (typeof saved === 'number') return saved;
    notice(ctx.io, t('complaint.notice.note-added', { id }));
    await showStored(ctx, db, id, false);
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
    const catColumns: Column[] = [
      { key: 'category', header: t('complaint.col.category'), show: (v) => categoryName(String(v)) },
      { key: 'total', header: t('complaint.col.total'), align: 'right' },
      ...STATUSES.map((s) => ({ key: s, header: statusText(s), align: 'right' as const })),
    ];
    const draw = (pen: Pen): void => {
      const k = pen.chalk;
      const out = pen.line;
      const pct = (x: number | null): string => (x === null ? t('complaint.n-a') : `${Math.round(x * 100)}%`);
      const medianText =
        median === null
          ? t('complaint.n-a')
          : median < 48
            ? t('complaint.hours', { n: String(result.median_hours_to_resolve) })
            : t('complaint.days', { n: (median / 24).toFixed(1) });
      out(
        k.bold(t('complaint.summary-title', { date: formatDate(asOfDate) })) +
          t('complaint.summary-counts', { logged: result.complaints, open: result.open, overdue: overdue.length, median: medianText }),
      );
      pen.rows(catColumns, byCategory);
      out();
      out(k.bold(t('complaint.bought-again', { days: o.days })));
      const rate = (label: string, r: { rate: number | null; bought_again: number; resolved: number }): string =>
        `  ${padEndWidth(label, Math.max(stringWidth(t('complaint.when-satisfied')), stringWidth(t('complaint.when-not-satisfied'))))} ${t('complaint.rate', { percent: pct(r.rate), bought: r.bought_again, resolved: r.resolved })}`;
      out(rate(t('complaint.when-satisfied'), result.after_satisfied));
      out(rate(t('complaint.when-not-satisfied'), result.after_not_satisfied));
      if (overdue.length > 0) {
        out();
        out(k.bold(t('complaint.overdue-title')));
        pen.rows(
          [
            { key: 'id', header: t('complaint.col.id'), align: 'right' },
            { key: 'customer_id', header: t('complaint.col.customer') },
            { key: 'category', header: t('complaint.col.category'), show: (v) => categoryName(String(v)) },
            { key: 'due_at', header: t('complaint.col.due'), show: (v) => localMinute(String(v), ctx.io.env.TZ) },
            { key: 'days_overdue', header: t('complaint.col.days-over'), align: 'right' },
          ],
          overdue,
        );
      }
    };
    show(ctx, { json: { value: result }, csv: { columns: catColumns, rows: byCategory }, table: { draw } });
    return 0;
  } finally {
    await db.close();
  }
}
