/** The reports, built from the analysis, the churn scores, the complaints and the transactions. */
import { isMonthEnd } from '../core/measures.js';
import { minOf } from '../core/scale.js';
import { summarise, type Analysis, type CustomerAnalysis } from '../core/analysis.js';
import { churnAsOf } from '../app/churn.js';
import { scorecardAsOf, watchlistOf } from '../app/watchlist.js';
import type { Scorecard } from '../core/scorecard.js';
import type { NewWatchlist } from '../store/types.js';
import { analysisAsOf, staleData, staleWarning, type DataAge, type LoadedSettings, type Money } from '../app/run.js';
import { isGone, keepValue, valueAtRisk } from '../app/rows.js';
import { complaintSummary } from '../app/complaints.js';
import { englishReasons } from '../app/words.js';
import { modelCheckSection } from './check.js';
import { riskPercent, type ChurnScore } from '../core/model/churn.js';
import { UsageError } from '../sys/errors.js';
import type { Store } from '../store/store.js';
import type { Headline, Report, ReportColumn, ReportTable, Section } from './model.js';
import { currentLang, t, tn } from '../i18n/index.js';
import { formatDate, formatMoneyFor, formatNumber } from '../i18n/format.js';
import { riskName, segmentName, stageName, statusName, tierName } from '../i18n/domain.js';
import { methodName, reword } from '../i18n/phrase.js';

export const REPORTS = ['churn', 'pyramid', 'lifecycle', 'rfm', 'movement', 'cohorts', 'complaints', 'staff', 'products', 'summary'] as const;
export type ReportName = (typeof REPORTS)[number];

export interface ReportOptions {
  asOf: string;
  /** Compare with this date instead of the previous snapshot. */
  since: string | null;
  /** Rows in the churn watchlist. */
  limit: number;
  /** Given the churn list the report prints (every customer scored), to keep it (analysis/watchlist.ts). */
  keep?: (list: NewWatchlist) => void;
}

const col = (key: string, header: string, kind: ReportColumn['kind'] = 'text', drop?: number): ReportColumn => ({
  key,
  header,
  kind,
  ...(drop === undefined ? {} : { drop }),
});

/** The date to compare with: --since, else the newest snapshot before the as-of date. */
async function previousDate(db: Store, o: ReportOptions): Promise<string | null> {
  if (o.since !== null) {
    if (o.since >= o.asOf) throw new UsageError(t('report.error.since-after', { since: o.since, asOf: o.asOf }), t('report.error.since-after-hint'));
    return o.since;
  }
  const before = (await db.listSnapshots()).filter((s) => s.as_of < o.asOf);
  return before.length === 0 ? null : before[before.length - 1]!.as_of;
}

interface Ctx {
  db: Store;
  o: ReportOptions;
  money: Money;
  /** The settings as loaded once for the report (segments, value window). */
  loaded: LoadedSettings;
  now: Analysis;
  /** The analysis of the comparison date (null when there is none). */
  then: Analysis | null;
  thenDate: string | null;
  /** The churn picture, computed once for the headline and the churn sections. */
  risk?: AtRisk;
  /** Every customer's name and type, read once for the sections that name customers. */
  names?: Promise<Awaited<ReturnType<Store['customerNames']>>>;
  /** How the earlier list did, once the churn part has looked (null: no list to score). */
  scorecard?: Scorecard | null;
}

const namesOf = (c: Ctx): NonNullable<Ctx['names']> => (c.names ??= c.db.customerNames());
/** Customers' names by id, as the report reads them once. */
type Names = Awaited<NonNullable<Ctx['names']>>;

interface AtRisk {
  picture: Awaited<ReturnType<typeof churnAsOf>>;
  /** Customers at medium or high risk, most value at risk first. */
  rows: { x: CustomerAnalysis; s: ChurnScore }[];
  total: number;
}

async function atRisk(c: Ctx): Promise<AtRisk> {
  if (c.risk === undefined) {
    const picture = await churnAsOf(c.db, c.o.asOf, { analysis: c.now });
    const rows = c.now.customers.map((x) => ({ x, s: picture.scores.get(x.customerId)! })).filter((r) => r.s.riskLevel !== 'low');
    // Those still to be kept first, by the value that can still be kept; those already gone after, by value at risk (as rapport churn orders them).
    const days = c.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays;
    const key = new Map(
      rows.map((r) => [r.x.customerId, isGone(r.x) ? valueAtRisk(r.x, r.s) : keepValue(r.x, r.s, days, c.loaded.settings.lifecycle.windowDays)]),
    );
    rows.sort(
      (a, b) => Number(isGone(a.x)) - Number(isGone(b.x)) || key.get(b.x.customerId)! - key.get(a.x.customerId)! || (a.x.customerId < b.x.customerId ? -1 : 1),
    );
    c.risk = { picture, rows, total: rows.reduce((sum, r) => sum + valueAtRisk(r.x, r.s), 0) };
  }
  return c.risk;
}

const amount = (c: Ctx, minor: number): string => formatMoneyFor(Math.round(minor), c.money.exponent, c.money.currency);

