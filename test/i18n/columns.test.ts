import { afterEach, describe, expect, it } from 'vitest';
import {
  resolveMapping as resolvePhrases,
  normaliseHeader,
  parseMapOptions as parsePairs,
  customerType,
  looksLikeData,
  fieldDescription,
  fieldsFor,
} from '../../src/core/columns.js';
import { wordPhrase } from '../../src/i18n/phrase.js';

/** The mapping, or why not, worded in the current language as the import prints it. */
function resolveMapping(...args: Parameters<typeof resolvePhrases>) {
  const r = resolvePhrases(...args);
  return r.ok ? { ...r, notices: r.notices.map((n) => wordPhrase(n)) } : { ok: false as const, message: wordPhrase(r.message), hint: wordPhrase(r.hint) };
}
/** The --map pairs, or why not worded. */
function parseMapOptions(values: string[]): Record<string, string> | string {
  const r = parsePairs(values);
  return 'error' in r ? wordPhrase(r.error) : r.map;
}
import { setLang } from '../../src/i18n/index.js';

describe('finding columns by header', () => {
  it('knows the UCI Online Retail layout', () => {
    const headers = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
    const r = resolveMapping('transactions', headers, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mapping.fields).toMatchObject({ customer_id: 6, date: 4, quantity: 3, unit_price: 5, external_id: 0, product: 1, product_name: 2 });
    expect(r.mapping.fields.amount).toBeUndefined();
    // sorted by name, so the same columns in another order make the same extra JSON
    expect(r.mapping.extra.map((c) => c.name)).toEqual(['Country']);
  });

  it('keeps every other column under a unique name, empty and repeated headers too', () => {
    const r = resolveMapping('transactions', ['customer', 'date', 'amount', 'note', 'note', '', 'note_2'], {});
    expect(r.ok && r.mapping.extra).toEqual([
      { name: 'column_6', index: 5 },
      { name: 'note', index: 3 },
      { name: 'note_2', index: 6 },
      { name: 'note_3', index: 4 },
    ]);
  });

  it('knows Chinese headers', () => {
    const r = resolveMapping('transactions', ['客户编号', '日期', '金额', '数量', '单价', '订单号'], {});
    expect(r.ok && r.mapping.fields).toEqual({ customer_id: 0, date: 1, amount: 2, quantity: 3, unit_price: 4, external_id: 5 });
  });

  it('normalises case, spaces and punctuation', () => {
    expect(normaliseHeader('\uFEFFCustomer ID ')).toBe('customerid');
    const r = resolveMapping('transactions', ['Customer ID', 'Order Date', 'Total'], {});
    expect(r.ok && r.mapping.fields).toEqual({ customer_id: 0, date: 1, amount: 2 });
  });

  it('lets --map override, by exact or normalised name', () => {
    const r = resolveMapping('transactions', ['Client Ref', 'When', 'Paid'], { customer_id: 'Client Ref', date: 'when', amount: 'Paid' });
    expect(r.ok && r.mapping.fields).toEqual({ customer_id: 0, date: 1, amount: 2 });
  });

  it('lists the columns seen and gives a --map example when a field is missing', () => {
    const r = resolveMapping('transactions', ['Ref', 'date', 'amount'], {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('customer_id');
    expect(r.message).toContain('"Ref"');
    expect(r.hint).toContain('--map customer_id="Ref"');
  });

  it('asks for amount, or quantity and unit price', () => {
    const r = resolveMapping('transactions', ['customer', 'date', 'qty'], {});
    expect(!r.ok && r.message).toContain('amount (or unit_price)');
  });

  it('refuses --map to an unknown field or column', () => {
    expect(resolveMapping('transactions', ['a'], { nope: 'a' })).toMatchObject({ ok: false });
    const r = resolveMapping('transactions', ['a'], { customer_id: 'b' });
    expect(!r.ok && r.message).toContain('no column "b"');
  });

  it('parses --map values', () => {
    expect(parseMapOptions(['customer_id=Client Ref', 'date=a=b'])).toEqual({ customer_id: 'Client Ref', date: 'a=b' });
    expect(typeof parseMapOptions(['customer_id'])).toBe('string');
  });

  it('reads customer types and their synonyms', () => {
    expect(customerType('Company')).toBe('business');
    expect(customerType(' distributor ')).toBe('channel');
    expect(customerType('个人')).toBe('consumer');
    expect(customerType('alien')).toBeNull();
  });
  it('refuses a field given twice and a column given for two fields (issue 22)', () => {
    expect(parseMapOptions(['amount=Total', 'amount=Date'])).toBe('--map amount is given twice (amount=Total, then amount=Date)');
    const r = resolveMapping('transactions', ['customer', 'date', 'amount'], { amount: 'amount', date: 'amount' });
    expect(r).toMatchObject({ ok: false, message: '--map amount=amount and --map date=amount name the same column "amount"' });
    expect(resolveMapping('transactions', ['a', 'b', 'c'], { customer_id: '1', date: '2', amount: '2' }, { noHeader: true }).ok).toBe(false);
  });
});

describe('a first line of data instead of a header row', () => {
  it('is refused without repeating its cells, which may be a customer’s details', () => {
    const line = ['C0042', 'Jane Roe', 'jane.roe@example.com', '+44 7700 900123'];
    const r = resolveMapping('customers', line, {});
    // customer_id is missing (no header names it): refused, and none of the cells is in the message
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/looks like a row of data/);
    for (const cell of line) expect(r.message + r.hint).not.toContain(cell);
    const tx = resolveMapping('transactions', ['INV1', '2025-01-03', 'C7', 'Teapot', '1', '34.00'], {});
    expect(!tx.ok && tx.message).toMatch(/looks like a row of data/);
    expect(!tx.ok && tx.message + tx.hint).not.toContain('Teapot');
  });

  it('repeats no cell of a first line that names no known column, even without a number, a date or an email in it, nor when --map points elsewhere', () => {
    const two = resolveMapping('customers', ['C001', 'Alice Smith'], {});
    expect(!two.ok && two.message).toMatch(/names no column rapport knows/);
    expect(!two.ok && two.message + two.hint).not.toContain('Alice');
    const mapped = resolveMapping('customers', ['C001', 'Alice Smith', 'alice@example.com'], { customer_id: 'id' });
    expect(!mapped.ok && mapped.message).toContain('no column "id"');
    expect(!mapped.ok && mapped.message + mapped.hint).not.toMatch(/Alice|alice@/);
  });

  it('still lists the columns of a real header row, years and all', () => {
    const r = resolveMapping('transactions', ['customer', 'date', '2024', '2025'], {});
    expect(!r.ok && r.message).toContain('columns seen: "customer", "date", "2024", "2025"');
    const m = resolveMapping('transactions', ['customer', 'date', 'Paid'], { amount: 'Total Paid' });
    expect(!m.ok && m.hint).toContain('columns seen: "customer", "date", "Paid"');
  });

  it('tells data cells from column names', () => {
    expect(looksLikeData(['Client Ref', 'Sale Date', 'Amount'])).toBe(false);
    expect(looksLikeData(['customer', 'e-mail', 'phone no.'])).toBe(false);
    for (const cell of ['12.50', '-3', '1,234.00', '2025-01-03', '03/01/2025', 'x@y.z', '+44 7700 900123', '(020) 7946 0000'])
      expect(looksLikeData(['name', cell]), cell).toBe(true);
  });
});

describe('the column mapping in Chinese', () => {
  afterEach(() => setLang('en'));

  it('names the missing fields, the columns seen and the --map to type, in Chinese with the field names as they are', () => {
    setLang('zh-CN');
    const r = resolveMapping('transactions', ['客户', '备注', 'qty'], {});
    expect(r).toEqual({
      ok: false,
      message: '找不到以下列：date 和 amount（或 unit_price）；看到的列："客户"，"备注"，"qty"',
      hint: '请用 --map 指定，例如 --map date="备注" --map amount="列名"（需要的字段：customer_id、date，以及 amount 或 quantity + unit_price）',
    });
    const headerless = resolveMapping('customers', ['a', 'b'], {}, { noHeader: true });
    expect(headerless).toMatchObject({
      ok: false,
      message: '没有表头的文件需要用编号指定各列：还没有指定 customer_id',
      hint: '例如 --map customer_id=1（列从 1 开始编号；需要的字段：customer_id）',
    });
    expect(parseMapOptions(['customer_id'])).toBe('--map customer_id：应写成 字段=列名，例如 --map customer_id="客户参考号"');
  });

  it('describes every field in both languages, and names an unknown field with them', () => {
    for (const kind of ['transactions', 'customers'] as const) {
      for (const lang of ['en', 'zh-CN'] as const) {
        setLang(lang);
        for (const f of fieldsFor(kind)) expect(wordPhrase(fieldDescription(kind, f.name), lang), `${lang} ${kind} ${f.name}`).not.toMatch(/^import\.field\./);
      }
    }
    setLang('zh-CN');
    const r = resolveMapping('customers', ['id'], { nickname: 'id' });
    expect(!r.ok && r.message).toBe('--map nickname=id：没有“nickname”这个字段');
    expect(!r.ok && r.hint).toMatch(/^customers 的字段：customer_id（店里识别这位客户所用的编号），name（个人或公司名称），/);
    setLang('en');
    const en = resolveMapping('customers', ['id'], { nickname: 'id' });
    expect(!en.ok && en.hint).toMatch(/^fields for customers: customer_id \(the id the business knows the customer by\), name \(person or company name\), /);
  });
});
