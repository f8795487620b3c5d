/**
 * Buy-till-you-die purchase models, fitted by maximum likelihood on per-customer summaries:
 * x repeat purchases (purchase days after the first), t_x the time from the first purchase to
 * the last, T the time from the first purchase to the as-of date, in one time unit. Pure.
 *
 * BG/NBD: P. S. Fader, B. G. S. Hardie and K. L. Lee, "'Counting your customers' the easy way:
 * an alternative to the Pareto/NBD model", Marketing Science 24(2), 2005. While alive a customer
 * buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability
 * p ~ Beta(a, b). Likelihood (their eq. 6), with B the beta function:
 *   L = Γ(r+x) α^r / Γ(r) · [ B(a, b+x)/B(a, b) · (α+T)^-(r+x)
 *                             + 1{x>0} · B(a+1, b+x−1)/B(a, b) · (α+t_x)^-(r+x) ]
 * P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)), so a customer
 * with no repeat purchase is always alive: the known flaw for one-time buyers.
 *
 * MBG/NBD: E. P. Batislam, M. Denizel and A. Filiztekin, "Empirical validation and comparison of
 * models for customer base analysis", International Journal of Research in Marketing 24(3), 2007.
 * The same, but a customer can also drop out right after their first purchase (time 0), so
 * one-time buyers can be gone:
 *   L = Γ(r+x) α^r / Γ(r) · [ B(a, b+x+1)/B(a, b) · (α+T)^-(r+x) + B(a+1, b+x)/B(a, b) · (α+t_x)^-(r+x) ]
 * P(alive) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).
 *
 * Given alive at T, the future is again such a process with the posterior λ ~ Gamma(r+x, α+T)
 * and p ~ Beta(a, b+x) (BG/NBD) or Beta(a, b+x+1) (MBG/NBD). Hence the expected purchases in
 * (T, T+t] (FHL 2005 eq. 10, and its MBG/NBD counterpart):
 *   E[Y(t)] = P(alive) · (a+b'−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b'; a+b'−1; t/(α+T+t))]
 * with b' = b+x (BG/NBD) or b+x+1 (MBG/NBD); and, as dropping out happens only at a purchase,
 * the probability of no purchase in (T, T+t] is 1 − P(alive) + P(alive) · ((α+T)/(α+T+t))^(r+x).
 */
import { lbeta, lgamma, logAddExp, logHyp2f1 } from './special.js';
import { FIT_ITERATIONS, nelderMead, RESTART_ITERATIONS } from './optimize.js';
import { fitPareto, paretoExpectedPurchases, paretoLogLikelihood, paretoPAlive, paretoPNoPurchase, type ParetoParams } from './paretonbd.js';
import { fitNbd, nbdExpectedPurchases, nbdLogLikelihood, nbdPNoPurchase, type NbdParams } from './nbd.js';

/** The three buy-till-you-die models, and the NBD (nobody leaves: their common limit, nbd.ts). */
export type PurchaseModelName = 'bgnbd' | 'mbgnbd' | 'paretonbd' | 'nbd';
export const PURCHASE_MODELS: readonly PurchaseModelName[] = ['bgnbd', 'mbgnbd', 'paretonbd', 'nbd'];

/** BG/NBD and MBG/NBD: purchase rates Gamma(r, α), dropout at a purchase Beta(a, b). */
export interface BgParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** The fitted parameters: BG family (a, b), Pareto/NBD (s, β) or NBD (r, α only), told apart by the model's name. */
export type PurchaseParams = BgParams | ParetoParams | NbdParams;

const isPareto = (model: PurchaseModelName, _p: PurchaseParams): _p is ParetoParams => model === 'paretonbd';
const isNbd = (model: PurchaseModelName, _p: PurchaseParams): _p is NbdParams => model === 'nbd';

export interface Summary {
  /** Repeat purchases. */
  x: number;
  tx: number;
  T: number;
}

/** Customers with identical (x, t_x, T), counted once with a weight. */
export interface Grouped {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  customers: number;
}

