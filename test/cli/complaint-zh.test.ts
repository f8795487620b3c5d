/**
 * Logging and following up complaints in Chinese (issue 17): the prompts, the choices (categories
 * as the churn causes they record), validation, the summary before saving, and the complaint
 * commands' output; customers found by part of a Chinese name in the store itself.
 */
import { input } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { converse } from '../../bench/pty.js';
import { runComplaintAdd } from '../../src/commands/complaint.js';
import { validators } from '../../src/cli/complaints/flow.js';
import type { Choice, Prompter } from '../../src/cli/complaints/prompts.js';
import type { Context } from '../../src/cli/context.js';
import { setLang } from '../../src/i18n/index.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { findCustomers } from '../../src/store/sqlite/complaints.js';
import { run, tempDir } from '../helpers.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
const CUSTOMERS = 'customer_id,name,email,phone\nC1,王小明,xm@example.com,13800138000\nC2,王芳,,\nC3,李娜,,\nC4,Ann Smith,ann@example.com,\n';
const SALES = 'invoice,date,customer_id,amount\nI1,2025-03-01,C1,120.00\nI2,2025-06-01,C1,80.00\nI3,2025-06-02,C3,50.00\n';

let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  expect((await rp(['-q', 'import', 'customers', t.file('c.csv', CUSTOMERS)])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', '--currency', 'CNY', t.file('s.csv', SALES)])).code).toBe(0);
  setLang('zh-CN');
});
afterEach(() => {
  setLang('en');
  t.cleanup();
});
// RAPPORT_LANG as well as setLang: the global --lang (another branch) sets the language from it.
const rp = (args: string[]) => run(['--db', t.db, ...args], { env: { RAPPORT_LANG: 'zh-CN', TZ: 'UTC' } });

/** A person at the counter: answers each prompt by what it asks, and keeps what was shown. */
class Counter implements Prompter {
  screen: string[] = [];
  constructor(private readonly answer: (message: string, choices: Choice<string>[]) => string | boolean) {}
  async input(message: string, o: { default?: string; validate?: (v: string) => string | true | Promise<string | true> } = {}): Promise<string> {
    this.screen.push(`? ${message}${o.default === undefined ? '' : ` (${o.default})`}`);
    // Enter takes the default, as on a terminal.
    const typed = String(this.answer(message, []));
    const a = typed === '' && o.default !== undefined ? o.default : typed;
    const verdict = (await o.validate?.(a)) ?? true;
    if (verdict !== true) {
      this.screen.push(`> ${verdict}`);
      return this.input(message, o);
    }
    return a;
  }
  async select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T> {
    this.screen.push(`? ${message}`, ...choices.map((c) => `  ${c.name}${c.description ? ` — ${c.description}` : ''}`));
    const a = String(this.answer(message, choices));
    return a === '' ? (defaultValue ?? choices[0]!.value) : choices.find((c) => c.value === a || c.name === a)!.value;
  }
  async confirm(message: string): Promise<boolean> {
    this.screen.push(`? ${message}`);
    return this.answer(message, []) !== false;
  }
  say(line: string): void {
    this.screen.push(line);
  }
}

