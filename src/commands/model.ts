import { fitModels, type Fitted, type ModelSettings } from '../core/model/churn.js';
import type { PurchaseModelName } from '../core/model/bgnbd.js';
import { computeAnalysis, loadSettings, measure, moneyOf } from '../analysis/run.js';
import { findSnapshot, saveSnapshot } from '../store/snapshots.js';
import { openForAnalysis, type Context } from '../context.js';
import { notice } from '../io.js';
import { UsageError } from '../errors.js';
import { chalkFor, printRecord, resolveFormat } from '../output.js';

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key + '.'));
    else out[key] = Array.isArray(v) ? v.join('; ') : v;
  }
  return out;
}
import { saveFit } from '../store/fits.js';

/** --model: the two fitted here; Pareto/NBD is named, and said to be missing, rather than unknown. */
export function parseModelName(text: string | undefined): PurchaseModelName | null {
  if (text === undefined) return null;
  const t = text.trim().toLowerCase().replace(/[^a-z]/g, '');
  if (t === 'bgnbd' || t === 'mbgnbd') return t;
  if (t === 'paretonbd') throw new UsageError('Pareto/NBD is not supported yet', 'use --model mbgnbd: like Pareto/NBD it lets one-time buyers be gone');
  throw new UsageError(`--model must be mbgnbd or bgnbd, not "${text}"`, 'for example --model bgnbd');
}

export interface ModelOptions {
  asOf: string;
  model: PurchaseModelName | null;
  timeUnit: ModelSettings['timeUnit'] | null;
  save: boolean;
}

/** The fit as printed: the usual parameter names, snake_case keys. */
export function fitRecord(f: Fitted): Record<string, unknown> {
  return {
    as_of: f.asOf,
    time_unit: f.timeUnit,
    used: f.purchase !== null,
    fallback: f.fallback,
    spend_problem: f.spendProblem ?? null,
    sufficiency: { ok: f.sufficiency.ok, customers: f.sufficiency.customers, repeat_buyers: f.sufficiency.repeatBuyers, history_days: f.sufficiency.historyDays, problems: f.sufficiency.problems },
    purchase:
      f.purchase === null
        ? null
        : {
            model: f.purchase.model,
            params: f.purchase.params,
            log_likelihood: f.purchase.logLikelihood,
            customers: f.purchase.customers,
            groups: f.purchase.groups,
            iterations: f.purchase.iterations,
            converged: f.purchase.converged,
          },
    spend:
      f.spend === null
        ? null
        : { model: 'gamma-gamma', params: f.spend.params, log_likelihood: f.spend.logLikelihood, customers: f.spend.customers, left_out: f.spendLeftOut, iterations: f.spend.iterations, converged: f.spend.converged },
  };
}

export function runModel(options: ModelOptions, ctx: Context): number {
  const db = openForAnalysis(ctx, options.save);
  try {
    const money = moneyOf(db);
    const loaded = loadSettings(db, money);
    const settings: ModelSettings = { ...loaded.settings.model, ...(options.model ? { model: options.model } : {}), ...(options.timeUnit ? { timeUnit: options.timeUnit } : {}) };
    const measured = measure(db, options.asOf, loaded.settings);
    const fitted = fitModels(measured.customers, options.asOf, settings);
    const asStored = settings.model === loaded.settings.model.model && settings.timeUnit === loaded.settings.model.timeUnit;
    if (options.save && asStored) {
      const id = saveFit(db, fitted, loaded.text);
      notice(
        ctx.io,
        fitted.purchase === null
          ? `saved model fit ${id} (as of ${options.asOf}): no model (${fitted.fallback}); churn uses the lifecycle rules`
          : `saved model fit ${id} (as of ${options.asOf}); churn, customers and segment use it until an import stores rows or a model setting changes`,
      );
      // A snapshot of the same date ranked its tiers without the model: segment it again now.
      if (fitted.purchase !== null && findSnapshot(db, options.asOf) !== null) {
        const snapshot = saveSnapshot(db, computeAnalysis(db, options.asOf, loaded, money, measured), loaded.text);
        notice(ctx.io, `snapshot ${snapshot} (as of ${options.asOf}) saved again: its tiers now rank by predicted lifetime value`);
      }
    } else if (options.save) {
      notice(ctx.io, `not saved: fitted with flags that differ from the settings (model.name = ${loaded.settings.model.model}, model.time_unit = ${loaded.settings.model.timeUnit}); rapport config set changes those`);
    }
    const record = fitRecord(fitted);
    const format = resolveFormat(ctx.format, ctx.io);
    if (format === 'json') {
      ctx.io.stdout.write(JSON.stringify(record, null, 2) + '\n');
      return 0;
    }
    if (format === 'csv') {
      // One row, nested keys joined with dots (purchase.params.r, spend.params.p, ...).
      printRecord(ctx.io, 'csv', flatten(record));
      return 0;
    }
    const c = chalkFor(ctx.io);
    const out = (s = ''): void => void ctx.io.stdout.write(s + '\n');
    const f = fitted;
    const s = f.sufficiency;
    out(c.bold(`Model as of ${options.asOf}, time unit: ${f.timeUnit}`));
    out(`  data: ${s.customers.toLocaleString('en-US')} customers with purchases, ${s.repeatBuyers.toLocaleString('en-US')} repeat buyers, ${s.historyDays.toLocaleString('en-US')} days of history: ${s.ok ? 'enough' : 'not enough'}`);
    for (const p of s.problems) out(`    - ${p}`);
    if (f.purchase === null) {
      out(`  ${c.yellow('no model')}: ${f.fallback}; churn risk comes from the lifecycle rules instead (see README "Churn risk")`);
    } else {
      const p = f.purchase.params;
      const name = f.purchase.model === 'mbgnbd' ? 'MBG/NBD' : 'BG/NBD';
      out();
      out(c.bold(`Purchases: ${name}`) + `  (${f.purchase.converged ? 'converged' : 'NOT converged'}, ${f.purchase.iterations} iterations)`);
      out(`  r ${p.r.toPrecision(4)}  alpha ${p.alpha.toPrecision(4)}  a ${p.a.toPrecision(4)}  b ${p.b.toPrecision(4)}`);
      out(`  log-likelihood ${f.purchase.logLikelihood.toFixed(1)} over ${f.purchase.customers.toLocaleString('en-US')} customers (${f.purchase.groups.toLocaleString('en-US')} distinct histories)`);
      out(`  purchase rates vary as Gamma(r, alpha): ${(p.r / p.alpha).toPrecision(3)} a ${f.timeUnit} on average while active; each purchase is the last with probability a/(a+b) = ${((p.a / (p.a + p.b)) * 100).toFixed(1)}% on average`);
    }
    if (f.spendProblem) out(`\n  ${c.yellow('spend')}: ${f.spendProblem}`);
    if (f.spend !== null) {
      const q = f.spend.params;
      out();
      out(c.bold('Spend per purchase: Gamma-Gamma') + `  (${f.spend.converged ? 'converged' : 'NOT converged'})`);
      out(`  p ${q.p.toPrecision(4)}  q ${q.q.toPrecision(4)}  v ${q.v.toPrecision(4)}`);
      out(`  log-likelihood ${f.spend.logLikelihood.toFixed(1)} over ${f.spend.customers.toLocaleString('en-US')} customers; ${f.spendLeftOut.toLocaleString('en-US')} left out (no purchase day with a positive net spend)`);
      if (q.q > 1) out(`  mean spend per purchase across customers ${money.format((q.p * q.v) / (q.q - 1))}${money.currency ? ' ' + money.currency : ''}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
