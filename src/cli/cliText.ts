/**
 * The words of commander's own that a person reads, in their language: the help's headings, the
 * "display help" lines, and its usage errors; and help text broken to the terminal's width where a
 * CJK character takes two columns and a line of Chinese has no spaces to break at.
 */
import type { Help, Option } from 'commander';
import stringWidth from 'string-width';
import { currentLang, t } from '../i18n/index.js';

/** A heading commander draws ("Usage:", "Options:" ...) in the reader's language; others as given. */
export function helpTitle(heading: string): string {
  switch (heading) {
    case 'Usage:':
      return t('help.title.usage');
    case 'Options:':
      return t('help.title.options');
    case 'Global Options:':
      return t('help.title.globalOptions');
    case 'Commands:':
      return t('help.title.commands');
    case 'Arguments:':
      return t('help.title.arguments');
    default:
      return heading;
  }
}

/**
 * Commander's usage errors, which it writes in English, in the reader's language. Its English is
 * the English text (so English output is commander's own, byte for byte); a message no pattern
 * knows is shown as commander wrote it.
 */
export function commanderMessage(message: string): string {
  if (currentLang() === 'en') return message;
  const end = message.endsWith('\n') ? '\n' : '';
  const [first = '', ...rest] = message.slice(0, message.length - end.length).split('\n');
  const said = usageError(first.replace(/^error: /, ''));
  const more = rest.map((line) => {
    const m = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(line);
    return m ? t('errors.commander.didYouMean', { names: m[1]! }) : line;
  });
  return [said, ...more].join('\n') + end;
}

function usageError(s: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^unknown option '(.+)'$/.exec(s))) return t('errors.commander.unknownOption', { flag: m[1]! });
  if ((m = /^unknown command '(.+)'$/.exec(s))) return t('errors.commander.unknownCommand', { name: m[1]! });
  if ((m = /^missing required argument '(.+)'$/.exec(s))) return t('errors.commander.missingArgument', { name: m[1]! });
  if ((m = /^required option '(.+)' not specified$/.exec(s))) return t('errors.commander.missingOption', { flags: m[1]! });
  if ((m = /^option '(.+)' argument missing$/.exec(s))) return t('errors.commander.optionValueMissing', { flags: m[1]! });
  if ((m = /^too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/.exec(s))) {
    return t('errors.commander.tooManyArguments', { command: m[1] ?? 'rapport', expected: m[2]!, got: m[3]! });
  }
  if ((m = /^option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(s))) {
    return t('errors.commander.notAChoice', { flags: m[1]!, value: m[2]!, choices: m[3]! });
  }
  return s;
}

const CJK = '\\u2e80-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\uff00-\\uffef';
/** Punctuation that must not start a line, and punctuation that must not end one. */
const CLOSING = '，。、：；！？）》」』”’】';
const OPENING = '（《「『“‘【';
const PIECE = new RegExp(`\\s*[${OPENING}]*(?:[${CJK}]|[^\\s${CJK}]+)[${CLOSING}]*`, 'g');

/**
 * Pieces of a line that a break may fall between, each with the spaces before it: a word of
 * Latin text or one CJK character, with any opening punctuation before it and closing punctuation
 * after it (a line neither starts with "，" nor ends with "（").
 */
export function breakable(line: string): string[] {
  return line.match(PIECE) ?? [];
}

/**
 * Commander's help with CJK width (for configureHelp, which every subcommand inherits):
 * descriptions measured in terminal columns, and broken between CJK characters as well as at spaces.
 */
export const wideHelp: Pick<Help, 'displayWidth' | 'styleTitle' | 'boxWrap'> = {
  displayWidth: (str: string) => stringWidth(str),
  styleTitle: helpTitle,
  boxWrap(this: Help, str: string, width: number): string {
    if (width < this.minWidthToWrap) return str;
    return str
      .split(/\r\n|\n/)
      .map((line) => {
        const out: string[] = [];
        let cur = '';
        for (const piece of breakable(line)) {
          if (cur !== '' && stringWidth(cur + piece) > width) {
            out.push(cur);
            cur = piece.trimStart();
          } else cur += piece;
        }
        out.push(cur);
        return out.join('\n');
      })
      .join('\n');
  },
};

/** An examples block from the catalogue: one command line per line of the text. */
export function examples(lines: string): string {
  return (
    `\n${t('help.title.examples')}\n` +
    lines
      .split('\n')
      .map((l) => `  $ ${l}`)
      .join('\n') +
    '\n'
  );
}

/**
 * An example command line too wide for the terminal, broken between words (never inside quotes)
 * with a shell continuation, so it still runs when pasted. Piped help keeps each example whole.
 */
export function wrapExamples(text: string, width: number | null | undefined): string {
  if (width === null || width === undefined) return text;
  return text
    .split('\n')
    .map((line) => {
      if (stringWidth(line) <= width) return line;
      if (!line.startsWith('  $ ')) return wrapProse(line, width);
      const words = line.slice(4).match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
      const out: string[] = [];
      let cur = '  $';
      for (const w of words) {
        if (stringWidth(cur) + 1 + stringWidth(w) + 2 > width && cur.trim() !== '$') {
          out.push(cur + ' \\');
          cur = '     ';
          cur += w;
        } else cur += ' ' + w;
      }
      out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}

/** A line of prose broken between words (or between CJK characters), its indent kept. */
function wrapProse(line: string, width: number): string {
  const indent = /^\s*/.exec(line)![0];
  const out: string[] = [];
  let cur = '';
  for (const piece of breakable(line.trim())) {
    const w = piece.trimStart();
    const joined = cur === '' ? w : cur + (piece.length > w.length ? ' ' : '') + w;
    if (cur !== '' && indent.length + stringWidth(joined) > width) {
      out.push(indent + cur);
      cur = w;
    } else cur = joined;
  }
  out.push(indent + cur);
  return out.join('\n');
}

/** Option help as a person writes it: 5, not "5"; no empty list; no true for a --no- flag. */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(t('help.oneOf', { list: option.argChoices.join(', ') }));
  const d: unknown = option.defaultValue;
  if (option.defaultValueDescription) extra.push(t('help.default', { value: option.defaultValueDescription }));
  else if ((typeof d === 'string' && d !== '') || typeof d === 'number') extra.push(t('help.default', { value: d }));
  return extra.length > 0 ? t('help.withExtras', { description: option.description, extras: extra.join(t('help.extrasSeparator')) }) : option.description;
}
