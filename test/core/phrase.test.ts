/**
 * The analysis's sentences (stage reasons, churn reasons, the model's verdicts and fallbacks)
 * are worded from the catalogue: English as rapport stores and exports it, and re-worded for a
 * Chinese reader by reading the English back against the same templates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { catalogueKeys, setLang, t } from '../../src/i18n/index.js';
import { GRAMMAR, readPhrase, reword, riskWords, wordPhrase, STAGE_REASONS, CHURN_REASONS } from '../../src/i18n/phrase.js';
import { stageOf } from '../../src/core/lifecycle.js';
import { reasonsFor } from '../../src/core/model/churn.js';
import { dateReaderFor } from '../../src/core/dates.js';
import type { Phrase } from '../../src/core/words.js';

const inEnglish = (p: Phrase): string => wordPhrase(p, 'en');

afterEach(() => setLang('en'));

/** A spread of customers: every stage and exit pattern, with and without a rhythm of their own. */
function customers(): Parameters<typeof stageOf>[0][] {
  const out: Parameters<typeof stageOf>[0][] = [];
  for (const purchaseDays of [0, 1, 2, 3, 4, 6, 12, 40])
    for (const recencyDays of [0, 1, 10, 35, 80, 200, 700])
      for (const typicalGapDays of [null, 1, 3.5, 21, 60])
        for (const [recentRevenue, previousRevenue] of [
          [0, 500],
          [100, 1000],
          [900, 1000],
        ] as const)
          for (const firstPurchase of ['2021-03-01', '2025-06-01'])
            out.push({
              firstPurchase,
              lastPurchase: '2025-01-01',
              purchaseDays,
              typicalGapDays,
              recencyDays,
              recentRevenue,
              previousRevenue,
              kthPurchase: '2023-03-01',
            });
  return out;
}
const money = (minor: number): string => `${(minor / 100).toFixed(2)} GBP`;
/** English words left in a Chinese sentence, beyond the codes and names that stay as they are. */
const english = (zh: string): string[] =>
  (zh.match(/[A-Za-z][A-Za-z'-]+/g) ?? []).filter(
    (w) =>
      ![
        'GBP',
        'AUC',
        'churn_risk',
        'bootstrap',
        'mbgnbd',
        'paretonbd',
        'bgnbd',
        'alpha',
        'beta',
        'sd',
        'horizon',
        'churn',
        'horizon_days',
        'alive',
        'history',
      ].includes(w),
  );

describe('phrases', () => {
  it('every phrase key is in both catalogues', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const keys = new Set(catalogueKeys(lang, 'core'));
      for (const key of Object.keys(GRAMMAR)) expect(keys.has(key) || keys.has(`${key}_other`), `${lang}: ${key}`).toBe(true);
    }
  });

  it('reads every stage reason the lifecycle writes back into the phrase that words it again, and words it in Chinese', () => {
    const seen = new Set<string>();
    for (const c of customers()) {
      const reason = inEnglish(stageOf(c, '2025-10-01', undefined, money).reason);
      const phrase = readPhrase(reason, STAGE_REASONS);
      expect(phrase, reason).not.toBeNull();
      seen.add(phrase!.key);
      expect(wordPhrase(phrase!, 'en')).toBe(reason);
      const zh = reword(reason, 'zh-CN');
      expect(english(zh), `${reason}\n${zh}`).toEqual([]);
      expect(zh).not.toMatch(/ (?!GBP)/);
    }
    expect([...seen].sort()).toEqual([...STAGE_REASONS].sort());
  });

  it('reads every churn reason back the same way', () => {
    const seen = new Set<string>();
    for (const c of customers()) {
      for (const [pAlive, own] of [
        [0.3, null],
        [0.9, 14],
      ] as const) {
        const reasons = reasonsFor({ ...c, ownGapDays: own, customerId: 'C1' } as never, 30, 90, pAlive, { purchases: 0.4, days: 84 }).map((p) =>
          wordPhrase(p, 'en'),
        );
        for (const r of reasons) {
          const phrase = readPhrase(r, CHURN_REASONS);
          expect(phrase, r).not.toBeNull();
          seen.add(phrase!.key);
          expect(wordPhrase(phrase!, 'en')).toBe(r);
        }
        const zh = reword(reasons.join('; '), 'zh-CN');
        expect(english(zh), zh).toEqual([]);
        if (reasons.length > 1) expect(zh.split('；')).toHaveLength(reasons.length);
      }
    }
    for (const key of [
      'core.churn.refunds-only',
      'core.churn.one-time',
      'core.churn.overdue-own',
      'core.churn.overdue-shop',
      'core.churn.stopped',
      'core.churn.spend-down',
      'core.churn.p-alive',
      'core.churn.seldom',
    ])
      expect(seen, key).toContain(key);
  });

  it("words them as a Chinese shop owner reads them, in the domain's terms", () => {
    const c = {
      firstPurchase: '2023-01-01',
      lastPurchase: '2025-01-01',
      purchaseDays: 12,
      typicalGapDays: 21,
      recencyDays: 400,
      recentRevenue: 0,
      previousRevenue: 500,
      kthPurchase: '2023-03-01',
    };
    expect(reword(inEnglish(stageOf(c, '2025-10-01').reason), 'zh-CN')).toBe(
      '已400天没有购买，超过126天不买即算流失，平时约21天买一次；稳定551天后流失，约1.5年',
    );
    expect(reword(inEnglish(stageOf({ ...c, purchaseDays: 2, recencyDays: 20 }, '2025-10-01').reason), 'zh-CN')).toBe('目前购买2次，2次以内都算考察期');
    expect(reword(inEnglish(stageOf({ ...c, purchaseDays: 1, recencyDays: 200, typicalGapDays: null }, '2025-10-01').reason), 'zh-CN')).toBe(
      '已200天没有购买，超过90天不买即算流失；购买1次后在考察期流失',
    );
    expect(
      reword(
        '2 open complaints, oldest 5 days, 1 overdue; the lifecycle still counts them in formation: their rhythm is on time though the risk is 81%',
        'zh-CN',
      ),
    ).toBe('2件投诉未处理，最早一件距今5天，其中1件已超时；生命周期仍算作形成期：购买节奏正常，但风险为81%');
    expect(reword('1 open complaint, oldest 1 day', 'zh-CN')).toBe('1件投诉未处理，最早一件距今1天');
  });

  it('writes the money of a stage reason as the rest of a Chinese screen does (¥498.00, not "498.00 CNY")', () => {
    const drop = (recent: string, previous: string): string => `spent ${recent} in the last 90 days against ${previous} in the 90 days before, under 50% of it`;
    expect(reword(drop('0.00 CNY', '1,498.50 CNY'), 'zh-CN')).toBe('最近90天消费¥0.00，之前90天消费¥1,498.50，不到其50%');
    expect(reword(drop('-12.00 GBP', '30.00 GBP'), 'zh-CN')).toBe('最近90天消费-£12.00，之前90天消费£30.00，不到其50%');
    expect(reword(drop('5.00 CHF', '30.00 CHF'), 'zh-CN')).toBe('最近90天消费5.00 CHF，之前90天消费30.00 CHF，不到其50%');
    // a shop without a currency: the bare amounts
    expect(reword(drop('0.00', '498.00'), 'zh-CN')).toBe('最近90天消费0.00，之前90天消费498.00，不到其50%');
  });

  it('groups day counts by thousands as every other figure, and reads them back', () => {
    const c = {
      customerId: 'A',
      firstPurchase: '2015-01-01',
      lastPurchase: '2020-01-01',
      purchaseDays: 8,
      recencyDays: 2345,
      typicalGapDays: 200,
      ownGapDays: 200,
      recentRevenue: 0,
      previousRevenue: 0,
      spendDays: 8,
      spendTotal: 800,
    };
    const [reason] = reasonsFor(c, 200, 90, null).map((p) => wordPhrase(p, 'en'));
    expect(reason).toBe('no purchase for 2,345 days, 11.7× their usual 200-day gap');
    expect(reword(reason!, 'zh-CN')).toContain('2,345天');
  });

  it('says a fall in spend against the window before, not "on" it', () => {
    const c = {
      customerId: 'A',
      firstPurchase: '2024-01-01',
      lastPurchase: '2025-09-20',
      purchaseDays: 12,
      recencyDays: 10,
      typicalGapDays: 30,
      ownGapDays: 30,
      recentRevenue: 400,
      previousRevenue: 1000,
      spendDays: 12,
      spendTotal: 6000,
    };
    const reasons = reasonsFor(c, 30, 90, null).map((p) => wordPhrase(p, 'en'));
    expect(reasons).toContain('spend down 60% against the previous 90 days');
    expect(reword('spend down 60% against the previous 90 days', 'zh-CN')).toBe('消费比之前90天减少60%');
  });

  it("re-words the model's verdicts and fallbacks, as saved fits store them", () => {
    const zh = (en: string): string => reword(en, 'zh-CN');
    expect(
      zh(
        'churn_risk (mbgnbd blended with recency) ranks not clearly better than the recency rule on the last 90 days: AUC 0.812 against 0.790, +0.022 (95% bootstrap interval −0.010 to +0.031)',
      ),
    ).toBe(
      '流失风险（MBG/NBD与最近购买间隔规则混合）在最近90天的排序未明显优于最近购买间隔规则：AUC 0.812，规则为0.790，相差+0.022（95% 自助法区间 −0.010 至 +0.031）',
    );
    expect(
      zh(
        'no usable fit (mbgnbd (fitted to 2025-01-01): dropout about 0 (a/(a+b) = 1.2e-5): the fit says nobody ever leaves, so the NBD competes in its place; bgnbd: did not converge)',
      ),
    ).toBe(
      '没有可用的拟合结果（MBG/NBD（用截至2025年1月1日的数据拟合）：流失率约为0（a/(a+b) = 1.2e-5）：拟合结果认为永远没有人流失，因此由 NBD 模型代为参与比较；BG/NBD：未收敛）',
    );
    expect(zh('not enough data: 12 customers with purchases (the model needs 50); 3 repeat buyers (the model needs 20)')).toBe(
      '数据不足：有购买的客户12位（模型至少需要50位）；回头客3位（模型至少需要20位）',
    );
    expect(
      zh(
        "churn_risk is the recency rule, calibrated on the last 84 days (AUC 0.771): no model ranked better than the recency rule (best: paretonbd's blend at 0.765)",
      ),
    ).toBe('流失风险采用最近购买间隔规则，按最近84天校准（AUC 0.771）：没有模型的排序优于最近购买间隔规则（最好的是Pareto/NBD的混合，AUC 0.765）');
    expect(zh("twice the shop's typical 60-day gap between purchases, in whole weeks, longer than a quarter and at most 52 weeks")).toBe(
      '取本店典型购买间隔 60 天的两倍，按整周计，长于一个季度，最多 52 周',
    );
    expect(zh("a quarter, the span calls are planned for, as twice the shop's typical 27-day gap between purchases is shorter")).toBe(
      '即一个季度，客户联系通常按季度安排，因为本店典型购买间隔 27 天的两倍比这还短',
    );
  });

  it('re-words why a date was rejected, as an import keeps it', () => {
    const why = (layout: string, text: string): string => {
      const r = dateReaderFor(layout);
      expect(r.parse(text), text).toBe(false);
      return inEnglish(r.reason);
    };
    const cases: [string, string, string, string][] = [
      ['ISO', '', 'empty date', '日期为空'],
      [
        'ISO',
        '05/03/2024',
        '"05/03/2024" is not an ISO date (YYYY-MM-DD); give the layout with --date-format',
        '“05/03/2024”不是 ISO 日期（YYYY-MM-DD）；请用 --date-format 指定日期格式',
      ],
      ['ISO', '2023-02-29', 'day 29 does not exist in 2023-02', '2023-02没有29日'],
      ['ISO', '2024-13-01', 'month 13 does not exist', '不存在13月'],
      ['DD/MM/YYYY', '2024-03-05', '"2024-03-05" does not match the date layout DD/MM/YYYY', '“2024-03-05”与日期格式 DD/MM/YYYY 不符'],
      [
        'excel',
        '60',
        "Excel serial 60 is 1900-02-29, a day that does not exist (Excel's leap-year bug)",
        'Excel 日期序号60对应1900-02-29，这一天并不存在（Excel 的闰年错误）',
      ],
    ];
    for (const [layout, text, en, zh] of cases) {
      expect(why(layout, text)).toBe(en);
      expect(reword(en, 'zh-CN')).toBe(zh);
    }
    // As the import's summary shows it, the value hidden.
    expect(reword('"…" is not a month name', 'zh-CN')).toBe('“…”不是月份名称');
  });

  it('leaves English, and text rapport did not write, as they are', () => {
    const en = 'no purchase for 80 days, overdue: decline comes after 63 days, their usual gap being 21 days';
    expect(reword(en, 'en')).toBe(en);
    setLang('en');
    expect(reword(en)).toBe(en);
    expect(reword('a note the shop wrote itself', 'zh-CN')).toBe('a note the shop wrote itself');
    expect(reword('', 'zh-CN')).toBe('');
    setLang('zh-CN');
    expect(reword(en)).toBe('已80天没有购买，比平时晚了：超过63天即进入退化期，平时约21天买一次');
  });

  it('says a risk that rounds to 0% is "under 1%", never "only 0%", in English, in Chinese and read back from the English', () => {
    for (const key of ['core.churn.falling-but-low', 'core.churn.ended-but-low-model', 'core.churn.ended-but-low-rules']) {
      const tiny = inEnglish({ key, vars: { pct: '0%' } });
      expect(tiny).toContain('under 1%');
      expect(tiny).not.toContain('0%');
      expect(wordPhrase({ key, vars: { pct: '0%' } }, 'zh-CN')).toContain('不到 1%');
      // a text stored before said "only 0%": a Chinese reader reads "under 1%" all the same
      expect(reword(`spend down 61% against the previous 90 days; ${tiny}`, 'zh-CN')).toContain('不到 1%');
      const before = t(key, { pct: '0%' }, 'en');
      expect(before).toContain('only 0%');
      expect(reword(before, 'zh-CN')).toContain('不到 1%');
      // any other risk keeps its figure
      expect(inEnglish({ key, vars: { pct: '20%' } })).toContain('only 20%');
    }
    expect([riskWords('0'), riskWords('0', false, 'zh-CN'), riskWords('0', true), riskWords('43'), riskWords('74.9')]).toEqual([
      'under 1%',
      '不到 1%',
      '<1%',
      '43%',
      '74.9%',
    ]);
  });

  it('says a chance of still being a customer that rounds to 0% is "under 1%" too, and keeps any other figure', () => {
    const tiny = inEnglish({ key: 'core.churn.p-alive', vars: { pct: 0 } });
    expect(tiny).toBe('the model puts the chance they are still a customer under 1%');
    expect(wordPhrase({ key: 'core.churn.p-alive', vars: { pct: 0 } }, 'zh-CN')).toContain('不到 1%');
    expect(reword(`no purchase for 88 days; ${tiny}`, 'zh-CN')).toContain('不到 1%');
    expect(inEnglish({ key: 'core.churn.p-alive', vars: { pct: 12 } })).toBe('the model puts the chance they are still a customer at 12%');
  });

  it('writes the dates inside a verdict or a forecast line as the reader writes dates, a list of them joined as the language joins lists', () => {
    const windows: Phrase = { key: 'core.verdict.windows', vars: { count: 2, days: 91, cutoffs: '2011-09-09, 2011-06-10' } };
    expect(inEnglish(windows)).toContain('(after 2011-09-09, 2011-06-10)');
    expect(wordPhrase(windows, 'zh-CN')).toContain('（2011年9月9日、2011年6月10日之后）');
    expect(wordPhrase({ key: 'core.verdict.window', vars: { days: 91, cutoff: '2011-09-09' } }, 'zh-CN')).toContain('在2011年9月9日之后');
    const forecast: Phrase = { key: 'core.forecast.unjudged', vars: { model: 'MBG/NBD', cutoff: '2011-09-09' } };
    expect(wordPhrase(forecast, 'zh-CN')).toContain('2011年9月9日');
    expect(wordPhrase(forecast, 'zh-CN')).not.toContain('2011-09-09');
    // read back from the English a saved fit keeps, the same
    const verdict = inEnglish({
      key: 'core.verdict.ranks',
      vars: {
        method: { key: 'core.method.learned' },
        word: { key: 'core.model.word-better' },
        where: windows,
        auc: '0.807',
        recency: '0.757',
        difference: '+0.051',
        low: '+0.033',
        high: '+0.066',
      },
    });
    expect(reword(verdict, 'zh-CN')).toContain('2011年9月9日、2011年6月10日之后');
    // text that is not a date stays as it is
    expect(wordPhrase({ key: 'core.verdict.window', vars: { days: 91, cutoff: 'the last year' } }, 'zh-CN')).toContain('the last year');
  });
});
