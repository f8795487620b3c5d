/**
 * Money parsing into integer minor units. Pure: no I/O.
 *
 * Accepted (decimal point, the default): "1234.5", "1,234.50", "$1,234.50", "£3.39", "-12.00",
 * "(12.00)", "12.00-", "USD 12", "12 €". With decimalComma: "1.234,50 €", "1 234,50", "-3,5".
 * Thousands groups are checked (1-3 digits, then groups of exactly 3), so "12,50" read with a
 * decimal point is refused with a hint instead of becoming 1250.
 * Digits beyond the currency's minor unit are refused unless they are zeros (the stored sum
 * must equal the file's sum exactly), or, when the import was asked to round (--round), rounded
 * on the decimal text by the rule asked for, the part rounded off kept exactly for the summary.
 */

/** Minor-unit exponent by ISO 4217 code, for the currencies that do not use 2. */
const EXPONENT: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(code: string | null | undefined): number {
  if (!code) return 2;
  return EXPONENT[code.toUpperCase()] ?? 2;
}

/** The ISO 4217 codes of currencies in use (funds, metals and test codes left out). */
const ISO_4217 = new Set(
  `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL`.split(
    ' ',
  ),
);

/** Three capital letters: the shape of a currency code (a mark in a file). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

/** A real ISO 4217 currency: what --currency accepts, so a typo cannot lock a database to "XYZ". */
export function isKnownCurrency(code: string): boolean {
  return ISO_4217.has(code);
}

/** Symbols we strip, and the currencies each could mean (used to refuse a £ amount in a USD database). */
const SYMBOLS: Record<string, readonly string[]> = {
  $: ['USD', 'CAD', 'AUD', 'NZD', 'HKD', 'SGD', 'MXN', 'TWD'],
  US$: ['USD'],
  C$: ['CAD'],
  A$: ['AUD'],
  HK$: ['HKD'],
  R$: ['BRL'],
  '£': ['GBP'],
  '€': ['EUR'],
  '¥': ['JPY', 'CNY'],
  '￥': ['CNY', 'JPY'],
  元: ['CNY'],
  '₩': ['KRW'],
  '₹': ['INR'],
  'Fr.': ['CHF'],
  CHF: ['CHF'],
  kr: ['SEK', 'NOK', 'DKK', 'ISK'],
  zł: ['PLN'],
};

/**
 * How an amount finer than the minor unit is rounded: half away from zero (16.445 -> 16.45,
 * -16.445 -> -16.45), or half to even, banker's rounding (16.445 -> 16.44, 16.455 -> 16.46).
 */
export type RoundRule = 'half-up' | 'half-even';
export const ROUND_RULES: readonly RoundRule[] = ['half-up', 'half-even'];

export interface MoneyOptions {
  decimalComma: boolean;
  exponent: number;
  /** Round amounts finer than the minor unit by this rule; null or absent: refuse them. */
  round?: RoundRule | null;
}

/** An exact decimal: units / 10^scale. */
export interface Exact {
  units: bigint;
  scale: number;
}

/**
 * `units / 10^scale` rounded to an integer by `rule`, with what was rounded off (the exact value
 * minus the result, in the same scale). Exact: bigint arithmetic on the digits, never floats.
 */
