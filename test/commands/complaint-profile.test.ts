/**
 * The counter's "who this is" before a complaint is taken says the churn risk that `rapport
 * customer ID` says the same day, by the same method: it used to score by the lifecycle rules
 * whenever no model had been saved for today ("medium 34%, by the lifecycle rules" beside the
 * card's "high 27%" for one customer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profile } from '../../src/commands/complaint.js';
import { DEFAULT_MODEL, riskPercent } from '../../src/core/model/churn.js';
import { setLang } from '../../src/i18n/index.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { run, sampleShop, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir();
  await sampleShop(t.db);
});
afterAll(() => t.cleanup());

describe('complaint add: who this is', () => {
  it("gives the customer card's churn risk and level, not the lifecycle rules'", async () => {
    setLang('en');
    const db = new SqliteStore(openDatabase(t.db, { create: false }), t.db);
    try {
      for (const id of ['C0004', 'C0085', 'C0194']) {
        const card = await run(['--db', t.db, '-q', 'customer', id, '--format', 'json']);
        expect(card.code, card.stderr).toBe(0);
        const c = (JSON.parse(card.stdout) as { analysis: { churn_risk: number; risk_level: string } }).analysis;
        const said = (await profile(db, id)).join('\n');
        expect(said).toContain(`churn risk ${c.risk_level} (${riskPercent(c.churn_risk, DEFAULT_MODEL)}%`);
        expect(said).not.toContain('lifecycle rules');
      }
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('complaint add: who this is, on a shop too large to fit while a customer waits', () => {
  let u: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    u = tempDir();
    await sampleShop(u.db);
  });
  afterAll(() => u.cleanup());

  it('says the lifecycle rules and how to save the learned risk, without fitting, until a model is saved; then the saved one', async () => {
    setLang('en');
    const open = () => new SqliteStore(openDatabase(u.db, { create: false }), u.db);
    let db = open();
    try {
      const said = (await profile(db, 'C0004', 10)).join('\n');
      expect(said).toContain('by the lifecycle rules');
      expect(said).toContain('`rapport model` saves it');
    } finally {
      db.close();
    }
    const model = await run(['--db', u.db, '-q', 'model']);
    expect(model.code, model.stderr).toBe(0);
    const card = await run(['--db', u.db, '-q', 'customer', 'C0004', '--format', 'json']);
    const c = (JSON.parse(card.stdout) as { analysis: { churn_risk: number; risk_level: string } }).analysis;
    db = open();
    try {
      const said = (await profile(db, 'C0004', 10)).join('\n');
      expect(said).toContain(`churn risk ${c.risk_level} (${riskPercent(c.churn_risk, DEFAULT_MODEL)}%`);
      expect(said).not.toContain('lifecycle rules');
      expect(said).not.toContain('`rapport model` saves it');
    } finally {
      db.close();
    }
  }, 60_000);
});