export function group(rows: Iterable<Summary>): Grouped {
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  let customers = 0;
  for (const s of rows) {
    customers++;
    const key = `${s.x}|${s.tx}|${s.T}`;
    const i = index.get(key);
    if (i !== undefined) {
      weight[i]!++;
      continue;
    }
    index.set(key, x.length);
    x.push(s.x);
    tx.push(s.tx);
    T.push(s.T);
    weight.push(1);
  }
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), weight: Float64Array.from(weight), customers };
}

/** Distinct values and, per group, the index of its value: logs are taken once per value. */
function distinct(values: Float64Array): { values: Float64Array; at: Int32Array } {
  const unique = [...new Set(values)].sort((p, q) => p - q);
  const pos = new Map(unique.map((v, i) => [v, i]));
  return { values: Float64Array.from(unique), at: Int32Array.from(values, (v) => pos.get(v)!) };
}

/**
 * The total log-likelihood as a function of the parameters, for data fixed once. Everything that
 * depends only on x is computed once per distinct x, and ln(α+T), ln(α+t_x) once per distinct
 * value, so one evaluation costs a few operations per group.
 */
export function logLikelihood(model: PurchaseModelName, data: Grouped): (p: PurchaseParams) => number {
  if (model === 'paretonbd') {
    const pareto = paretoLogLikelihood(data);
    return (p) => pareto(p as ParetoParams);
  }
  if (model === 'nbd') {
    const nbd = nbdLogLikelihood(data);
    return (p) => nbd(p);
  }
  const bg = bgLogLikelihood(model, data);
  return (p) => bg(p as BgParams);
}

function bgLogLikelihood(model: PurchaseModelName, data: Grouped): (p: BgParams) => number {
  const xs = distinct(data.x);
  const Ts = distinct(data.T);
  const txs = distinct(data.tx);
  const nx = xs.values.length;
  const common = new Float64Array(nx);
  const aliveTerm = new Float64Array(nx);
  const goneTerm = new Float64Array(nx);
  const lnT = new Float64Array(Ts.values.length);
  const lnTx = new Float64Array(txs.values.length);
  const mbg = model === 'mbgnbd';
  return ({ r, alpha, a, b }) => {
    const lnB = lbeta(a, b);
    const lgr = lgamma(r);
    const lnAlpha = Math.log(alpha);
    for (let k = 0; k < nx; k++) {
      const x = xs.values[k]!;
      common[k] = lgamma(r + x) - lgr + r * lnAlpha;
      aliveTerm[k] = lbeta(a, b + x + (mbg ? 1 : 0)) - lnB;
      goneTerm[k] = mbg ? lbeta(a + 1, b + x) - lnB : x > 0 ? lbeta(a + 1, b + x - 1) - lnB : -Infinity;
    }
    for (let k = 0; k < lnT.length; k++) lnT[k] = Math.log(alpha + Ts.values[k]!);
    for (let k = 0; k < lnTx.length; k++) lnTx[k] = Math.log(alpha + txs.values[k]!);
    let total = 0;
    const n = data.x.length;
    for (let i = 0; i < n; i++) {
      const k = xs.at[i]!;
      const rx = r + data.x[i]!;
      const alive = aliveTerm[k]! - rx * lnT[Ts.at[i]!]!;
      const gone = goneTerm[k]! - rx * lnTx[txs.at[i]!]!;
      total += data.weight[i]! * (common[k]! + logAddExp(alive, gone));
    }
    return total;
  };
}

export interface PurchaseFit {
  model: PurchaseModelName;
  params: PurchaseParams;
  logLikelihood: number;
  customers: number;
  groups: number;
  iterations: number;
  converged: boolean;
}

const toParams = (v: number[]): BgParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });

/**
 * Maximum likelihood over the logarithms of (r, α, a, b), from r = 1, α = the mean age, a = 1,
 * b = 1; Nelder–Mead is restarted from its answer until a restart no longer improves it (a
 * simplex can collapse early on a long, flat ridge).
 */