export function roundExact(units: bigint, scale: number, rule: RoundRule): { value: bigint; excess: Exact } {
  if (scale <= 0) return { value: units * 10n ** BigInt(-scale), excess: { units: 0n, scale: 0 } };
  const div = 10n ** BigInt(scale);
  const abs = units < 0n ? -units : units;
  let q = abs / div;
  const r = abs % div;
  // Half away from zero rounds a tie up (in magnitude); half to even only when that makes q even.
  if (r * 2n > div || (r * 2n === div && (rule === 'half-up' || q % 2n === 1n))) q += 1n;
  const value = units < 0n ? -q : q;
  return { value, excess: { units: units - value * div, scale } };
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
// 15 significant digits keep every value an exact safe integer.
const MAX_DIGITS = 15;

/**
 * A reusable parser. `parse` returns the amount in minor units, or NaN when the text is not a
 * money amount; `explain` then says why in words. `symbol` is the currency sign or code seen in
 * the last parsed text (null if none).
 */
export class MoneyParser {
  symbol: string | null = null;
  /**
   * After a parse that rounded (MoneyOptions.round): the file's value minus the stored one, in
   * minor units (16.448 stored as 16.45: -0.2 cents, { units: -2n, scale: 1 }); otherwise null.
   */
  excess: Exact | null = null;
  private readonly decimalSep: number;

  constructor(readonly options: MoneyOptions) {
    this.decimalSep = options.decimalComma ? 44 /* , */ : 46; /* . */
  }

  parse(text: string): number {
    this.symbol = null;
    this.excess = null;
    // Fast path: plain [-]digits[.digits], the shape of nearly every machine export.
    const fast = this.parsePlain(text);
    if (fast === fast) return fast; // not NaN
    return this.parseGeneral(text);
  }

  private parsePlain(s: string): number {
    const n = s.length;
    if (n === 0 || n > MAX_DIGITS + 3) return NaN;
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45) {
      neg = true;
      i = 1;
      if (n === 1) return NaN;
    }
    let whole = 0;
    let digits = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        whole = whole * 10 + (c - 48);
        digits++;
      } else break;
    }
    if (digits === 0) return NaN;
    const exp = this.options.exponent;
    let frac = 0;
    if (i < n) {
      if (s.charCodeAt(i) !== this.decimalSep) return NaN;
      i++;
      let fd = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) return NaN;
        if (fd < exp) frac = frac * 10 + (c - 48);
        else if (c !== 48) return NaN; // a non-zero digit beyond the minor unit: let explain() say so
        fd++;
      }
      if (fd === 0) return NaN;
      if (fd < exp) frac *= POW10[exp - fd]!;
    }
    const v = whole * POW10[exp]! + frac;
    if (!Number.isSafeInteger(v)) return NaN;
    return neg ? (v === 0 ? 0 : -v) : v;
  }

  private parseGeneral(raw: string): number {
    const r = this.analyse(raw);
    return typeof r === 'number' ? r : NaN;
  }

  /** Why `text` is not a money amount (only meaningful after parse() returned NaN). */
  explain(text: string): string {
    const r = this.analyse(text);
    return typeof r === 'string' ? r : 'not an amount';
  }

  /** The full, slower reading: returns minor units or a reason. */
  private analyse(raw: string): number | string {
    this.symbol = null;
    this.excess = null;
    let s = raw.trim();
    if (s === '') return 'empty amount';
    const sign = splitSign(s);
    if (typeof sign === 'string') return `"${raw}" ${sign}`;
    this.symbol = sign.symbol;
    s = sign.body;
    const neg = sign.negative;
    if (this.symbol !== null && !(this.symbol in SYMBOLS) && !isCurrencyCode(this.symbol)) {
      return `unknown currency mark "${this.symbol}"`;
    }
    if (/[eE]/.test(s) && /^[\d.]+[eE][+-]?\d+$/.test(s)) return `scientific notation "${raw}" is not an exact amount`;
    if (/^(nan|inf|infinity)$/i.test(s)) return `"${raw}" is not a number`;
    // "1.234,50": points grouping thousands before a decimal comma (much of Europe and South America).
    if (!this.options.decimalComma && /^\d{1,3}(\.\d{3})+,\d{1,2}$/.test(s)) return `"${raw}" looks like a decimal comma; import with --decimal-comma`;
    const dec = this.options.decimalComma ? ',' : '.';
    const parts = s.split(dec);
    if (parts.length > 2) {
      return this.options.decimalComma
        ? `"${raw}" has more than one decimal comma`
        : `"${raw}" has more than one decimal point; if it uses a decimal comma, try --decimal-comma`;
    }
    const wholeText = parts[0]!;
    const fracText = parts[1] === '' ? undefined : parts[1]; // "12." is 12
    const whole = wholeText === '' && fracText !== undefined ? '0' : ungroup(wholeText, this.options.decimalComma); // ".50" is 0.50
    if (whole === null) {
      if (!this.options.decimalComma && /^\d{1,3}(,\d{1,2})$/.test(wholeText) && fracText === undefined) {
        return `"${raw}" looks like a decimal comma; import with --decimal-comma`;
      }
      if (this.options.decimalComma && /^\d+\.\d{1,2}$/.test(s)) {
        return `"${raw}" looks like a decimal point, but --decimal-comma was given`;
      }
      return `"${raw}" is not an amount`;
    }
    if (fracText !== undefined && !/^\d+$/.test(fracText)) return `"${raw}" is not an amount`;
    const exp = this.options.exponent;
    const frac = fracText ?? '';
    let up = false;
    if (frac.length > exp && /[1-9]/.test(frac.slice(exp))) {
      const rule = this.options.round;
      if (!rule) return `"${raw}" has more decimal places than the currency's ${exp}`;
      const exact = BigInt(whole + frac);
      const r = roundExact(exact, frac.length - exp, rule);
      up = r.value !== exact / 10n ** BigInt(frac.length - exp);
      this.excess = neg ? { units: -r.excess.units, scale: r.excess.scale } : r.excess;
    }
    const digits = (whole.replace(/^0+(?=\d)/, '') + frac.slice(0, exp).padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
    if (digits.length > MAX_DIGITS) return `"${raw}" is too large to store exactly`;
    const v = Number(digits) + (up ? 1 : 0);
    if (!Number.isSafeInteger(v)) return `"${raw}" is too large to store exactly`;
    return neg && v !== 0 ? -v : v;
  }
}

