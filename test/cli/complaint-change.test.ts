/**
 * The counter's questions for a complaint already logged (src/cli/complaints/change.ts), driven by
 * a scripted prompter: which choices are offered, and what comes back.
 */
import { describe, expect, it } from 'vitest';
import { collectChanges, collectResolution } from '../../src/cli/complaints/change.js';
import { Cancelled, type Choice, type Prompter } from '../../src/cli/complaints/prompts.js';

/** Answers each question with the next answer (a choice's value, typed text, or Ctrl-C); keeps what was offered and refused. */
class Script implements Prompter {
  offered: string[][] = [];
  refused: string[] = [];
  constructor(private readonly answers: (string | boolean | null)[]) {}
  private next(): string | boolean {
    const a = this.answers.shift();
    if (a === undefined) throw new Error('no answer left');
    if (a === null) throw new Cancelled();
    return a;
  }
  async input(_m: string, o: { validate?: (v: string) => string | true | Promise<string | true> } = {}): Promise<string> {
    for (;;) {
      const a = String(this.next());
      const ok = o.validate ? await o.validate(a) : true;
      if (ok === true) return a;
      this.refused.push(ok);
    }
  }
  async select<T extends string>(_m: string, choices: Choice<T>[]): Promise<T> {
    this.offered.push(choices.map((c) => c.value));
    const a = this.next();
    const hit = choices.find((c) => c.value === a);
    if (!hit) throw new Error(`no choice ${String(a)} among ${choices.map((c) => c.value).join(', ')}`);
    return hit.value;
  }
  async confirm(): Promise<boolean> {
    return this.next() === true;
  }
  say(): void {}
}

const open = { status: 'open', assignee: null, priority: 'normal', category: 'service' } as const;

describe('what to change, from a menu', () => {
  it('offers save once something changed; a field set back to what it was is no change', async () => {
    const p = new Script(['priority', 'high', 'priority', 'normal', 'assignee', 'Dana', 'save']);
    expect(await collectChanges(open, p)).toEqual({ assignee: 'Dana' });
    expect(p.offered.filter((o) => o.includes('assignee')).map((o) => o[0])).toEqual(['status', 'save', 'status', 'save']);
  });

  it('offers only the statuses the complaint can move to (resolve has its own command)', async () => {
    const p = new Script(['status', 'open', 'note', '', 'called again', 'save']);
    expect(await collectChanges({ ...open, status: 'resolved' }, p)).toEqual({ status: 'open', note: 'called again' });
    expect(p.offered[1]).toEqual(['open', 'closed']);
    expect(p.refused).toEqual(['the note is empty']);
  });
});

describe('the resolution', () => {
  const amount = (text: string): number | string => (/^\d+(\.\d\d)?$/.test(text.trim()) ? Math.round(Number(text) * 100) : 'not an amount');

  it('asks only what was not given; a refused amount is asked again; empty is none', async () => {
    const p = new Script(['  ', 'replaced it', 'no', 'five', '5.00', true]);
    expect(await collectResolution({}, p, amount, null)).toEqual({ resolution: 'replaced it', satisfied: false, compensation: 500 });
    expect(p.refused).toEqual(['say in a few words what was done', 'not an amount']);
    expect(await collectResolution({ resolution: 'r', satisfied: true }, new Script(['', true]), amount, 'GBP')).toEqual({
      resolution: 'r',
      satisfied: true,
      compensation: null,
    });
  });

  it('declined at the end: nothing to save', async () => {
    expect(await collectResolution({ resolution: 'r', satisfied: true, compensation: null }, new Script([false]), amount, null)).toBeNull();
  });
});
