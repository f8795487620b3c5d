/**
 * Finding fields by header name. Pure: headers in, a mapping (field -> column index) out.
 * Synonyms are compared after normalising: lower case, and spaces, underscores, dashes, dots and
 * slashes removed, so "Customer ID", "customer_id" and "CustomerID" are one name.
 */
import { restore } from './csvSafe.js';
import { counted, joined, phrase, type Phrase, type Value } from './words.js';

export type ImportKind = 'transactions' | 'customers';

export interface FieldSpec {
  name: string;
  synonyms: string[];
}

/** What a field holds, for a person choosing a column for it (the catalogue's import.field.<kind>.<name>). */
export function fieldDescription(kind: ImportKind, name: string): Phrase {
  return { key: `import.field.${kind}.${name}` };
}

const TRANSACTION_FIELDS: FieldSpec[] = [
  {
    name: 'customer_id',
    synonyms: [
      'customer_id',
      'customer',
      'customerid',
      'customer_no',
      'customer_number',
      'customer_code',
      'client',
      'client_id',
      'cust_id',
      'member_id',
      'buyer',
      'account_id',
      '客户',
      '客户编号',
      '客户id',
      '客户号',
      '客户代码',
      '会员编号',
      '会员id',
      '顾客编号',
    ],
  },
  {
    name: 'date',
    synonyms: [
      'date',
      'order_date',
      'invoicedate',
      'invoice_date',
      'transaction_date',
      'purchase_date',
      'sale_date',
      'sales_date',
      'datetime',
      'timestamp',
      'order_datetime',
      'created_at',
      '日期',
      '订单日期',
      '交易日期',
      '销售日期',
      '下单日期',
      '下单时间',
      '交易时间',
    ],
  },
  { name: 'time', synonyms: ['time', 'order_time', 'transaction_time', '时间'] },
  {
    name: 'amount',
    synonyms: [
      'amount',
      'total',
      'revenue',
      'sales',
      'line_total',
      'total_amount',
      'net_amount',
      'order_total',
      'subtotal',
      'value',
      'sales_amount',
      '金额',
      '总金额',
      '实付金额',
      '销售额',
      '合计',
      '总价',
      '实收金额',
    ],
  },
  { name: 'quantity', synonyms: ['quantity', 'qty', 'units', 'count', '数量', '件数'] },
  { name: 'unit_price', synonyms: ['unit_price', 'price', 'unitprice', 'price_each', 'each', '单价', '价格'] },
  {
    name: 'product',
    synonyms: ['product', 'product_id', 'product_code', 'sku', 'stockcode', 'stock_code', 'item', 'item_id', 'article', '商品', '产品', '商品编号', '货号'],
  },
  {
    name: 'product_name',
    synonyms: [
      'product_name',
      'description',
      'item_name',
      'item_description',
      'product_description',
      'article_name',
      '商品名称',
      '产品名称',
      '品名',
      '商品描述',
    ],
  },
  { name: 'channel', synonyms: ['channel', 'sales_channel', 'source', 'store', 'shop', '渠道', '销售渠道', '门店'] },
  {
    name: 'staff',
    synonyms: [
      'staff',
      'salesperson',
      'sales_person',
      'seller',
      'cashier',
      'employee',
      'served_by',
      'clerk',
      '员工',
      '销售员',
      '店员',
      '导购',
      '营业员',
      '收银员',
    ],
  },
  { name: 'payment_method', synonyms: ['payment_method', 'payment', 'payment_type', 'pay_method', 'tender', 'paid_by', '付款方式', '支付方式', '结算方式'] },
  {
    name: 'external_id',
    synonyms: [
      'external_id',
      'invoice',
      'invoice_no',
      'invoiceno',
      'invoice_number',
      'invoice_id',
      'order_id',
      'orderid',
      'order',
      'order_no',
      'order_number',
      'receipt',
      'receipt_no',
      'transaction_id',
      'ticket',
      '订单号',
      '订单编号',
      '单号',
      '发票号',
      '小票号',
    ],
  },
  {
    name: 'currency',
    synonyms: ['currency', 'currency_code', 'ccy', '币种', '货币'],
  },
];

/**
 * rapport export transactions's own columns that are the old database's bookkeeping, not the
 * sale: its row id, the import and line it came from, and the extra columns packed as JSON. In
 * a file with that header, the first three are left out, `extra` is unpacked and the formula
 * guard's quotes are taken off, so the export imports back as it was rather than with its
 * bookkeeping stored as extra attributes and a quote before every "-" or "+".
 */
