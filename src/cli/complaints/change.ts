/**
 * Resolving, changing or annotating a complaint at the counter, with the prompter that logs one
 * (prompts.ts: the same keys typed ahead, the same Ctrl-C). The caller shows the complaint first,
 * so the person knows which one it is; only what the flags did not give is asked.
 */
import { CATEGORIES, PRIORITIES, transition, type Category, type Priority, type Status } from '../../core/complaints.js';
import type { Prompter } from './prompts.js';
import { currentLang, t } from '../../i18n/index.js';
import { categoryName, priorityName, statusName } from '../../i18n/domain.js';
import { categoryHelp } from './flow.js';
import { padEndWidth } from '../../text/charts.js';
import { maxOf } from '../../core/scale.js';
import stringWidth from 'string-width';

/** A status for people: "in progress" in English, the reader's words otherwise. */
export const statusText = (status: string): string => (currentLang() === 'en' ? status.replace('_', ' ') : statusName(status));

/** Labelled lines, the labels padded to one width (as a record is drawn), for saying before the questions. */
export function labelled(record: Record<string, unknown>): string[] {
  const width = maxOf(
    Object.keys(record).map((k) => stringWidth(k)),
    0,
  );
  return Object.entries(record).map(([label, value]) => `${padEndWidth(label, width)}  ${String(value)}`);
}

const required = (why: string) => (v: string) => (v.trim() === '' ? why : true);

export interface Resolution {
  resolution: string;
  satisfied: boolean;
  /** minor units; null: none given */
  compensation: number | null;
}

/**
 * The resolution, asking for what the flags did not give, or null when it is not to be saved.
 * `amount` turns a typed compensation into minor units, or says why it cannot (the flag's rule).
 */
export async function collectResolution(
  given: Partial<Resolution>,
  p: Prompter,
  amount: (text: string) => number | string,
  currency: string | null,
): Promise<Resolution | null> {
  const resolution = given.resolution ?? (await p.input(t('complaint.ask.resolution'), { validate: required(t('complaint.validate.resolution')) })).trim();
  const satisfied =
    given.satisfied ??
    (await p.select(t('complaint.ask.satisfied'), [
      { name: t('common.yes'), value: 'yes' },
      { name: t('common.no'), value: 'no' },
    ])) === 'yes';
  let compensation = given.compensation;
  if (compensation === undefined) {
    const ask = currency === null ? t('complaint.ask.compensation') : t('complaint.ask.compensation-in', { currency });
    const typed = await p.input(ask, {
      validate: (v) => {
        const got = v.trim() === '' ? 0 : amount(v);
        return typeof got === 'string' ? got : true;
      },
    });
    compensation = typed.trim() === '' ? null : (amount(typed) as number);
  }
  return (await p.confirm(t('complaint.ask.save-resolution'), true)) ? { resolution, satisfied, compensation } : null;
}

/** What `complaint update` changes (as its flags give it). */
export interface Changes {
  status?: Exclude<Status, 'resolved'>;
  /** '' for nobody */
  assignee?: string;
  priority?: Priority;
  category?: Category;
  note?: string;
}

export interface Current {
  status: Status;
  assignee: string | null;
  priority: Priority;
  category: Category;
}

/**
 * The changes, picked from a menu of the complaint's fields until "save" (offered once something
 * changed). A field set back to what it was is no change. Ctrl-C cancels (prompts.ts).
 */
export async function collectChanges(c: Current, p: Prompter): Promise<Changes> {
  const changes: Changes = {};
  // resolve has its own command (what was done, whether they were satisfied)
  const targets = (['open', 'in_progress', 'closed'] as const).filter((s) => !('error' in transition(c.status, s)));
  const nobody = t('complaint.nobody');
  const item = (label: string, from: string, to: string | undefined): string =>
    to === undefined ? t('complaint.field-line', { label, value: from }) : t('complaint.choice.changed', { label, from, to });
  const set = <K extends keyof Changes>(key: K, value: Changes[K], was: Changes[K]): void => {
    if (value === was) delete changes[key];
    else changes[key] = value;
  };
  for (;;) {
    const changed = Object.keys(changes).length > 0;
    const picked = await p.select(
      t('complaint.ask.change'),
      [
        ...(changed ? [{ name: t('complaint.choice.save'), value: 'save' as const }] : []),
        ...(targets.length > 0
          ? [{ name: item(t('complaint.field.status'), statusText(c.status), changes.status && statusText(changes.status)), value: 'status' as const }]
          : []),
        {
          name: item(t('complaint.field.assignee'), c.assignee ?? nobody, changes.assignee === undefined ? undefined : changes.assignee || nobody),
          value: 'assignee' as const,
        },
        { name: item(t('complaint.field.priority'), priorityName(c.priority), changes.priority && priorityName(changes.priority)), value: 'priority' as const },
        { name: item(t('complaint.field.category'), categoryName(c.category), changes.category && categoryName(changes.category)), value: 'category' as const },
        {
          name:
            changes.note === undefined
              ? `+ ${t('complaint.choice.note')}`
              : t('complaint.field-line', { label: t('complaint.field.note'), value: changes.note }),
          value: 'note' as const,
        },
      ],
      changed ? 'save' : undefined,
    );
    if (picked === 'save') return changes;
    if (picked === 'status') {
      const to = await p.select(
        t('complaint.ask.status'),
        targets.map((s) => ({
          name: s === 'open' ? t('complaint.choice.reopen', { status: statusText(s) }) : statusText(s),
          value: s,
          description: s === 'closed' && c.status !== 'resolved' ? t('complaint.help.closed') : undefined,
        })),
        changes.status,
      );
      set('status', to, undefined);
    } else if (picked === 'assignee') {
      set('assignee', (await p.input(t('complaint.ask.assignee'))).trim(), c.assignee ?? '');
    } else if (picked === 'priority') {
      set(
        'priority',
        await p.select(
          t('complaint.ask.priority'),
          PRIORITIES.map((x) => ({ name: priorityName(x), value: x })),
          changes.priority ?? c.priority,
        ),
        c.priority,
      );
    } else if (picked === 'category') {
      set(
        'category',
        await p.select(
          t('complaint.ask.category'),
          CATEGORIES.map((x) => ({ name: categoryName(x), value: x, description: categoryHelp(x) })),
          changes.category ?? c.category,
        ),
        c.category,
      );
    } else {
      changes.note = await collectNote(p);
    }
  }
}

/** A note's text (not empty). */
export async function collectNote(p: Prompter): Promise<string> {
  return (await p.input(t('complaint.ask.note'), { validate: required(t('complaint.error.note-empty')) })).trim();
}
