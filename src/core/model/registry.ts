/**
 * The purchase models by name: each model's file gives one object of the PurchaseModel
 * interface (purchase.ts), and everything that fits or asks a model goes through here, so a new
 * model is a new file and a line below. Pure.
 */
import { bgnbd } from './bgnbd.js';
import { mbgnbd } from './mbgnbd.js';
import { nbd } from './nbd.js';
import { paretonbd } from './paretonbd.js';
import type {
  BgParams,
  Grouped,
  NbdParams,
  ParamsDescription,
  ParetoParams,
  PurchaseFit,
  PurchaseModel,
  PurchaseModelName,
  PurchaseParams,
  Summary,
} from './purchase.js';

const MODELS: { bgnbd: PurchaseModel<BgParams>; mbgnbd: PurchaseModel<BgParams>; paretonbd: PurchaseModel<ParetoParams>; nbd: PurchaseModel<NbdParams> } = {
  bgnbd,
  mbgnbd,
  paretonbd,
  nbd,
};

/** The model of that name, taking the parameters of any (each model reads its own: the fit's name says which). */
export function purchaseModel(name: PurchaseModelName): PurchaseModel<PurchaseParams> {
  return MODELS[name] as unknown as PurchaseModel<PurchaseParams>;
}

/** The model's paper's name (MBG/NBD), or the code itself for one not here. */
export function modelLabel(code: string): string {
  return code in MODELS ? MODELS[code as PurchaseModelName].label : code;
}

export function fitPurchases(model: PurchaseModelName, data: Grouped, from?: PurchaseParams): PurchaseFit {
  const f = purchaseModel(model).fit(data, from);
  return {
    model,
    params: f.params,
    logLikelihood: f.logLikelihood,
    customers: data.customers,
    groups: data.x.length,
    iterations: f.iterations,
    converged: f.converged,
  };
}

export function logLikelihood(model: PurchaseModelName, data: Grouped): (p: PurchaseParams) => number {
  return purchaseModel(model).logLikelihood(data);
}

export function pAlive(model: PurchaseModelName, p: PurchaseParams, s: Summary): number {
  return purchaseModel(model).pAlive(p, s);
}

/** Expected purchases in the next t time units, given the customer's history. */
export function expectedPurchases(model: PurchaseModelName, p: PurchaseParams, s: Summary, t: number): number {
  return purchaseModel(model).expectedPurchases(p, s, t);
}

/** Probability of no purchase in the next t time units. */
export function pNoPurchase(model: PurchaseModelName, p: PurchaseParams, s: Summary, t: number): number {
  return purchaseModel(model).pNoPurchase(p, s, t);
}

export function describeFit(fit: Pick<PurchaseFit, 'model' | 'params'>): ParamsDescription {
  return purchaseModel(fit.model).describe(fit.params);
}
