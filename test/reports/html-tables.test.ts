/**
 * How the HTML page lays out tables (the browser tests in test/browser/ look at the result): a
 * long cell of several clauses shows its first with the rest behind it; on a phone a long grid
 * of figures stays a table in a box of its own, records and short tables are stacked as cards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../../src/i18n/index.js';
import type { Report, ReportTable } from '../../src/reports/model.js';
import { renderHtml } from '../../src/reports/render.js';

const page = (...tables: ReportTable[]): string =>
  renderHtml({ name: 't', title: 'T', asOf: '2026-10-31', currency: 'GBP', exponent: 2, sections: [{ title: 'S', tables }] } as Report, 100);

const REASONS =
  'no purchase for 88 days, 16.0× their usual 5.5-day gap; spend down 90% on the previous 90 days; the model puts the chance they are still a customer at 5%';
const watchlist: ReportTable = {
  name: 'watchlist',
  columns: ['customer', 'name', 'tier', 'risk', 'value']
    .map((k) => ({ key: k, header: k, kind: 'text' as const }))
    .concat([{ key: 'reasons', header: 'reasons', kind: 'text' }]),
  rows: [
    { customer: 'C1', name: 'Liam', tier: 'gold', risk: 'high', value: '1', reasons: REASONS },
    { customer: 'C2', name: 'Ann', tier: 'iron', risk: 'medium', value: '2', reasons: 'one-time buyer, 44 days ago' },
  ],
};
const cohorts = (months: number): ReportTable => ({
  name: 'cohorts',
  columns: [
    { key: 'cohort', header: 'cohort', kind: 'text' },
    { key: 'since', header: 'months since', kind: 'int' },
    { key: 'size', header: 'cohort size', kind: 'int' },
    { key: 'buying', header: 'buying', kind: 'int' },
    { key: 'share', header: 'share buying', kind: 'share' },
    { key: 'revenue', header: 'revenue', kind: 'money' },
  ],
  rows: Array.from({ length: months }, (_, i) => ({ cohort: '2025-11', since: i, size: 15, buying: 3, share: 0.2, revenue: 12345 })),
});

afterEach(() => setLang('en'));

describe('tables in the HTML page', () => {
  it('a long cell of several clauses shows its first and how many follow; the rest is in the page, behind it', () => {
    const html = page(watchlist);
    expect(html).toContain(
      '<td class="text long" data-label="reasons"><details><summary>no purchase for 88 days, 16.0× their usual 5.5-day gap <span class="more">(2 more)</span></summary>spend down 90% on the previous 90 days; the model puts the chance they are still a customer at 5%</details></td>',
    );
    // a short one is shown whole
    expect(html).toContain('<td class="text" data-label="reasons">one-time buyer, 44 days ago</td>');
  });

  it('the same in Chinese, cut at its full-width semicolon', () => {
    setLang('zh-CN');
    const zh = '已88天没有购买，是其平时间隔（5.5天）的16.0倍；消费比之前90天减少90%；模型估计其仍是客户的可能性为5%';
    const html = page({ ...watchlist, rows: [{ ...watchlist.rows[0]!, reasons: zh }] });
    expect(html).toContain(
      '<summary>已88天没有购买，是其平时间隔（5.5天）的16.0倍 <span class="more">（另有 2 条）</span></summary>消费比之前90天减少90%；模型估计其仍是客户的可能性为5%</details>',
    );
  });

  it('on a phone: records are cards, a dozen rows of figures are cards, more stay a table that may scroll', () => {
    expect(page(watchlist)).toContain('<table data-table="watchlist" class="stack">');
    expect(page(cohorts(12))).toContain('<table data-table="cohorts" class="stack">');
    const long = page(cohorts(78));
    expect(long).toContain('<div class="scroll"><table data-table="cohorts" class="grid">');
    // a month is kept on one line
    expect(long).toContain('<td class="text short" data-label="cohort">2025-11</td>');
    expect(long.match(/<tr>/g)).toHaveLength(79);
  });
});
