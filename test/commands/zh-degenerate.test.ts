/**
 * Issue 21's Chinese leftovers: on a history where every purchase model degenerates (everyone
 * buys at the same steady rate and nobody leaves, as in the retail history of shared/data),
 * `model`, `churn` and the customer card in Chinese show no English word, beyond the names the
 * whitelist below gives and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, scalar, tempDir } from '../helpers.js';
import { setLang, t, type Lang } from '../../src/i18n/index.js';
import { modelName, reword } from '../../src/i18n/phrase.js';
import { rng } from '../../bench/synth/generate.js';

/**
 * What may stay in Latin letters, each for a reason: the product of the history (data, shown as
 * the shop wrote it); the purchase models by their papers' names (modelName(): MBG/NBD, BG/NBD,
 * Pareto/NBD); AUC, the measure the comparison is scored with, and RFM, the method, both written
 * so in Chinese texts too; the page docs/chinese.md, named where to read on; and what a person types:
 * flags (--limit) and the formats they take (csv, json).
 */
const PRODUCT = 'Oolong';
// Names a reader types or reads as symbols: the product, the models' and measures' names, the
// commands named in a notice, and the Gamma distribution's parameters in the fit's line.
const ALLOWED = new Set([
  PRODUCT,
  'MBG',
  'NBD',
  'Pareto',
  'AUC',
  'RFM',
  'docs',
  'chinese',
  'csv',
  'json',
  'churn',
  'customers',
  'segment',
  'Gamma',
  'alpha',
  'beta',
]);

const AS_OF = '2015-03-16';
const DAY = 86_400_000;

/** 300 customers, each buying about every 50 days from a start in the first half year, none leaving. */
function steadyShop(): string {
  const u = rng(21);
  const start = Date.parse('2011-05-16');
  const end = Date.parse(AS_OF);
  const lines = ['customer_id,date,amount,product'];
  for (let i = 1; i <= 300; i++) {
    let t = start + Math.floor(u() * 180) * DAY;
    while (t < end) {
      lines.push(`C${String(i).padStart(4, '0')},${new Date(t).toISOString().slice(0, 10)},${10 + Math.floor(u() * 100)},${PRODUCT}`);
      t += Math.max(1, Math.round(-Math.log(u() || 1e-12) * 50)) * DAY;
    }
  }
  return lines.join('\n') + '\n';
}

/** Runs of three or more Latin letters that the whitelist does not allow. */
function english(text: string): string[] {
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '').replace(/--[a-z][a-z-]*/g, '');
  return [...new Set(plain.match(/[A-Za-z]{3,}/g) ?? [])].filter((w) => !ALLOWED.has(w));
}

describe('Chinese on a history where every model degenerates', () => {
  const tmp = tempDir();
  beforeAll(async () => {
    const file = tmp.file('steady.csv', steadyShop());
    const r = await run(['--db', tmp.db, 'import', 'transactions', file]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  for (const args of [['model'], ['churn'], ['customer', 'C0001']]) {
    it(`rapport ${args[0]} shows no English word`, async () => {
      const r = await run(['--lang', 'zh-CN', '--db', tmp.db, ...args, '--as-of', AS_OF], { tty: true });
      expect(r.code, r.stderr).toBe(0);
      const text = r.stdout + r.stderr;
      expect(english(text), text).toEqual([]);
      if (args[0] === 'model') {
        // The fit it saved (churn and the card use it): each of the three degenerate, the NBD in their place.
        const fit = JSON.parse(scalar<string>(tmp.db, 'SELECT fit FROM model_fits')) as {
          purchase: { model: string } | null;
          selection: { candidates: { name: string; degenerate: string | null }[] };
        };
        expect(fit.purchase?.model ?? null).toBe('nbd');
        const models = fit.selection.candidates.filter((c) => c.name !== 'recency' && c.name !== 'nbd');
        expect(models.map((c) => c.name).sort()).toEqual(['bgnbd', 'mbgnbd', 'paretonbd']);
        for (const c of models) expect(c.degenerate, c.name).not.toBeNull();
      }
    });
  }

  for (const lang of ['en', 'zh-CN']) {
    it(`model on a terminal 80 columns wide reads each passed-over model's reason whole, under the table, and the NBD's name whole (${lang})`, async () => {
      const data = await run(['--db', tmp.db, '--format', 'json', 'model', '--as-of', AS_OF, '--no-save']);
      expect(data.code, data.stderr).toBe(0);
      const candidates = (JSON.parse(data.stdout) as { comparison: { candidates: { candidate: string; degenerate: string | null }[] } }).comparison.candidates;
      const passed = candidates.filter((c) => c.degenerate !== null);
      expect(passed.length).toBe(3);
      const r = await run(['--lang', lang, '--db', tmp.db, '--no-pager', 'model', '--as-of', AS_OF, '--no-save'], {
        tty: true,
        columns: 80,
        env: { NO_COLOR: '1' },
      });
      expect(r.code, r.stderr).toBe(0);
      // nothing in the comparison is cut with an ellipsis
      const table = r.stdout.split('\n').filter((l) => l.startsWith('│'));
      expect(table.join('\n')).not.toContain('…');
      expect(table.join('\n')).toMatch(/│ NBD ?[(（](nobody|没有人)/);
      const words = (x: string): string => x.replace(/\s+/g, lang === 'en' ? ' ' : '');
      const flat = words(r.stdout);
      setLang(lang as Lang);
      try {
        for (const c of passed) expect(flat, c.candidate).toContain(words(`${modelName(c.candidate)}${t('model.name-separator')}${reword(c.degenerate!)}`));
      } finally {
        setLang('en');
      }
      expect(flat).toContain(words(t('model.not-used', { why: '' }, lang as Lang)));
    });
  }
});