async function context(db: Store, o: ReportOptions): Promise<Ctx> {
  const { analysis: now, money, loaded } = await analysisAsOf(db, o.asOf);
  const thenDate = await previousDate(db, o);
  return { db, o, money, loaded, now, then: thenDate === null ? null : (await analysisAsOf(db, thenDate)).analysis, thenDate };
}

const noEarlier = (): string => t('report.no-earlier');
const noComparison = (c: Ctx): string => (c.thenDate === null ? noEarlier() : t('report.compared-with', { date: formatDate(c.thenDate) }));

/** The churn part's opening: how the newest list whose horizon has passed turned out (issue 26). */
async function scorecardSection(c: Ctx, horizonNow: number): Promise<Section> {
  const { card, pending, why } = await scorecardAsOf(c.db, c.o.asOf, horizonNow);
  c.scorecard = card;
  const later = pending.map(({ list, on }) => t('report.scorecard.pending', { date: formatDate(list.as_of), on: formatDate(on) }));
  const title = t('report.section.scorecard');
  if (card === null) return { title, omitted: why ?? t('report.scorecard.none'), lines: later };
  const date = formatDate(card.list_as_of);
  const end = formatDate(card.scored_to);
  const lines: string[] = [];
  if (card.recomputed) lines.push(t('report.scorecard.recomputed', { date }));
  for (const level of ['high', 'medium'] as const) {
    const { flagged, no_purchase } = card.levels[level];
    if (flagged > 0)
      lines.push(
        tn('report.scorecard.level', flagged, {
          n: formatNumber(flagged),
          level: riskName(level),
          date,
          gone: formatNumber(no_purchase),
          end,
          back: formatNumber(flagged - no_purchase),
        }),
      );
  }
  if (card.left > 0)
    lines.push(
      t('report.scorecard.caught', {
        left: formatNumber(card.left),
        flagged: formatNumber(card.left_flagged),
        share: formatNumber((100 * card.left_flagged) / card.left) + '%',
      }),
    );
  if (card.auc !== null) lines.push(t('report.scorecard.auc', { auc: formatNumber(card.auc, 3) }));
  lines.push(
    card.predicted_purchases === null
      ? t('report.scorecard.made', { actual: formatNumber(card.actual_purchases) })
      : t('report.scorecard.predicted', { predicted: formatNumber(card.predicted_purchases), actual: formatNumber(card.actual_purchases) }),
  );
  lines.push(...later);
  const levels = (['high', 'medium', 'low'] as const).filter((l) => card.levels[l].flagged > 0);
  return {
    title,
    lines,
    chart: {
      type: 'bars',
      title: t('report.scorecard.chart', { days: card.horizon_days }),
      kind: 'share',
      bars: levels.map((l) => ({ label: riskName(l), value: card.levels[l].no_purchase / card.levels[l].flagged })),
    },
    tables: [
      {
        name: 'scorecard',
        columns: [
          col('risk_level', t('report.col.risk')),
          col('flagged', t('report.col.flagged'), 'int'),
          col('no_purchase', t('report.col.bought-nothing'), 'int'),
          col('came_back', t('report.col.came-back'), 'int'),
          col('share', t('report.col.bought-nothing-share'), 'share'),
        ],
        rows: levels.map((l) => ({
          risk_level: l,
          flagged: card.levels[l].flagged,
          no_purchase: card.levels[l].no_purchase,
          came_back: card.levels[l].flagged - card.levels[l].no_purchase,
          share: Math.round((1000 * card.levels[l].no_purchase) / card.levels[l].flagged) / 1000,
        })),
      },
    ],
  };
}

async function churnSection(c: Ctx): Promise<Section[]> {
  const { picture, rows, total } = await atRisk(c);
  const names = await namesOf(c);
  c.o.keep?.(watchlistOf(picture, c.o.asOf));
  const opening = await scorecardSection(c, picture.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays);
  const watch = watchlistTable(c, picture, rows, names);
  const sections: Section[] = [
    opening,
    {
      title: t('report.section.watchlist'),
      lines: [
        t('report.watchlist.line', {
          customers: formatNumber(rows.length),
          days: picture.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays,
          how: picture.fitted.ranking
            ? t('report.watchlist.by-method', { method: methodName(picture.fitted.ranking.kind, picture.fitted.ranking.model) })
            : picture.fitted.purchase
              ? t('report.watchlist.by-method', { method: methodName('model', picture.fitted.purchase.model) })
              : t('report.watchlist.by-rules'),
          amount: amount(c, total),
          shown: Math.min(c.o.limit, rows.length),
        }),
      ],
      tables: [
        watch,
        {
          name: 'all_high_risk',
          columns: [
            col('customer_id', t('report.col.customer')),
            col('tier', t('report.col.tier')),
            col('value_at_risk', t('report.col.value-at-risk'), 'money'),
          ],
          rows: rows.filter((r) => r.s.riskLevel === 'high').map(({ x, s }) => ({ customer_id: x.customerId, tier: x.tier, value_at_risk: valueAtRisk(x, s) })),
        },
      ],
    },
  ];
  sections.push(await sinceLastSection(c, rows, names));
  // The check looks one horizon back: the horizon the watchlist above used (set, or from the shop's rhythm).
  sections.push(
    await riskSpread(c),
    ...(await modelCheckSection(
      c.db,
      c.o.asOf,
      c.money,
      picture.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays,
      picture.fitted.purchase?.model ?? null,
    )),
  );
  return sections;
}

