/**
 * The complaint prompt flow, driven by a scripted prompter (answers in order, validation applied
 * as the terminal would: a rejected answer is retyped), and the validators on a real inquirer
 * prompt with @inquirer/testing.
 */
import { input } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runComplaintAdd } from '../../src/commands/complaint.js';
import { collect, validators, type Lookups } from '../../src/cli/complaints/flow.js';
import { Cancelled, type Choice, type Prompter } from '../../src/cli/complaints/prompts.js';
import type { Context } from '../../src/cli/context.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { run, tempDir } from '../helpers.js';

const CANCEL = Symbol('Ctrl-C');
type Answer = string | boolean | typeof CANCEL;

/** Answers prompts from a list; records what was asked, what was said and what validation refused. */
class Scripted implements Prompter {
  asked: string[] = [];
  said: string[] = [];
  refused: string[] = [];
  constructor(private readonly answers: Answer[]) {}
  private next(message: string): Answer {
    this.asked.push(message);
    if (this.answers.length === 0) throw new Error(`no answer left for "${message}"`);
    const a = this.answers.shift()!;
    if (a === CANCEL) throw new Cancelled();
    return a;
  }
  async input(
    message: string,
    o: { default?: string; required?: boolean; validate?: (v: string) => string | true | Promise<string | true> } = {},
  ): Promise<string> {
    for (;;) {
      const a = String(this.next(message));
      const ok = o.validate ? await o.validate(a) : true;
      if (ok === true) return a;
      this.refused.push(ok);
    }
  }
  async select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
    const a = this.next(message);
    // '' takes the default (Enter); else the choice whose value or name starts with the answer
    if (a === '') return defaultValue ?? choices[0]!.value;
    const hit = choices.find((c) => c.value === a) ?? choices.find((c) => c.name.startsWith(String(a)));
    if (!hit) throw new Error(`no choice "${String(a)}" for "${message}": ${choices.map((c) => c.value).join(', ')}`);
    return hit.value;
  }
  async confirm(message: string, defaultValue?: boolean): Promise<boolean> {
    const a = this.next(message);
    return a === '' ? (defaultValue ?? false) : a === true || a === 'y';
  }
  say(line: string): void {
    this.said.push(line);
  }
}

const people = [
  { id: 'C1', name: 'Ann Smith', email: 'ann@example.com', phone: '0711' },
  { id: 'C2', name: 'Anna Jones', email: 'anna@example.com', phone: '0722' },
  { id: 'C3', name: 'Bob Brown', email: null, phone: null },
];
const lookups: Lookups = {
  exists: async (id) => people.some((p) => p.id === id),
  find: async (text) => people.filter((p) => [p.id, p.name, p.email, p.phone].some((f) => f?.toLowerCase().includes(text.toLowerCase()))),
  profile: async (id) => [`${id}: returning customer, tier gold`],
};
// category, priority, product, what, how, why, staff, other, reasonable, wanted
const rest = (summary = 'tea was cold'): Answer[] => ['service', '', '', summary, '', 'slow service', 'Ben', '', 'yes', 'a fresh pot'];

describe('complaint prompts (scripted)', () => {
  it('happy path: search, pick, answer, confirm', async () => {
    const p = new Scripted(['ann', 'id:C2', ...rest(), '']);
    const got = await collect({}, p, lookups);
    expect(got!.input).toMatchObject({
      customerId: 'C2',
      category: 'service',
      priority: 'normal',
      summary: 'tea was cold',
      why: 'slow service',
      staff: 'Ben',
      reasonable: true,
      wanted: 'a fresh pot',
      product: null,
    });
    expect(got!.newCustomer).toBeNull();
    expect(p.asked[1]).toBe('2 matches: who is it?');
    expect(p.said).toContain('C2: returning customer, tier gold');
  });

  it('asks only what the flags left out', async () => {
    const p = new Scripted(['', '']); // priority (default), confirm
    const got = await collect(
      { customerId: 'C3', category: 'price', summary: 'too dear', product: '', how: '', why: '', staff: '', otherIssues: '', reasonable: null, wanted: '' },
      p,
      lookups,
    );
    expect(p.asked).toEqual(['Priority', 'Save this complaint?']);
    expect(got!.input).toMatchObject({ customerId: 'C3', category: 'price', priority: 'normal', summary: 'too dear' });
  });

  it('searches again when nothing matches, then creates the customer on the spot', async () => {
    // "zed" matches nobody: search again; "qq" neither: create new with id C1 (taken, refused), then C9
    const p = new Scripted(['zed', 'again', 'qq', 'new', 'C1', 'C9', 'Zed Q', '', '0799', 'business', ...rest(), '']);
    const got = await collect({}, p, lookups);
    expect(p.refused).toEqual(['C1 exists already']);
    expect(got!.newCustomer).toEqual({ id: 'C9', name: 'Zed Q', email: null, phone: '0799', type: 'business' });
    expect(got!.input.customerId).toBe('C9');
    expect(p.said).toContain('no customer matches "zed"');
  });

  it('will not take an empty "what happened"', async () => {
    const answers = ['C1', 'id:C1', 'product', 'high', 'teapot', '   ', 'lid cracked', '', '', '', '', 'no', '', ''];
    const p = new Scripted(answers);
    const got = await collect({}, p, lookups);
    expect(p.refused).toEqual(['say in a few words what happened']);
    expect(got!.input).toMatchObject({ summary: 'lid cracked', priority: 'high', product: 'teapot', reasonable: false });
  });

  it('declining the summary returns nothing to save; Ctrl-C cancels', async () => {
    expect(await collect({}, new Scripted(['C1', 'id:C1', ...rest(), false]), lookups)).toBeNull();
    await expect(collect({}, new Scripted(['C1', 'id:C1', 'price', CANCEL]), lookups)).rejects.toBeInstanceOf(Cancelled);
  });
});