/**
 * Separates a money text into its sign, its currency mark and the number: "(12.00)", "-12.00",
 * "12.00-", "-$5", "$-5", "USD 12", "12,50 €". Two minus signs ("(-12.00)", "-12.00-") or two
 * marks are an error (returned as the reason), never a guess.
 */
export function splitSign(text: string): { negative: boolean; symbol: string | null; body: string } | string {
  let s = text.trim();
  let minus = 0;
  let symbol: string | null = null;
  if (s.startsWith('(') && s.endsWith(')')) {
    minus++;
    s = s.slice(1, -1).trim();
  }
  const leadingSign = (): void => {
    if (s.startsWith('-') || s.startsWith('\u2212')) {
      minus++;
      s = s.slice(1).trim();
    } else if (s.startsWith('+')) s = s.slice(1).trim();
  };
  leadingSign();
  if (s.startsWith('(') && s.endsWith(')')) {
    minus++;
    s = s.slice(1, -1).trim();
  }
  const lead = /^([A-Z]{3}|[A-Za-z]{0,2}\$|[£€¥￥₩₹元]|Fr\.|kr|zł)\s*/.exec(s);
  if (lead && lead[1]) {
    symbol = lead[1];
    s = s.slice(lead[0].length);
    leadingSign();
  }
  if (s.endsWith('-')) {
    minus++;
    s = s.slice(0, -1).trim();
  }
  const trail = /\s*([A-Z]{3}|[£€¥￥₩₹元$]|kr|zł)$/.exec(s);
  if (trail && trail[1]) {
    if (symbol !== null) return 'has two currency marks';
    symbol = trail[1];
    s = s.slice(0, trail.index);
    if (s.endsWith('-')) {
      minus++;
      s = s.slice(0, -1).trim();
    }
  }
  if (minus > 1) return 'has two minus signs';
  return { negative: minus === 1, symbol, body: s };
}

/**
 * Digits with valid thousands grouping removed, or null: the first group has 1-3 digits and
 * every other exactly 3 ("1,234,567"; with a decimal comma "1.234.567" or "1 234 567").
 */
function ungroup(text: string, decimalComma: boolean): string | null {
  if (/^\d+$/.test(text)) return text;
  for (const sep of decimalComma ? ". '\u00a0\u202f" : ",\u00a0\u202f '") {
    if (!text.includes(sep)) continue;
    const groups = text.split(sep);
    if (!/^\d{1,3}$/.test(groups[0]!)) return null;
    for (let i = 1; i < groups.length; i++) if (!/^\d{3}$/.test(groups[i]!)) return null;
    return groups.join('');
  }
  return null;
}

/** The currencies a mark can stand for (a code stands for itself), or null for an unknown mark. */
export function currenciesOf(mark: string): readonly string[] | null {
  if (isCurrencyCode(mark)) return [mark];
  return SYMBOLS[mark] ?? null;
}

/**
 * Keeps one currency per database. It starts from what the database allows (its currency, or
 * the candidates earlier files' marks left, or anything) and narrows with every mark it sees:
 * "$" leaves USD, CAD, AUD, ...; "CAD" after it leaves CAD; "USD" after that is refused. Without
 * a settled currency, marks whose currency does not use cents (¥, ₩) are refused: their amounts
 * were read with 2 decimals and would be wrong by a factor of 100.
 */
export class CurrencyGuard {
  private candidates: readonly string[] | null;
  /** A mark was accepted in this file. */
  sawMark = false;

  constructor(
    allowed: readonly string[] | null,
    private readonly settled: string | null,
  ) {
    this.candidates = allowed;
  }

  /** null when `mark` fits, else why not (to follow the quoted value in a reject reason). */
  check(mark: string): string | null {
    const next = this.narrowed(mark);
    if (typeof next === 'string') return next;
    this.candidates = next;
    this.sawMark = true;
    return null;
  }

  /** What check() would say, without narrowing anything (for a row that is rejected whatever it says). */
  wouldRefuse(mark: string): string | null {
    const next = this.narrowed(mark);
    return typeof next === 'string' ? next : null;
  }

  private narrowed(mark: string): readonly string[] | string {
    const of = currenciesOf(mark);
    if (of === null) return `has an unknown currency mark "${mark}"`;
    const next = this.candidates === null ? of : this.candidates.filter((c) => of.includes(c));
    if (next.length === 0) {
      return this.settled !== null
        ? `is not in ${this.settled}, the database's currency`
        : `mixes currencies (earlier amounts were ${this.candidates!.join(' or ')})`;
    }
    if (this.settled === null && next.some((c) => currencyExponent(c) !== 2)) {
      return `needs --currency ${next.join(' or --currency ')}: amounts are read with 2 decimals until a currency says otherwise`;
    }
    return next;
  }

