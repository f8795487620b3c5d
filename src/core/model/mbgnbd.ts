/**
 * MBG/NBD: E. P. Batislam, M. Denizel and A. Filiztekin, "Empirical validation and comparison of
 * models for customer base analysis", International Journal of Research in Marketing 24(3), 2007.
 * BG/NBD in which a customer can also drop out right after their first purchase, so one-time
 * buyers can be gone; its likelihood, P(alive) and forecasts are written out beside BG/NBD's in
 * bgnbd.ts, whose family of functions it shares (the two differ in one term of each). Pure.
 */
import { bgFamily } from './bgnbd.js';
import type { BgParams, PurchaseModel } from './purchase.js';

export const mbgnbd: PurchaseModel<BgParams> = bgFamily(true);
