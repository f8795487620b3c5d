/**
 * Resolving, changing and annotating a complaint at the counter: the real binary in a
 * pseudo-terminal at 80 columns, in English and Chinese, each answer typed once its question is
 * on the screen; then what the database holds. Without a terminal the flags stay needed, as before.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { converse } from '../../bench/pty.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { run, tempDir } from '../helpers.js';
import { counterShop, rapportCommand, terminalEnv } from '../counter.js';

const DOWN = '\u001b[B';
const BACKSPACE = '\u007f';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const SIZE = { cols: 80, rows: 24 };
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

let t: ReturnType<typeof tempDir>;
afterEach(() => t?.cleanup());

/** A shop with one open complaint, #1 (en: Y1, zh-CN: KH0047 王娜). */
async function shop(lang: 'en' | 'zh-CN'): Promise<void> {
  t = tempDir();
  await counterShop(t.db, lang);
  const [customer, summary] = lang === 'en' ? ['Y1', 'arrived two days late'] : ['KH0047', '礼品篮晚到了两天'];
  expect((await run(['--db', t.db, '-q', 'complaint', 'add', '--customer', customer, '--category', 'service', '--summary', summary])).code).toBe(0);
}

const env = terminalEnv;
const command = (...args: string[]): string => rapportCommand('--db', t.db, ...args);

