/**
 * Finding fields by header name. Pure: headers in, a mapping (field -> column index) out.
 * Synonyms are compared after normalising: lower case, and spaces, underscores, dashes, dots and
 * slashes removed, so "Customer ID", "customer_id" and "CustomerID" are one name.
 */
import { t, tn } from '../i18n/index.js';
import { restore } from './csvSafe.js';

export type ImportKind = 'transactions' | 'customers';

export interface FieldSpec {
  name: string;
  synonyms: string[];
}

/** What a field holds, for a person choosing a column for it (the catalogue's import.field.<kind>.<name>). */
export function fieldDescription(kind: ImportKind, name: string): string {
  return t(`import.field.${kind}.${name}`);
}

const TRANSACTION_FIELDS: FieldSpec[] = [
  {
    name: 'customer_id',
    synonyms: ['customer_id', 'customer', 'customerid', 'customer_no', 'customer_number', 'customer_code', 'client', 'client_id', 'cust_id', 'member_id', 'buyer', 'account_id', '客户', '客户编号', '客户id', '客户号', '客户代码', '会员编号', '会员id', '顾客编号'],
  },
  {
    name: 'date',
    synonyms: ['date', 'order_date', 'invoicedate', 'invoice_date', 'transaction_date', 'purchase_date', 'sale_date', 'sales_date', 'datetime', 'timestamp', 'order_datetime', 'created_at', '日期', '订单日期', '交易日期', '销售日期', '下单日期', '下单时间', '交易时间'],
  },
  { name: 'time', synonyms: ['time', 'order_time', 'transaction_time', '时间'] },
  {
    name: 'amount',
    synonyms: ['amount', 'total', 'revenue', 'sales', 'line_total', 'total_amount', 'net_amount', 'order_total', 'subtotal', 'value', 'sales_amount', '金额', '总金额', '实付金额', '销售额', '合计', '总价', '实收金额'],
  },
  { name: 'quantity', synonyms: ['quantity', 'qty', 'units', 'count', '数量', '件数'] },
  { name: 'unit_price', synonyms: ['unit_price', 'price', 'unitprice', 'price_each', 'each', '单价', '价格'] },
  {
    name: 'product',
    synonyms: ['product', 'product_id', 'product_code', 'sku', 'stockcode', 'stock_code', 'item', 'item_id', 'article', '商品', '产品', '商品编号', '货号'],
  },
  {
    name: 'product_name',
    synonyms: ['product_name', 'description', 'item_name', 'item_description', 'product_description', 'article_name', '商品名称', '产品名称', '品名', '商品描述'],
  },
  { name: 'channel', synonyms: ['channel', 'sales_channel', 'source', 'store', 'shop', '渠道', '销售渠道', '门店'] },
  { name: 'staff', synonyms: ['staff', 'salesperson', 'sales_person', 'seller', 'cashier', 'employee', 'served_by', 'clerk', '员工', '销售员', '店员', '导购', '营业员', '收银员'] },
  { name: 'payment_method', synonyms: ['payment_method', 'payment', 'payment_type', 'pay_method', 'tender', 'paid_by', '付款方式', '支付方式', '结算方式'] },
  {
    name: 'external_id',
    synonyms: ['external_id', 'invoice', 'invoice_no', 'invoiceno', 'invoice_number', 'invoice_id', 'order_id', 'orderid', 'order', 'order_no', 'order_number', 'receipt', 'receipt_no', 'transaction_id', 'ticket', '订单号', '订单编号', '单号', '发票号', '小票号'],
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
    synonyms: ['customer_id', 'id', 'customer', 'customerid', 'customer_no', 'customer_number', 'customer_code', 'client', 'client_id', 'cust_id', 'member_id', 'account_id', '客户编号', '客户', '客户id', '客户号', '客户代码', '会员编号', '会员id', '编号'],
  },
  { name: 'name', synonyms: ['name', 'customer_name', 'full_name', 'client_name', 'company', 'company_name', '姓名', '名称', '客户名称', '客户姓名', '公司名称'] },
  { name: 'email', synonyms: ['email', 'e_mail', 'email_address', 'mail', '邮箱', '电子邮件', '电子邮箱'] },
  { name: 'phone', synonyms: ['phone', 'telephone', 'tel', 'mobile', 'phone_number', 'cell', 'mobile_phone', '电话', '手机', '手机号', '联系电话'] },
  { name: 'type', synonyms: ['type', 'customer_type', 'client_type', 'kind', '类型', '客户类型'] },
  { name: 'account_manager', synonyms: ['account_manager', 'manager', 'owner', 'sales_rep', 'rep', 'account_owner', 'key_account_manager', '客户经理', '负责人', '业务员'] },
  { name: 'created', synonyms: ['created', 'created_at', 'created_date', 'created_on', 'signup_date', 'sign_up_date', 'joined', 'join_date', 'since', 'customer_since', 'first_seen', 'registered', '创建日期', '注册日期', '注册时间', '入会日期'] },
];

