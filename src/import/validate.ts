/**
 * Row validation: fields of one CSV record in, a normalised row or a reject out. Pure (no
 * database), so it runs in the import's parsing worker as well as in the main thread.
 */
import { customerType, type Mapping } from '../core/columns.js';
import { dateReaderFor, swapDayMonth, type DateReader, type ReadingFacts } from '../core/dates.js';
import { TRANSACTION_COLUMNS, type CustomerRow, type TransactionColumn } from '../core/row.js';
import { fromExcelText, restore } from '../core/csvSafe.js';
import { LONE_SURROGATE } from '../core/unicode.js';
import { wordPhrase } from '../i18n/phrase.js';
import {
  CurrencyGuard,
  MoneyParser,
  addExact,
  currencyExponent,
  decimalParts,
  lineAmount,
  lineAmountExact,
  splitSign,
  type Exact,
  type RoundRule,
} from '../core/money.js';

export const MAX_ID = 200;
export const MAX_TEXT = 2000;

export interface Reject {
  line: number;
  field: string | null;
  reason: string;
  raw: string;
}

/** What the sniffing pass settled about a file; plain data, so it can be sent to a worker. */
export interface FileShape {
  delimiter: string;
  encoding: string;
  headers: string[];
  /** The header line as written (for `rapport rejects ID --raw`). */
  headerRaw: string;
  headerLine: number;
  mapping: Mapping;
  /** "ISO", a --date-format layout, or null when the file has no date column. */
  dateLayout: string | null;
  /** What settled a detected layout (for the user), or null. */
  dateEvidence: string | null;
  /** When the layout was chosen as the plausible reading of dates validity left open: each reading's facts, the chosen first. */
  dateReadings: ReadingFacts[] | null;
  /** What the sniffer decided that the user should hear of (a column matched by a word, no header row). */
  notices: string[];
}

export interface CheckSettings {
  decimalComma: boolean;
  /** The database's currency (sets the minor unit), or null: read with 2 decimals. */
  currency: string | null;
  /** The currencies a mark may stand for (the currency, or what earlier files' marks left), or null: any. */
  allowedCurrencies: string[] | null;
  /** --round: amounts finer than the minor unit are rounded by this rule; null or absent: they are rejects. */
  round?: RoundRule | null;
}

/**
 * What rounding did to a file's amounts, over the rows that passed every check (duplicates of
 * rows already stored included): plain data, so it crosses from the parsing worker.
 */
export interface RoundingStats {
  /** Rows whose amount was rounded (--round). */
  rounded: number;
  /** Rows rejected only because their amount is finer than the minor unit: --round would keep them. */
  needsRounding: number;
  /** The amounts as stored, in minor units (a bigint's digits). */
  storedSum: string;
  /** The file's amounts minus the stored ones, in minor units: units (a bigint's digits) / 10^scale. */
  excess: { units: string; scale: number };
}

const TEXT_FIELDS = ['product', 'channel', 'staff', 'payment_method', 'external_id'] as const;
// Control characters other than tab, newline and carriage return have no place in a sales export
// (and U+001F/U+001E are our own separators).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/**
 * A control character or any surrogate: one scan of a row's raw text, so that the rows with
 * neither (nearly all) skip the control and per-field lone-surrogate checks. A field's lone
 * surrogate is one in the raw text too (what follows it there is a delimiter, a quote or a line end).
 */
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff]/;

/**
 * What is wrong with a customer's id, email or other text by the import's rules, or null: the
 * checks `complaint add --new-customer` makes too, so a customer it creates is one a customers
 * file could have given. Values are taken trimmed, as the import stores them.
 */
export type ValueFault = 'empty' | 'long' | 'control' | 'not-email';

export function customerIdFault(id: string): ValueFault | null {
  const v = id.trim();
  if (v === '') return 'empty';
  if (v.length > MAX_ID) return 'long';
  return CONTROL.test(v) || LONE_SURROGATE.test(v) ? 'control' : null;
}

export function emailFault(email: string): ValueFault | null {
  const v = email.trim();
  return textFault(v) ?? (EMAIL.test(v) ? null : 'not-email');
}

