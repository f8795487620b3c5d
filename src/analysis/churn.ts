/** Churn risk as the commands need it: the analysis, a model fit (saved or fitted now), scores. */
import type { Analysis } from '../core/analysis.js';
import { fitModels, scoreChurn, type ChurnScore, type Fitted, type ModelSettings } from '../core/model/churn.js';
import type { DB } from '../store/db.js';
import type { SnapshotFilter } from '../store/snapshots.js';
import { openByCustomer, type OpenComplaints } from '../core/complaints.js';
import { complaintsAt } from '../store/complaints.js';
import { analysisAsOf, currentFit, loadSettings, moneyOf, type LoadedSettings, type Money } from './run.js';

export interface ChurnPicture {
  analysis: Analysis;
  money: Money;
  loaded: LoadedSettings;
  fitted: Fitted;
  /** 'saved': the current fit `rapport model` saved; 'fitted': fitted for this run only. */
  fitSource: 'saved' | 'fitted';
  scores: Map<string, ChurnScore>;
}

/**
 * Scores customers as of the date. A read command never saves a fit: without a saved one the
 * model is fitted for this run (over every customer) and the tiers stay as `segment` made them;
 * `rapport model` saves fits. `overrides` change the scoring for this run (the horizon); the
 * filter narrows what is scored when a saved fit makes fitting unnecessary.
 */
export function churnAsOf(
  db: DB,
  asOf: string,
  options: { overrides?: Partial<ModelSettings>; filter?: SnapshotFilter; /** Every customer's analysis as of the date, when the caller has it already. */ analysis?: Analysis } = {},
): ChurnPicture {
  const money = moneyOf(db);
  const loaded = loadSettings(db, money);
  const saved = currentFit(db, asOf, loaded);
  const analysis = options.analysis ?? analysisAsOf(db, asOf, saved === null ? {} : (options.filter ?? {})).analysis;
  const fitted = saved ?? fitModels(analysis.customers, asOf, loaded.settings.model);
  const settings: ModelSettings = { ...loaded.settings.model, ...options.overrides };
  const scores = new Map(scoreChurn(analysis.customers, fitted, settings, loaded.settings.lifecycle, analysis.populationGapDays, openComplaintsAsOf(db, asOf)).map((s) => [s.customerId, s]));
  return { analysis, money, loaded, fitted, fitSource: saved === null ? 'fitted' : 'saved', scores };
}

/** Open complaints per customer at the end of the as-of day, as their history had them then. */
export function openComplaintsAsOf(db: DB, asOf: string): Map<string, OpenComplaints> {
  const end = `${asOf}T23:59:59.999Z`;
  return openByCustomer(complaintsAt(db, end), end);
}

/** The stderr note for a run that fitted the model itself. */
export function fittedNote(p: ChurnPicture, asOf: string): string | null {
  if (p.fitSource === 'saved' || p.fitted.purchase === null) return null;
  return `note: the model was fitted for this run; rapport model --as-of ${asOf} saves the fit (faster runs, and the pyramid ranks by lifetime value)`;
}
