import { describe, expect, it } from 'vitest';
import { MoneyParser, lineAmount, formatMoney, currencyExponent } from '../../src/core/money.js';

const dot = new MoneyParser({ decimalComma: false, exponent: 2 });
const comma = new MoneyParser({ decimalComma: true, exponent: 2 });

describe('money with a decimal point', () => {
  it.each([
    ['1234.5', 123450],
    ['1,234.50', 123450],
    ['$1,234.50', 123450],
    ['£3.39', 339],
    ['-12.00', -1200],
    ['(12.00)', -1200],
    ['12.00-', -1200],
    ['USD 12', 1200],
    ['12 EUR', 1200],
    ['€ 0.5', 50],
    ['  7  ', 700],
    ['0', 0],
    ['-0', 0],
    ['-0.00', 0],
    ['1,000,000.01', 100000001],
    ['3.390', 339],
    ['+5', 500],
    ['-$5.25', -525],
    ['$-5.25', -525],
  ])('%s -> %d minor units', (text, minor) => {
    const v = dot.parse(text);
    expect(v).toBe(minor);
    expect(Object.is(v, -0)).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['abc', 'not an amount'],
    ['12,50', 'decimal comma'],
    ['1.234,50', 'looks like a decimal comma; import with --decimal-comma'],
    ['12.345.678,9', 'looks like a decimal comma; import with --decimal-comma'],
    ['1,23,456.00', 'not an amount'],
    ['3.395', 'more decimal places'],
    ['1e308', 'scientific'],
    ['NaN', 'not a number'],
    ['1.2.3', 'more than one decimal point'],
    ['99999999999999999', 'too large'],
    ['$5 EUR', 'two currency marks'],
  ])('refuses %j and says why', (text, why) => {
    expect(Number.isNaN(dot.parse(text))).toBe(true);
    expect(dot.explain(text)).toContain(why);
  });

  it('remembers the currency mark it saw', () => {
    dot.parse('£3.39');
    expect(dot.symbol).toBe('£');
    dot.parse('3.39');
    expect(dot.symbol).toBeNull();
  });
});

describe('money with a decimal comma', () => {
  it.each([
    ['1.234,50 €', 123450],
    ['1 234,50', 123450],
    ['-3,5', -350],
    ['12', 1200],
    ['0,01', 1],
  ])('%s -> %d', (text, minor) => {
    expect(comma.parse(text)).toBe(minor);
  });

  it('refuses a decimal point that looks wrong under --decimal-comma', () => {
    expect(Number.isNaN(comma.parse('12.50'))).toBe(true);
    expect(comma.explain('12.50')).toContain('decimal point');
  });
});

describe('currencies', () => {
  it('knows minor units that are not 2', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent(null)).toBe(2);
    const yen = new MoneyParser({ decimalComma: false, exponent: 0 });
    expect(yen.parse('¥1,200')).toBe(1200);
    expect(Number.isNaN(yen.parse('12.5'))).toBe(true);
  });

  it('keeps one currency: marks narrow what is possible, and a mark outside it is refused', async () => {
    const { CurrencyGuard } = await import('../../src/core/money.js');
    const free = new CurrencyGuard(null, null);
    expect(free.check('$')).toBeNull();
    expect(free.seen).toContain('CAD');
    expect(free.check('CAD')).toBeNull();
    expect(free.seen).toEqual(['CAD']);
    expect(free.check('USD')).toContain('mixes currencies');
    expect(free.check('£')).toContain('mixes currencies');
    const gbp = new CurrencyGuard(['GBP'], 'GBP');
    expect(gbp.check('£')).toBeNull();
    expect(gbp.check('$')).toContain('not in GBP');
    expect(new CurrencyGuard(null, null).check('¥')).toContain('--currency JPY or --currency CNY');
    expect(new CurrencyGuard(['JPY'], 'JPY').check('¥')).toBeNull();
    expect(new CurrencyGuard(null, null).seen).toBeNull();
  });
});

describe('line amounts', () => {
  const opts = { decimalComma: false, exponent: 2 };
  it('multiplies exactly and rounds once, half away from zero', () => {
    expect(lineAmount('12', '0.85', opts)).toBe(1020);
    expect(lineAmount('3', '0.165', opts)).toBe(50); // 0.495 -> 0.50
    expect(lineAmount('-3', '0.165', opts)).toBe(-50);
    expect(lineAmount('0.5', '0.01', opts)).toBe(1); // 0.005 -> 0.01
    expect(lineAmount('2.5', '1,234.10', opts)).toBe(308525);
    expect(lineAmount('(2)', '4.00', opts)).toBe(-800);
  });

  it('avoids the binary floating point error of a naive product', () => {
    // 1.15 * 100 in doubles is 114.99999999999999
    expect(lineAmount('1', '1.15', opts)).toBe(115);
    expect(lineAmount('3', '1.1', opts)).toBe(330);
  });

  it('says NaN for text that is not a number', () => {
    expect(Number.isNaN(lineAmount('x', '1', opts))).toBe(true);
  });
});

describe('formatMoney', () => {
  it('groups thousands and keeps the sign', () => {
    expect(formatMoney(123456)).toBe('1,234.56');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(1200, 0)).toBe('1,200');
  });
});

describe('strict decimals for prices and quantities', () => {
  it('checks thousands groups, so a wrong separator is refused instead of inflated', async () => {
    const { decimalParts } = await import('../../src/core/money.js');
    expect(decimalParts('12,50', false)).toBeNull();
    expect(decimalParts('1,5', false)).toBeNull();
    expect(decimalParts('12.50', true)).toBeNull();
    expect(decimalParts('1.5', true)).toBeNull();
    expect(decimalParts('1,234.5', false)).toEqual({ units: 12345n, scale: 1 });
    expect(decimalParts('1.234,5', true)).toEqual({ units: 12345n, scale: 1 });
    expect(decimalParts('£0.165', false)).toEqual({ units: 165n, scale: 3 });
    expect(decimalParts('(2)', false)).toEqual({ units: -2n, scale: 0 });
    expect(lineAmount('2', '12,50', { decimalComma: false, exponent: 2 })).toBeNaN();
  });

  it('reads ".50" and "12." and explains a trailing currency mark right', () => {
    expect(dot.parse('.50')).toBe(50);
    expect(dot.parse('12.')).toBe(1200);
    expect(Number.isNaN(dot.parse('12,50 €'))).toBe(true);
    expect(dot.explain('12,50 €')).toContain('--decimal-comma');
  });
});

describe('signs', () => {
  it('refuses two minus signs instead of turning a refund into a sale', () => {
    for (const text of ['(-12.00)', '-12.00-', '-(12.00)', '($-5)']) {
      expect(Number.isNaN(dot.parse(text)), text).toBe(true);
      expect(dot.explain(text)).toContain('two minus signs');
    }
  });

  it('takes the sign on either side of the currency mark, for prices too', async () => {
    const { decimalParts } = await import('../../src/core/money.js');
    expect(dot.parse('-$3.00')).toBe(-300);
    expect(dot.parse('$-3.00')).toBe(-300);
    expect(dot.parse('3.00 USD-')).toBe(-300);
    expect(decimalParts('-$3.00', false)).toEqual({ units: -300n, scale: 2 });
    expect(decimalParts('(-3)', false)).toBeNull();
  });
});