function query(sql: string): unknown[] {
  const db = openDatabase(t.db, { create: false });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
const complaint = (): unknown =>
  query('SELECT status, assignee, category, resolution, satisfied, compensation, resolved_at IS NOT NULL AS resolved FROM complaints WHERE id = 1')[0];
const events = (): unknown[] => query('SELECT kind, from_status, to_status, text, satisfied FROM complaint_events WHERE complaint_id = 1 ORDER BY id');

describe('complaint resolve at the counter', () => {
  it('has a pseudo-terminal to run in', () => {
    expect(hasScript, 'the `script` command is needed: apt-get install bsdutils').toBe(true);
  });

  it('English: shows which complaint, asks what was done, satisfied, compensation (a bad amount asked again), saves, shows what was stored', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('complaint', 'resolve', '1'),
      [
        ['What was done', 'sent a new hamper and a card, and phoned to say sorry for the crushed cake\r'],
        ['satisfied', `${DOWN}\r`], // yes, no
        ['Compensation', 'five\r'],
        ['not an amount: write it like 5.00', `${BACKSPACE.repeat(4)}5.00\r`],
        ['Save this resolution?', '\r'],
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(0);
    // Which complaint, before the first question.
    const head = screen.indexOf('Resolving complaint #1');
    expect(head, screen).toBeGreaterThanOrEqual(0);
    expect(head).toBeLessThan(screen.indexOf('What was done'));
    expect(screen.slice(head, screen.indexOf('What was done'))).toMatch(/customer +Y1 · Yearly Hampers Ltd[\s\S]*what happened +arrived two days late/);
    // What was stored, after.
    expect(screen).toContain('complaint #1 resolved (customer not satisfied)');
    expect(screen).toMatch(/compensation +5\.00/);
    // fitted to the 80 columns, the rest of a long value under its start
    expect(screen).toMatch(/\nresolution {9}sent a new hamper and a card, and phoned to say sorry for the\r?\n {19}crushed cake\r?\n/);
    expect(complaint()).toEqual({
      status: 'resolved',
      assignee: null,
      category: 'service',
      resolution: 'sent a new hamper and a card, and phoned to say sorry for the crushed cake',
      satisfied: 0,
      compensation: 500,
      resolved: 1,
    });
  });

  it('Chinese: asked in Chinese; an amount with a currency mark refused in Chinese and asked again', async () => {
    await shop('zh-CN');
    const { code, screen } = await converse(
      command('--lang', 'zh-CN', 'complaint', 'resolve', '1'),
      [
        ['做了怎样的处理', '重新寄了一个礼品篮\r'],
        ['客户对处理结果满意吗', '\r'], // 是
        ['给予的补偿', '£50\r'],
        ['数据库还没有设定币种', `${BACKSPACE.repeat(3)}50\r`],
        ['保存这个处理结果吗', '\r'],
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('解决投诉 #1');
    expect(screen).toMatch(/客户 +KH0047 · 王娜/);
    expect(screen).toMatch(/发生了什么 +礼品篮晚到了两天/);
    expect(screen).toContain('投诉 #1 已解决（客户满意）');
    expect(screen).not.toMatch(/What was done|satisfied|Compensation/);
    expect(complaint()).toMatchObject({ status: 'resolved', resolution: '重新寄了一个礼品篮', satisfied: 1, compensation: 5000 });
  });

  it('Ctrl-C cancels: exit 130, nothing written', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('complaint', 'resolve', '1', '--compensation', '2.00'),
      [
        ['What was done', 'phoned her\r'],
        ['satisfied', CTRL_C],
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(130);
    expect(screen).toContain('cancelled: nothing was written');
    expect(complaint()).toMatchObject({ status: 'open', resolution: null, satisfied: null, compensation: null, resolved: 0 });
    expect(events()).toEqual([{ kind: 'logged', from_status: null, to_status: 'open', text: null, satisfied: null }]);
  });

  it('a complaint already resolved is refused before any question', async () => {
    await shop('en');
    expect((await run(['--db', t.db, '-q', 'complaint', 'resolve', '1', '--resolution', 'r', '--satisfied', 'yes'])).code).toBe(0);
    const { code, screen } = await converse(command('complaint', 'resolve', '1'), [], env(), 60_000, SIZE);
    expect(code, screen).toBe(2);
    expect(screen).toContain('complaint #1 cannot go from resolved to resolved');
    expect(screen).not.toContain('What was done');
  });
});

describe('two people at one complaint, or an import in the way', () => {
  const script = (...args: string[]): number | null => spawnSync('sh', ['-c', command(...args)], { env: { ...process.env, CI: '1' } }).status;

  it('someone else resolves it while the counter answers: refused at the save, theirs kept (was laid over it)', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('complaint', 'resolve', '1'),
      [
        ['What was done', 'sent a new hamper\r'],
        ['satisfied', '\r'],
        ['Compensation', '\r'],
        // The office resolves it from a script while the counter still looks at the question.
        ['Save this resolution?', () => expect(script('-q', 'complaint', 'resolve', '1', '--resolution', 'phoned her', '--satisfied', 'no')).toBe(0)],
        ['', '\r'],
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(1);
    expect(screen).toContain('complaint #1 was changed by someone else while you answered');
    expect(screen).toMatch(/\(it is now[^)]*resolved\)[^;]*; nothing was saved/);
    expect(complaint()).toMatchObject({ status: 'resolved', resolution: 'phoned her', satisfied: 0 });
    expect(events().map((e) => (e as { to_status: string }).to_status)).toEqual(['open', 'resolved']);
  });

  it('closed by someone else while the menu was open: the move is refused, not made from the old status', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('complaint', 'update', '1'),
      [
        ['What to change?', '\r'], // status: open
        ['Change the status to', '\r'], // in progress
        ['save the changes', () => expect(script('-q', 'complaint', 'update', '1', '--status', 'closed')).toBe(0)],
        ['', '\r'], // save
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(1);
    expect(screen).toContain('complaint #1 was changed by someone else while you answered');
    expect(screen).toMatch(/\(it is now[^)]*closed\)/);
    expect(complaint()).toMatchObject({ status: 'closed' });
    expect(events().map((e) => (e as { to_status: string }).to_status)).toEqual(['open', 'closed']);
  });

  it('an import holds the database past the busy timeout: the confirmed resolution waits for it, then is saved (was lost)', async () => {
    await shop('en');
    const holder = openDatabase(t.db, { create: false });
    try {
      const { code, screen } = await converse(
        command('complaint', 'resolve', '1'),
        [
          ['What was done', 'refunded\r'],
          ['satisfied', '\r'],
          ['Compensation', '\r'],
          ['Save this resolution?', () => holder.exec('BEGIN IMMEDIATE')],
          ['', '\r'],
          ['waiting for the import to finish', () => holder.exec('COMMIT')],
        ],
        { ...env(), RAPPORT_BUSY_TIMEOUT_MS: '200' },
        60_000,
        SIZE,
      );
      expect(code, screen).toBe(0);
      expect(screen).toContain('complaint #1 resolved (customer satisfied)');
      expect(complaint()).toMatchObject({ status: 'resolved', resolution: 'refunded', satisfied: 1 });
    } finally {
      holder.close();
    }
  });
});

describe('complaint update and note at the counter', () => {
  it('English: update with no flags asks what to change, from a menu, until saved', async () => {
    await shop('en');
    const { code, screen } = await converse(
      command('complaint', 'update', '1'),
      [
        ['What to change?', '\r'], // status: open
        ['Change the status to', '\r'], // in progress
        ['save the changes', `${DOWN}${DOWN}\r`], // save, status, assignee
        ['Who handles it', 'Dana\r'],
        ['assignee: nobody → Dana', '\r'], // save
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('Changing complaint #1');
    expect(screen).toContain('status: open → in progress');
    expect(screen).toContain('complaint #1 updated');
    expect(complaint()).toMatchObject({ status: 'in_progress', assignee: 'Dana' });
    expect(events().slice(1)).toEqual([
      { kind: 'update', from_status: null, to_status: null, text: 'assignee Dana', satisfied: null },
      { kind: 'status', from_status: 'open', to_status: 'in_progress', text: null, satisfied: null },
    ]);
  });

  it('Chinese: a note without its text is asked for; an empty one is refused', async () => {
    await shop('zh-CN');
    const { code, screen } = await converse(
      command('--lang', 'zh-CN', 'complaint', 'note', '1'),
      [
        ['? 备注', '\r'],
        ['备注是空的', '客户说下周再来店里\r'],
      ],
      env(),
      60_000,
      SIZE,
    );
    expect(code, screen).toBe(0);
    expect(screen).toContain('给投诉 #1 添加备注');
    expect(screen).toContain('已给投诉 #1 添加备注');
    expect(events().at(-1)).toEqual({ kind: 'note', from_status: null, to_status: null, text: '客户说下周再来店里', satisfied: null });
  });
});

describe('Ctrl-D (end of input) at the counter', () => {
  /**
   * `rapport ARGS` in a shell that then says the exit code and the terminal's modes: the run
   * must give the terminal back cooked (icanon, echo), not leave it raw.
   */
  async function leaving(args: string[], steps: [string, string][]): Promise<string> {
    const { screen } = await converse(`sh -c '${command(...args)}; echo "exit $?"; stty -a'`, steps, env(), 60_000, SIZE);
    expect(screen).toMatch(/exit 130\r?\n/);
    expect(screen).toMatch(/ icanon /);
    expect(screen).toMatch(/ echo /);
    return screen;
  }
  const untouched = (): void => {
    expect(complaint()).toMatchObject({ status: 'open', assignee: null, resolution: null, satisfied: null, resolved: 0 });
    expect(events()).toHaveLength(1);
  };

  it('English: on an empty answer, at a text question, a menu or a yes/no, it leaves as Ctrl-C does (was: nothing happened, the run hung)', async () => {
    await shop('en');
    expect(await leaving(['complaint', 'add'], [['Customer (part of', CTRL_D]])).toContain('cancelled: nothing was written');
    expect(query('SELECT count(*) AS n FROM complaints')).toEqual([{ n: 1 }]);
    expect(await leaving(['complaint', 'note', '1'], [['? Note', CTRL_D]])).toContain('cancelled: nothing was written');
    expect(await leaving(['complaint', 'update', '1'], [['What to change?', CTRL_D]])).toContain('cancelled: nothing was written');
    const resolve = await leaving(
      ['complaint', 'resolve', '1'],
      [
        ['What was done', 'phoned her\r'],
        ['satisfied', '\r'],
        ['Compensation', '\r'],
        ['Save this resolution?', CTRL_D],
      ],
    );
    expect(resolve).toContain('cancelled: nothing was written');
    untouched();
  });

  it('Chinese: the same, said in Chinese', async () => {
    await shop('zh-CN');
    expect(await leaving(['--lang', 'zh-CN', 'complaint', 'add'], [['? 客户', CTRL_D]])).toContain('已取消：没有写入任何内容');
    expect(
      await leaving(
        ['--lang', 'zh-CN', 'complaint', 'resolve', '1'],
        [
          ['做了怎样的处理', '退款\r'],
          ['满意吗', CTRL_D],
        ],
      ),
    ).toContain('已取消：没有写入任何内容');
    untouched();
  });

  it('after some text it is not the end: readline deletes the key under the cursor, and the answer is kept', async () => {
    await shop('en');
    const { code, screen } = await converse(command('complaint', 'note', '1'), [['? Note', `called back${CTRL_D}\r`]], env(), 60_000, SIZE);
    expect(code, screen).toBe(0);
    expect(events().at(-1)).toMatchObject({ kind: 'note', text: 'called back' });
  });
});

describe('without a terminal: the flags stay needed, as before', () => {
  it('the same messages and exit codes; nothing written', async () => {
    await shop('en');
    const resolve = await run(['--db', t.db, 'complaint', 'resolve', '1']);
    expect(resolve).toMatchObject({ code: 2, stdout: '' });
    expect(resolve.stderr).toBe(
      'rapport: --resolution is needed: what was done\nhint: rapport complaint resolve 1 --resolution "refunded the order" --satisfied yes\n',
    );
    const satisfied = await run(['--db', t.db, 'complaint', 'resolve', '1', '--resolution', 'refunded']);
    expect(satisfied.code).toBe(2);
    expect(satisfied.stderr).toMatch(/^rapport: --satisfied yes\|no is needed/);
    const note = await run(['--db', t.db, 'complaint', 'note', '1']);
    expect(note).toMatchObject({ code: 2, stderr: "rapport: missing required argument 'text'\nhint: add --help for usage and examples\n" });
    const zhNote = await run(['--lang', 'zh-CN', '--db', t.db, 'complaint', 'note', '1']);
    expect(zhNote).toMatchObject({ code: 2, stderr: "rapport：缺少必需的参数 'text'\n提示：加 --help 查看用法和示例\n" });
    const update = await run(['--db', t.db, 'complaint', 'update', '1']);
    expect(update).toMatchObject({ code: 2, stderr: 'rapport: nothing to change\nhint: give --status, --assignee, --priority, --category or --note\n' });
    expect(complaint()).toMatchObject({ status: 'open', resolution: null });
    expect(events()).toHaveLength(1);
  });

  it('no database is said first', async () => {
    t = tempDir();
    for (const args of [
      ['resolve', '1'],
      ['update', '1'],
      ['note', '1'],
    ]) {
      const r = await run(['--db', t.db, 'complaint', ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rapport: no database at /);
    }
  });
});
