/**
 * Logging a complaint: what the flags gave, completed by prompts on a terminal. The flow only
 * asks for what is missing, shows who the customer is before going on, and confirms a summary
 * before anything is written.
 */
import { CATEGORIES, PRIORITIES, type Category, type ComplaintField, type ComplaintInput, type CounterCustomer } from '../../core/complaints.js';
import type { Prompter } from './prompts.js';
import { t, tn } from '../../i18n/index.js';
import { categoryName, customerTypeName, priorityName } from '../../i18n/domain.js';
import { customerIdFault, emailFault, MAX_ID, MAX_TEXT, type ValueFault } from '../../import/validate.js';

/**
 * A complaint's fields as far as the flags gave them (core/complaints.ts ComplaintInput's keys,
 * each optional; text as typed, trimmed when collected), and a new customer's, if one is made.
 */
export type Draft = { [K in ComplaintField]?: K extends 'category' | 'priority' | 'reasonable' ? ComplaintInput[K] : string } & {
  newCustomer?: Partial<CounterCustomer> | null;
};

export interface Match {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface Lookups {
  exists(id: string): Promise<boolean>;
  find(text: string): Promise<Match[]>;
  /** Lines that say who this is: new or returning, tier, stage, churn risk, open complaints. */
  profile(id: string): Promise<string[]>;
}

/** What each category (the churn cause it records) covers, as the prompt explains it. */
export function categoryHelp(category: Category): string {
  switch (category) {
    case 'price':
      return t('complaint.help.price');
    case 'product':
      return t('complaint.help.product');
    case 'service':
      return t('complaint.help.service');
    case 'technology':
      return t('complaint.help.technology');
    case 'promotion':
      return t('complaint.help.promotion');
    case 'demand':
      return t('complaint.help.demand');
    case 'management':
      return t('complaint.help.management');
    case 'political':
      return t('complaint.help.political');
    case 'other':
      return t('complaint.help.other');
  }
}

const blank = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/**
 * Why the customers import would refuse a new customer's id or email, in the reader's words, or
 * null (an empty email is none). Names and phones are not held to it: the terminal and every
 * other medium escape what they show (src/escape.ts), and a name is what the person said.
 */
function fieldFault(field: 'id' | 'email', value: string): string | null {
  if (field === 'email' && value.trim() === '') return null;
  const fault: ValueFault | null = field === 'id' ? customerIdFault(value) : emailFault(value);
  if (fault === null) return null;
  const why =
    fault === 'empty'
      ? t('complaint.why.empty')
      : fault === 'long'
        ? t('complaint.why.long', { max: field === 'id' ? MAX_ID : MAX_TEXT })
        : fault === 'control'
          ? t('complaint.why.control')
          : t('complaint.why.not-email');
  return field === 'id' ? t('complaint.fault.id', { why }) : t('complaint.fault.email', { why });
}

/** The first of a new customer's id and email (from flags) that the import would refuse, in the reader's words, or null. */
export function newCustomerFault(c: Partial<CounterCustomer>): string | null {
  for (const field of ['id', 'email'] as const) {
    const v = c[field];
    const why = typeof v === 'string' ? fieldFault(field, v) : null;
    if (why !== null) return why;
  }
  return null;
}

/** The checks prompts make on typed answers (true, or what to say). */
export const validators = {
  summary: (v: string): string | true => (v.trim() === '' ? t('complaint.validate.summary') : true),
  newId:
    (exists: (id: string) => Promise<boolean>) =>
    async (v: string): Promise<string | true> =>
      v.trim() === ''
        ? t('complaint.validate.id-needed')
        : (fieldFault('id', v) ?? ((await exists(v.trim())) ? t('complaint.validate.id-exists', { id: v.trim() }) : true)),
};

const describe = (m: Match): string => [m.id, m.name, m.email, m.phone].filter(Boolean).join(' · ');

/** The new customer's fields, asking for those the flags did not give. */
async function newCustomer(p: Prompter, lookups: Lookups, given: Partial<CounterCustomer>, searched?: string): Promise<CounterCustomer> {
  const id = given.id ?? (await p.input(t('complaint.ask.new-id'), { required: true, validate: validators.newId(lookups.exists) })).trim();
  // What was typed in the search is often the name: offered as the default.
  const name =
    given.name !== undefined
      ? given.name
      : blank(await p.input(t('complaint.ask.name'), searched !== undefined && !/\d/.test(searched) ? { default: searched } : {}));
  const email = given.email !== undefined ? given.email : blank(await p.input(t('complaint.ask.email'), { validate: (v) => fieldFault('email', v) ?? true }));
  const phone = given.phone !== undefined ? given.phone : blank(await p.input(t('complaint.ask.phone')));
  const type =
    given.type !== undefined
      ? given.type
      : await p.select(t('complaint.ask.type'), [
          { name: t('complaint.type.consumer', { type: customerTypeName('consumer') }), value: 'consumer' },
          { name: customerTypeName('business'), value: 'business' },
          { name: t('complaint.type.channel', { type: customerTypeName('channel') }), value: 'channel' },
          { name: customerTypeName('internal'), value: 'internal' },
        ]);
  return { id, name, email, phone, type };
}

/** Finds the customer by part of their id, name, email or phone, or creates one. */
async function pickCustomer(p: Prompter, lookups: Lookups, hint: string | undefined): Promise<{ id: string; created: CounterCustomer | null }> {
  let text = hint;
  for (;;) {
    text ??= await p.input(t('complaint.ask.customer'), { required: true });
    const matches = await lookups.find(text);
    const choices = [
      ...matches.map((m) => ({ name: describe(m), value: `id:${m.id}` })),
      { name: `+ ${t('complaint.choice.new-customer')}`, value: 'new' },
      { name: `↺ ${t('complaint.choice.search-again')}`, value: 'again' },
    ];
    if (matches.length === 0) p.say(t('complaint.say.no-match', { text }));
    const picked = await p.select(
      matches.length === 0 ? t('complaint.ask.again-or-new') : tn('complaint.ask.which', matches.length),
      choices,
      matches.length > 0 ? `id:${matches[0]!.id}` : 'again',
    );
    if (picked === 'again') {
      text = undefined;
      continue;
    }
    if (picked === 'new') {
      const created = await newCustomer(p, lookups, {}, text);
      return { id: created.id, created };
    }
    return { id: picked.slice(3), created: null };
  }
}

/** Whether the demand is reasonable, in words: not judged, yes or no. */
export function reasonableText(reasonable: boolean | null): string {
  return reasonable === null ? t('complaint.not-judged') : reasonable ? t('common.yes') : t('common.no');
}

export interface Collected {
  input: ComplaintInput;
  newCustomer: CounterCustomer | null;
}

/** Returns the complaint to save, or null when the user declines at the summary. */
export async function collect(draft: Draft, p: Prompter, lookups: Lookups): Promise<Collected | null> {
  let customerId: string;
  let created: CounterCustomer | null = null;
  if (draft.newCustomer) {
    created = await newCustomer(p, lookups, { ...draft.newCustomer, id: draft.newCustomer.id ?? draft.customerId });
    customerId = created.id;
  } else if (draft.customerId !== undefined && (await lookups.exists(draft.customerId))) {
    customerId = draft.customerId;
  } else {
    const picked = await pickCustomer(p, lookups, draft.customerId);
    customerId = picked.id;
    created = picked.created;
  }
  for (const line of created ? [t('complaint.say.new-customer', { id: customerId })] : await lookups.profile(customerId)) p.say(line);

  const category =
    draft.category ??
    (await p.select(
      t('complaint.ask.category'),
      CATEGORIES.map((c) => ({ name: categoryName(c), value: c, description: categoryHelp(c) })),
    ));
  const priority =
    draft.priority ??
    (await p.select(
      t('complaint.ask.priority'),
      PRIORITIES.map((x) => ({ name: priorityName(x), value: x })),
      'normal',
    ));
  const ask = async (given: string | undefined, message: string): Promise<string | null> =>
    given !== undefined ? blank(given) : blank(await p.input(message));
  const product = await ask(draft.product, t('complaint.ask.product'));
  const summary =
    draft.summary !== undefined && draft.summary.trim() !== ''
      ? draft.summary.trim()
      : (await p.input(t('complaint.ask.summary'), { validate: validators.summary })).trim();
  const how = await ask(draft.how, t('complaint.ask.how'));
  const why = await ask(draft.why, t('complaint.ask.why'));
  const staff = await ask(draft.staff, t('complaint.ask.staff'));
  const otherIssues = await ask(draft.otherIssues, t('complaint.ask.other'));
  const reasonable =
    draft.reasonable !== undefined
      ? draft.reasonable
      : ((v) => (v === 'yes' ? true : v === 'no' ? false : null))(
          await p.select(
            t('complaint.ask.reasonable'),
            [
              { name: t('complaint.choice.not-judged-yet'), value: 'unsure' },
              { name: t('common.yes'), value: 'yes' },
              { name: t('common.no'), value: 'no' },
            ],
            'unsure',
          ),
        );
  const wanted = await ask(draft.wanted, t('complaint.ask.wanted'));
  const input: ComplaintInput = {
    customerId,
    category,
    priority,
    product,
    summary,
    how,
    why,
    staff,
    otherIssues,
    reasonable,
    wanted,
    assignee: draft.assignee ?? null,
  };

  p.say('');
  const from = created ? t('complaint.summary.from-new', { id: customerId }) : t('complaint.summary.from', { id: customerId });
  p.say(t('complaint.summary.head', { from, category: categoryName(category), priority: priorityName(priority) }));
  for (const [label, value] of [
    [t('complaint.field.product'), product],
    [t('complaint.field.summary'), summary],
    [t('complaint.field.how'), how],
    [t('complaint.field.why'), why],
    [t('complaint.field.staff'), staff],
    [t('complaint.field.other'), otherIssues],
    [t('complaint.field.reasonable'), reasonableText(reasonable)],
    [t('complaint.field.wanted'), wanted],
  ] as const) {
    if (value !== null) p.say(`  ${t('complaint.field-line', { label, value })}`);
  }
  return (await p.confirm(t('complaint.ask.save'), true)) ? { input, newCustomer: created } : null;
}