  /** What the marks of this file left: the candidates, or null when it had none. */
  get seen(): readonly string[] | null {
    return this.sawMark ? this.candidates : null;
  }
}

/**
 * Exact product of a decimal quantity and a decimal unit price, in minor units, rounded once at
 * the end (never per factor): half away from zero, or by MoneyOptions.round when given. Returns
 * NaN if either is not a number.
 */
export function lineAmount(quantity: string, unitPrice: string, options: MoneyOptions): number {
  return lineAmountExact(quantity, unitPrice, options)?.minor ?? NaN;
}

/** lineAmount, with what its rounding took off (the exact product minus the stored amount, in minor units). */
export function lineAmountExact(quantity: string, unitPrice: string, options: MoneyOptions): { minor: number; excess: Exact } | null {
  const q = decimalParts(quantity, options.decimalComma);
  const p = decimalParts(unitPrice, options.decimalComma);
  if (q === null || p === null) return null;
  // value = (q.int * p.int) / 10^(q.scale + p.scale) major units
  const r = roundExact(q.units * p.units, q.scale + p.scale - options.exponent, options.round ?? 'half-up');
  const n = Number(r.value);
  return Number.isSafeInteger(n) ? { minor: n === 0 ? 0 : n, excess: r.excess } : null;
}

/**
 * An exact decimal: "1,234.5" -> { units: 12345n, scale: 1 }; "(2)" and "2-" are -2; a currency
 * mark before or after is allowed (prices). Thousands groups are checked as for amounts, so
 * "12,50" without a decimal comma is null, never 1250. Any number of decimals.
 */
export function decimalParts(text: string, decimalComma: boolean): { units: bigint; scale: number } | null {
  const sign = splitSign(text);
  if (typeof sign === 'string') return null;
  const s = sign.body;
  const neg = sign.negative;
  const parts = s.split(decimalComma ? ',' : '.');
  if (parts.length > 2) return null;
  const frac = parts[1] ?? '';
  if (!/^\d*$/.test(frac)) return null;
  const whole = parts[0] === '' && frac !== '' ? '0' : ungroup(parts[0]!, decimalComma);
  if (whole === null || whole.length + frac.length > 30) return null;
  const units = BigInt(whole + frac);
  return { units: neg ? -units : units, scale: frac.length };
}

/** Formats minor units for people: 123456 -> "1,234.56". */
export function formatMoney(minor: number, exponent = 2): string {
  const neg = minor < 0;
  const abs = Math.abs(minor);
  const div = POW10[exponent] ?? 100;
  const whole = Math.floor(abs / div);
  const frac = exponent > 0 ? '.' + String(abs % div).padStart(exponent, '0') : '';
  return (neg ? '-' : '') + whole.toLocaleString('en-US') + frac;
}

/**
 * Minor units as an exact decimal in the currency, for files other programs read back:
 * -5 -> "-0.05", 123456 -> "1234.56" (no grouping), 1200 with exponent 0 -> "1200". Built from
 * the integer's digits, so no float artefact (0.1 + 0.2) can appear.
 */
export function decimalText(minor: number, exponent = 2): string {
  const digits = String(Math.abs(Math.round(minor)));
  const sign = Math.round(minor) < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/**
 * An exact decimal as text, in major units: minor units plus an exact excess (in minor units)
 * -> "2326534.3543". At least the currency's decimals; the excess's own digits when it has
 * some, trailing zeros beyond the minor unit dropped. No grouping (for CSV and JSON).
 */
export function exactText(minor: bigint, excess: Exact, exponent: number): string {
  const scale = Math.max(excess.scale, 0);
  const units = minor * 10n ** BigInt(scale) + excess.units;
  const neg = units < 0n;
  let digits = (neg ? -units : units).toString().padStart(exponent + scale + 1, '0');
  const point = digits.length - exponent - scale;
  let frac = digits.slice(point);
  digits = digits.slice(0, point);
  while (frac.length > exponent && frac.endsWith('0')) frac = frac.slice(0, -1);
  return (neg ? '-' : '') + digits + (frac === '' ? '' : '.' + frac);
}

/** a + b, exactly, at the finer of the two scales. */
export function addExact(a: Exact, b: Exact): Exact {
  const scale = Math.max(a.scale, b.scale);
  return { units: a.units * 10n ** BigInt(scale - a.scale) + b.units * 10n ** BigInt(scale - b.scale), scale };
}

/** "2326534.3543" -> "2,326,534.3543": thousands grouped for people, the digits untouched. */
export function groupDecimal(text: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return m[1]! + m[2]!.replace(/\B(?=(\d{3})+$)/g, ',') + (m[3] ?? '');
}