const EXPORT_BOOKKEEPING = ['id', 'import_id', 'line', 'extra'];

/**
 * rapport export customers's own columns, in its order, with the field each one holds. A file
 * whose header starts with exactly these is read as that export: the columns by position (so an
 * extra column named like a field, "email" or "created", stays an extra one), every cell and
 * extra column name with the formula guard undone, --excel's ="…" phone undone, and an
 * `attributes` column (older exports packed the extra columns there as JSON) unpacked.
 */
const CUSTOMER_EXPORT: readonly [string, string][] = [
  ['id', 'customer_id'],
  ['name', 'name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['type', 'type'],
  ['account_manager', 'account_manager'],
  ['created_date', 'created'],
];

const CUSTOMER_FIELDS: FieldSpec[] = [
  {
    name: 'customer_id',
    synonyms: [
      'customer_id',
      'id',
      'customer',
      'customerid',
      'customer_no',
      'customer_number',
      'customer_code',
      'client',
      'client_id',
      'cust_id',
      'member_id',
      'account_id',
      '客户编号',
      '客户',
      '客户id',
      '客户号',
      '客户代码',
      '会员编号',
      '会员id',
      '编号',
    ],
  },
  {
    name: 'name',
    synonyms: ['name', 'customer_name', 'full_name', 'client_name', 'company', 'company_name', '姓名', '名称', '客户名称', '客户姓名', '公司名称'],
  },
  { name: 'email', synonyms: ['email', 'e_mail', 'email_address', 'mail', '邮箱', '电子邮件', '电子邮箱'] },
  { name: 'phone', synonyms: ['phone', 'telephone', 'tel', 'mobile', 'phone_number', 'cell', 'mobile_phone', '电话', '手机', '手机号', '联系电话'] },
  { name: 'type', synonyms: ['type', 'customer_type', 'client_type', 'kind', '类型', '客户类型'] },
  {
    name: 'account_manager',
    synonyms: ['account_manager', 'manager', 'owner', 'sales_rep', 'rep', 'account_owner', 'key_account_manager', '客户经理', '负责人', '业务员'],
  },
  {
    name: 'created',
    synonyms: [
      'created',
      'created_at',
      'created_date',
      'created_on',
      'signup_date',
      'sign_up_date',
      'joined',
      'join_date',
      'since',
      'customer_since',
      'first_seen',
      'registered',
      '创建日期',
      '注册日期',
      '注册时间',
      '入会日期',
    ],
  },
];

export function fieldsFor(kind: ImportKind): FieldSpec[] {
  return kind === 'transactions' ? TRANSACTION_FIELDS : CUSTOMER_FIELDS;
}

export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_\-./()#]+/g, '');
}

export interface Mapping {
  /** field name -> column index */
  fields: Record<string, number>;
  /** header names of columns no field uses (kept as extra attributes) */
  extra: { name: string; index: number }[];
  /**
   * The file is rapport's own transactions or customers export: its cells carry the CSV formula
   * guard (undone on reading), and `extra` (this column) holds the extra attributes packed as
   * JSON (transactions always; customers in an older export's `attributes` column, or null).
   */
  ownExport?: { extra: number | null };
}

/** Why no mapping: what is wrong and what to do, as phrases (the import words them). */
export type MappingRefusal = { ok: false; message: Phrase; hint: Phrase };
export type MappingResult = { ok: true; mapping: Mapping; notices: Phrase[] } | MappingRefusal;

/** True when a cell of the line names a column rapport knows: then it is surely a header row. */
export function namesKnownColumn(kind: ImportKind, cells: readonly string[]): boolean {
  const known = new Set(fieldsFor(kind).flatMap((f) => [f.name, ...f.synonyms].map(normaliseHeader)));
  return cells.some((c) => known.has(normaliseHeader(c)));
}

/** A --map value that names a column by its 1-based number ("3"), or by "column_3". */
export function columnNumber(value: string): number | null {
  const m = /^(?:column_?)?(\d{1,6})$/i.exec(value.trim());
  return m ? Number(m[1]) : null;
}

/**
 * Fields matched by a word of a header when no header is one of the field's names: "trans_date"
 * and "Order Date (UTC)" hold the word "date", "tran_amount" the word "amount". Only for the
 * fields every file needs, and only when exactly one unused column holds such a word.
 */
const FIELD_WORDS: Record<string, string[]> = {
  customer_id: ['customer', 'client', 'cust', 'member', 'buyer'],
  date: ['date', 'datetime', 'timestamp'],
  amount: ['amount', 'amt', 'total', 'revenue'],
};

