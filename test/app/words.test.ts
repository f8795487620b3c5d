/**
 * core builds the churn model's text as phrases and never looks a word up (issue 28); app/words.ts
 * words a fit in English. What it words is what the fits table held before: a fit saved by the
 * code before the change (fixtures/fits/saved-by-0129735.json, the fits those same customers
 * gave then) has the same keys in the same order and the same text, so old and new fits read
 * alike both ways.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, fitModels, rulesOnly, type Fitted } from '../../src/core/model/churn.js';
import type { Phrase } from '../../src/core/words.js';
import { wordFitted } from '../../src/app/words.js';
import { reword } from '../../src/i18n/phrase.js';
import { shopCustomers, shopDate } from '../shops.js';

const asOf = shopDate(400);
const customers = (story: 'bgnbd' | 'nobody-leaves', n: number) => shopCustomers(story, n, 9, 400);

const saved = JSON.parse(fs.readFileSync(new URL('../../fixtures/fits/saved-by-0129735.json', import.meta.url), 'utf8')) as Record<string, string>;

/**
 * A fit's JSON with every number set to 0: its keys, their order and its text (the fitted values
 * may move with the optimiser). The horizon's reason was reworded on purpose (l33polish: "91 days:
 * 91 days, a quarter" said the number twice): a fit saved before shows its old words until the
 * next `rapport model`, so it is compared by its key alone.
 */
// Numbers, as values and inside the words (where a fit stopped: "s/β × history = 8.4e-4"), are
// the fit's, not the form's: a change in the last digits of a likelihood moves them.
const shape = (json: string): string =>
  JSON.stringify(
    JSON.parse(json, (k, v: unknown) =>
      typeof v === 'number' ? 0 : k === 'horizonWhy' && typeof v === 'string' ? '' : typeof v === 'string' ? v.replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, '0') : v,
    ),
  );

const made: Record<string, () => Fitted<Phrase>> = {
  'too little data': () => fitModels(customers('bgnbd', 30), asOf, DEFAULT_MODEL, null, 20),
  'nobody leaves, auto': () => fitModels(customers('nobody-leaves', 800), asOf, DEFAULT_MODEL, null, 40),
  'nobody leaves, BG/NBD asked for': () => fitModels(customers('nobody-leaves', 800), asOf, { ...DEFAULT_MODEL, model: 'bgnbd' }, null, 40),
  'BG/NBD shop, horizon set': () => fitModels(customers('bgnbd', 800), asOf, { ...DEFAULT_MODEL, model: 'bgnbd', horizonDays: 120 }, null, null),
  'rules only': () => rulesOnly(asOf),
};

describe('a fit worded in English is the form fits were saved in', () => {
  it('covers every fit the fixture holds', () => {
    expect(Object.keys(made).sort()).toEqual(Object.keys(saved).sort());
  });

  it.each(Object.keys(made))('%s: the same keys in the same order, the same text', (name) => {
    const now = JSON.stringify(wordFitted(made[name]!()));
    expect(shape(now)).toBe(shape(saved[name]!));
  });

  it('words lists of phrases with the list separator, and nested phrases inside them', () => {
    const fit = wordFitted(made['too little data']!());
    expect(fit.fallback).toBe('not enough data: 30 customers with purchases (the model needs 200); 27 repeat buyers (the model needs 50)');
    expect(fit.sufficiency.problems).toEqual(['30 customers with purchases (the model needs 200)', '27 repeat buyers (the model needs 50)']);
    const none = wordFitted(made['nobody leaves, BG/NBD asked for']!());
    expect(none.fallback).toMatch(
      /^no usable fit \(bgnbd: dropout about 0 \(a\/\(a\+b\) = [\d.e-]+\): the fit says nobody ever leaves, so the NBD competes in its place\)$/,
    );
    expect(none.rejected).toHaveLength(1);
  });

  it('reads back for a Chinese reader, from the fixture as from a fit made now', () => {
    const old = JSON.parse(saved['too little data']!) as Fitted;
    const now = wordFitted(made['too little data']!());
    expect(reword(now.fallback!, 'zh-CN')).toBe(reword(old.fallback!, 'zh-CN'));
    expect(reword(now.fallback!, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
  });
});
