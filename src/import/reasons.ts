/**
 * Why a row was rejected, in the reader's language.
 *
 * A reason is stored as the English sentence the checks wrote (the rejects table, `rejects --raw`,
 * exports and JSON keep it): it is data, read by scripts and by imports run from cron under
 * another language than the reader's. It is translated only where a person reads it (the import's
 * summary, the rejects table on a terminal), by matching its fixed wording. A reason no pattern
 * knows is shown as stored.
 */
import { currentLang, t } from '../i18n/index.js';

/** A value as the checks quote it ("31/02/2024"), or as the import's summary elides it (…). */
const V = '(?<value>"[^"]*"|…)';

type Vars = Record<string, string>;
const REASONS: [RegExp, (v: Vars) => string][] = [
  [/^empty date$/, () => t('import.reason.emptyDate')],
  [new RegExp(`^${V} is not an ISO date \\(YYYY-MM-DD\\); give the layout with --date-format$`), (v) => t('import.reason.notIsoDate', v)],
  [new RegExp(`^${V} is not an Excel serial date$`), (v) => t('import.reason.notExcelSerial', v)],
  [/^Excel serial (?<value>\S+) is 1900-02-29, a day that does not exist \(Excel's leap-year bug\)$/, (v) => t('import.reason.excelLeapBug', v)],
  [/^Excel serial (?<value>\S+) is outside (?<range>\S+)$/, (v) => t('import.reason.excelOutside', v)],
  [new RegExp(`^${V} does not match the date layout (?<layout>.+)$`), (v) => t('import.reason.notLayout', v)],
  [new RegExp(`^${V} is not a month name$`), (v) => t('import.reason.notMonth', v)],
  [/^hour (?<hour>\d+) does not exist on a 12-hour clock$/, (v) => t('import.reason.hour12', v)],
  [/^year (?<year>-?\d+) is outside (?<range>\S+)$/, (v) => t('import.reason.yearOutside', v)],
  [/^month (?<month>\d+) does not exist$/, (v) => t('import.reason.noMonth', v)],
  [/^day (?<day>\d+) does not exist in (?<month>\S+)$/, (v) => t('import.reason.noDay', v)],
  [/^time (?<time>\S+) does not exist$/, (v) => t('import.reason.noTime', v)],
  [new RegExp(`^${V} is not a time of day \\(HH:mm or HH:mm:ss\\)$`), (v) => t('import.reason.notTime', v)],
  [/^empty amount$/, () => t('import.reason.emptyAmount')],
  [/^not an amount$/, () => t('import.reason.notAmount')],
  // A quantity's and a unit price's faults are the amount's, reworded (validate.ts).
  [/^not a quantity$/, () => t('import.reason.notQuantity')],
  [/^not a price$/, () => t('import.reason.notPrice')],
  [new RegExp(`^unknown currency mark ${V}$`), (v) => t('import.reason.unknownMark', v)],
  [new RegExp(`^scientific notation ${V} is not an exact amount$`), (v) => t('import.reason.scientific', v)],
  [new RegExp(`^${V} is not a number$`), (v) => t('import.reason.notNumber', v)],
  [new RegExp(`^${V} has more decimal places than the currency's (?<digits>\\d+)$`), (v) => t('import.reason.tooManyDecimals', v)],
  [new RegExp(`^${V} has more than one decimal comma$`), (v) => t('import.reason.twoCommas', v)],
  [new RegExp(`^${V} is not an amount$`), (v) => t('import.reason.valueNotAmount', v)],
  [new RegExp(`^${V} is not a quantity$`), (v) => t('import.reason.valueNotQuantity', v)],
  [new RegExp(`^${V} is not a price$`), (v) => t('import.reason.valueNotPrice', v)],
  [new RegExp(`^${V} looks like a decimal comma; import with --decimal-comma$`), (v) => t('import.reason.looksDecimalComma', v)],
  [new RegExp(`^${V} looks like a decimal point, but --decimal-comma was given$`), (v) => t('import.reason.looksDecimalPoint', v)],
  [new RegExp(`^${V} is too large to store exactly$`), (v) => t('import.reason.tooLarge', v)],
  [new RegExp(`^${V} has two currency marks$`), (v) => t('import.reason.twoMarks', v)],
  [new RegExp(`^${V} has two minus signs$`), (v) => t('import.reason.twoMinus', v)],
  [new RegExp(`^${V} has an unknown currency mark (?<mark>"[^"]*")$`), (v) => t('import.reason.hasUnknownMark', v)],
  [new RegExp(`^${V} is not in (?<currency>\\S+), the database's currency$`), (v) => t('import.reason.notDbCurrency', v)],
  [
    new RegExp(`^${V} mixes currencies \\(earlier amounts were (?<list>[^)]+)\\)$`),
    (v) => t('import.reason.mixesCurrencies', { ...v, list: v.list!.split(' or ').join(t('import.reason.or')) }),
  ],
  [
    new RegExp(`^${V} needs --currency (?<list>.+): amounts are read with 2 decimals until a currency says otherwise$`),
    (v) =>
      t('import.reason.needsCurrency', {
        ...v,
        flags: v
          .list!.split(' or --currency ')
          .map((c) => `--currency ${c}`)
          .join(t('import.reason.or')),
      }),
  ],
  [new RegExp(`^${V} has more than one decimal point; if it uses a decimal comma, try --decimal-comma$`), (v) => t('import.reason.twoPoints', v)],
  [/^expected (?<want>\d+) fields, found (?<got>\d+)$/, (v) => t('import.reason.fieldCount', v)],
  [/^expected (?<want>\d+) fields, found (?<got>\d+) \(the last line looks cut short\)$/, (v) => t('import.reason.fieldCountCut', v)],
  [/^contains control characters \(binary data\?\)$/, () => t('import.reason.control')],
  [/^customer id longer than (?<max>\d+) characters$/, (v) => t('import.reason.longId', v)],
  [/^empty customer id$/, () => t('import.reason.emptyId')],
  [/^longer than (?<max>\d+) characters$/, (v) => t('import.reason.longText', v)],
  [/^no amount, and no quantity and unit price to compute it from$/, () => t('import.reason.noAmount')],
  [/^(?<quantity>\S+) × (?<price>\S+) cannot be stored exactly$/, (v) => t('import.reason.inexact', v)],
  [/^is not the JSON object of extra columns that rapport export writes$/, () => t('import.reason.notExtra')],
  [new RegExp(`^${V} is not an email address$`), (v) => t('import.reason.notEmail', v)],
  [new RegExp(`^${V} is not a customer type \\(consumer, business, channel, internal\\)$`), (v) => t('import.reason.notType', v)],
  [
    /^holds half of a UTF-16 surrogate pair \(U\+(?<unit>[0-9A-F]+)\) on its own: not a character \(the file was damaged or cut mid-character\)$/,
    (v) => t('import.reason.surrogate', v),
  ],
  [/^a quote opened on line (?<line>\d+) is never closed$/, (v) => t('import.reason.quoteNeverClosed', v)],
  [/^a quote opened on line (?<line>\d+) runs over line (?<next>\d+), which is a row of its own$/, (v) => t('import.reason.quoteRunsOver', v)],
  [
    /^a quote opened on line (?<line>\d+) closes only on line (?<end>\d+), giving (?<got>\d+) fields instead of (?<want>\d+)$/,
    (v) => t('import.reason.quoteLate', v),
  ],
];

/**
 * The import's notices and warnings are kept in English in its JSON result (like the reasons) and
 * shown in the reader's language.
 */
const NOTICES: [RegExp, (v: Vars) => string][] = [
  [
    /^the first line is data, not a header row, and --map names columns by number: read as a file without a header row \(add --no-header to say so\)$/,
    () => t('import.notice.dataFirstLine'),
  ],
  [/^the file does not end with a newline: check that its last line \((?<line>\d+)\) is complete$/, (v) => t('import.notice.noFinalNewline', v)],
];

/** An import notice or warning (English in the result) in the current language. */
export function noticeText(text: string): string {
  if (currentLang() === 'en') return text;
  return translated(text, NOTICES) ?? text;
}

/** A stored reason, or a summary's "field: reason", in the current language. */
export function reasonText(reason: string): string {
  if (currentLang() === 'en') return reason;
  const whole = translated(reason);
  if (whole !== null) return whole;
  // The summary's form: the field, then the reason (a field name holds no ": " of its own here).
  const at = reason.indexOf(': ');
  if (at > 0) {
    const rest = translated(reason.slice(at + 2));
    if (rest !== null) return t('import.reason.inField', { field: reason.slice(0, at), reason: rest });
  }
  return reason;
}

function translated(reason: string, patterns = REASONS): string | null {
  for (const [pattern, text] of patterns) {
    const m = pattern.exec(reason);
    if (m) return text({ ...m.groups });
  }
  return null;
}