function counterCtx(): Context {
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

describe('finding a customer by a Chinese name', () => {
  it('the store finds part of a Chinese name (LIKE on CJK text)', () => {
    const db = openDatabase(t.db, { create: false });
    try {
      expect(findCustomers(db, '王').map((m) => m.id)).toEqual(['C1', 'C2']);
      expect(findCustomers(db, '小明').map((m) => m.id)).toEqual(['C1']);
      expect(findCustomers(db, '李娜').map((m) => m.id)).toEqual(['C3']);
      expect(findCustomers(db, '张')).toEqual([]);
      expect(findCustomers(db, 'ann').map((m) => m.id)).toEqual(['C4']);
    } finally {
      db.close();
    }
  });
});

describe('complaint add at the counter, in Chinese', () => {
  it('asks in Chinese, offers the churn causes, refuses an empty answer in Chinese, and saves what was confirmed', async () => {
    let summaryAsked = 0;
    const p = new Counter((message, choices) => {
      if (message.startsWith('客户（')) return '王';
      if (message === '找到 2 位客户，是哪一位？') return choices.find((c) => c.name.includes('王小明'))!.value;
      if (message === '投诉类别（流失原因）') return '服务流失';
      if (message === '优先级') return '紧急';
      if (message === '发生了什么') return summaryAsked++ === 0 ? '  ' : '送货晚了两天';
      if (message === '不满意的原因') return '是送人的礼物';
      if (message === '客户的要求合理吗？') return '是';
      if (message === '客户希望怎样解决') return '退运费';
      return '';
    });
    const code = await runComplaintAdd({}, counterCtx(), p);
    expect(code, p.screen.join('\n')).toBe(0);
    const screen = p.screen.join('\n');
    // The profile of who this is, in the shop owner's terms.
    expect(screen).toContain('C1 · 王小明');
    expect(screen).toMatch(/老客户：自 2025年3月1日 起有 2 天购买/);
    expect(screen).toContain('没有未结的投诉');
    // Every category by its churn cause, with what it covers.
    for (const cause of ['价格流失', '产品流失', '服务流失', '技术流失', '促销流失', '需求流失', '管理流失', '其他流失'])
      expect(screen).toContain(`  ${cause} — `);
    expect(screen).toContain('  紧急');
    expect(screen).toContain('> 请用几句话说明发生了什么');
    // The summary before saving.
    expect(screen).toContain('C1 的投诉：服务流失，优先级：紧急');
    expect(screen).toContain('  发生了什么：送货晚了两天');
    expect(screen).toContain('  要求是否合理：是');
    expect(screen).toContain('? 保存这条投诉吗？');
    expect(screen).not.toMatch(/What happened|Category|Priority|Save this|returning customer/);
    const db = openDatabase(t.db, { create: false });
    try {
      // The data keeps its codes.
      expect(db.prepare('SELECT customer_id, category, priority, summary, reasonable FROM complaints').get()).toEqual({
        customer_id: 'C1',
        category: 'service',
        priority: 'urgent',
        summary: '送货晚了两天',
        reasonable: 1,
      });
    } finally {
      db.close();
    }
  });

  it('nothing matches: says so, then creates the customer on the spot with the typed name offered', async () => {
    const p = new Counter((message, choices) => {
      if (message.startsWith('客户（')) return '张伟';
      if (message === '重新搜索，还是新建客户？') return choices.find((c) => c.value === 'new')!.name;
      if (message === '新客户编号') return 'C9';
      if (message === '客户类型') return choices[0]!.value;
      if (message === '投诉类别（流失原因）') return 'price';
      if (message === '发生了什么') return '比别家贵';
      return '';
    });
    expect(await runComplaintAdd({}, counterCtx(), p)).toBe(0);
    const screen = p.screen.join('\n');
    expect(screen).toContain('没有与“张伟”相符的客户');
    expect(screen).toContain('  + 新建客户');
    expect(screen).toContain('? 姓名 (张伟)');
    expect(screen).toContain('  消费者（个人或家庭）');
    expect(screen).toContain('C9（新客户） 的投诉：价格流失，优先级：一般');
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare(`SELECT name, type FROM customers WHERE id = 'C9'`).get()).toEqual({ name: '张伟', type: 'consumer' });
    } finally {
      db.close();
    }
  });

  it('the validation message on a real inquirer prompt', async () => {
    const { answer, events, getScreen } = await render(input, { message: '发生了什么', validate: validators.summary });
    events.keypress('enter');
    // the message is drawn once validation has run: waited for, not for a fixed time
    await vi.waitFor(() => expect(getScreen()).toContain('请用几句话说明发生了什么'));
    events.type('茶是凉的');
    events.keypress('enter');
    await expect(answer).resolves.toBe('茶是凉的');
  });
});

