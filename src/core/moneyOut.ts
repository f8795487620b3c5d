/**
 * Money in files and for programs: CSV and JSON carry amounts as exact decimals in the currency
 * ("859.94", from the integer minor units by their digits: no float artefact), with the currency
 * named (a `currency` column or field), as the exports do. The terminal formats them itself.
 *
 * Which fields are money is decided here, once, by their documented names (docs/: customer
 * columns, status, segment, the card, complaints), so every command's CSV and JSON agree.
 */
import { decimalText } from './money.js';

export interface MoneyUnits {
  exponent: number;
  currency: string | null;
}

export const MONEY_KEYS: ReadonlySet<string> = new Set([
  // customer columns (rapport customers, churn, the card)
  'monetary',
  'avg_order_value',
  'recent_revenue',
  'previous_revenue',
  'value',
  'expected_spend',
  'clv',
  'value_at_risk',
  'keep_value',
  // status
  'net_revenue',
  'net_revenue_without_customer',
  'refunds_amount',
  // segment groups
  'revenue',
  'average',
  // the card's months and transactions; complaints
  'net',
  'amount',
  'unit_price',
  'compensation',
]);

/** A money value as data: whole minor units become the decimal text; anything else is left as it is. */
export function moneyValue(v: unknown, units: MoneyUnits): unknown {
  return typeof v === 'number' && Number.isInteger(v) ? decimalText(v, units.exponent) : v;
}

/** A JSON document with every money field, at any depth, as a decimal. */
export function moneyJson(value: unknown, units: MoneyUnits): unknown {
  if (Array.isArray(value)) return value.map((x) => moneyJson(x, units));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = MONEY_KEYS.has(k) ? moneyValue(v, units) : moneyJson(v, units);
  return out;
}
