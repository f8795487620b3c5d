/**
 * Times the churn model's phases on a database, in this process: reading the per-customer
 * summaries, fitting (each purchase model and the spend model), and scoring every customer.
 * Usage: node dist-dev/bench/model.js DB [AS_OF]  (default: the last transaction's date). Prints JSON.
 */
import { fitModels, scoreChurn } from '../src/core/model/churn.js';
import { loadSettings, measure, moneyOf } from '../src/app/run.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { SqliteStore } from '../src/store/sqlite/store.js';

const [dbPath, asOfArg] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: node dist-dev/bench/model.js DB [AS_OF]');
const db = new SqliteStore(openDatabase(dbPath, { create: false }), dbPath);
const asOf = asOfArg ?? (await db.lastTransactionDate())!;
const loaded = await loadSettings(db, await moneyOf(db));
const ms = (t: number): number => Math.round(performance.now() - t);
let t = performance.now();
const measured = await measure(db, asOf, loaded.settings);
const readMs = ms(t);
const out: Record<string, unknown> = { as_of: asOf, customers: measured.customers.length, read_ms: readMs };
for (const model of ['bgnbd', 'mbgnbd', 'paretonbd'] as const) {
  const settings = { ...loaded.settings.model, model };
  t = performance.now();
  const fitted = fitModels(measured.customers, asOf, settings);
  const fitMs = ms(t);
  t = performance.now();
  const scores = scoreChurn(measured.customers, fitted, settings, loaded.settings.lifecycle, measured.populationGapDays);
  const scoreMs = ms(t);
  out[model] = {
    fit_ms: fitMs,
    score_ms: scoreMs,
    fit_and_score_ms: fitMs + scoreMs,
    groups: fitted.purchase?.groups,
    params: fitted.purchase?.params,
    spend: fitted.spend?.params,
    log_likelihood: fitted.purchase?.logLikelihood,
    high_risk: scores.filter((s) => s.riskLevel === 'high').length,
  };
}
out.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
await db.close();