export function fieldsFor(kind: ImportKind): FieldSpec[] {
  return kind === 'transactions' ? TRANSACTION_FIELDS : CUSTOMER_FIELDS;
}

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-./()#]+/g, '');
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

export type MappingResult = { ok: true; mapping: Mapping; notices: string[] } | { ok: false; message: string; hint: string };

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
 * is matched exactly first, then by normalised name.
 */
export function resolveMapping(kind: ImportKind, headers: string[], overrides: Record<string, string>, options: { noHeader?: boolean } = {}): MappingResult {
  const noHeader = options.noHeader === true;
  const notices: string[] = [];
  const specs = fieldsFor(kind);
  const names = new Set(specs.map((s) => s.name));
  const normalised = headers.map(normaliseHeader);
  const taken = new Set<number>();
  const fields: Record<string, number> = {};
  // The first line's cells are repeated in errors only when it is surely a header row: one of
  // them names a column rapport knows. Otherwise it may be a row of data (no header), and a
  // customer's name, email or phone would go to stderr and on into a cron job's mail or a log.
  const known = new Set(specs.flatMap((f) => [f.name, ...f.synonyms].map(normaliseHeader)));
  const header = normalised.some((h) => known.has(h));
  const comma = t('import.listComma');
  const seen = (): string => t('import.map.columnsSeen', { columns: headers.map((h) => JSON.stringify(h)).join(comma) });
  const unseen = tn('import.map.unseen', headers.length);
  if (kind === 'customers' && !noHeader && Object.keys(overrides).length === 0 && CUSTOMER_EXPORT.every(([h], i) => headers[i]?.trim() === h)) {
    return { ok: true, mapping: customerExportMapping(headers), notices };
  }
  for (const [field, column] of Object.entries(overrides)) {
    if (!names.has(field)) {
      const list = specs.map((f) => t('import.map.fieldItem', { name: f.name, description: fieldDescription(kind, f.name) })).join(comma);
      return { ok: false, message: t('import.map.noField', { field, column }), hint: t('import.map.fieldsFor', { kind, fields: list }) };
    }
    let idx = noHeader ? -1 : headers.indexOf(column);
    if (idx < 0 && !noHeader) idx = normalised.indexOf(normaliseHeader(column));
    const number = idx < 0 ? columnNumber(column) : null;
    if (number !== null) {
      if (number < 1 || number > headers.length) {
        return { ok: false, message: tn('import.map.tooFewColumns', headers.length, { field, column }), hint: t('import.map.numberColumnsHint', { n: headers.length }) };
      }
      idx = number - 1;
    }
    if (idx < 0 && noHeader) {
      return { ok: false, message: t('import.map.byNumber', { field, column }), hint: t('import.map.byNumberHint', { field }) };
    }
    if (idx < 0) {
      return { ok: false, message: t('import.map.noColumn', { field, column }), hint: header ? seen() : t('import.map.needsHeader', { unseen }) };
    }
    const other = Object.keys(fields).find((f) => fields[f] === idx);
    if (other !== undefined) {
      return { ok: false, message: t('import.map.sameColumn', { first: `${other}=${overrides[other]!}`, second: `${field}=${column}`, column: headers[idx] ?? column }), hint: t('import.map.sameColumnHint') };
    }
    fields[field] = idx;
    taken.add(idx);
  }
  for (const spec of specs) {
    if (fields[spec.name] !== undefined || noHeader) continue;
    for (const syn of spec.synonyms) {
      const idx = normalised.findIndex((h, i) => h === normaliseHeader(syn) && !taken.has(i));
      if (idx >= 0) {
        fields[spec.name] = idx;
        taken.add(idx);
        break;
      }
    }
  }
  let ownExport: { extra: number } | undefined;
  if (kind === 'transactions' && fields.external_id !== undefined && EXPORT_BOOKKEEPING.every((h) => normalised.includes(normaliseHeader(h)))) {
    for (const h of EXPORT_BOOKKEEPING) {
      const idx = normalised.findIndex((n, i) => n === normaliseHeader(h) && !taken.has(i));
      if (idx < 0) continue;
      taken.add(idx);
      if (h === 'extra') ownExport = { extra: idx };
    }
  }
  if (!noHeader) {
    for (const [field, words] of Object.entries(FIELD_WORDS)) {
      if (fields[field] !== undefined || !names.has(field)) continue;
      if (field === 'amount' && fields.quantity !== undefined && fields.unit_price !== undefined) continue;
      const fits = headers.map((h, i) => i).filter((i) => !taken.has(i) && headerWords(headers[i]!).some((w) => words.includes(w)));
      if (fits.length !== 1) continue;
      fields[field] = fits[0]!;
      taken.add(fits[0]!);
      notices.push(t('import.map.readAs', { column: headers[fits[0]!]!, field, word: headerWords(headers[fits[0]!]!).find((w) => words.includes(w))! }));
    }
  }
  // A file that names its products but has no code for them: the name is the product.
  if (kind === 'transactions' && fields.product === undefined && fields.product_name !== undefined) {
    fields.product = fields.product_name;
    delete fields.product_name;
  }
  const missing = requiredMissing(kind, fields);
  const missingText = missing.map(({ field, alternative }) => (alternative === undefined ? field : t('import.map.orAlternative', { field, alternative }))).join(t('import.map.and'));
  if (missing.length > 0 && noHeader) {
    return {
      ok: false,
      message: tn('import.map.headerlessMissing', missing.length, { fields: missingText }),
      hint: t('import.map.headerlessHint', { maps: missing.map(({ field }, k) => `${field}=${k + 1}`).join(' --map '), needed: requiredList(kind) }),
    };
  }
  if (missing.length > 0 && !header) {
    return {
      ok: false,
      message: looksLikeData(headers) ? t('import.map.looksLikeData') : unseen,
      hint: t('import.map.needsHeaderHint', { needed: requiredList(kind) }),
    };
  }
  if (missing.length > 0) {
    // Each missing field paired with a different unused column, as an example of the syntax.
    const unused = headers.filter((h, i) => !taken.has(i) && h.trim() !== '');
    const example = missing.map(({ field }, k) => `--map ${field}=${JSON.stringify(unused[k] ?? t('import.map.exampleColumn'))}`).join(' ');
    return {
      ok: false,
      message: tn('import.map.cannotFind', missing.length, { fields: missingText, seen: seen() }),
      hint: t('import.map.nameThemHint', { example, needed: requiredList(kind) }),
    };
  }
  return { ok: true, mapping: { fields, extra: extraColumns(headers, taken), ...(ownExport === undefined ? {} : { ownExport }) }, notices };
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

function requiredList(kind: ImportKind): string {
  return kind === 'transactions' ? t('import.map.requiredTransactions') : 'customer_id';
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

/** Parses repeated `--map field=Column` values. */
export function parseMapOptions(values: string[]): Record<string, string> | string {
  const out = Object.create(null) as Record<string, string>;
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) return t('import.map.badPair', { value: v });
    const field = v.slice(0, eq).trim();
    // A second --map for the same field would silently replace the first.
    if (Object.hasOwn(out, field)) return t('import.map.twice', { field, first: `${field}=${out[field]!}`, second: v });
    out[field] = v.slice(eq + 1);
  }
  return out;
}

const TYPE_SYNONYMS: Record<string, 'consumer' | 'business' | 'channel' | 'internal'> = {
  consumer: 'consumer', individual: 'consumer', person: 'consumer', personal: 'consumer', private: 'consumer', retail: 'consumer', b2c: 'consumer', household: 'consumer', 个人: 'consumer', 消费者: 'consumer', 散客: 'consumer',
  business: 'business', company: 'business', corporate: 'business', b2b: 'business', organisation: 'business', organization: 'business', wholesale: 'business', 企业: 'business', 公司: 'business', 商户: 'business',
  channel: 'channel', agent: 'channel', distributor: 'channel', reseller: 'channel', dealer: 'channel', franchisee: 'channel', partner: 'channel', 渠道: 'channel', 代理: 'channel', 经销商: 'channel', 加盟: 'channel',
  internal: 'internal', staff: 'internal', employee: 'internal', department: 'internal', 内部: 'internal',
};

/** Customer type from free text, or null when it is none of the four. */
export function customerType(text: string): 'consumer' | 'business' | 'channel' | 'internal' | null {
  return TYPE_SYNONYMS[text.trim().toLowerCase()] ?? null;
}