/** The report's watchlist table: the top `limit` customers by the list's order, each with its reasons. */
function watchlistTable(c: Ctx, picture: AtRisk['picture'], rows: AtRisk['rows'], names: Names): ReportTable {
  return {
    name: 'watchlist',
    columns: [
      col('customer_id', t('report.col.customer')),
      col('name', t('report.col.name')),
      col('tier', t('report.col.tier'), 'text', 3),
      col('risk_level', t('report.col.risk')),
      col('churn_risk', t('report.col.churn-risk'), 'share'),
      col('next_purchase_date', t('report.col.next-purchase-by'), 'date', 1),
      col('expected_purchases_365d', t('report.col.purchases-in-a-year'), 'number', 2),
      col('value_at_risk', t('report.col.value-at-risk'), 'money'),
      col('keep_value', t('report.col.keep'), 'money'),
      col('reasons', t('report.col.reasons')),
    ],
    rows: rows.slice(0, c.o.limit).map(({ x, s }) => ({
      customer_id: x.customerId,
      name: names.get(x.customerId)?.name ?? null,
      tier: x.tier,
      risk_level: s.riskLevel,
      // to a tenth of a percent, never rounded over its level's threshold
      churn_risk: Number(riskPercent(s.churnRisk, picture.loaded.settings.model, 1)) / 100,
      next_purchase_date: s.nextPurchaseDate,
      expected_purchases_365d: s.expectedPurchases365d === null ? null : Math.round(s.expectedPurchases365d * 10) / 10,
      value_at_risk: valueAtRisk(x, s),
      keep_value: isGone(x) ? 0 : keepValue(x, s, c.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays, c.loaded.settings.lifecycle.windowDays),
      reasons: reword(englishReasons(s).join('; ')),
    })),
  };
}

/** New at high risk since the last report, and those who came back; empty tables (left out) on the first report. */
async function sinceLastSection(c: Ctx, rows: AtRisk['rows'], names: Names): Promise<Section> {
  if (c.then !== null) {
    const before = await churnAsOf(c.db, c.thenDate!, { analysis: c.then });
    const wasAtRisk = new Set([...before.scores.values()].filter((s) => s.riskLevel === 'high').map((s) => s.customerId));
    const isAtRisk = new Set(rows.filter((r) => r.s.riskLevel === 'high').map((r) => r.x.customerId));
    const lastThen = new Map(c.then.customers.map((x) => [x.customerId, x.lastPurchase]));
    const byId = new Map(rows.map((r) => [r.x.customerId, r]));
    const newOn = [...isAtRisk]
      .filter((id) => !wasAtRisk.has(id))
      .sort((a, b) => valueAtRisk(byId.get(b)!.x, byId.get(b)!.s) - valueAtRisk(byId.get(a)!.x, byId.get(a)!.s) || (a < b ? -1 : 1));
    // Came back: at high risk then, bought since, and no longer at high risk now.
    const cameBack = c.now.customers
      .filter(
        (x) => wasAtRisk.has(x.customerId) && !isAtRisk.has(x.customerId) && x.lastPurchase !== null && x.lastPurchase > (lastThen.get(x.customerId) ?? ''),
      )
      .sort((a, b) => b.value - a.value || (a.customerId < b.customerId ? -1 : 1));
    return {
      title: t('report.section.since-last'),
      lines: [noComparison(c), t('report.since-last.line', { new: newOn.length, back: cameBack.length })],
      tables: [
        {
          name: 'new_at_risk',
          columns: newAtRiskColumns(),
          rows: newOn.map((id) => {
            const { x, s } = byId.get(id)!;
            return {
              customer_id: id,
              name: names.get(id)?.name ?? null,
              tier: x.tier,
              value_at_risk: valueAtRisk(x, s),
              reasons: reword(englishReasons(s).join('; ')),
            };
          }),
        },
        {
          name: 'came_back',
          columns: cameBackColumns(),
          rows: cameBack.map((x) => ({ customer_id: x.customerId, name: names.get(x.customerId)?.name ?? null, tier: x.tier, last_purchase: x.lastPurchase })),
        },
      ],
    };
  }
  // The same tables, empty, so a script asking for them works from the first week.
  return {
    title: t('report.section.since-last'),
    omitted: noEarlier(),
    tables: [
      {
        name: 'new_at_risk',
        columns: newAtRiskColumns(),
        rows: [],
      },
      {
        name: 'came_back',
        columns: cameBackColumns(),
        rows: [],
      },
    ],
  };
}

function newAtRiskColumns(): ReportColumn[] {
  return [
    col('customer_id', t('report.col.customer')),
    col('name', t('report.col.name')),
    col('tier', t('report.col.tier')),
    col('value_at_risk', t('report.col.value-at-risk'), 'money'),
    col('reasons', t('report.col.reasons')),
  ];
}

