/**
 * Reports in Chinese (issue 17), on the hand-worked shop of fixtures/segment/ (see
 * test/commands/report.test.ts): as of 2025-12-31 the tiers are platinum D1, gold Y1, iron W1 F1 S1, lead
 * the other six. The language comes from RAPPORT_LANG, the report.lang setting or the locale.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import stringWidth from 'string-width';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentLang } from '../../src/i18n/index.js';
import { reportLang } from '../../src/reports/lang.js';
import { fixture, run, tempDir } from '../helpers.js';

const AS_OF = '2025-12-31';
const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../bin/rapport.js');
let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  expect((await rp(['-q', 'import', 'customers', fixture('segment', 'customers.csv')])).code).toBe(0);
  expect((await rp(['-q', 'import', 'transactions', '--currency', 'CNY', fixture('segment', 'shop.csv')])).code).toBe(0);
});
afterEach(() => t.cleanup());
const rp = (args: string[], env: Record<string, string> = {}) => run(['--db', t.db, ...args], { env });
const zh = { RAPPORT_LANG: 'zh-CN' };

describe('the language of a report', () => {
  it('--lang, then RAPPORT_LANG, then the report.lang setting, then the locale', () => {
    expect(reportLang(undefined, { LANG: 'C' }, 'zh-CN')).toBe('zh-CN');
    expect(reportLang(undefined, { LANG: 'en_US.UTF-8' }, 'zh-CN')).toBe('zh-CN');
    expect(reportLang(undefined, { RAPPORT_LANG: 'en' }, 'zh-CN')).toBe('en');
    expect(reportLang('en', { RAPPORT_LANG: 'zh' }, 'zh-CN')).toBe('en');
    expect(reportLang('zh', { LANG: 'C' }, 'en')).toBe('zh-CN');
    expect(reportLang(undefined, { LANG: 'zh_CN.UTF-8' }, '')).toBe('zh-CN');
    expect(reportLang(undefined, { LANG: 'zh_CN.UTF-8' }, undefined)).toBe('zh-CN');
    expect(reportLang(undefined, { LANG: 'C' }, undefined)).toBe('en');
    expect(reportLang(undefined, { RAPPORT_LANG: '', LANG: 'C' }, 'zh-CN')).toBe('zh-CN');
  });

  it('the setting is checked when set and written as the language rapport has', async () => {
    const bad = await rp(['config', 'set', 'report.lang', 'klingon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('report.lang: must be one of en, zh-CN');
    expect((await rp(['config', 'set', 'report.lang', 'zh_CN.UTF-8'])).code).toBe(0);
    expect((await rp(['--format', 'json', 'config', 'list'])).stdout).toContain('"zh-CN"');
  });

  it('a cron run with no flag, no RAPPORT_LANG and LANG=C writes Chinese when the database says so', async () => {
    const before = await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF], { LANG: 'C' });
    expect(before.stdout.split('\n')[0]).toBe('# Value pyramid as of 2025-12-31');
    expect((await rp(['config', 'set', 'report.lang', 'zh-CN'])).code).toBe(0);
    const after = await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF], { LANG: 'C' });
    expect(after.stdout.split('\n')[0]).toBe('# 客户价值金字塔（截至 2025年12月31日）');
    // RAPPORT_LANG still wins over the setting.
    expect((await rp(['--format', 'md', 'report', 'pyramid', '--as-of', AS_OF], { LANG: 'C', RAPPORT_LANG: 'en' })).stdout.split('\n')[0]).toBe(
      '# Value pyramid as of 2025-12-31',
    );
    // The language is the report's: the process's own is left as it was.
    expect(currentLang()).toBe('en');
    // The real binary, as cron runs it.
    const env = { PATH: process.env.PATH ?? '', LANG: 'C', CI: '1' };
    const r = spawnSync(process.execPath, [BIN, '--db', t.db, 'report', 'churn', '--as-of', AS_OF], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('# 客户流失报告（截至 2025年12月31日）');
    expect(r.stdout).toContain('## 流失预警名单');
  });

  it('changing the report language keeps snapshots current (it is not an analysis setting)', async () => {
    expect((await rp(['-q', 'segment', '--as-of', AS_OF])).code).toBe(0);
    expect((await rp(['config', 'set', 'report.lang', 'zh-CN'])).code).toBe(0);
    const r = await rp(['--format', 'json', 'snapshots']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { current: boolean | number | string }[];
    expect(list.length).toBe(1);
    expect(String(list[0]!.current)).toMatch(/^(true|1|yes)$/);
  });
});

describe('reports in Chinese', () => {
  it('Markdown: titles, headers, the domain names, dates and money as a Chinese reader writes them', async () => {
    const r = await rp(['--format', 'md', 'report', 'summary', '--as-of', AS_OF], zh);
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md.split('\n')[0]).toBe('# 客户报告（截至 2025年12月31日）');
    for (const h of ['## 概览', '## 流失预警名单', '## 客户价值金字塔', '## 生命周期阶段', '## 客户组留存', '## 未显示的部分']) expect(md).toContain(h);
    // The pyramid table: tiers by their Chinese names, revenue with the yuan sign, no "(CNY)" in the header.
    expect(md).toContain('| 价值层 | 客户数 | 占比 | 销售额 | 销售额占比 | 平均 |');
    expect(md).toMatch(/\| 铂金层 \| 1 \| [\d.]+% \| ¥720\.00 \|/);
    expect(md).toMatch(/\| 重铅层 \| 6 \| [\d.]+% \| -¥20\.00 \|/);
    expect(md).toContain('考察期');
    // The comparison that cannot be made is said once, in Chinese, under "not shown".
    expect(md).toContain('- 上次报告以来：没有更早的快照可供比较');
    // No English sentence of the report is left (the churn model's reasons are the model's own text).
    for (const english of ['Value pyramid', 'Not shown', 'customers at medium or high risk', 'Compared with', ' as of ']) expect(md).not.toContain(english);
  });

  it('HTML: lang="zh-CN", fonts that have Chinese, still self-contained', async () => {
    const html = (await rp(['--format', 'html', 'report', 'summary', '--as-of', AS_OF], zh)).stdout;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toMatch(/body \{ font: [^;]*"Noto Sans CJK SC"[^;]*sans-serif;/);
    expect(html).toContain('<title>客户报告（截至 2025年12月31日）</title>');
    expect(html).toContain('<h2>目录</h2>');
    expect(html).not.toMatch(/https?:\/\/|<script|src=|@import|url\(/i);
    // The pyramid keeps its tier colours under the Chinese names.
    expect(html).toMatch(/bar-label">铂金层<\/span><span class="bar-track centred"><span class="bar" style="width:[\d.]+%;background:#4b5d6b"/);
    const en = (await rp(['--format', 'html', 'report', 'summary', '--as-of', AS_OF])).stdout;
    expect(en).toContain('<html lang="en">');
    expect(en).not.toContain('Noto Sans CJK SC');
  });

  it('CSV and JSON are the same whatever the language', async () => {
    for (const name of ['summary', 'churn', 'complaints']) {
      const jsonZh = await rp(['--format', 'json', 'report', name, '--as-of', AS_OF], zh);
      const jsonEn = await rp(['--format', 'json', 'report', name, '--as-of', AS_OF], { RAPPORT_LANG: 'en' });
      expect(jsonZh.code).toBe(0);
      expect(jsonZh.stdout).toBe(jsonEn.stdout);
    }
    for (const table of ['tiers', 'stages', 'watchlist', 'cohorts']) {
      const csvZh = await rp(['--format', 'csv', 'report', 'summary', '--as-of', AS_OF, '--table', table], zh);
      const csvEn = await rp(['--format', 'csv', 'report', 'summary', '--as-of', AS_OF, '--table', table]);
      expect(csvZh.code).toBe(0);
      expect(csvZh.stdout).toBe(csvEn.stdout);
    }
  });

  it('terminal: chart labels in Chinese line up by display width, not by characters', async () => {
    const r = await rp(['--format', 'table', '--no-pager', 'report', 'lifecycle', '--as-of', AS_OF], zh);
    expect(r.code, r.stderr).toBe(0);
    const funnel = r.stdout.split('\n').filter((l) => /^ {2}(考察期|形成期|稳定期|退化期|已流失) /.test(l));
    expect(funnel).toHaveLength(5);
    // The bars start at the same terminal column on every line.
    const barColumn = (l: string): number => stringWidth(l.slice(0, l.search(/[█ ]{2}[█ ]*\s+\d+$/) + 2));
    expect(new Set(funnel.map(barColumn)).size).toBe(1);
    const pyramid = (await rp(['--format', 'table', '--no-pager', 'report', 'pyramid', '--as-of', AS_OF], zh)).stdout
      .split('\n')
      .filter((l) => l.includes('销售额占比 ') && l.includes('位客户'));
    expect(pyramid).toHaveLength(4);
    expect(new Set(pyramid.map((l) => stringWidth(l.slice(0, l.indexOf('销售额占比 ')))))).toEqual(
      new Set([stringWidth(pyramid[0]!.slice(0, pyramid[0]!.indexOf('销售额占比 ')))]),
    );
  });

  it("alerts and usage errors in the reader's language; the exit codes unchanged", async () => {
    expect(
      (await rp(['-q', 'complaint', 'add', '--customer', 'Y1', '--category', 'service', '--priority', 'urgent', '--summary', 'late', '--at', '2025-12-01']))
        .code,
    ).toBe(0);
    const r = await rp(['--format', 'md', 'report', 'complaints', '--as-of', AS_OF, '--fail-if', 'overdue-complaints>0'], zh);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('rapport: 警报：overdue-complaints>0：1 件投诉已逾期');
    expect(r.stdout).toContain('| 服务流失 |');
    const bad = await rp(['report', 'churn', '--as-of', AS_OF, '--fail-if', 'nonsense'], zh);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('不是 rapport 认识的条件');
  });
});

describe('Chinese report tables at 80 columns', () => {
  it('the RFM table keeps every segment name whole and leaves out the average order value instead (it cut 重要价值客户 to 重要…)', async () => {
    const r = await rp(['--width', '80', '--format', 'table', 'report', 'rfm', '--as-of', AS_OF], zh);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('│'));
    const names = rows.slice(1).map((l) => l.split('│')[1]!.trim());
    expect(names).toContain('重要价值客户');
    expect(names.filter((n) => n.includes('…'))).toEqual([]);
    for (const l of rows) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain('（此宽度下未显示：平均订单额');
  });
});