export function headerWords(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Resolves fields from headers. `overrides` are `--map field=Column` pairs; a column named there
 * is matched exactly first, then by normalised name. Then, in order: the fields' synonyms, the
 * bookkeeping columns of rapport's own export, and a lone column whose header holds a field's word.
 */
export function resolveMapping(kind: ImportKind, headers: string[], overrides: Record<string, string>, options: { noHeader?: boolean } = {}): MappingResult {
  const noHeader = options.noHeader === true;
  if (kind === 'customers' && !noHeader && Object.keys(overrides).length === 0 && CUSTOMER_EXPORT.every(([h], i) => headers[i]?.trim() === h)) {
    return { ok: true, mapping: customerExportMapping(headers), notices: [] };
  }
  const r = startResolving(kind, headers, noHeader);
  for (const [field, column] of Object.entries(overrides)) {
    const refused = applyOverride(r, overrides, field, column);
    if (refused !== null) return refused;
  }
  if (!noHeader) matchSynonyms(r);
  const ownExport = takeExportBookkeeping(r);
  if (!noHeader) matchHeaderWords(r);
  // A file that names its products but has no code for them: the name is the product.
  if (kind === 'transactions' && r.fields.product === undefined && r.fields.product_name !== undefined) {
    r.fields.product = r.fields.product_name;
    delete r.fields.product_name;
  }
  const missing = requiredMissing(kind, r.fields);
  if (missing.length > 0) return missingRefusal(r, missing);
  return {
    ok: true,
    mapping: { fields: r.fields, extra: extraColumns(headers, r.taken), ...(ownExport === undefined ? {} : { ownExport }) },
    notices: r.notices,
  };
}

/** What resolveMapping works from, and the fields and columns it has matched so far. */
interface Resolving {
  kind: ImportKind;
  headers: string[];
  normalised: string[];
  noHeader: boolean;
  specs: FieldSpec[];
  names: Set<string>;
  /**
   * The first line is surely a header row: one of its cells names a column rapport knows. Only
   * then are its cells repeated in errors; otherwise it may be a row of data, and a customer's
   * name, email or phone would go to stderr and on into a cron job's mail or a log.
   */
  header: boolean;
  fields: Record<string, number>;
  taken: Set<number>;
  notices: Phrase[];
}

function startResolving(kind: ImportKind, headers: string[], noHeader: boolean): Resolving {
  const specs = fieldsFor(kind);
  const normalised = headers.map(normaliseHeader);
  const known = new Set(specs.flatMap((f) => [f.name, ...f.synonyms].map(normaliseHeader)));
  return {
    kind,
    headers,
    normalised,
    noHeader,
    specs,
    names: new Set(specs.map((s) => s.name)),
    header: normalised.some((h) => known.has(h)),
    fields: {},
    taken: new Set(),
    notices: [],
  };
}

/** "columns seen: "a", "b"" (only for a line that is surely a header row). */
const columnsSeen = (r: Resolving): Phrase =>
  phrase('import.map.columnsSeen', {
    columns: joined(
      r.headers.map((h) => JSON.stringify(h)),
      'import.listComma',
    ),
  });
const unseenColumns = (r: Resolving): Phrase => counted('import.map.unseen', r.headers.length);
const refuse = (message: Phrase, hint: Phrase): MappingRefusal => ({ ok: false, message, hint });

/** One `--map field=column`: the column's index taken for the field, or why not. */
function applyOverride(r: Resolving, overrides: Record<string, string>, field: string, column: string): MappingRefusal | null {
  if (!r.names.has(field)) {
    const list = joined(
      r.specs.map((f) => phrase('import.map.fieldItem', { name: f.name, description: fieldDescription(r.kind, f.name) })),
      'import.listComma',
    );
    return refuse(phrase('import.map.noField', { field, column }), phrase('import.map.fieldsFor', { kind: r.kind, fields: list }));
  }
  let idx = r.noHeader ? -1 : r.headers.indexOf(column);
  if (idx < 0 && !r.noHeader) idx = r.normalised.indexOf(normaliseHeader(column));
  const number = idx < 0 ? columnNumber(column) : null;
  if (number !== null) {
    if (number < 1 || number > r.headers.length) {
      return refuse(counted('import.map.tooFewColumns', r.headers.length, { field, column }), phrase('import.map.numberColumnsHint', { n: r.headers.length }));
    }
    idx = number - 1;
  }
  if (idx < 0 && r.noHeader) return refuse(phrase('import.map.byNumber', { field, column }), phrase('import.map.byNumberHint', { field }));
  if (idx < 0)
    return refuse(phrase('import.map.noColumn', { field, column }), r.header ? columnsSeen(r) : phrase('import.map.needsHeader', { unseen: unseenColumns(r) }));
  const other = Object.keys(r.fields).find((f) => r.fields[f] === idx);
  if (other !== undefined) {
    const same = phrase('import.map.sameColumn', { first: `${other}=${overrides[other]!}`, second: `${field}=${column}`, column: r.headers[idx] ?? column });
    return refuse(same, phrase('import.map.sameColumnHint'));
  }
  r.fields[field] = idx;
  r.taken.add(idx);
  return null;
}

/** Each field still unmatched takes the first free column one of its synonyms names. */
function matchSynonyms(r: Resolving): void {
  for (const spec of r.specs) {
    if (r.fields[spec.name] !== undefined) continue;
    for (const syn of spec.synonyms) {
      const idx = r.normalised.findIndex((h, i) => h === normaliseHeader(syn) && !r.taken.has(i));
      if (idx >= 0) {
        r.fields[spec.name] = idx;
        r.taken.add(idx);
        break;
      }
    }
  }
}

/** rapport's own transactions export: its bookkeeping columns are taken (not extras), and where its packed extras are. */
function takeExportBookkeeping(r: Resolving): { extra: number } | undefined {
  if (r.kind !== 'transactions' || r.fields.external_id === undefined || !EXPORT_BOOKKEEPING.every((h) => r.normalised.includes(normaliseHeader(h))))
    return undefined;
  let ownExport: { extra: number } | undefined;
  for (const h of EXPORT_BOOKKEEPING) {
    const idx = r.normalised.findIndex((n, i) => n === normaliseHeader(h) && !r.taken.has(i));
    if (idx < 0) continue;
    r.taken.add(idx);
    if (h === 'extra') ownExport = { extra: idx };
  }
  return ownExport;
}

/** A field still unmatched takes the one free column whose header holds one of its words ("Total Paid" for amount), with a notice. */
function matchHeaderWords(r: Resolving): void {
  for (const [field, words] of Object.entries(FIELD_WORDS)) {
    if (r.fields[field] !== undefined || !r.names.has(field)) continue;
    if (field === 'amount' && r.fields.quantity !== undefined && r.fields.unit_price !== undefined) continue;
    const fits = r.headers.map((h, i) => i).filter((i) => !r.taken.has(i) && headerWords(r.headers[i]!).some((w) => words.includes(w)));
    if (fits.length !== 1) continue;
    const column = r.headers[fits[0]!]!;
    r.fields[field] = fits[0]!;
    r.taken.add(fits[0]!);
    r.notices.push(phrase('import.map.readAs', { column, field, word: headerWords(column).find((w) => words.includes(w))! }));
  }
}

/** Why the required fields that are missing stop the import, and the --map that would name them. */
function missingRefusal(r: Resolving, missing: MissingField[]): MappingRefusal {
  const missingText = joined(
    missing.map(({ field, alternative }) => (alternative === undefined ? field : phrase('import.map.orAlternative', { field, alternative }))),
    'import.map.and',
  );
  const needed = requiredList(r.kind);
  if (r.noHeader) {
    const maps = missing.map(({ field }, k) => `${field}=${k + 1}`).join(' --map ');
    return refuse(counted('import.map.headerlessMissing', missing.length, { fields: missingText }), phrase('import.map.headerlessHint', { maps, needed }));
  }
  if (!r.header)
    return refuse(looksLikeData(r.headers) ? phrase('import.map.looksLikeData') : unseenColumns(r), phrase('import.map.needsHeaderHint', { needed }));
  // Each missing field paired with a different unused column, as an example of the syntax.
  const unused = r.headers.filter((h, i) => !r.taken.has(i) && h.trim() !== '');
  // The example column's name is quoted as JSON.stringify quotes a header (neither catalogue's wording holds a quote or a backslash).
  const exampleColumn = joined(['"', phrase('import.map.exampleColumn'), '"']);
  const example = joined(
    missing.flatMap(({ field }, k) => [k > 0 ? ' ' : '', `--map ${field}=`, unused[k] === undefined ? exampleColumn : JSON.stringify(unused[k])]),
  );
  return refuse(
    counted('import.map.cannotFind', missing.length, { fields: missingText, seen: columnsSeen(r) }),
    phrase('import.map.nameThemHint', { example, needed }),
  );
}

/** The mapping of rapport's own customers export (see CUSTOMER_EXPORT). */
function customerExportMapping(headers: string[]): Mapping {
  const fields: Record<string, number> = {};
  CUSTOMER_EXPORT.forEach(([, field], i) => (fields[field] = i));
  const taken = new Set(CUSTOMER_EXPORT.map((_, i) => i));
  const packed = headers.findIndex((h, i) => i >= CUSTOMER_EXPORT.length && h.trim() === 'attributes');
  if (packed >= 0) taken.add(packed);
  return { fields, extra: extraColumns(headers.map(restore), taken), ownExport: { extra: packed >= 0 ? packed : null } };
}

/**
 * The columns no field uses, kept as extra attributes under unique names: an empty header becomes
 * "column_N" (its position), a repeated one gets "_2", "_3". Sorted by name, so the same columns
 * in another order give the same JSON (and the same duplicate-rule content).
 */
function extraColumns(headers: string[], taken: Set<number>): { name: string; index: number }[] {
  const used = new Set(headers.map((h) => h.trim()));
  const seen = new Map<string, number>();
  const out: { name: string; index: number }[] = [];
  headers.forEach((h, index) => {
    if (taken.has(index)) return;
    let name = h.trim() === '' ? `column_${index + 1}` : h.trim();
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) {
      let k = n;
      while (used.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    out.push({ name, index });
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A header row names columns; a cell that is a number, a date, an email or a phone number is data. */
export function looksLikeData(cells: readonly string[]): boolean {
  return cells.some((c) => {
    const v = c.trim();
    return /@/.test(v) || /^[-+]?[\d.,\s]*\d[\d.,\s]*$/.test(v) || /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(v) || /^\+?[\d\s().-]{7,}$/.test(v);
  });
}

function requiredList(kind: ImportKind): Value {
  return kind === 'transactions' ? phrase('import.map.requiredTransactions') : 'customer_id';
}

/** A required field no column was found for; `alternative`: the column that would do instead (quantity when unit_price is there). */
interface MissingField {
  field: string;
  alternative?: string;
}

function requiredMissing(kind: ImportKind, fields: Record<string, number>): MissingField[] {
  const missing: MissingField[] = [];
  if (fields.customer_id === undefined) missing.push({ field: 'customer_id' });
  if (kind === 'transactions') {
    if (fields.date === undefined) missing.push({ field: 'date' });
    if (fields.amount === undefined && (fields.quantity === undefined || fields.unit_price === undefined)) {
      if (fields.quantity === undefined && fields.unit_price === undefined) missing.push({ field: 'amount' });
      else missing.push({ field: 'amount', alternative: fields.quantity === undefined ? 'quantity' : 'unit_price' });
    }
  }
  return missing;
}

/** Parses repeated `--map field=Column` values: the pairs, or why one will not do. */
export function parseMapOptions(values: string[]): { map: Record<string, string> } | { error: Phrase } {
  const out = Object.create(null) as Record<string, string>;
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) return { error: phrase('import.map.badPair', { value: v }) };
    const field = v.slice(0, eq).trim();
    // A second --map for the same field would silently replace the first.
    if (Object.hasOwn(out, field)) return { error: phrase('import.map.twice', { field, first: `${field}=${out[field]!}`, second: v }) };
    out[field] = v.slice(eq + 1);
  }
  return { map: out };
}

const TYPE_SYNONYMS: Record<string, 'consumer' | 'business' | 'channel' | 'internal'> = {
  consumer: 'consumer',
  individual: 'consumer',
  person: 'consumer',
  personal: 'consumer',
  private: 'consumer',
  retail: 'consumer',
  b2c: 'consumer',
  household: 'consumer',
  个人: 'consumer',
  消费者: 'consumer',
  散客: 'consumer',
  business: 'business',
  company: 'business',
  corporate: 'business',
  b2b: 'business',
  organisation: 'business',
  organization: 'business',
  wholesale: 'business',
  企业: 'business',
  公司: 'business',
  商户: 'business',
  channel: 'channel',
  agent: 'channel',
  distributor: 'channel',
  reseller: 'channel',
  dealer: 'channel',
  franchisee: 'channel',
  partner: 'channel',
  渠道: 'channel',
  代理: 'channel',
  经销商: 'channel',
  加盟: 'channel',
  internal: 'internal',
  staff: 'internal',
  employee: 'internal',
  department: 'internal',
  内部: 'internal',
};

/** Customer type from free text, or null when it is none of the four. */
export function customerType(text: string): 'consumer' | 'business' | 'channel' | 'internal' | null {
  return TYPE_SYNONYMS[text.trim().toLowerCase()] ?? null;
}