function cameBackColumns(): ReportColumn[] {
  return [
    col('customer_id', t('report.col.customer')),
    col('name', t('report.col.name')),
    col('tier', t('report.col.tier')),
    col('last_purchase', t('report.col.bought'), 'date'),
  ];
}

/** Customers and value at risk in ten bands of churn risk: where the risk sits, not only who is on top. */
async function riskSpread(c: Ctx): Promise<Section> {
  const { picture } = await atRisk(c);
  const bands = Array.from({ length: 10 }, (_, i) => ({ band: `${i * 10}–${i * 10 + 10}%`, customers: 0, value_at_risk: 0 }));
  for (const x of c.now.customers) {
    const s = picture.scores.get(x.customerId)!;
    const b = bands[Math.min(9, Math.floor(s.churnRisk * 10))]!;
    b.customers++;
    b.value_at_risk += valueAtRisk(x, s);
  }
  return {
    title: t('report.section.risk-spread'),
    lines: [t('report.risk-spread.line', { days: String(picture.loaded.settings.model.horizonDays ?? picture.fitted.horizonDays) })],
    chart: { type: 'bars', title: t('report.chart.risk-spread'), bars: bands.map((b) => ({ label: b.band, value: b.customers })), kind: 'int' },
    tables: [
      {
        name: 'risk_spread',
        columns: [
          col('band', t('report.col.churn-risk')),
          col('customers', t('report.col.customers'), 'int'),
          col('value_at_risk', t('report.col.value-at-risk'), 'money'),
        ],
        rows: bands,
      },
    ],
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
// A month as the reader writes it: November 2026, 2026年11月.
const monthName = (m: string): string =>
  currentLang() === 'zh-CN' ? `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月` : `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/** The last month over on the as-of date (the as-of month itself when it is its last day). */
function lastCompleteMonth(asOf: string): string {
  const end = isMonthEnd(asOf);
  const i = monthIndex(asOf.slice(0, 7)) - (end ? 0 : 1);
  return monthKey(i);
}
const monthKey = (i: number): string => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/**
 * The summary's opening: customers still active, the last complete month's net revenue against
 * the month before, value at risk, and who to call this week (platinum and gold at high risk).
 */
async function headlineSection(c: Ctx, stale: DataAge | null): Promise<Section[]> {
  const { rows, total } = await atRisk(c);
  const names = await namesOf(c);
  const active = c.now.customers.filter((x) => x.stage !== 'ended').length;
  const ended = c.now.customers.length - active;
  // Data that stop before the last month is over (the stale notice above says so): that month
  // holds what was imported, not what was sold, and "down 100%" would be news of an import not
  // yet run. The card shows the last whole month the data cover instead, and says so.
  const asked = lastCompleteMonth(c.o.asOf);
  const covered = stale === null ? asked : lastCompleteMonth(stale.newestSale);
  const month = covered < asked ? covered : asked;
  const before = monthKey(monthIndex(month) - 1);
  const net = await c.db.netByMonth(`${before}-01`, `${month}-31`);
  const now = net.get(month) ?? 0;
  const then = net.get(before);
  const change =
    then === undefined
      ? t('report.headline.nothing-sold', { month: monthName(before) })
      : then <= 0
        ? t('report.headline.amount-in', { amount: amount(c, then), month: monthName(before) })
        : now >= then
          ? t('report.headline.up', { percent: Math.round((Math.abs(now - then) / then) * 100), month: monthName(before), amount: amount(c, then) })
          : t('report.headline.down', { percent: Math.round((Math.abs(now - then) / then) * 100), month: monthName(before), amount: amount(c, then) });
  // A call is for the customers worth one: platinum and gold at high risk, not yet gone, most value that can still be kept first.
  // Not those already gone (silent far past their own rhythm): they belong on a win-back list.
  const high = rows.filter((r) => r.s.riskLevel === 'high' && (r.x.tier === 'platinum' || r.x.tier === 'gold') && !isGone(r.x));
  const call = high.slice(0, 3).map((r) => names.get(r.x.customerId)?.name ?? r.x.customerId);
  const headline: Headline[] = [
    {
      label: t('report.headline.active'),
      value: formatNumber(active),
      detail: t('report.headline.active-detail', { all: formatNumber(c.now.customers.length), ended: formatNumber(ended) }),
    },
    {
      label: t('report.headline.revenue', { month: monthName(month) }),
      value: amount(c, now),
      detail: month === asked ? change : t('report.headline.data-end', { change, date: formatDate(stale!.newestSale) }),
    },
    {
      label: t('report.headline.value-at-risk'),
      value: amount(c, total),
      detail: t('report.headline.at-risk-detail', { customers: formatNumber(rows.length) }),
    },
    {
      label: t('report.headline.to-call'),
      value: formatNumber(high.length),
      detail:
        high.length === 0
          ? t('report.headline.none-to-call')
          : t('report.headline.call-list', {
              names: call.join(t('report.list-separator')) + (high.length > call.length ? t('report.list-separator') + '…' : ''),
            }),
    },
  ];
  return [{ title: t('report.section.at-a-glance'), headline }];
}

function groupHeader(group: 'tier' | 'stage' | 'exit_pattern' | 'segment'): string {
  switch (group) {
    case 'tier':
      return t('report.col.tier');
    case 'stage':
      return t('report.col.stage');
    case 'exit_pattern':
      return t('report.col.exit-pattern');
    case 'segment':
      return t('report.col.segment');
  }
}

function groupTable(name: string, c: Ctx, group: 'tier' | 'stage' | 'exit_pattern' | 'segment'): ReportTable {
  const rows = summarise(
    c.now.customers,
    c.loaded.settings.segments.map((s) => s.name),
  ).filter((g) => g.group === group);
  return {
    name,
    columns: [
      col('name', groupHeader(group)),
      col('customers', t('report.col.customers'), 'int'),
      col('customer_share', t('report.col.share'), 'share'),
      col('revenue', t('report.col.revenue'), 'money'),
      col('revenue_share', t('report.col.of-revenue'), 'share'),
      col('average', t('report.col.average'), 'money'),
    ],
    rows: rows.map((g) => ({
      name: g.name,
      customers: g.customers,
      customer_share: g.customerShare,
      revenue: g.revenue,
      revenue_share: g.revenueShare,
      average: g.average === null ? null : Math.round(g.average),
    })),
  };
}

async function pyramidSection(c: Ctx): Promise<Section[]> {
  const tiers = groupTable('tiers', c, 'tier');
  return [
    {
      title: t('report.section.pyramid'),
      lines: [c.now.valueBasis === 'clv' ? t('report.pyramid.by-clv') : t('report.pyramid.by-revenue')],
      chart: {
        type: 'pyramid',
        title: t('report.chart.pyramid'),
        levels: tiers.rows.map((r) => ({ label: tierName(String(r.name)), customers: Number(r.customers), share: Number(r.revenue_share) })),
      },
      tables: [tiers],
    },
  ];
}

/** The "from" of a customer who was not there before: a code in the data, named for people by the renderers. */
export const NEW = '(new)';

function moves(c: Ctx, key: 'tier' | 'stage' | 'segment'): { id: string; from: string; to: string; value: number }[] {
  if (c.then === null) return [];
  const before = new Map(c.then.customers.map((x) => [x.customerId, x]));
  const out: { id: string; from: string; to: string; value: number }[] = [];
  for (const x of c.now.customers) {
    const b = before.get(x.customerId);
    const from = b === undefined ? NEW : String(b[key]);
    if (from !== String(x[key])) out.push({ id: x.customerId, from, to: String(x[key]), value: x.value });
  }
  return out;
}

async function lifecycleSection(c: Ctx): Promise<Section[]> {
  const stages = groupTable('stages', c, 'stage');
  const exits = groupTable('exit_patterns', c, 'exit_pattern');
  const m = moves(c, 'stage');
  const matrix = new Map<string, number>();
  for (const x of m) matrix.set(`${x.from}\u0000${x.to}`, (matrix.get(`${x.from}\u0000${x.to}`) ?? 0) + 1);
  const moveRows = [...matrix]
    .map(([k, n]) => ({ from: k.split('\u0000')[0]!, to: k.split('\u0000')[1]!, customers: n }))
    .sort((a, b) => b.customers - a.customers || a.from.localeCompare(b.from));
  return [
    {
      title: t('report.section.stages'),
      chart: {
        type: 'funnel',
        title: t('report.chart.stages'),
        steps: stages.rows.map((r) => ({ label: stageName(String(r.name)), value: Number(r.customers) })),
      },
      tables: [stages],
    },
    {
      title: t('report.section.stage-moves'),
      ...(c.then === null ? { omitted: noEarlier() } : { lines: [noComparison(c)] }),
      tables: [
        {
          name: 'stage_moves',
          columns: [col('from', t('report.col.from')), col('to', t('report.col.to')), col('customers', t('report.col.customers'), 'int')],
          rows: moveRows,
        },
      ],
    },
    { title: t('report.section.exits'), tables: [exits] },
  ];
}

async function rfmSection(c: Ctx): Promise<Section[]> {
  const segs = groupTable('segments', c, 'segment');
  const orders = new Map<string, { orders: number; net: number }>();
  for (const x of c.now.customers) {
    const o = orders.get(x.segment) ?? { orders: 0, net: 0 };
    o.orders += x.orders;
    o.net += x.netRevenue;
    orders.set(x.segment, o);
  }
  // Left out first on a narrow terminal: at 80 columns in Chinese it kept its place and the segments' names were cut to 重要… (which segment is the row).
  segs.columns.push(col('avg_order_value', t('report.col.avg-order'), 'money', 1));
  for (const r of segs.rows) {
    const o = orders.get(String(r.name));
    r.avg_order_value = o && o.orders > 0 ? Math.round(o.net / o.orders) : null;
  }
  return [
    {
      title: t('report.section.rfm'),
      chart: {
        type: 'bars',
        title: t('report.chart.segments'),
        bars: segs.rows.map((r) => ({ label: segmentName(String(r.name)), value: Number(r.customers) })),
        kind: 'int',
      },
      tables: [segs],
    },
  ];
}

async function movementSection(c: Ctx): Promise<Section[]> {
  const tables: ReportTable[] = [];
  const lines = [noComparison(c)];
  if (c.then !== null && c.then.valueBasis !== c.now.valueBasis) {
    const basis = (b: string): string => (b === 'clv' ? t('report.basis.clv') : t('report.basis.revenue'));
    lines.push(t('report.movement.mixed-basis', { then: basis(c.then.valueBasis), now: basis(c.now.valueBasis) }));
  }
  for (const key of ['tier', 'stage', 'segment'] as const) {
    const m = moves(c, key).sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : 1));
    const value = amount(
      c,
      m.reduce((s, x) => s + Math.max(0, x.value), 0),
    );
    lines.push(
      key === 'tier'
        ? t('report.movement.tier', { n: formatNumber(m.length), amount: value })
        : key === 'stage'
          ? t('report.movement.stage', { n: formatNumber(m.length), amount: value })
          : t('report.movement.segment', { n: formatNumber(m.length), amount: value }),
    );
    tables.push({
      name: `${key}_changes`,
      columns: [
        col('customer_id', t('report.col.customer')),
        col('from', t('report.col.from')),
        col('to', t('report.col.to')),
        col('value', t('report.col.value'), 'money'),
      ],
      rows: m.map((x) => ({ customer_id: x.id, from: x.from, to: x.to, value: x.value })),
    });
  }
  return [{ title: t('report.section.movement'), ...(c.then === null ? { omitted: noEarlier() } : { lines }), tables }];
}

/** The ISO date `days` days before `date`. */
const daysBefore = (date: string, days: number): string => new Date(Date.parse(date + 'T00:00:00Z') - days * 86_400_000).toISOString().slice(0, 10);

const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/**
 * Monthly acquisition cohorts (the month of each customer's first purchase) against months since
 * it: the share of the cohort who bought in that month, and the cohort's net revenue then.
 */
async function cohortSection(c: Ctx): Promise<Section[]> {
  // One plain scan of the transactions, no GROUP BY: grouping by (customer, month) made SQLite
  // sort every row and built an object per customer-month (217 s and 2.4 GB on 1,022,779
  // customers, 3.1x segment). Each customer's first purchase month comes from the analysis
  // (every customer with transactions up to the date), and the scan adds up the cohorts and the
  // monthly trend as it goes.
  const first = new Map<string, string>();
  for (const x of c.now.customers) if (x.firstPurchase !== null) first.set(x.customerId, x.firstPurchase.slice(0, 7));
  const cohorts = [...new Set(first.values())].sort().slice(-12);
  const shown = new Map(cohorts.map((f) => [f, monthIndex(f)]));
  const last = monthIndex(c.o.asOf.slice(0, 7));
  const width = cohorts.length === 0 ? 0 : last - monthIndex(cohorts[0]!) + 1;
  const size = new Map<string, number>();
  for (const f of first.values()) size.set(f, (size.get(f) ?? 0) + 1);
  // Who bought in which month since their first, one flag per shown customer and month: a
  // customer with many sales in a month counts once.
  const slot = new Map<string, number>();
  for (const [id, f] of first) if (shown.has(f)) slot.set(id, slot.size);
  const bought = new Uint8Array(slot.size * width);
  const buyers = new Map<string, number>();
  const revenue = new Map<string, number>();
  const trend = new Map<string, number>();
  await c.db.salesByMonth(c.o.asOf, (customerId, month, amount) => {
    trend.set(month, (trend.get(month) ?? 0) + amount);
    const f = first.get(customerId);
    const start = f === undefined ? undefined : shown.get(f);
    if (start === undefined) return;
    const i = monthIndex(month) - start;
    const k = `${f}|${i}`;
    revenue.set(k, (revenue.get(k) ?? 0) + amount);
    if (amount > 0) {
      const at = slot.get(customerId)! * width + i;
      if (bought[at] === 0) {
        bought[at] = 1;
        buyers.set(k, (buyers.get(k) ?? 0) + 1);
      }
    }
  });
  // The as-of month is partial unless the as-of date is its last day: shown empty, not as a fall.
  const partial = !isMonthEnd(c.o.asOf);
  const lastFull = partial ? last - 1 : last;
  const columns = Array.from({ length: width }, (_, i) => String(i));
  const cells = cohorts.map((f) => columns.map((_, i) => (monthIndex(f) + i > lastFull ? null : (buyers.get(`${f}|${i}`) ?? 0) / size.get(f)!)));
  const rows = cohorts.flatMap((f) =>
    columns
      .map((_, i) => i)
      .filter((i) => monthIndex(f) + i <= last)
      .map((i) => ({
        cohort: f,
        month: i,
        customers: size.get(f)!,
        buying: buyers.get(`${f}|${i}`) ?? 0,
        share_buying: (buyers.get(`${f}|${i}`) ?? 0) / size.get(f)!,
        revenue: revenue.get(`${f}|${i}`) ?? 0,
      })),
  );
  // Every month from the first with sales (at most 24 back) to the last complete one: a month
  // without a sale is a 0 in the trend, not a gap that puts its neighbours side by side.
  const sold = [...trend.keys()].map(monthIndex).filter((i) => i <= lastFull);
  const from = Math.max(minOf(sold), lastFull - 23);
  const lastMonths = sold.length === 0 ? [] : Array.from({ length: lastFull - from + 1 }, (_, k) => monthKey(from + k));
  return [
    {
      title: t('report.section.cohorts'),
      lines: [t('report.cohorts.line')],
      chart: { type: 'heatmap', title: t('report.chart.cohorts'), rows: cohorts, columns, cells },
      tables: [
        {
          name: 'cohorts',
          columns: [
            col('cohort', t('report.col.cohort')),
            col('month', t('report.col.months-since'), 'int'),
            col('customers', t('report.col.cohort-size'), 'int'),
            col('buying', t('report.col.buying'), 'int'),
            col('share_buying', t('report.col.share-buying'), 'share'),
            col('revenue', t('report.col.revenue'), 'money'),
          ],
          rows,
        },
      ],
    },
    {
      title: t('report.section.revenue-by-month'),
      lines: [
        t('report.revenue-by-month.line'),
        ...(partial ? [t('report.revenue-by-month.partial', { month: c.o.asOf.slice(0, 7), date: formatDate(c.o.asOf) })] : []),
      ],
      chart: {
        type: 'trend',
        title: t('report.chart.revenue-by-month'),
        points: lastMonths.map((m) => ({ label: m, value: trend.get(m) ?? 0 })),
        kind: 'money',
      },
    },
  ];
}

async function complaintsSection(c: Ctx): Promise<Section[]> {
  const s = await complaintSummary(c.db, c.o.asOf, 90);
  const pct = (x: number | null): string => (x === null ? t('report.n-a') : `${Math.round(x * 100)}%`);
  return [
    {
      title: t('report.section.complaints'),
      ...(s.complaints === 0 ? { omitted: t('report.complaints.none', { date: formatDate(c.o.asOf) }) } : {}),
      lines: [
        t('report.complaints.counts', {
          logged: s.complaints,
          open: s.open,
          overdue: s.overdue.length,
          median: s.median_hours_to_resolve === null ? t('report.n-a') : t('report.complaints.hours', { hours: s.median_hours_to_resolve }),
        }),
        t('report.complaints.bought-again', {
          days: 90,
          satisfied: pct(s.after_satisfied.rate),
          satisfiedBought: s.after_satisfied.bought_again,
          satisfiedResolved: s.after_satisfied.resolved,
          notSatisfied: pct(s.after_not_satisfied.rate),
          notBought: s.after_not_satisfied.bought_again,
          notResolved: s.after_not_satisfied.resolved,
        }),
      ],
      tables: [
        {
          name: 'complaints_by_category',
          columns: [
            col('category', t('report.col.category')),
            col('total', t('report.col.total'), 'int'),
            col('open', statusName('open'), 'int'),
            col('in_progress', statusName('in_progress'), 'int'),
            col('resolved', statusName('resolved'), 'int'),
            col('closed', statusName('closed'), 'int'),
          ],
          // Categories with no complaint say nothing: only those with one are listed.
          rows: s.by_category.filter((r) => r.total > 0).map((r) => ({ ...r })),
        },
        {
          name: 'overdue',
          columns: [
            col('id', t('report.col.complaint'), 'int'),
            col('customer_id', t('report.col.customer')),
            col('category', t('report.col.category')),
            col('days_overdue', t('report.col.days-overdue'), 'int'),
          ],
          rows: s.overdue.map((r) => ({ ...r })),
        },
      ],
    },
  ];
}

/**
 * Per account manager (or, where the records name none, the member of staff who served most of
 * a customer's sales): customers, revenue over the value window, retention (the share of their
 * customers whose relationship has not ended) and churn rate (the rest). Domain section 6: retention
 * belongs in the evaluation of each account manager.
 */
const NOBODY = '(nobody named)';

async function staffSection(c: Ctx): Promise<Section[]> {
  const who = await c.db.customerStaff(c.o.asOf);
  const windowDays = c.loaded.settings.valueWindowDays;
  const sales = await c.db.staffSales(daysBefore(c.o.asOf, windowDays), c.o.asOf);
  // One pass, counting as it goes: appending each customer to a copy of their staff's list was
  // quadratic (200,000 customers took 292 s).
  const by = new Map<string, { customers: number; revenue: number; ended: number; high: number }>();
  for (const x of c.now.customers) {
    const k = who.get(x.customerId) ?? NOBODY;
    let g = by.get(k);
    if (g === undefined) by.set(k, (g = { customers: 0, revenue: 0, ended: 0, high: 0 }));
    g.customers++;
    g.revenue += x.valueRevenue;
    if (x.stage === 'ended') g.ended++;
    if (x.tier === 'platinum' || x.tier === 'gold') g.high++;
  }
  const rows = [...by]
    .map(([staff, g]) => ({
      staff,
      customers: g.customers,
      revenue: g.revenue,
      churn_rate: g.ended / g.customers,
      retention: 1 - g.ended / g.customers,
      at_high_tiers: g.high,
    }))
    .sort((a, b) => b.revenue - a.revenue || a.staff.localeCompare(b.staff));
  return [
    {
      title: t('report.section.staff'),
      ...(rows.every((r) => r.staff === NOBODY) ? { omitted: t('report.staff.none') } : {}),
      lines: [t('report.staff.line'), t('report.staff.sales-line', { days: windowDays, date: formatDate(c.o.asOf) })],
      chart: {
        type: 'bars',
        title: t('report.chart.staff'),
        bars: rows.map((r) => ({ label: r.staff === NOBODY ? t('report.nobody') : r.staff, value: r.retention })),
        kind: 'share',
      },
      tables: [
        {
          name: 'staff',
          columns: [
            col('staff', t('report.col.staff')),
            col('customers', t('report.col.customers'), 'int'),
            col('at_high_tiers', t('report.col.platinum-gold'), 'int'),
            col('revenue', t('report.col.revenue'), 'money'),
            col('retention', t('report.col.retention'), 'share'),
            col('churn_rate', t('report.col.churn-rate'), 'share'),
          ],
          rows,
        },
        {
          name: 'staff_sales',
          columns: [
            col('staff', t('report.col.staff')),
            col('lines', t('report.col.sales-lines'), 'int', 2),
            col('net', t('report.col.net-sales'), 'money'),
            col('lines_without_customer', t('report.col.lines-without-customer'), 'int', 1),
            col('net_without_customer', t('report.col.of-which-without-customer'), 'money'),
          ],
          rows: sales.map((r) => ({
            staff: r.staff,
            lines: r.lines,
            net: r.net,
            lines_without_customer: r.linesWithoutCustomer,
            net_without_customer: r.netWithoutCustomer,
          })),
        },
      ],
    },
  ];
}

/** Products the shop sold most of over the value window: all its sales, those without a customer included. */
async function productsSection(c: Ctx): Promise<Section[]> {
  const windowDays = c.loaded.settings.valueWindowDays;
  const rows = await c.db.productSales(daysBefore(c.o.asOf, windowDays), c.o.asOf, 20);
  return [
    {
      title: t('report.section.products'),
      lines: [t('report.products.line', { n: 20, days: windowDays, date: formatDate(c.o.asOf) })],
      tables: [
        {
          name: 'products',
          columns: [
            col('product', t('report.col.product')),
            col('name', t('report.col.name')),
            col('lines', t('report.col.sales-lines'), 'int', 1),
            col('net', t('report.col.net-sales'), 'money'),
            col('net_without_customer', t('report.col.of-which-without-customer'), 'money'),
          ],
          rows: rows.map((r) => ({ product: r.product, name: r.name ?? '', lines: r.lines, net: r.net, net_without_customer: r.netWithoutCustomer })),
        },
      ],
    },
  ];
}

function reportTitle(name: ReportName, asOf: string): string {
  const date = formatDate(asOf);
  switch (name) {
    case 'churn':
      return t('report.title.churn', { date });
    case 'pyramid':
      return t('report.title.pyramid', { date });
    case 'lifecycle':
      return t('report.title.lifecycle', { date });
    case 'rfm':
      return t('report.title.rfm', { date });
    case 'movement':
      return t('report.title.movement', { date });
    case 'cohorts':
      return t('report.title.cohorts', { date });
    case 'complaints':
      return t('report.title.complaints', { date });
    case 'staff':
      return t('report.title.staff', { date });
    case 'products':
      return t('report.title.products', { date });
    case 'summary':
      return t('report.title.summary', { date });
  }
}

/** What a report says of data whose newest sale is older than its period: its week has no sales. */
function stalePeriodLine(asOf: string, stale: DataAge): string {
  return t('report.stale-period', {
    last: formatDate(stale.newestSale),
    lastIso: stale.newestSale,
    days: formatNumber(stale.daysBefore),
    asOf: formatDate(asOf),
  });
}

export async function buildReport(db: Store, name: ReportName, o: ReportOptions): Promise<Report> {
  const c = await context(db, o);
  const parts: Record<Exclude<ReportName, 'summary'>, (c: Ctx) => Promise<Section[]>> = {
    churn: churnSection,
    pyramid: pyramidSection,
    lifecycle: lifecycleSection,
    rfm: rfmSection,
    movement: movementSection,
    cohorts: cohortSection,
    complaints: complaintsSection,
    staff: staffSection,
    products: productsSection,
  };
  const sections: Section[] = [];
  // Older still than staleWarning's limit: every customer looks gone, which is said instead.
  const warning = await staleWarning(db, o.asOf);
  const stale = await staleData(db, o.asOf, warning !== null);
  if (stale !== null)
    sections.push({ title: t('report.section.stale'), lines: [warning !== null ? t('report.stale', { warning }) : stalePeriodLine(o.asOf, stale)] });
  if (name === 'summary') {
    sections.push(...(await headlineSection(c, stale)));
    for (const k of Object.keys(parts) as (keyof typeof parts)[]) sections.push(...(await parts[k](c)));
  } else {
    sections.push(...(await parts[name](c)));
  }
  const report: Report = { name, title: reportTitle(name, o.asOf), asOf: o.asOf, currency: c.money.currency, exponent: c.money.exponent, stale, sections };
  if (c.scorecard !== undefined) report.scorecard = c.scorecard;
  return report;
}
