/**
 * The NBD: a customer buys at a Poisson rate λ ~ Gamma(r, α) and never leaves (A. S. C.
 * Ehrenberg, "The pattern of consumer purchases", Applied Statistics 8(1), 1959). It is the limit
 * of Pareto/NBD as the dropout rates go to 0 (D. C. Schmittlein, D. G. Morrison and R. Colombo,
 * "Counting your customers", Management Science 33(1), 1987: s → 0) and of BG/NBD as a → 0, so a
 * fit of those that runs to "nobody leaves" is this model, fitted here with its own two
 * parameters. On the same summaries (x repeat purchases in (0, T]), the density of the purchase
 * times, integrated over λ, is Γ(r+x) α^r / (Γ(r) (α+T)^(r+x)): the first term of the BG/NBD
 * likelihood, so log-likelihoods compare. Given the history, λ ~ Gamma(r+x, α+T); hence
 *   E[Y(t)] = (r+x) t / (α+T),   P(no purchase in t) = ((α+T)/(α+T+t))^(r+x),   P(alive) = 1.
 * Pure.
 */
import { lgamma } from './special.js';
import { FIT_ITERATIONS, nelderMead } from './optimize.js';
import { meanAge, type Grouped, type ModelFit, type NbdParams, type PurchaseModel, type Summary } from './purchase.js';

export type { NbdParams } from './purchase.js';

export function nbdLogLikelihood(data: Grouped): (p: NbdParams) => number {
  return ({ r, alpha }) => {
    let total = 0;
    const lr = lgamma(r);
    const la = Math.log(alpha);
    for (let i = 0; i < data.x.length; i++) {
      const x = data.x[i]!;
      total += data.weight[i]! * (lgamma(r + x) - lr + r * la - (r + x) * Math.log(alpha + data.T[i]!));
    }
    return total;
  };
}

export function fitNbd(data: Grouped, from?: NbdParams, maxIterations = FIT_ITERATIONS): ModelFit<NbdParams> {
  const ll = nbdLogLikelihood(data);
  const toParams = (v: number[]): NbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!) });
  const objective = (v: number[]): number => (v.every((z) => Math.abs(z) < 30) ? -ll(toParams(v)) : Infinity);
  // r beyond 1e4: every customer buys at the same rate (the Poisson limit), and the likelihood
  // keeps creeping up along r/α fixed; the fit stops there, its forecasts those of that limit.
  const poisson = (v: readonly number[]): boolean => v[0]! > Math.log(1e4);
  const start = from === undefined ? [0, Math.log(meanAge(data))] : [Math.log(from.r), Math.log(from.alpha)];
  let best = nelderMead(objective, start, { step: from === undefined ? 1 : 0.3, maxIterations, stop: poisson });
  let iterations = best.iterations;
  if (!poisson(best.x)) {
    const again = nelderMead(objective, best.x, { step: 0.1, maxIterations, stop: poisson });
    iterations += again.iterations;
    if (again.value <= best.value) best = again;
  }
  return { params: toParams(best.x), logLikelihood: -best.value, iterations, converged: (best.converged || poisson(best.x)) && Number.isFinite(best.value) };
}

export function nbdExpectedPurchases(p: NbdParams, s: Summary, t: number): number {
  return ((p.r + s.x) * t) / (p.alpha + s.T);
}

export function nbdPNoPurchase(p: NbdParams, s: Summary, t: number): number {
  return Math.exp((p.r + s.x) * Math.log((p.alpha + s.T) / (p.alpha + s.T + t)));
}

export const nbd: PurchaseModel<NbdParams> = {
  name: 'nbd',
  label: 'NBD',
  logLikelihood: nbdLogLikelihood,
  fit: (data, from) => fitNbd(data, from),
  pAlive: () => 1,
  expectedPurchases: nbdExpectedPurchases,
  pNoPurchase: nbdPNoPurchase,
  describe: (p) => ({
    params: [
      ['r', p.r],
      ['alpha', p.alpha],
    ],
    words: { key: 'model.nbd-words', vars: { rate: (p.r / p.alpha).toPrecision(3) } },
  }),
};