describe('the complaint commands in Chinese', () => {
  beforeEach(async () => {
    expect(
      (await rp(['-q', 'complaint', 'add', '--customer', 'C1', '--category', 'price', '--priority', 'high', '--summary', '太贵了', '--at', '2025-06-10'])).code,
    ).toBe(0);
    expect((await rp(['-q', 'complaint', 'add', '--customer', 'C3', '--category', 'service', '--summary', '等太久', '--at', '2025-06-11'])).code).toBe(0);
    expect((await rp(['-q', 'complaint', 'update', '2', '--status', 'in_progress', '--at', '2025-06-12'])).code).toBe(0);
    expect(
      (await rp(['-q', 'complaint', 'resolve', '2', '--resolution', '已道歉并补偿', '--satisfied', '是', '--compensation', '20', '--at', '2025-06-13'])).code,
    ).toBe(0);
  });

  it('list at 80 columns: the counter still sees priority and the due time (the logged day and the category give way first)', async () => {
    const r = await run(['--db', t.db, 'complaint', 'list', '--at', '2025-06-20'], {
      tty: true,
      columns: 80,
      env: { RAPPORT_LANG: 'zh-CN', TZ: 'UTC', NO_COLOR: '1' },
    });
    expect(r.code, r.stderr).toBe(0);
    const head = r.stdout.split('\n').find((l) => l.includes('编号'))!;
    for (const h of ['优先级', '处理期限', '摘要']) expect(head).toContain(h);
    expect(head).not.toContain('登记日期');
    for (const l of r.stdout.trimEnd().split('\n')) expect(stringWidth(l)).toBeLessThanOrEqual(80);
  });

  it('list: Chinese headers, categories as churn causes, statuses in words; CSV and JSON keep the codes', async () => {
    const r = await rp(['--format', 'table', 'complaint', 'list', '--at', '2025-06-20']);
    expect(r.code, r.stderr).toBe(0);
    const head = r.stdout.split('\n').find((l) => l.includes('编号'))!;
    for (const h of ['客户', '姓名', '登记日期', '类别', '优先级', '状态', '处理期限', '逾期', '摘要']) expect(head).toContain(h);
    expect(r.stdout).toMatch(/价格流失 +│ 高 +│ 待处理 +│.*已逾期/);
    expect(r.stdout).toMatch(/服务流失 +│ 一般 +│ 已解决/);
    const csv = await rp(['--format', 'csv', 'complaint', 'list']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'id,customer_id,customer_name,created_at,category,priority,status,assignee,due_at,overdue,summary,resolved_at,satisfied',
    );
    expect(csv.stdout).toContain(',price,high,open,');
    const json = JSON.parse((await rp(['--format', 'json', 'complaint', 'list'])).stdout) as { category: string; status: string }[];
    expect(json.map((c) => [c.category, c.status])).toEqual([
      ['price', 'open'],
      ['service', 'resolved'],
    ]);
  });

  it('show: the card and its history in Chinese, labels lined up by display width, money as ¥', async () => {
    const r = await rp(['--format', 'table', 'complaint', 'show', '2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const card = lines.slice(0, lines.indexOf(''));
    expect(card.map((l) => l.split(/\s{2,}/)[0])).toEqual([
      '投诉',
      '客户',
      '登记时间',
      '类别',
      '优先级',
      '状态',
      '处理期限',
      '发生了什么',
      '要求是否合理',
      '处理结果',
      '补偿',
      '客户满意',
    ]);
    // Every value starts at the same terminal column.
    const column = (l: string): number => stringWidth(l.match(/^\S+\s{2,}/)![0]);
    expect(new Set(card.map(column)).size).toBe(1);
    expect(r.stdout).toMatch(/类别\s+服务流失/);
    expect(r.stdout).toMatch(/状态\s+已解决/);
    expect(r.stdout).toMatch(/要求是否合理\s+未判断/);
    expect(r.stdout).toMatch(/补偿\s+¥20\.00/);
    expect(r.stdout).toMatch(/客户满意\s+是/);
    expect(r.stdout).toContain('处理记录：');
    expect(r.stdout).toContain('登记');
    expect(r.stdout).toContain('待处理 → 处理中');
    expect(r.stdout).toContain('处理中 → 已解决：已道歉并补偿');
  });

  it('summary, notices and errors in Chinese; exit codes unchanged', async () => {
    const s = await rp(['--format', 'table', 'complaint', 'summary', '--as-of', '2025-06-30']);
    // Logged 2025-06-11 00:00, resolved 2025-06-13 00:00: 48 hours, shown as days from 48 on.
    expect(s.stdout.split('\n')[0]).toBe('投诉（截至 2025年6月30日）：共登记 2 件，未结 1 件，逾期 1 件；处理时间中位数 2.0 天');
    expect(s.stdout).toContain('价格流失');
    expect(s.stdout).toContain('处理完毕后 90 天内再次购买');
    expect(s.stdout).toMatch(/ {2}客户满意时： {3}无（0 位中 0 位）/);
    expect(s.stdout).toContain('逾期投诉');
    const notice = await run(['--db', t.db, 'complaint', 'note', '1', '已回电'], { env: { RAPPORT_LANG: 'zh-CN' } });
    expect(notice.stderr).toBe('已给投诉 #1 添加备注\n');
    const bad = await rp(['complaint', 'update', '2', '--status', 'in_progress']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rapport：投诉 #2 不能从“已解决”改为“处理中”：“已解决”的投诉要先重新打开');
    expect(bad.stderr).toContain('提示：用 rapport complaint show 2 查看它的处理记录');
    const missing = await rp(['complaint', 'add', '--customer', 'C1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('rapport：无法提问（不在终端中，或设置了 CI），需要在命令中给出：--category, --summary');
    const nobody = await rp(['complaint', 'add', '--customer', 'C', '--category', 'price', '--summary', 'x']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('rapport：没有客户“C”');
    expect(nobody.stderr).toContain('提示：是不是 C1, C2, C3？');
  });
});

describe('complaint add in a pseudo-terminal, in Chinese', () => {
  it('add on a terminal shows the logged complaint as show does, in Chinese; piped it stays the CSV record', async () => {
    const args = ['--db', t.db, 'complaint', 'add', '--customer', 'C1', '--category', 'price', '--summary', '太贵了', '--at', '2025-07-01T09:00:00Z'];
    const env = { RAPPORT_LANG: 'zh-CN', TZ: 'UTC' };
    const person = await run(args, { tty: true, env });
    expect(person.code, person.stderr).toBe(0);
    expect(person.stdout).not.toMatch(/customer_id|category|created_at|price/);
    for (const words of ['投诉', '#1', 'C1 · 王小明', '价格流失', '一般', '待处理', '2025-07-08 09:00', '太贵了'])
      expect(person.stdout, words).toContain(words);
    const piped = await run(args, { env });
    expect(piped.stdout).toBe(
      'id,customer_id,category,priority,status,created_at,due_at\n2,C1,price,normal,open,2025-07-01T09:00:00.000Z,2025-07-08T09:00:00.000Z\n',
    );
  });

  it("an empty answer where one is needed is told in Chinese, not inquirer's English", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1', RAPPORT_LANG: 'zh-CN' };
    delete env.CI;
    const { code, screen } = await converse(
      `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add`,
      [
        ['客户（', '\r'], // Enter on the empty search
        ['此项必填', '没有这个人\r'],
        ['新建客户', '\u001b[A\r'], // up to + 新建客户
        ['新客户编号', '\r'], // Enter on the empty id: its own reason
        ['需要填写编号', '\u0003'], // Ctrl-C: nothing written
      ],
      env,
      90_000,
      { cols: 80, rows: 24 },
    );
    expect(code, screen).toBe(130);
    expect(screen).not.toContain('You must provide');
    expect((await rp(['--format', 'csv', 'complaint', 'list'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('types a Chinese search and answers, picks by arrow keys, and saves', async () => {
    // The language is set before the binary's modules run (RAPPORT_LANG too, for the global --lang).
    const preload = path.join(t.dir, 'zh.mjs');
    fs.writeFileSync(
      preload,
      `import { setLang } from ${JSON.stringify(pathToFileURL(path.resolve(path.dirname(BIN), '../dist/i18n/index.js')).href)};\nsetLang('zh-CN');\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1', RAPPORT_LANG: 'zh-CN' };
    delete env.CI;
    const DOWN = '\u001b[B';
    const { code, screen } = await converse(
      `${JSON.stringify(process.execPath)} --import ${JSON.stringify(pathToFileURL(preload).href)} ${JSON.stringify(BIN)} --db ${JSON.stringify(t.db)} complaint add`,
      [
        ['客户（', '王\r'],
        ['是哪一位', `${DOWN}\r`], // C1 王小明, C2 王芳
        ['没有未结的投诉', ''],
        ['流失原因', `${DOWN}${DOWN}\r`], // 价格流失, 产品流失, 服务流失
        ['优先级', '\r'],
        ['涉及的产品', '礼品篮\r'],
        ['发生了什么', '晚到了两天\r'],
        ['经过', '\r'],
        ['不满意的原因', '\r'],
        ['接待的员工', '\r'],
        ['其他不满', '\r'],
        ['要求合理吗', `${DOWN}\r`], // 暂不判断, 是
        ['希望怎样解决', '\r'],
        ['保存这条投诉吗', '\r'],
      ],
      env,
      90_000,
      { cols: 80, rows: 24 }, // a window size, as every real terminal reports (issue 21)
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('服务流失');
    expect(screen).toContain('服务人员、等待、送货、服务态度');
    expect(screen).toContain('已为 C2 登记投诉 #1');
    const db = openDatabase(t.db, { create: false });
    try {
      expect(db.prepare('SELECT customer_id, category, priority, product, summary, reasonable FROM complaints').all()).toEqual([
        { customer_id: 'C2', category: 'service', priority: 'normal', product: '礼品篮', summary: '晚到了两天', reasonable: 1 },
      ]);
    } finally {
      db.close();
    }
  });
});
