/**
 * Help, errors, hints and the import's messages in Chinese (issue 17), and machine output that
 * stays English whatever the language. English output is covered, unchanged, by the other tests.
 */
import path from 'node:path';
import { Help } from 'commander';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/i18n/index.js';
import { breakable, commanderMessage, wideHelp, wrapExamples } from '../../src/cli/cliText.js';
import { reasonText } from '../../src/import/reasons.js';
import { run as runIn, tempDir } from '../helpers.js';
import { currentLang } from '../../src/i18n/index.js';

/** rapport in the language the test set: the CLI chooses it from the environment at start. */
const run: typeof runIn = (args, opts = {}) => runIn(args, { ...opts, env: { RAPPORT_LANG: currentLang(), ...opts.env } });

afterEach(() => setLang('en'));

const SALES = 'customer_id,date,amount\nC1,2025-01-05,10.00\nC2,2025-13-01,5.00\nC3,05/01/2025,7.00\n';

describe('help in Chinese', () => {
  it('titles, descriptions, defaults, examples and the help lines come from the catalogue', async () => {
    setLang('zh-CN');
    const r = await run(['import', 'transactions', '--help']);
    expect(r.code).toBe(0);
    for (const words of [
      '用法：',
      '参数：',
      '选项：',
      '全局选项：',
      '示例：',
      '从CSV文件导入交易',
      '（默认：5）',
      '显示命令帮助',
      '显示版本号',
      '（可选：quick,full；默认：quick）',
    ]) {
      expect(r.stdout.replace(/\s+/g, '')).toContain(words);
    }
    // Nothing of the English help is left but the flags, the codes and the commands to copy.
    for (const english of ['Usage:', 'Options:', 'Examples:', 'display help', 'default:', 'one of:', 'import transactions (sales'])
      expect(r.stdout).not.toContain(english);
  });

  it('a bare rapport shows the Chinese help on stderr and exits 2, like the English one', async () => {
    setLang('zh-CN');
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('命令：');
    expect(r.stderr).toContain('退出码：0 成功');
  });

  it('breaks Chinese between characters at the display width, never before closing punctuation', () => {
    const text = '命令写入前检查数据库：quick（PRAGMA quick_check）或 full（integrity_check，较慢）；分页程序：RAPPORT_PAGER、PAGER，否则 less -FRX';
    const help = Object.assign(new Help(), { minWidthToWrap: 10 });
    for (const width of [20, 27, 33, 40]) {
      const lines = wideHelp.boxWrap.call(help, text, width).split('\n');
      for (const line of lines) {
        expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        expect(line, `width ${width}`).not.toMatch(/^[，。、：；）]/);
        expect(line, `width ${width}`).not.toMatch(/（$/);
      }
      // Joined again, nothing is lost but the spaces at the breaks.
      expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    }
    expect(breakable('a（b）c。')).toEqual(['a', '（b）', 'c。']);
  });

  it('wraps examples and prose with CJK width: a line of 30 Chinese characters is 60 columns', () => {
    const prose = '退出码：' + '成功失败用法错误导入被拒'.repeat(3);
    const out = wrapExamples(`  $ rapport complaint add --customer C0042 --summary "等了四十分钟还没人理"\n${prose}`, 40);
    for (const line of out.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(40);
    // Measured by length, the quoted summary (12 characters, 24 columns) would have stayed on the line before.
    expect(out).toContain('--summary \\\n     "等了四十分钟还没人理"');
    expect(out.split('\n').length).toBeGreaterThan(3);
  });
});

describe('errors and hints in Chinese', () => {
  it('commander usage errors, with the prefix and the hint', async () => {
    setLang('zh-CN');
    const unknown = await run(['--fomat', 'json', 'status']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("rapport：未知选项 '--fomat'\n（是不是要用 --format？）\n提示：加 --help 查看用法和示例\n");
    const many = await run(['status', 'a', 'b']);
    expect(many.stderr.split('\n')[0]).toBe("rapport：'status' 的参数太多：应为 0 个，实际 2 个");
    const choice = await run(['--format', 'xml', 'status']);
    expect(choice.stderr.split('\n')[0]).toBe("rapport：选项 '--format <format>' 的值 'xml' 无效，可选：table, csv, json, md, html");
  });

  it("commander's English is left as commander wrote it", () => {
    expect(commanderMessage("error: unknown option '--x'\n")).toBe("error: unknown option '--x'\n");
    setLang('zh-CN');
    expect(commanderMessage("error: missing required argument 'files'\n")).toBe("缺少必需的参数 'files'\n");
    expect(commanderMessage('error: something commander says one day\n')).toBe('something commander says one day\n');
  });

  it("rapport's own errors: a missing file, a missing database, a bad flag value", async () => {
    const t = tempDir();
    try {
      setLang('zh-CN');
      const noFile = await run(['--db', t.db, 'import', 'transactions', t.dir + '/nope.csv']);
      expect(noFile.code).toBe(1);
      expect(noFile.stderr).toBe(`rapport：${t.dir}/nope.csv：文件不存在\n提示：请检查路径；用 - 读取标准输入\n`);
      const noDb = await run(['--db', t.dir + '/other.db', 'status']);
      expect(noDb.stderr).toContain(`rapport：${t.dir}/other.db 处没有数据库\n提示：请先导入数据`);
      const limit = await run(['imports', '--limit', 'lots']);
      expect(limit.stderr).toBe('rapport：--limit 必须是不小于 1 的整数，不能是“lots”\n提示：例如 --limit 20\n');
    } finally {
      t.cleanup();
    }
  });

  it('a file whose columns rapport cannot find, and the column it read by a word of its name', async () => {
    const t = tempDir();
    try {
      setLang('zh-CN');
      const file = t.file('sales.csv', 'Ref,Datum,Note\nA1,2024-01-02,x\n');
      const r = await run(['--db', t.db, 'import', 'transactions', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `rapport：${file}：第一行（3 个单元格）里没有 rapport 认得的列名，所以这里不重复它的内容：它们可能是数据\n` +
          '提示：文件需要一行写明各列名称的表头（需要的字段：customer_id、date，以及 amount 或 quantity + unit_price）；如果已有表头，请检查分隔符（--delimiter），或用 --map 字段=列名 指定各列\n',
      );
      const worded = t.file('worded.csv', 'customer,trans_date,amount\nA1,2024-01-02,5.00\n');
      const ok = await run(['--db', t.db, 'import', 'transactions', worded]);
      expect(ok.code).toBe(0);
      expect(ok.stderr).toContain(`${worded}：列“trans_date”读作 date（列名中有“date”一词）；如果不对，请用 --map date=列名 另行指定`);
    } finally {
      t.cleanup();
    }
  });
});

describe('the import in Chinese, its data in English', () => {
  it('summary, reasons and hints in Chinese; the rejects table translated, CSV and JSON as stored', async () => {
    const t = tempDir();
    try {
      const file = t.file('sales.csv', SALES);
      setLang('zh-CN');
      const r = await run(['--db', t.db, '--format', 'table', 'import', 'transactions', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('→ 导入 #1：读取 3，导入 1，重复 0，被拒 2，新客户 1（');
      expect(r.stdout).toContain('最常见的被拒原因：');
      expect(r.stdout).toContain('date：没有 13 月');
      expect(r.stdout).toMatch(/第 \d 行，date："05\/01\/2025" 不是 ISO 日期（YYYY-MM-DD）；请用 --date-format 给出格式/);
      const table = await run(['--db', t.db, '--format', 'table', 'rejects']);
      expect(table.stdout).toContain('原因');
      expect(table.stdout).toContain('"05/01/2025" 不是 ISO 日期');
      const csv = await run(['--db', t.db, '--format', 'csv', 'rejects']);
      expect(csv.stdout.split('\n')[0]).toBe('import_id,file_name,line,field,reason,raw');
      expect(csv.stdout).toContain('month 13 does not exist');
      const json = JSON.parse((await run(['--db', t.db, '--format', 'json', 'rejects'])).stdout) as { reason: string }[];
      expect(json.map((x) => x.reason)).toEqual([
        'month 13 does not exist',
        '"05/01/2025" is not an ISO date (YYYY-MM-DD); give the layout with --date-format',
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('a refused file: the error, its most common reason and the hint in Chinese; exit code as in English', async () => {
    const t = tempDir();
    try {
      const file = t.file('bad.csv', 'customer_id,date,amount\nC1,2025-13-01,1.00\nC2,2025-14-01,2.00\n');
      setLang('zh-CN');
      const r = await run(['--db', t.db, 'import', 'transactions', file]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(
        new RegExp(
          `^rapport：${file}：未导入任何数据：全部 2 行都被拒；最常见的原因（如第 [23] 行）：date：没有 1[34] 月\n提示：用 rapport rejects 1 查看；`,
          'm',
        ),
      );
    } finally {
      t.cleanup();
    }
  });

  it('config list: Chinese descriptions on a terminal, English in CSV', async () => {
    const t = tempDir();
    try {
      await run(['--db', t.db, 'import', 'transactions', t.file('s.csv', SALES)]);
      setLang('zh-CN');
      const table = await run(['--db', t.db, '--format', 'table', 'config', 'list']);
      expect(table.stdout).toContain('价值金字塔的划分方式');
      const csv = await run(['--db', t.db, '--format', 'csv', 'config', 'list']);
      expect(csv.stdout).toContain('value pyramid cuts: rank (share of customers) or share (share of value)');
      const bad = await run(['--db', t.db, 'config', 'set', 'rfm.bins', '7']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('rapport：rfm.bins：必须是 4、5 或 10（给的是“7”）\n提示：默认：5；见 rapport config list\n');
    } finally {
      t.cleanup();
    }
  });
});

describe('reject reasons', () => {
  it('a stored reason, or the summary form with its field, in the reader language; unknown wording as stored', () => {
    const stored = [
      'month 13 does not exist',
      '"x" is not an email address',
      'expected 3 fields, found 2 (the last line looks cut short)',
      'date: … does not match the date layout DD/MM/YYYY',
      'something new',
    ];
    expect(stored.map(reasonText)).toEqual(stored);
    setLang('zh-CN');
    expect(stored.map(reasonText)).toEqual([
      '没有 13 月',
      '"x" 不是邮箱地址',
      '应有 3 个字段，实际 2 个（最后一行似乎被截断）',
      'date：… 不符合日期格式 DD/MM/YYYY',
      'something new',
    ]);
  });
});

describe('amount reject reasons', () => {
  it('every reason the amount and currency checks write reads in Chinese, with the value and flags kept', async () => {
    const t = tempDir();
    try {
      const rows = ['abc', '"12,50"', '99999999999999999999999', '$12€', '--12', '12.00 USD', '€5', '500 JPY'];
      const csv = 'customer_id,date,amount\n' + rows.map((a, i) => `C${i},2025-01-05,${a}`).join('\n') + '\n';
      const file = t.file('amounts.csv', csv);
      await run(['--db', t.db, 'import', 'transactions', file]);
      const onlyJpy = t.file('jpy.csv', 'customer_id,date,amount\nJ1,2025-01-05,500 JPY\n');
      await run(['--db', path.join(t.dir, 'jpy.db'), 'import', 'transactions', onlyJpy]);
      const reasons: string[] = [];
      for (const db of [t.db, path.join(t.dir, 'jpy.db')]) {
        const listed = await run(['--db', db, '--format', 'json', 'rejects']);
        reasons.push(...(JSON.parse(listed.stdout) as { reason: string }[]).map((r) => r.reason));
      }
      expect(reasons.length).toBeGreaterThanOrEqual(6);
      setLang('zh-CN');
      for (const reason of reasons) {
        const shown = reasonText(reason);
        // What is left once the quoted values and the flags are taken out holds no English word.
        const rest = shown.replace(/"[^"]*"/g, '').replace(/--[a-z-]+( [A-Z]{3})?/g, '');
        expect(rest, `${reason} -> ${shown}`).not.toMatch(/[a-z]{2,}/); // currency codes (USD) stay
        expect(shown).toContain(reason.slice(0, reason.indexOf('"', 1) + 1));
      }
    } finally {
      t.cleanup();
    }
  });
});