describe('the validators on a real inquirer prompt', () => {
  it('an empty answer is refused with the message, a real one accepted', async () => {
    const { answer, events, getScreen } = await render(input, { message: 'What happened', validate: validators.summary });
    events.keypress('enter');
    // the message is drawn once validation has run: waited for, not for a fixed time
    await vi.waitFor(() => expect(getScreen()).toContain('say in a few words what happened'));
    events.type('cold tea');
    events.keypress('enter');
    await expect(answer).resolves.toBe('cold tea');
  });
});

describe('runComplaintAdd with prompts: what reaches the database', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  async function setup(): Promise<Context> {
    t = tempDir();
    const csv = t.file('c.csv', 'customer_id,name,email\nC1,Ann Smith,ann@example.com\nC2,Anna Jones,anna@example.com\n');
    expect((await run(['--db', t.db, '-q', 'import', 'customers', csv])).code).toBe(0);
    const sink = (): PassThrough => new PassThrough().resume();
    return {
      io: {
        stdout: sink(),
        stderr: sink(),
        stdin: new PassThrough(),
        stdoutIsTTY: true,
        progress: false,
        color: false,
        canPrompt: true,
        quiet: true,
        env: {},
        cwd: t.dir,
      },
      dbPath: t.db,
      dbChosen: true,
      format: 'json',
    };
  }
  const count = (): number => {
    const db = openDatabase(t.db, { create: false });
    try {
      return db.prepare('SELECT count(*) FROM complaints').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('saves the confirmed complaint, with a customer created on the spot', async () => {
    const ctx = await setup();
    const code = await runComplaintAdd({}, ctx, new Scripted(['nobody', 'new', 'C7', 'Cy New', '', '', 'consumer', ...rest(), '']));
    expect(code).toBe(0);
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT customer_id, category, summary, status FROM complaints').get()).toEqual({
        customer_id: 'C7',
        category: 'service',
        summary: 'tea was cold',
        status: 'open',
      });
      expect(db.prepare(`SELECT name FROM customers WHERE id = 'C7'`).pluck().get()).toBe('Cy New');
    } finally {
      db.close();
    }
  });

  it('offers the political churn cause in the category list, with what it covers, and saves it when picked', async () => {
    const ctx = await setup();
    const offered: Choice<string>[][] = [];
    class Watching extends Scripted {
      override async select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
        offered.push(choices);
        return super.select(message, choices, defaultValue);
      }
    }
    // The category picked by its name in the list, as a person moving down it would.
    const answers = ['ann', 'id:C1', 'political', '', '', 'import licence withdrawn', '', '', '', '', '', '', ''];
    expect(await runComplaintAdd({}, ctx, new Watching(answers))).toBe(0);
    const categories = offered.find((c) => c.some((x) => x.value === 'price'))!;
    expect(categories.map((c) => c.value)).toEqual(['price', 'product', 'service', 'technology', 'promotion', 'demand', 'management', 'political', 'other']);
    expect(categories.find((c) => c.value === 'political')!.description).toBe(
      'a political or regulatory decision: a ban, sanctions, a rule that stops them buying from us',
    );
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT customer_id, category, summary FROM complaints').get()).toEqual({
        customer_id: 'C1',
        category: 'political',
        summary: 'import licence withdrawn',
      });
    } finally {
      db.close();
    }
  });

  it('writes nothing on Ctrl-C (exit 130) or when the summary is declined', async () => {
    const ctx = await setup();
    expect(await runComplaintAdd({}, ctx, new Scripted(['nobody', 'new', 'C8', CANCEL]))).toBe(130);
    expect(await runComplaintAdd({}, ctx, new Scripted(['ann', 'id:C1', ...rest(), false]))).toBe(130);
    expect(count()).toBe(0);
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare(`SELECT count(*) FROM customers WHERE id = 'C8'`).pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