function textFault(text: string): ValueFault | null {
  const v = text.trim();
  if (v.length > MAX_TEXT) return 'long';
  return CONTROL.test(v) || LONE_SURROGATE.test(v) ? 'control' : null;
}

/** The row's first field holding a lone surrogate (the row is rejected: core/unicode.ts), as a reason, or null. */
function loneSurrogate(fields: string[], headers: string[]): { field: string; reason: string } | null {
  const i = fields.findIndex((f) => LONE_SURROGATE.test(f));
  if (i < 0) return null;
  const unit = LONE_SURROGATE.exec(fields[i]!)![0].charCodeAt(0).toString(16).toUpperCase();
  return {
    field: headers[i] ?? `column ${i + 1}`,
    reason: `holds half of a UTF-16 surrogate pair (U+${unit}) on its own: not a character (the file was damaged or cut mid-character)`,
  };
}

/** A string of 1-15 plain digits (optionally signed) as a number, else NaN. */
function plainInteger(s: string): number {
  const n = s.length;
  const neg = s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (n === i || n - i > 15) return NaN;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + c - 48;
  }
  return neg ? (v === 0 ? 0 : -v) : v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function text(v: string | undefined): string | null {
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** "14:30", "14:30:05", "2:30 PM" -> "HH:MM:SS", or null. */
export function parseTime(t: string): string | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (m[4] !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (m[4].toLowerCase() === 'pm' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) return null;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(h)}:${p(mi)}:${p(s)}`;
}

/**
 * The extra attributes packed as JSON by rapport export (an object of strings), merged with the
 * file's other extra columns, or why the cell is not such an object.
 */
function withPacked(cell: string, others: Record<string, string> | null): { value: Record<string, string> | null } | { reason: string } {
  const t = cell.trim();
  if (t === '') return { value: others };
  if (t.length > MAX_TEXT) return { reason: `longer than ${MAX_TEXT} characters` };
  let o: unknown = null;
  try {
    o = JSON.parse(t);
  } catch {
    // not JSON: refused below
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o) || Object.values(o).some((v) => typeof v !== 'string')) {
    return { reason: 'is not the JSON object of extra columns that rapport export writes' };
  }
  return { value: others === null ? Object.assign(bare(), o as Record<string, string>) : merged(o as Record<string, string>, others) };
}

/** Two sets of extra attributes as one, keys sorted (the order every merge stores), `b` winning. */
function merged(a: Record<string, string> | null, b: Record<string, string>): Record<string, string> {
  const all = Object.assign(bare(), a, b);
  const sorted = bare();
  for (const k of Object.keys(all).sort()) sorted[k] = all[k]!;
  return sorted;
}

/** An object without a prototype: a column named "__proto__" is then a key like any other. */
function bare(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** The non-empty extra columns as an object (keys in the mapping's sorted order), or the name of one that is too long. */
function extraValues(fields: string[], extra: { name: string; index: number }[]): Record<string, string> | null | string {
  let o: Record<string, string> | null = null;
  for (const c of extra) {
    const v = fields[c.index]!.trim();
    if (v === '') continue;
    if (v.length > MAX_TEXT) return c.name;
    (o ??= bare())[c.name] = v;
  }
  return o;
}

/**
 * Watches a date column whose layout the sniffer detected (D/M/YYYY from a "25/04/2024"): a date
 * that does not read with that layout but does with day and month swapped contradicts the
 * detection, and the import is then refused rather than half-guessed.
 */
export class DateConflictWatch {
  first: { value: string; line: number } | null = null;
  private readonly swapped: DateReader | null;

  constructor(shape: FileShape) {
    const detected = shape.dateEvidence !== null && shape.dateLayout !== null;
    this.swapped = detected ? dateReaderFor(swapDayMonth(shape.dateLayout!)) : null;
  }

  failed(value: string, line: number): void {
    if (this.swapped && this.first === null && this.swapped.parse(value)) this.first = { value: value.trim(), line };
  }
}

function controlField(fields: string[], headers: string[]): string {
  const i = fields.findIndex((f) => CONTROL.test(f));
  return headers[i] ?? 'row';
}

export interface TransactionChecker {
  /** The row's values (TRANSACTION_COLUMNS order), or null after calling `reject`. */
  check(fields: string[], line: number, raw: string, reject: (r: Reject) => void): (string | number | null)[] | null;
  /** The currencies this file's marks left possible, or null when it had none. */
  currencies(): readonly string[] | null;
  /** A date that contradicts the detected layout, if one was seen. */
  dateConflict(): { value: string; line: number } | null;
  rounding(): RoundingStats;
}

export function transactionChecker(shape: FileShape, settings: CheckSettings): TransactionChecker {
  return new TransactionRules(shape, settings);
}

/** Why a row is rejected: the field (null: the whole row) and the reason. */
interface Fault {
  field: string | null;
  reason: string;
}

function fault(field: string | null, reason: string): Fault {
  return { field, reason };
}

/**
 * The checks of a transactions file's rows, one step per value. The steps leave what they read in
 * the per-row fields below (reset by each step before use) and return a Fault or null.
 */
class TransactionRules implements TransactionChecker {
  private readonly shape: FileShape;
  private readonly settings: CheckSettings;
  private readonly iCustomer: number;
  private readonly iDate: number;
  private readonly iTime: number | undefined;
  private readonly iAmount: number | undefined;
  private readonly iQty: number | undefined;
  private readonly iPrice: number | undefined;
  private readonly iCurrency: number | undefined;
  private readonly textCols: (number | undefined)[];
  private readonly extra: FileShape['mapping']['extra'];
  private readonly packed: number | undefined;
  private readonly own: boolean;
  private readonly moneyOptions: { decimalComma: boolean; exponent: number; round: RoundRule | null };
  private readonly money: MoneyParser;
  /** Without --round, an amount it would have kept is read once more, to count the rows --round would save. */
  private readonly roundProbe: MoneyParser | null;
  private readonly dates: DateReader;
  private readonly watch: DateConflictWatch;
  private readonly guard: CurrencyGuard;
  private rounded = 0;
  private needsRounding = 0;
  /** The stored sum in a float while it is an exact safe integer, carried into a bigint before it is not. */
  private sumNumber = 0;
  private sumBig = 0n;
  private excess: Exact = { units: 0n, scale: 0 };

  // The row being checked.
  private time: string | null = null;
  private quantity: number | null = null;
  private qtyText = '';
  private unitPrice: number | null = null;
  private priceText = '';
  private amount = 0;
  private rowExcess: Exact | null = null;
  /**
   * An amount only --round would read: the row is a reject for it, whatever else is wrong with the
   * row (as without the probe); it counts as one --round would save if nothing else is.
   */
  private needsRound: string | null = null;

  constructor(shape: FileShape, settings: CheckSettings) {
    const f = shape.mapping.fields;
    this.shape = shape;
    this.settings = settings;
    this.iCustomer = f.customer_id!;
    this.iDate = f.date!;
    this.iTime = f.time;
    this.iAmount = f.amount;
    this.iQty = f.quantity;
    this.iPrice = f.unit_price;
    this.iCurrency = f.currency;
    this.textCols = TEXT_FIELDS.map((name) => f[name]);
    this.extra = shape.mapping.extra;
    this.packed = shape.mapping.ownExport?.extra ?? undefined;
    this.own = shape.mapping.ownExport !== undefined;
    this.moneyOptions = { decimalComma: settings.decimalComma, exponent: currencyExponent(settings.currency), round: settings.round ?? null };
    this.money = new MoneyParser(this.moneyOptions);
    this.roundProbe = !settings.round ? new MoneyParser({ ...this.moneyOptions, round: 'half-up' }) : null;
    this.dates = dateReaderFor(shape.dateLayout ?? 'ISO');
    this.watch = new DateConflictWatch(shape);
    this.guard = new CurrencyGuard(settings.allowedCurrencies, settings.currency);
  }

  check(cells: string[], line: number, raw: string, onReject: (r: Reject) => void): (string | number | null)[] | null {
    this.needsRound = null;
    const values = this.read(cells, line, raw);
    if (!Array.isArray(values)) {
      onReject(this.needsRound === null ? { line, field: values.field, reason: values.reason, raw } : { line, field: 'amount', reason: this.needsRound, raw });
      return null;
    }
    if (this.needsRound !== null) {
      this.needsRounding++;
      onReject({ line, field: 'amount', reason: this.needsRound, raw });
      return null;
    }
    this.keep();
    return values;
  }

  currencies(): readonly string[] | null {
    return this.guard.seen;
  }

  dateConflict(): { value: string; line: number } | null {
    return this.watch.first;
  }

  rounding(): RoundingStats {
    const { rounded, needsRounding, excess } = this;
    return { rounded, needsRounding, storedSum: String(this.sumBig + BigInt(this.sumNumber)), excess: { units: String(excess.units), scale: excess.scale } };
  }

  /** The row's values (TRANSACTION_COLUMNS order), or why it is rejected. */
  private read(cells: string[], line: number, raw: string): (string | number | null)[] | Fault {
    if (SUSPECT.test(raw)) {
      const why = this.unreadable(cells, raw);
      if (why !== null) return why;
    }
    const fields = this.own ? cells.map(restore) : cells;
    // An empty id is a sale without a customer (a walk-in or guest sale): stored with the id
    // NO_CUSTOMER (core/row.ts), counted in the shop's figures and left out of everything per customer.
    const customerId = fields[this.iCustomer]!.trim();
    if (customerId.length > MAX_ID) return fault('customer_id', `customer id longer than ${MAX_ID} characters`);
    const dates = this.dates;
    if (!dates.parse(fields[this.iDate]!)) {
      this.watch.failed(fields[this.iDate]!, line);
      return fault('date', wordPhrase(dates.reason, 'en'));
    }
    const why = this.readTime(fields) ?? this.readQuantity(fields) ?? this.readPrice(fields) ?? this.readAmount(fields) ?? this.checkCurrency(fields);
    if (why !== null) return why;
    const values: (string | number | null)[] = [
      customerId,
      dates.date,
      this.time,
      this.amount,
      this.quantity,
      this.unitPrice,
      null,
      null,
      null,
      null,
      null,
      null,
    ];
    return this.readTexts(fields, values) ?? this.readExtra(fields, values) ?? values;
  }

  /** A control character or a lone surrogate in the row, or null. */
  private unreadable(cells: string[], raw: string): Fault | null {
    if (CONTROL.test(raw)) return fault(controlField(cells, this.shape.headers), 'contains control characters (binary data?)');
    return loneSurrogate(cells, this.shape.headers);
  }

  /** The time of day: the date's own, else the time column's. */
  private readTime(fields: string[]): Fault | null {
    this.time = this.dates.time;
    if (this.iTime === undefined || this.time !== null) return null;
    const t = fields[this.iTime]!.trim();
    if (t === '') return null;
    this.time = parseTime(t);
    return this.time === null ? fault('time', `"${t}" is not a time of day (HH:mm or HH:mm:ss)`) : null;
  }

  private readQuantity(fields: string[]): Fault | null {
    this.quantity = null;
    this.qtyText = this.iQty === undefined ? '' : fields[this.iQty]!.trim();
    const text = this.qtyText;
    if (text === '') return null;
    this.quantity = plainInteger(text);
    if (this.quantity === this.quantity) return null;
    const q = decimalParts(text, this.settings.decimalComma);
    if (q === null) return fault('quantity', this.money.explain(text).replace(' an amount', ' a quantity'));
    this.quantity = Number(q.units) / 10 ** q.scale;
    return null;
  }

  private readPrice(fields: string[]): Fault | null {
    this.unitPrice = null;
    this.priceText = this.iPrice === undefined ? '' : fields[this.iPrice]!.trim();
    const text = this.priceText;
    if (text === '') return null;
    let price = this.money.parse(text);
    // Prices finer than the minor unit (0.125) are rounded for storage; amounts use the exact value.
    if (price !== price) price = lineAmount('1', text, this.moneyOptions);
    if (price !== price) return fault('unit_price', this.money.explain(text).replace(' an amount', ' a price'));
    this.unitPrice = price;
    // A text that starts and ends with a digit has no currency mark (splitSign looks only at its
    // ends): nearly every price, and the mark's search cost 0.15-0.2 s per million rows.
    if (isDigit(text.charCodeAt(0)) && isDigit(text.charCodeAt(text.length - 1))) return null;
    const sign = splitSign(text);
    const why = typeof sign !== 'string' && sign.symbol !== null ? this.guard.check(sign.symbol) : null;
    return why === null ? null : fault('unit_price', `"${text}" ${why}`);
  }

  /** The amount column's, or quantity × unit price when the row has no amount. */
  private readAmount(fields: string[]): Fault | null {
    this.rowExcess = null;
    const i = this.iAmount;
    if (i !== undefined && (fields[i]!.trim() !== '' || this.quantity === null || this.unitPrice === null)) return this.readGivenAmount(fields[i]!);
    return this.computeAmount();
  }

  private readGivenAmount(a: string): Fault | null {
    const { money, roundProbe } = this;
    let amount = money.parse(a);
    this.rowExcess = money.excess;
    if (amount !== amount && roundProbe !== null) {
      amount = roundProbe.parse(a);
      if (amount === amount && roundProbe.excess !== null) this.needsRound = money.explain(a);
      else amount = NaN;
    }
    if (amount !== amount) return fault('amount', money.explain(a));
    this.amount = amount;
    const mark = this.needsRound === null ? money.symbol : roundProbe!.symbol;
    // A row rejected anyway leaves the currency the file's marks settle as it was.
    const why = mark === null ? null : this.needsRound === null ? this.guard.check(mark) : this.guard.wouldRefuse(mark);
    return why === null ? null : fault('amount', `"${a.trim()}" ${why}`);
  }

  private computeAmount(): Fault | null {
    const { qtyText, priceText } = this;
    if (qtyText === '' || priceText === '')
      return fault(qtyText === '' ? 'quantity' : 'unit_price', 'no amount, and no quantity and unit price to compute it from');
    if (!this.settings.round) this.amount = lineAmount(qtyText, priceText, this.moneyOptions);
    else {
      // With --round the product is rounded by its rule, and counted like an amount that was.
      const exact = lineAmountExact(qtyText, priceText, this.moneyOptions);
      this.amount = exact?.minor ?? NaN;
      if (exact !== null && exact.excess.units !== 0n) this.rowExcess = exact.excess;
    }
    return this.amount !== this.amount ? fault('amount', `${qtyText} × ${priceText} cannot be stored exactly`) : null;
  }

  /** A currency column names the amount's currency as a mark beside it would: one currency per database. */
  private checkCurrency(fields: string[]): Fault | null {
    if (this.iCurrency === undefined) return null;
    const code = fields[this.iCurrency]!.trim();
    const mark = /^[a-z]{3}$/i.test(code) ? code.toUpperCase() : code;
    const why = code === '' ? null : this.needsRound === null ? this.guard.check(mark) : this.guard.wouldRefuse(mark);
    return why === null ? null : fault('currency', `"${code}" ${why}`);
  }

  /** product, channel, staff, payment_method and external_id into `values`. */
  private readTexts(fields: string[], values: (string | number | null)[]): Fault | null {
    const textCols = this.textCols;
    for (let k = 0; k < textCols.length; k++) {
      const idx = textCols[k];
      if (idx === undefined) continue;
      const v = text(fields[idx]);
      if (v !== null && v.length > MAX_TEXT) return fault(TEXT_FIELDS[k]!, `longer than ${MAX_TEXT} characters`);
      values[6 + k] = v;
    }
    return null;
  }

  /** The extra columns (and an own export's packed ones) into `values` as one JSON object. */
  private readExtra(fields: string[], values: (string | number | null)[]): Fault | null {
    const packed = this.packed;
    if (this.extra.length === 0 && packed === undefined) return null;
    const o = extraValues(fields, this.extra);
    if (typeof o === 'string') return fault(o, `longer than ${MAX_TEXT} characters`);
    let all = o;
    if (packed !== undefined) {
      const p = withPacked(fields[packed]!, o);
      if ('reason' in p) return fault('extra', p.reason);
      all = p.value;
    }
    if (all !== null) values[11] = JSON.stringify(all);
    return null;
  }

  /** Counts a row that passed every check into the stored sum and the rounding figures. */
  private keep(): void {
    const amount = this.amount;
    if (!Number.isSafeInteger(this.sumNumber + amount)) {
      this.sumBig += BigInt(this.sumNumber);
      this.sumNumber = 0;
    }
    this.sumNumber += amount;
    if (this.rowExcess !== null) {
      this.rounded++;
      this.excess = addExact(this.excess, this.rowExcess);
    }
  }
}

/** The columns a file can fill (the others stay NULL and are not bound at all). */
export function presentColumns(shape: FileShape): TransactionColumn[] {
  const f = shape.mapping.fields;
  return TRANSACTION_COLUMNS.filter(
    (c) =>
      c === 'customer_id' ||
      c === 'date' ||
      c === 'time' ||
      c === 'amount' ||
      (c === 'extra' ? shape.mapping.extra.length > 0 || shape.mapping.ownExport !== undefined : f[c] !== undefined),
  );
}

export function customerChecker(shape: FileShape): {
  check(fields: string[], line: number, raw: string, reject: (r: Reject) => void): CustomerRow | null;
  dateConflict(): { value: string; line: number } | null;
} {
  const f = shape.mapping.fields;
  const dates = shape.dateLayout === null ? null : dateReaderFor(shape.dateLayout);
  const watch = new DateConflictWatch(shape);
  const own = shape.mapping.ownExport !== undefined;
  const packed = shape.mapping.ownExport?.extra ?? null;
  const iPhone = f.phone;
  return {
    dateConflict: () => watch.first,
    check(cells, line, raw, onReject) {
      const reject = (field: string | null, reason: string): null => {
        onReject({ line, field, reason, raw });
        return null;
      };
      if (CONTROL.test(raw)) return reject(controlField(cells, shape.headers), 'contains control characters (binary data?)');
      const broken = loneSurrogate(cells, shape.headers);
      if (broken !== null) return reject(broken.field, broken.reason);
      // rapport's own export: the formula guard's quote and --excel's ="…" phone undone.
      const fields = own ? cells.map(restore) : cells;
      if (own && iPhone !== undefined) fields[iPhone] = fromExcelText(fields[iPhone]!);
      const id = fields[f.customer_id!]!.trim();
      const idFault = customerIdFault(id);
      if (idFault === 'empty') return reject('customer_id', 'empty customer id');
      if (idFault === 'long') return reject('customer_id', `customer id longer than ${MAX_ID} characters`);
      const get = (name: string): string | null => (f[name] === undefined ? null : text(fields[f[name]!]));
      const row: CustomerRow = {
        id,
        name: get('name'),
        email: get('email'),
        phone: get('phone'),
        type: null,
        accountManager: get('account_manager'),
        createdDate: null,
        attributes: null,
      };
      for (const [k, v] of Object.entries({ name: row.name, phone: row.phone, account_manager: row.accountManager })) {
        if (v !== null && v.length > MAX_TEXT) return reject(k, `longer than ${MAX_TEXT} characters`);
      }
      const mailFault = row.email === null ? null : emailFault(row.email);
      if (mailFault === 'long') return reject('email', `longer than ${MAX_TEXT} characters`);
      if (mailFault !== null) return reject('email', `"${row.email}" is not an email address`);
      const typeText = get('type');
      if (typeText !== null) {
        row.type = customerType(typeText);
        if (row.type === null) return reject('type', `"${typeText}" is not a customer type (consumer, business, channel, internal)`);
      }
      const created = get('created');
      if (created !== null && dates) {
        if (!dates.parse(created)) {
          watch.failed(created, line);
          return reject('created', wordPhrase(dates.reason, 'en'));
        }
        row.createdDate = dates.date;
      }
      if (shape.mapping.extra.length > 0 || packed !== null) {
        const o = extraValues(fields, shape.mapping.extra);
        if (typeof o === 'string') return reject(o, `longer than ${MAX_TEXT} characters`);
        row.attributes = o;
        if (packed !== null) {
          // An older export's JSON of the extra columns; any other text is an extra column named "attributes".
          const p = withPacked(fields[packed]!, o);
          if ('value' in p) row.attributes = p.value;
          else if (fields[packed]!.trim().length > MAX_TEXT) return reject('attributes', p.reason);
          else row.attributes = merged(o, { attributes: fields[packed]!.trim() });
        }
      }
      return row;
    },
  };
}
