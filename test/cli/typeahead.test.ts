/**
 * Keys typed ahead at the counter (a fast typist, a barcode scanner, a paste of several lines):
 * every key lands in the question it was typed for, in order. First the queue itself on a fake
 * terminal, then the real binary in a pseudo-terminal at 80 columns, in English and Chinese,
 * with several answers sent in one write (before the fix all but the first were dropped).
 */
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { converse } from '../../bench/pty.js';
import { TypeAhead } from '../../src/cli/complaints/typeahead.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { tempDir } from '../helpers.js';
import { counterShop, rapportCommand, terminalEnv } from '../counter.js';

/** A terminal to type into: records its raw mode. */
function terminal(): PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(raw: boolean): void } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; raw: boolean[]; setRawMode(raw: boolean): void };
  s.isTTY = true;
  s.raw = [];
  s.setRawMode = (raw) => void s.raw.push(raw);
  return s;
}

/** The next prompt: opens its stream, listens, and keeps what it is given. */
function ask(keys: TypeAhead): { stream: PassThrough; text: () => string } {
  const stream = keys.open()!;
  let got = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => (got += d));
  keys.listening(stream);
  return { stream, text: () => got };
}

/** Until the terminal's data events and the queue's next turn have run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the type-ahead queue', () => {
  it('hands each prompt one answer, holding the rest for the next prompt', async () => {
    const tty = terminal();
    const keys = new TypeAhead(tty);
    const first = ask(keys);
    tty.write('hampers\r\u001b[B\rHam');
    await settle();
    expect(first.text()).toBe('hampers\r');
    keys.ended(first.stream);
    const second = ask(keys);
    await settle();
    expect(second.text()).toBe('\u001b[B\r');
    keys.ended(second.stream);
    const third = ask(keys);
    tty.write('per\r');
    await settle();
    // the rest typed ahead, then what followed, each key once and in order
    expect(third.text()).toBe('Hamper\r');
    keys.close();
    expect(tty.raw).toEqual([true, false]);
  });

  it('a refused answer gets the keys typed after it', async () => {
    const tty = terminal();
    const keys = new TypeAhead(tty);
    const p = ask(keys);
    tty.write('\rcold tea\r');
    await settle();
    expect(p.text()).toBe('\r');
    keys.refused(p.stream);
    await settle();
    expect(p.text()).toBe('\rcold tea\r');
    keys.close();
  });

  it('a CRLF paste cut between two reads is one Enter', async () => {
    const tty = terminal();
    const keys = new TypeAhead(tty);
    const first = ask(keys);
    tty.write('a\r');
    await settle();
    keys.ended(first.stream);
    const next = ask(keys);
    tty.write('\nb\r\n');
    await settle();
    expect(next.text()).toBe('b\r\n');
    keys.close();
  });

  it('Ctrl-C drops what was typed ahead: the listening prompt gets it at once, else the next prompt is not asked', async () => {
    const tty = terminal();
    const keys = new TypeAhead(tty);
    const p = ask(keys);
    tty.write('a\rb\r');
    await settle();
    tty.write('\u0003');
    await settle();
    expect(p.text()).toBe('a\r\u0003');
    keys.ended(p.stream);
    // between two prompts (the customer being looked up)
    tty.write('\u0003');
    await settle();
    expect(keys.open()).toBeNull();
    keys.close();
  });
});

const DOWN = '\u001b[B';
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

describe('complaint add with answers typed ahead, in a pseudo-terminal at 80 columns', () => {
  let t: ReturnType<typeof tempDir>;
  afterEach(() => t?.cleanup());

  async function shop(lang: 'en' | 'zh-CN'): Promise<void> {
    t = tempDir();
    await counterShop(t.db, lang);
  }
  const env = terminalEnv;
  const command = rapportCommand;
  const rows = (): unknown[] => {
    const db = openDatabase(t.db, { create: false });
    try {
      return db.prepare('SELECT customer_id, category, priority, product, summary, why, staff, wanted, reasonable FROM complaints').all();
    } finally {
      db.close();
    }
  };

  it('has a pseudo-terminal to run in', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
  });

  it('English: several answers in one write each reach their question, in order', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('--db', t.db, 'complaint', 'add'),
      [
        // the search and the pick, before the pick is drawn (the customer is looked up between)
        ['Customer (part of', 'hampers\r\r'],
        // category (service), priority, product, what happened, how, why: one write
        ['Category', `${DOWN}${DOWN}\r\rHamper\rarrived two days late\r\rit was a gift\r`],
        // staff, anything else, reasonable (yes), what they want, save
        ['Member of staff', `Ben\r\r${DOWN}\rrefund the delivery\r\r`],
      ],
      env(),
      60_000,
      { cols: 80, rows: 24 },
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('logged complaint #1 for Y1');
    expect(rows()).toEqual([
      {
        customer_id: 'Y1',
        category: 'service',
        priority: 'normal',
        product: 'Hamper',
        summary: 'arrived two days late',
        why: 'it was a gift',
        staff: 'Ben',
        wanted: 'refund the delivery',
        reasonable: 1,
      },
    ]);
  });

  it('Chinese: an empty answer refused in the same write, the keys after it land in that question', async () => {
    await shop('zh-CN');
    const { code, screen } = await converse(
      command('--lang', 'zh-CN', '--db', t.db, 'complaint', 'add'),
      [
        ['客户（', '王\r'],
        // the pick (王娜), category (价格流失), priority, product, an empty "what happened" (refused), then the answer
        ['是哪一位', '\r\r\r礼品篮\r\r晚到了两天\r\r是送人的礼物\r\r\r\r退运费\r\r'],
      ],
      env(),
      60_000,
      { cols: 80, rows: 24 },
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('请用几句话说明发生了什么');
    expect(screen).toContain('已为 KH0047 登记投诉 #1');
    expect(rows()).toEqual([
      {
        customer_id: 'KH0047',
        category: 'price',
        priority: 'normal',
        product: '礼品篮',
        summary: '晚到了两天',
        why: '是送人的礼物',
        staff: null,
        wanted: '退运费',
        reasonable: null,
      },
    ]);
  });

  it('Ctrl-C typed after answers still cancels: exit 130, nothing written', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('--db', t.db, 'complaint', 'add', '--customer', 'Y1'),
      [['Category', '\r\rHamper\r\u0003']],
      env(),
      60_000,
      { cols: 80, rows: 24 },
    );
    expect(code, screen).toBe(130);
    expect(screen).toContain('cancelled: nothing was written');
    expect(rows()).toEqual([]);
  });
});
