/**
 * What every purchase model is: fitted by maximum likelihood on per-customer summaries (x repeat
 * purchases, t_x the time from the first purchase to the last, T from the first purchase to the
 * as-of date, in one time unit), then asked, per customer, for P(alive), the expected purchases
 * and the probability of none in the next t. One file per model (nbd.ts, bgnbd.ts, mbgnbd.ts,
 * paretonbd.ts), each an object of this interface, found by name in registry.ts. Pure.
 */
import type { Phrase } from '../words.js';

/** The three buy-till-you-die models, and the NBD (nobody leaves: their common limit). */
export type PurchaseModelName = 'bgnbd' | 'mbgnbd' | 'paretonbd' | 'nbd';

/** The NBD's parameters: purchase rates λ ~ Gamma(r, α). */
export interface NbdParams {
  r: number;
  alpha: number;
}

/** BG/NBD and MBG/NBD: purchase rates Gamma(r, α), dropout at a purchase Beta(a, b). */
export interface BgParams extends NbdParams {
  a: number;
  b: number;
}

/** Pareto/NBD: purchase rates Gamma(r, α), dropout rates μ ~ Gamma(s, β). */
export interface ParetoParams extends NbdParams {
  /** Shape and rate of the Gamma that dropout rates μ follow. */
  s: number;
  beta: number;
}

/** The fitted parameters: BG family (a, b), Pareto/NBD (s, β) or NBD (r, α only), told apart by the model's name. */
export type PurchaseParams = BgParams | ParetoParams | NbdParams;

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

/** The customers' mean age T (at least 1): where the fits start their scales. */
export function meanAge(data: Grouped): number {
  let total = 0;
  for (let i = 0; i < data.T.length; i++) total += data.weight[i]! * data.T[i]!;
  return Math.max(1, total / Math.max(1, data.customers));
}

/** A model's maximum-likelihood answer on grouped data. */
export interface ModelFit<P extends PurchaseParams = PurchaseParams> {
  params: P;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** A fit as the rest of the program keeps it: the model's name and the data's size beside the answer. */
export interface PurchaseFit extends ModelFit {
  model: PurchaseModelName;
  customers: number;
  groups: number;
}

/** A fit's parameters for a person: each by its usual name, and what they say together as a phrase (the caller adds the time unit, `unit`). */
export interface ParamsDescription {
  params: readonly (readonly [string, number])[];
  words: Phrase;
}

export interface PurchaseModel<P extends PurchaseParams = PurchaseParams> {
  name: PurchaseModelName;
  /** The model's name in every language: its paper's. */
  label: string;
  /** The total log-likelihood as a function of the parameters, for data fixed once. */
  logLikelihood(data: Grouped): (p: P) => number;
  /** Maximum likelihood, from `from` when given (a warm start), else from the model's own start. */
  fit(data: Grouped, from?: P): ModelFit<P>;
  pAlive(p: P, s: Summary): number;
  /** Expected purchases in the next t time units, given the customer's history. */
  expectedPurchases(p: P, s: Summary, t: number): number;
  /** Probability of no purchase in the next t time units. */
  pNoPurchase(p: P, s: Summary, t: number): number;
  describe(p: P): ParamsDescription;
}
