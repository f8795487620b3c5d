/**
 * The Chinese fixture shop (fixtures/zh-shop, written by its generate.mjs): Chinese headers,
 * names and products import whole, the names come back byte for byte, and the analysis finds
 * every tier, stage, exit pattern and risk level in it.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, run, tempDir } from '../helpers.js';

let t: ReturnType<typeof tempDir>;
const AS_OF = '2026-11-28';

/** The file's data lines split into cells (the generator writes no quoted cells: checked). */
function rowsOf(name: string): string[][] {
  const text = fs.readFileSync(fixture('zh-shop', name), 'utf8');
  expect(text).not.toContain('"');
  return text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

interface ImportResult {
  status: string;
  counts: { read: number; imported: number; rejected: number };
  mapping: Record<string, string>;
}

async function importJson(kind: string, file: string, extra: string[] = []): Promise<ImportResult> {
  const r = await run(['--db', t.db, '--format', 'json', 'import', kind, fixture('zh-shop', file), ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as ImportResult[])[0]!;
}

let customersImport: ImportResult;
let transactionsImport: ImportResult;
beforeAll(async () => {
  t = tempDir();
  customersImport = await importJson('customers', 'customers.csv');
  transactionsImport = await importJson('transactions', 'transactions.csv', ['--currency', 'CNY']);
}, 120_000);
afterAll(() => t.cleanup());

describe('the Chinese fixture shop', () => {
  it('imports every row of both files under their Chinese headers, none rejected', () => {
    const customers = rowsOf('customers.csv');
    const lines = rowsOf('transactions.csv');
    expect(customers.length).toBeGreaterThanOrEqual(150);
    expect(customersImport.counts).toMatchObject({ read: customers.length, imported: customers.length, rejected: 0 });
    expect(transactionsImport.counts).toMatchObject({ read: lines.length, imported: lines.length, rejected: 0 });
    expect(customersImport.mapping).toMatchObject({ customer_id: '客户编号', name: '客户姓名', type: '客户类型' });
    expect(transactionsImport.mapping).toMatchObject({
      customer_id: '客户编号',
      date: '订单日期',
      amount: '金额',
      product: '商品名称',
      staff: '营业员',
      payment_method: '支付方式',
      external_id: '订单号',
    });
    expect(transactionsImport.status).toBe('imported');
  });

  it('gives the Chinese names back byte for byte', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'customers', '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    const listed = new Map((JSON.parse(r.stdout) as { customer_id: string; name: string }[]).map((c) => [c.customer_id, c.name]));
    const written = rowsOf('customers.csv');
    expect(written.some(([, name]) => /[\u4e00-\u9fff]/.test(name!))).toBe(true);
    for (const [id, name] of written) expect(Buffer.from(listed.get(id!) ?? '')).toEqual(Buffer.from(name!));
  });

  it('segments into every tier, stage and exit pattern', async () => {
    const r = await run(['--db', t.db, '--format', 'json', 'segment', '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { name: string; customers: number }[]>;
    const present = (group: string): string[] => out[group]!.filter((g) => g.customers > 0).map((g) => g.name);
    expect(present('tiers')).toEqual(['platinum', 'gold', 'iron', 'lead']);
    expect(present('stages')).toEqual(['exploration', 'formation', 'stability', 'decline', 'ended']);
    expect(present('exit_patterns')).toEqual(['early abort', 'mid-way failure', 'early exit', 'long-term']);
  });

  it('fits a purchase model, and churn finds every risk level', async () => {
    const m = await run(['--db', t.db, '--format', 'json', 'model', '--as-of', AS_OF]);
    expect(m.code, m.stderr).toBe(0);
    expect((JSON.parse(m.stdout) as { used: boolean }).used).toBe(true);
    const c = await run(['--db', t.db, '--format', 'json', 'churn', '--as-of', AS_OF]);
    expect(c.code, c.stderr).toBe(0);
    const levels = new Set((JSON.parse(c.stdout) as { risk_level: string }[]).map((x) => x.risk_level));
    expect([...levels].sort()).toEqual(['high', 'low', 'medium']);
  }, 120_000);
});
