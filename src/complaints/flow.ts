/**
 * Logging a complaint: what the flags gave, completed by prompts on a terminal. The flow only
 * asks for what is missing, shows who the customer is before going on, and confirms a summary
 * before anything is written.
 */
import { CATEGORIES, PRIORITIES, type Category, type ComplaintInput, type Priority } from '../core/complaints.js';
import type { Prompter } from './prompts.js';

export interface NewCustomer {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
}

export interface Draft {
  customer?: string;
  newCustomer?: Partial<NewCustomer> | null;
  category?: Category;
  priority?: Priority;
  product?: string;
  summary?: string;
  how?: string;
  why?: string;
  staff?: string;
  other?: string;
  reasonable?: boolean | null;
  wanted?: string;
  assignee?: string;
}

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

export const CATEGORY_HELP: Record<Category, string> = {
  price: 'too expensive, unexpected charges, a competitor is cheaper',
  product: 'faulty, not as described, missing',
  service: 'staff, waiting, delivery, how they were treated',
  technology: 'website, app, payment or booking problems',
  promotion: 'offers, vouchers, loyalty points, advertising',
  demand: 'they no longer need what we sell',
  management: 'policies, terms, how the business is run',
  other: 'anything else',
};

const blank = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** The checks prompts make on typed answers (true, or what to say). */
export const validators = {
  summary: (v: string): string | true => (v.trim() === '' ? 'say in a few words what happened' : true),
  newId:
    (exists: (id: string) => Promise<boolean>) =>
    async (v: string): Promise<string | true> =>
      v.trim() === '' ? 'an id is needed' : (await exists(v.trim())) ? `${v.trim()} exists already` : true,
};

const describe = (m: Match): string => [m.id, m.name, m.email, m.phone].filter(Boolean).join(' · ');

/** The new customer's fields, asking for those the flags did not give. */
async function newCustomer(p: Prompter, lookups: Lookups, given: Partial<NewCustomer>, searched?: string): Promise<NewCustomer> {
  const id =
    given.id ??
    (await p.input('New customer id', { required: true, validate: validators.newId(lookups.exists) })).trim();
  // What was typed in the search is often the name: offered as the default.
  const name = given.name !== undefined ? given.name : blank(await p.input('Name', searched !== undefined && !/\d/.test(searched) ? { default: searched } : {}));
  const email = given.email !== undefined ? given.email : blank(await p.input('Email'));
  const phone = given.phone !== undefined ? given.phone : blank(await p.input('Phone'));
  const type =
    given.type !== undefined
      ? given.type
      : await p.select('Customer type', [
          { name: 'consumer (a person or household)', value: 'consumer' },
          { name: 'business', value: 'business' },
          { name: 'channel (agent, distributor, franchisee)', value: 'channel' },
          { name: 'internal', value: 'internal' },
        ]);
  return { id, name, email, phone, type };
}

/** Finds the customer by part of their id, name, email or phone, or creates one. */
async function pickCustomer(p: Prompter, lookups: Lookups, hint: string | undefined): Promise<{ id: string; created: NewCustomer | null }> {
  let text = hint;
  for (;;) {
    text ??= await p.input('Customer (part of an id, name, email or phone)', { required: true });
    const matches = await lookups.find(text);
    const choices = [
      ...matches.map((m) => ({ name: describe(m), value: `id:${m.id}` })),
      { name: '+ a new customer', value: 'new' },
      { name: '↺ search again', value: 'again' },
    ];
    if (matches.length === 0) p.say(`no customer matches "${text}"`);
    const picked = await p.select(matches.length === 0 ? 'Search again, or create a new customer?' : `${matches.length} match${matches.length === 1 ? '' : 'es'}: who is it?`, choices, matches.length > 0 ? `id:${matches[0]!.id}` : 'again');
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

export interface Collected {
  input: ComplaintInput;
  newCustomer: NewCustomer | null;
}

/** Returns the complaint to save, or null when the user declines at the summary. */
export async function collect(draft: Draft, p: Prompter, lookups: Lookups): Promise<Collected | null> {
  let customerId: string;
  let created: NewCustomer | null = null;
  if (draft.newCustomer) {
    created = await newCustomer(p, lookups, { ...draft.newCustomer, id: draft.newCustomer.id ?? draft.customer });
    customerId = created.id;
  } else if (draft.customer !== undefined && (await lookups.exists(draft.customer))) {
    customerId = draft.customer;
  } else {
    const picked = await pickCustomer(p, lookups, draft.customer);
    customerId = picked.id;
    created = picked.created;
  }
  for (const line of created ? [`${customerId}: a new customer`] : await lookups.profile(customerId)) p.say(line);

  const category = draft.category ?? (await p.select('Category', CATEGORIES.map((c) => ({ name: c, value: c, description: CATEGORY_HELP[c] }))));
  const priority = draft.priority ?? (await p.select('Priority', PRIORITIES.map((x) => ({ name: x, value: x })), 'normal'));
  const ask = async (given: string | undefined, message: string): Promise<string | null> => (given !== undefined ? blank(given) : blank(await p.input(message)));
  const product = await ask(draft.product, 'Product (if any)');
  const summary =
    draft.summary !== undefined && draft.summary.trim() !== ''
      ? draft.summary.trim()
      : (await p.input('What happened', { validate: validators.summary })).trim();
  const how = await ask(draft.how, 'How it happened');
  const why = await ask(draft.why, 'Why they are dissatisfied');
  const staff = await ask(draft.staff, 'Member of staff involved');
  const otherIssues = await ask(draft.other, 'Anything else they are unhappy about');
  const reasonable =
    draft.reasonable !== undefined
      ? draft.reasonable
      : ((v) => (v === 'yes' ? true : v === 'no' ? false : null))(
          await p.select(
            'Is the demand reasonable?',
            [
              { name: 'not judged yet', value: 'unsure' },
              { name: 'yes', value: 'yes' },
              { name: 'no', value: 'no' },
            ],
            'unsure',
          ),
        );
  const wanted = await ask(draft.wanted, 'The resolution they want');
  const input: ComplaintInput = { customerId, category, priority, product, summary, how, why, staff, otherIssues, reasonable, wanted, assignee: draft.assignee ?? null };

  p.say('');
  p.say(`Complaint from ${customerId}${created ? ' (new customer)' : ''}: ${category}, ${priority} priority`);
  for (const [label, value] of [
    ['product', product],
    ['what happened', summary],
    ['how', how],
    ['why dissatisfied', why],
    ['staff', staff],
    ['also unhappy about', otherIssues],
    ['demand reasonable', reasonable === null ? 'not judged' : reasonable ? 'yes' : 'no'],
    ['wants', wanted],
  ] as const) {
    if (value !== null) p.say(`  ${label}: ${value}`);
  }
  return (await p.confirm('Save this complaint?', true)) ? { input, newCustomer: created } : null;
}
