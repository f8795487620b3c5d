/**
 * A report is data: sections of text, tables and charts. The renderers (terminal, Markdown,
 * HTML, CSV, JSON) draw the same report, so every format says the same thing.
 */
import type { Scorecard } from '../core/scorecard.js';
import type { DataAge } from '../app/run.js';

export type Kind = 'text' | 'int' | 'money' | 'share' | 'number' | 'date';

export interface ReportColumn {
  key: string;
  header: string;
  kind: Kind;
  /** On a narrow terminal, the order in which the column may be left out (1 first); without it, never (output.ts planTable). */
  drop?: number;
}

export interface ReportTable {
  /** Stable name, the CSV file's and JSON key's: e.g. "watchlist". */
  name: string;
  columns: ReportColumn[];
  rows: Record<string, string | number | boolean | null>[];
}

export type Chart =
  | { type: 'bars'; title: string; bars: { label: string; value: number }[]; kind: Kind }
  /** Tiers drawn by their share of revenue (under rank tiers the customer counts are fixed shares). */
  | { type: 'pyramid'; title: string; levels: { label: string; customers: number; share: number }[] }
  | { type: 'funnel'; title: string; steps: { label: string; value: number }[] }
  | { type: 'heatmap'; title: string; rows: string[]; columns: string[]; cells: (number | null)[][] }
  | { type: 'trend'; title: string; points: { label: string; value: number }[]; kind: Kind }
  /** Weekly purchases and the model's expectation after its cutoff (predicted null before it). */
  | { type: 'check'; title: string; cutoff: string; weeks: { label: string; actual: number; predicted: number | null }[] };

/** One figure of the headline strip: what it is, the figure, and a few words on it. */
export interface Headline {
  label: string;
  value: string;
  detail: string;
}

export interface Section {
  title: string;
  /** The figures a report opens with (the summary's first section). */
  headline?: Headline[];
  /**
   * Set when the section has nothing to show: why, in one line. Documents list it under "Not
   * shown" instead of drawing empty tables; CSV and JSON keep its (empty) tables for scripts.
   */
  omitted?: string;
  lines?: string[];
  chart?: Chart;
  tables?: ReportTable[];
}

export interface Report {
  name: string;
  title: string;
  asOf: string;
  currency: string | null;
  exponent: number;
  /** Set when no sale falls in the report's period (the week to the as-of date): the newest sale and how long before. */
  stale?: DataAge | null;
  sections: Section[];
  /** The churn and summary reports: how the newest list whose horizon has passed turned out (null: none to score). */
  scorecard?: Scorecard | null;
}
