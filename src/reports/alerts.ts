/**
 * --fail-if: conditions a cron job alerts on. Each is checked against the churn report (and the
 * complaints) as of the report's date; the report is written either way, and the exit code says
 * whether any condition held (ExitCode.alert).
 */
import { UsageError } from '../sys/errors.js';
import type { Report } from './model.js';
import { t, tn } from '../i18n/index.js';

export type Condition =
  | { kind: 'high-risk-value'; above: number; text: string }
  | { kind: 'new-high-risk'; tier: string; text: string }
  | { kind: 'overdue-complaints'; above: number; text: string };

const TIER_NAMES = ['platinum', 'gold', 'iron', 'lead'];

/** high-risk-value>AMOUNT (currency units), new-high-risk:TIER, overdue-complaints>N. */
export function parseCondition(text: string, exponent: number): Condition {
  const asked = text.trim().toLowerCase().replace(/\s+/g, '');
  let m = /^high-risk-value>(\d+(?:\.\d+)?)$/.exec(asked);
  if (m) return { kind: 'high-risk-value', above: Math.round(Number(m[1]) * 10 ** exponent), text };
  m = /^new-high-risk:(\w+)$/.exec(asked);
  if (m && TIER_NAMES.includes(m[1]!)) return { kind: 'new-high-risk', tier: m[1]!, text };
  m = /^overdue-complaints>(\d+)$/.exec(asked);
  if (m) return { kind: 'overdue-complaints', above: Number(m[1]), text };
  throw new UsageError(t('report.alert.unknown', { text }), t('report.alert.unknown-hint'));
}

type Row = Record<string, string | number | boolean | null>;
const table = (r: Report, name: string): Row[] => r.sections.flatMap((s) => s.tables ?? []).find((t) => t.name === name)?.rows ?? [];

/** The conditions that held, each with what was seen, in words. */
export function check(conditions: readonly Condition[], churn: Report, complaints: Report, money: (minor: number) => string): string[] {
  const out: string[] = [];
  for (const c of conditions) {
    if (c.kind === 'high-risk-value') {
      // every high-risk customer, not only the watchlist's first rows
      const total = table(churn, 'all_high_risk').reduce((s, r) => s + Number(r.value_at_risk ?? 0), 0);
      if (total > c.above) out.push(t('report.alert.high-risk-value', { condition: c.text, total: money(total), above: money(c.above) }));
    } else if (c.kind === 'new-high-risk') {
      const hits = table(churn, 'new_at_risk')
        .filter((r) => r.tier === c.tier)
        .map((r) => String(r.customer_id));
      if (hits.length > 0) out.push(t('report.alert.new-high-risk', { condition: c.text, customers: hits.join(', ') }));
    } else {
      const n = table(complaints, 'overdue').length;
      if (n > c.above) out.push(tn('report.alert.overdue', n, { condition: c.text }));
    }
  }
  return out;
}
