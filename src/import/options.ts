/**
 * What a user asked of an import (the flags of `rapport import`): shared by the sniffer and the
 * import run, so neither imports the other.
 */
import type { ImportKind } from '../core/columns.js';
import type { RoundRule } from '../core/money.js';

export interface ImportOptions {
  kind: ImportKind;
  map: Record<string, string>;
  dateFormat?: string;
  decimalComma: boolean;
  /** --round: amounts finer than the currency's minor unit are rounded by this rule instead of rejected. */
  round?: RoundRule;
  /** --no-header: the first line is data; columns are named by number (--map customer_id=1). */
  noHeader: boolean;
  currency?: string;
  encoding?: string;
  delimiter?: string;
  /** Refuse the file when rejects exceed this many rows... */
  maxRejects?: number;
  /** ...or this percentage of the rows read. */
  maxRejectsPercent?: number;
  dryRun: boolean;
  /** --no-dedupe: store every row, even one the database already holds (exports known not to overlap). */
  keepAll: boolean;
  /** Rows to show in a dry run. */
  preview: number;
  /** The import's clock (ISO date) for judging which reading of ambiguous dates is plausible; default today. */
  today?: string;
}
