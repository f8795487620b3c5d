/**
 * The model checked against what happened, as lifetimes' calibration/holdout plot does: fitted
 * on the data up to a cutoff one horizon before the as-of date, its expected purchases week by
 * week after the cutoff beside the purchases that happened, with the weeks before for scale.
 */
import { computeAnalysis, loadSettings, type Money } from '../app/run.js';
import { wordFitted } from '../app/words.js';
import { dayIndex } from '../core/measures.js';
import { fitModels, summaryOf } from '../core/model/churn.js';
import { expectedByWeek } from '../core/model/weekly.js';
import type { PurchaseModelName, Summary } from '../core/model/purchase.js';
import type { Store } from '../store/store.js';
import type { ReportColumn, Section } from './model.js';
import { t } from '../i18n/index.js';
import { formatDate, formatNumber } from '../i18n/format.js';
import { reword } from '../i18n/phrase.js';

const WEEKS_BEFORE = 8;
const isoDay = (i: number): string => new Date(i * 86_400_000).toISOString().slice(0, 10);
const col = (key: string, header: string, kind: ReportColumn['kind'] = 'text'): ReportColumn => ({ key, header, kind });

/** `model`: the purchase model the watchlist used (auto's choice), fitted again on the sales up to the cutoff. */
export async function modelCheckSection(db: Store, asOf: string, money: Money, horizonDays: number, model: PurchaseModelName | null): Promise<Section[]> {
  const loaded = await loadSettings(db, money);
  const settings = loaded.settings.model;
  const weeks = Math.floor(horizonDays / 7);
  const end = dayIndex(asOf);
  const cutoff = isoDay(end - weeks * 7);
  const title = t('report.check.title');
  const table = {
    name: 'model_check',
    columns: [
      col('week_from', t('report.check.col.week'), 'date'),
      col('actual', t('report.check.col.purchases'), 'int'),
      col('predicted', t('report.check.col.expected'), 'number'),
    ],
    rows: [] as Record<string, string | number | null>[],
  };
  const analysis = await computeAnalysis(db, cutoff, loaded, money);
  const buyers = analysis.customers.filter((c) => c.purchaseDays > 0);
  const fitted =
    buyers.length === 0 ? null : wordFitted(fitModels(analysis.customers, cutoff, model === null ? settings : { ...settings, model }, null, null, 'never'));
  if (fitted === null || fitted.purchase === null) {
    return [
      {
        title,
        omitted: fitted?.fallback
          ? t('report.check.no-model-because', { date: formatDate(cutoff), why: reword(fitted.fallback) })
          : t('report.check.no-model', { date: formatDate(cutoff) }),
        tables: [table],
      },
    ];
  }
  const summaries = buyers.map((c) => summaryOf(c, cutoff, fitted.timeUnit)).filter((s): s is Summary => s !== null);
  const predicted = expectedByWeek(fitted.purchase.model, fitted.purchase.params, summaries, fitted.timeUnit, weeks);
  const ids = new Set(buyers.map((c) => c.customerId));
  const cut = dayIndex(cutoff);
  // Purchase days (a day with a sale counts once, as the model counts them) by the customers the
  // model knew at the cutoff, in each week from WEEKS_BEFORE before it to the as-of date.
  for (let w = -WEEKS_BEFORE; w < weeks; w++) {
    const from = isoDay(cut + w * 7);
    const to = isoDay(cut + (w + 1) * 7);
    let actual = 0;
    for (const [id, n] of await db.purchaseDaysBetween(from, to)) if (ids.has(id)) actual += n;
    table.rows.push({ week_from: from, actual, predicted: w < 0 ? null : Math.round(predicted[w]! * 10) / 10 });
  }
  const after = table.rows.filter((r) => r.predicted !== null);
  const sum = (k: 'actual' | 'predicted'): number => after.reduce((s, r) => s + Number(r[k]), 0);
  return [
    {
      title,
      lines: [
        t('report.check.line', {
          cutoff: formatDate(cutoff),
          weeks,
          asOf: formatDate(asOf),
          expected: formatNumber(Math.round(sum('predicted'))),
          customers: formatNumber(summaries.length),
          happened: formatNumber(sum('actual')),
          before: WEEKS_BEFORE,
        }),
      ],
      chart: {
        type: 'check',
        title: t('report.check.chart'),
        cutoff,
        weeks: table.rows.map((r) => ({ label: String(r.week_from), actual: Number(r.actual), predicted: r.predicted === null ? null : Number(r.predicted) })),
      },
      tables: [table],
    },
  ];
}
