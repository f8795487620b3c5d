/**
 * fitModels fits the spend model only where something reads it (issue 24: the reports fitted it
 * three times a run, seconds each on a shop where it runs to its edge): always for `rapport
 * model`, when the purchase model is used for the scores, never for the model check.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, fitModels } from '../../src/core/model/churn.js';
import { shopCustomers, shopDate } from '../shops.js';

const LENGTH = 400;
const asOf = shopDate(LENGTH);
const customers = (story: 'bgnbd' | 'nobody-leaves') => shopCustomers(story, 800, 9, LENGTH);

describe('the spend fit, only where it is read', () => {
  const settings = { ...DEFAULT_MODEL, model: 'bgnbd' as const };

  it('always, when used, never: the same purchase fit, the spend fit only where asked', () => {
    const shopCustomers = customers('bgnbd');
    const always = fitModels(shopCustomers, asOf, settings, null, null, 'always');
    const used = fitModels(shopCustomers, asOf, settings, null, null, 'when-used');
    const never = fitModels(shopCustomers, asOf, settings, null, null, 'never');
    expect(always.purchase).not.toBeNull();
    expect(always.spend).not.toBeNull();
    expect(used.spend).toEqual(always.spend);
    expect(never.spend).toBeNull();
    expect(never.spendProblem).toBeNull();
    expect(used.purchase).toEqual(always.purchase);
    expect(never.purchase).toEqual(always.purchase);
    expect(never.fallback).toBe(always.fallback);
  });

  it('when used: no spend fit for a purchase model that is not used', () => {
    // Nobody leaves: BG/NBD runs to "dropout about 0" and is rejected.
    const fitted = fitModels(customers('nobody-leaves'), asOf, settings, null, null, 'when-used');
    expect(fitted.purchase).toBeNull();
    expect(fitted.spend).toBeNull();
    expect(fitted.spendProblem).toBeNull();
  });
});
