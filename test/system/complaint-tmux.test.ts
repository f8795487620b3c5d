/**
 * `rapport complaint add` in a real terminal emulator (tmux) at 80 and 120 columns, in English
 * and in Chinese: every prompt answered by keys typed once it is on the screen, the complaint
 * then read back from the database (issue 21: on a terminal that reports its size the flow
 * stopped after the first answer, and at 80 columns the first prompt was drawn three times).
 * Needs tmux (.ci/run installs it); fails, never skips, without it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { fixture, run, tempDir } from '../helpers.js';
import { Tmux, type Step } from './tmux.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');

const english: Step[] = [
  { wait: 'Customer (part of', text: 'hampers', keys: ['Enter'] },
  { wait: 'who is it?', keys: ['Enter'] },
  { wait: 'Category', keys: ['Down', 'Down', 'Enter'] }, // price, product, service
  { wait: 'Priority', keys: ['Enter'] },
  { wait: 'Product', text: 'Hamper', keys: ['Enter'] },
  { wait: 'What happened', text: 'arrived two days late', keys: ['Enter'] },
  { wait: 'How it happened', keys: ['Enter'] },
  { wait: 'Why they are dissatisfied', text: 'it was a gift', keys: ['Enter'] },
  { wait: 'Member of staff', keys: ['Enter'] },
  { wait: 'Anything else', keys: ['Enter'] },
  { wait: 'Is the demand reasonable', keys: ['Down', 'Enter'] }, // not judged yet, yes
  { wait: 'The resolution they want', text: 'refund the delivery', keys: ['Enter'] },
  { wait: 'Save this complaint?', keys: ['Enter'] },
];

const chinese: Step[] = [
  { wait: '客户（', text: '王', keys: ['Enter'] },
  { wait: '是哪一位', keys: ['Down', 'Enter'] }, // KH0047 王娜, KH0058 王涛
  { wait: '投诉类别', keys: ['Down', 'Down', 'Enter'] }, // 价格流失, 产品流失, 服务流失
  { wait: '优先级', keys: ['Enter'] },
  { wait: '涉及的产品', text: '礼品篮', keys: ['Enter'] },
  { wait: '发生了什么', text: '晚到了两天', keys: ['Enter'] },
  { wait: '经过', keys: ['Enter'] },
  { wait: '不满意的原因', text: '是送人的礼物', keys: ['Enter'] },
  { wait: '接待的员工', keys: ['Enter'] },
  { wait: '其他不满', keys: ['Enter'] },
  { wait: '要求合理吗', keys: ['Down', 'Enter'] }, // 暂不判断, 是
  { wait: '希望怎样解决', text: '退运费', keys: ['Enter'] },
  { wait: '保存这条投诉吗', keys: ['Enter'] },
];

const cases = [
  {
    lang: 'en',
    args: [] as string[],
    files: { customers: fixture('segment', 'customers.csv'), transactions: fixture('segment', 'shop.csv') },
    steps: english,
    // the first prompt, as drawn while asked (?) and once answered (✔)
    first: /[?✔] Customer\b/g,
    saved: 'logged complaint #1 for Y1',
    row: {
      customer_id: 'Y1',
      category: 'service',
      priority: 'normal',
      product: 'Hamper',
      summary: 'arrived two days late',
      why: 'it was a gift',
      wanted: 'refund the delivery',
      reasonable: 1,
      status: 'open',
    },
  },
  {
    lang: 'zh-CN',
    args: ['--lang', 'zh-CN'],
    files: { customers: fixture('zh-shop', 'customers.csv'), transactions: fixture('zh-shop', 'transactions.csv') },
    steps: chinese,
    first: /[?✔] 客户（/g,
    saved: '已为 KH0058 登记投诉 #1',
    row: {
      customer_id: 'KH0058',
      category: 'service',
      priority: 'normal',
      product: '礼品篮',
      summary: '晚到了两天',
      why: '是送人的礼物',
      wanted: '退运费',
      reasonable: 1,
      status: 'open',
    },
  },
];

describe('complaint add in tmux', () => {
  let t: ReturnType<typeof tempDir> | undefined;
  let term: Tmux | undefined;
  afterEach(() => {
    term?.close();
    t?.cleanup();
  });

  it('has tmux to run in', () => {
    expect(spawnSync('tmux', ['-V']).status, 'tmux is needed: apt-get install tmux').toBe(0);
  });

  for (const c of cases)
    for (const cols of [80, 120]) {
      it(`${c.lang}, ${cols} columns: every prompt answered, the complaint saved, the first prompt drawn once`, async () => {
        t = tempDir();
        for (const kind of ['customers', 'transactions'] as const) expect((await run(['--db', t.db, '-q', 'import', kind, c.files[kind]])).code).toBe(0);
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
        delete env.CI; // prompts are off under CI; this is a terminal
        delete env.RAPPORT_LANG;
        const command = [process.execPath, BIN, ...c.args, '--db', t.db, 'complaint', 'add'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        term = new Tmux(command, { cols, rows: 40 }, env);
        // The first prompt, typed into: drawn once, not once more per keystroke (as at 80 columns before).
        const [first, ...rest] = c.steps;
        await term.waitFor(first!.wait);
        term.type(first!.text!);
        await term.waitFor(first!.text!);
        expect(term.screen().match(c.first), term.screen()).toHaveLength(1);
        term.press('Enter');
        await term.answer(rest);
        expect(await term.exit(), term.screen()).toBe(0);
        const screen = term.screen();
        expect(screen).toContain(c.saved);
        expect(screen.match(c.first), screen).toHaveLength(1);
        const db = openDatabase(t.db, { create: false });
        try {
          expect(db.prepare('SELECT customer_id, category, priority, product, summary, why, wanted, reasonable, status FROM complaints').all()).toEqual([
            c.row,
          ]);
        } finally {
          db.close();
        }
      });
    }
});