export function fitPurchases(model: PurchaseModelName, data: Grouped, from?: PurchaseParams): PurchaseFit {
  if (model === 'paretonbd') {
    const f = fitPareto(data, from as ParetoParams | undefined);
    return { model, params: f.params, logLikelihood: f.logLikelihood, customers: data.customers, groups: data.x.length, iterations: f.iterations, converged: f.converged };
  }
  if (model === 'nbd') {
    const f = fitNbd(data, from);
    return { model, params: f.params, logLikelihood: f.logLikelihood, customers: data.customers, groups: data.x.length, iterations: f.iterations, converged: f.converged };
  }
  const ll = bgLogLikelihood(model, data);
  let meanT = 0;
  for (let i = 0; i < data.T.length; i++) meanT += data.weight[i]! * data.T[i]!;
  meanT = Math.max(1, meanT / Math.max(1, data.customers));
  const objective = (v: number[]): number => (v.every((z) => Math.abs(z) < 30) ? -ll(toParams(v)) : Infinity);
  const warm = from as BgParams | undefined;
  let start = warm === undefined ? [0, Math.log(meanT), 0, 0] : [warm.r, warm.alpha, warm.a, warm.b].map(Math.log);
  // Running to "nobody leaves" (a/(a+b) below the 1e-3 select.ts calls nobody leaving), the
  // fit gives up there: it is the NBD, fitted on its own.
  const stop = (v: readonly number[]): boolean => v[2]! - Math.log(Math.exp(v[2]!) + Math.exp(v[3]!)) < Math.log(1e-3);
  let best = nelderMead(objective, start, { step: warm === undefined ? 1 : 0.3, maxIterations: FIT_ITERATIONS, stop });
  let iterations = best.iterations;
  for (let restart = 0; restart < 5 && !stop(best.x); restart++) {
    start = best.x;
    const again = nelderMead(objective, start, { step: 0.1, maxIterations: RESTART_ITERATIONS, stop });
    iterations += again.iterations;
    const improved = again.value < best.value - 1e-9 * (1 + Math.abs(best.value));
    if (again.value <= best.value) best = again;
    if (!improved) break;
  }
  return {
    model,
    params: toParams(best.x),
    logLikelihood: -best.value,
    customers: data.customers,
    groups: data.x.length,
    iterations,
    converged: best.converged && Number.isFinite(best.value),
  };
}

export function pAlive(model: PurchaseModelName, p: PurchaseParams, s: Summary): number {
  if (isPareto(model, p)) return paretoPAlive(p, s);
  if (isNbd(model, p)) return 1;
  const { r, alpha, a, b } = p as BgParams;
  if (model === 'bgnbd' && s.x === 0) return 1;
  const ratio = model === 'mbgnbd' ? a / (b + s.x) : a / (b + s.x - 1);
  return 1 / (1 + ratio * Math.exp((r + s.x) * (Math.log(alpha + s.T) - Math.log(alpha + s.tx))));
}

/** Expected purchases in the next t time units, given the customer's history. */
export function expectedPurchases(model: PurchaseModelName, p: PurchaseParams, s: Summary, t: number): number {
  if (isPareto(model, p)) return paretoExpectedPurchases(p, s, t);
  if (isNbd(model, p)) return nbdExpectedPurchases(p, s, t);
  const { r, alpha, a, b } = p as BgParams;
  const bb = b + s.x + (model === 'mbgnbd' ? 1 : 0);
  const rx = r + s.x;
  const z = t / (alpha + s.T + t);
  // ((α+T)/(α+T+t))^(r+x) · 2F1(...) in logs: each factor alone can under- or overflow.
  const bracket = 1 - Math.exp(rx * Math.log((alpha + s.T) / (alpha + s.T + t)) + logHyp2f1(rx, bb, a + bb - 1, z));
  return pAlive(model, p, s) * ((a + bb - 1) / (a - 1)) * bracket;
}

/** Probability of no purchase in the next t time units. */
export function pNoPurchase(model: PurchaseModelName, p: PurchaseParams, s: Summary, t: number): number {
  if (isPareto(model, p)) return paretoPNoPurchase(p, s, t);
  if (isNbd(model, p)) return nbdPNoPurchase(p, s, t);
  const alive = pAlive(model, p, s);
  const { r, alpha } = p as BgParams;
  return 1 - alive + alive * Math.exp((r + s.x) * Math.log((alpha + s.T) / (alpha + s.T + t)));
}
