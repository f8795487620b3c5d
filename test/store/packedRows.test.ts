/**
 * The parsing worker packs a row from its values in one pass (RowPacker.addValues), never making
 * its content string: the bytes, places and numbers must be exactly what packing the content
 * string gives (RowPacker.add), and the hash exactly core/hash.ts hashKey of the duplicate-rule
 * content, since stored dedupe keys depend on it.
 */
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/core/hash.js';
import { TRANSACTION_COLUMNS, contentString, dedupeContent, type TransactionColumn } from '../../src/core/row.js';
import { RowPacker, contentAt, packingKinds, type PackedRows } from '../../src/store/packedRows.js';

type Values = (string | number | null)[];

const ALL = [...TRANSACTION_COLUMNS];
const FEW: TransactionColumn[] = ['customer_id', 'date', 'time', 'amount', 'product', 'extra'];

function row(over: Partial<Record<TransactionColumn, string | number | null>>): Values {
  const base: Record<TransactionColumn, string | number | null> = {
    customer_id: 'C0091037',
    date: '2023-01-02',
    time: '08:01:00',
    amount: 1197,
    quantity: 3,
    unit_price: 399,
    product: 'Filter papers x100',
    channel: 'web',
    staff: null,
    payment_method: 'transfer',
    external_id: 'INV100001',
    extra: null,
  };
  return TRANSACTION_COLUMNS.map((c) => (c in over ? over[c]! : base[c]));
}

const ROWS: Values[] = [
  row({}),
  row({ customer_id: '', channel: '', staff: '' }),
  row({ amount: -1197, quantity: -3 }),
  row({ amount: 0, quantity: -0, unit_price: -0 }),
  row({ amount: 9007199254740991, unit_price: -9007199254740991 }),
  row({ quantity: 1.5, unit_price: 0.125, amount: 1e21 }),
  row({ amount: 10, quantity: 100, unit_price: 1000000000000000 }),
  row({ product: '咖啡豆 1kg', staff: 'Zoë', channel: 'café' }),
  row({ product: 'mug 😀 with 𝄞 and e\u0301', external_id: '\uffff' }),
  row({ product: 'x'.repeat(2000), staff: '日'.repeat(2000) }),
  row({ extra: JSON.stringify({ note: 'größer 24" screen', bad: '\ud800' }) }),
  row({ extra: '{"a":"b"}', payment_method: null, external_id: null }),
  row({ customer_id: 'é', date: '1900-01-01', time: null }),
];

function packed(columns: TransactionColumn[], rows: Values[], how: 'content' | 'values'): { rows: PackedRows; hashes: number[] } {
  // Few rows and bytes to start with, so that both ways grow their buffers on the way.
  const p = new RowPacker(packingKinds(columns), 2);
  const hashes: number[] = [];
  for (const v of rows) {
    if (how === 'values') hashes.push(p.addValues(v));
    else {
      const content = contentString(v);
      p.add(content);
      hashes.push(hashKey(dedupeContent(content)));
    }
  }
  return { rows: p.take(), hashes };
}

function plain(r: PackedRows): { bytes: number[]; starts: number[]; values: string[] } {
  const width = r.values.length / (r.starts.length - 1);
  return {
    bytes: [...r.bytes],
    starts: [...r.starts.subarray(0, r.count + 1)],
    // Object.is tells 0 from -0 and NaN from a number: compare as Object.is would.
    values: [...r.values.subarray(0, r.count * width)].map((x) => (Object.is(x, -0) ? '-0' : String(x))),
  };
}

describe('RowPacker.addValues', () => {
  for (const [name, columns] of [
    ['every column', ALL],
    ['the columns a small file fills', FEW],
  ] as const) {
    it(`packs as the content string would, with its duplicate-rule hash (${name})`, () => {
      const rows = [...ROWS, ...ROWS.slice().reverse()];
      const a = packed(columns, rows, 'content');
      const b = packed(columns, rows, 'values');
      expect(plain(b.rows)).toEqual(plain(a.rows));
      expect(b.hashes).toEqual(a.hashes);
      for (let i = 0; i < rows.length; i++) expect(contentAt(b.rows, i)).toBe(contentString(rows[i]!));
    });
  }

  it('hashes the dedupe content, so rows differing only in extra share a hash and others do not', () => {
    const p = new RowPacker(packingKinds(ALL), 4);
    const h1 = p.addValues(row({ extra: '{"a":"1"}' }));
    const h2 = p.addValues(row({ extra: null }));
    const h3 = p.addValues(row({ staff: 'Farah' }));
    expect(h1).toBe(h2);
    expect(h3).not.toBe(h1);
    expect(h1).toBe(hashKey(contentString(row({})).slice(0, -1)));
  });
});

describe('RowPacker.reuse', () => {
  it('packs later batches into the buffers given back, exactly as into new ones', () => {
    const kinds = packingKinds(ALL);
    const fresh = new RowPacker(kinds, 4);
    const reusing = new RowPacker(kinds, 4);
    // Batches of 4, 3 and 4 rows: a given-back batch held longer rows than the one packed into it.
    const batches = [ROWS.slice(0, 4), ROWS.slice(4, 7), ROWS.slice(0, 4).reverse()];
    const taken: PackedRows[] = [];
    for (const batch of batches) {
      for (const r of batch) {
        fresh.addValues(r);
        reusing.addValues(r);
      }
      const a = fresh.take();
      const b = reusing.take();
      expect(plain(b)).toEqual(plain(a));
      for (let i = 0; i < batch.length; i++) expect(contentAt(b, i)).toBe(contentString(batch[i]!));
      // A batch is packed into buffers taken at the take() before it: those given back by then.
      const earlier = taken[taken.length - 2];
      if (earlier !== undefined) {
        expect(b.values).toBe(earlier.values);
        expect(b.starts).toBe(earlier.starts);
        expect(b.bytes.buffer).toBe(earlier.bytes.buffer);
      }
      taken.push(b);
      reusing.reuse(b);
    }
  });

  it('drops buffers of another shape', () => {
    const kinds = packingKinds(ALL);
    const other = new RowPacker(kinds, 8);
    other.addValues(ROWS[0]!);
    const wrong = other.take();
    const p = new RowPacker(kinds, 4);
    p.reuse(wrong);
    p.addValues(ROWS[0]!);
    p.take();
    p.addValues(ROWS[1]!);
    const next = p.take();
    expect(next.values).not.toBe(wrong.values);
    expect(contentAt(next, 0)).toBe(contentString(ROWS[1]!));
  });
});
