/** Churn risk as the commands need it: the analysis, a current model fit (saved or fitted now), scores. */
import { analyse, type Analysis } from '../core/analysis.js';
import { fitModels, scoreChurn, type ChurnScore, type Fitted, type ModelSettings } from '../core/model/churn.js';
import type { DB } from '../store/db.js';
import { saveFit } from '../store/fits.js';
import type { SnapshotFilter } from '../store/snapshots.js';
import { analysisAsOf, currentFit, loadSettings, moneyOf, type LoadedSettings, type Money } from './run.js';

export interface ChurnPicture {
  analysis: Analysis;
  money: Money;
  loaded: LoadedSettings;
  fitted: Fitted;
  /** 'saved': a current fit from rapport model; 'fitted': fitted now (and saved when allowed). */
  fitSource: 'saved' | 'fitted';
  scores: Map<string, ChurnScore>;
}

/**
 * Scores every customer as of the date. `overrides` change the scoring for this run only (the
 * horizon); `save` keeps a fresh fit for later runs (the fit depends on data and model settings
 * only, so saving it never changes what another setting means).
 */
export function churnAsOf(db: DB, asOf: string, options: { save: boolean; overrides?: Partial<ModelSettings>; filter?: SnapshotFilter } = { save: false }): ChurnPicture {
  const money = moneyOf(db);
  const loaded0 = loadSettings(db, money);
  const saved = currentFit(db, asOf, loaded0);
  // With a saved fit only the customers asked for need scoring; fitting needs them all.
  const found = analysisAsOf(db, asOf, saved === null ? {} : (options.filter ?? {}));
  const { loaded } = found;
  let analysis = found.analysis;
  const settings: ModelSettings = { ...loaded.settings.model, ...options.overrides };
  let fitted = saved;
  let fitSource: ChurnPicture['fitSource'] = 'saved';
  if (fitted === null) {
    fitted = fitModels(analysis.customers, asOf, loaded.settings.model);
    fitSource = 'fitted';
    if (options.save) saveFit(db, fitted, loaded.text);
    if (fitted.purchase !== null) {
      // The analysis ranked tiers by revenue (there was no fit); with one, the pyramid ranks by
      // lifetime value, as it will on every later run.
      const values = new Map(scoreChurn(analysis.customers, fitted, loaded.settings.model, loaded.settings.lifecycle, analysis.populationGapDays).map((s) => [s.customerId, s.clv ?? 0]));
      analysis = analyse(analysis, asOf, loaded.settings, (minor) => money.format(minor) + (money.currency ? ' ' + money.currency : ''), values);
    }
  }
  const scores = new Map(scoreChurn(analysis.customers, fitted, settings, loaded.settings.lifecycle, analysis.populationGapDays).map((s) => [s.customerId, s]));
  return { analysis, money, loaded, fitted, fitSource, scores };
}
