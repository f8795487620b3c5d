/**
 * Every interactive prompt rapport asks, in one module (as np does). Prompts are written to
 * stderr and read from stdin; inquirer is loaded only when a prompt is about to be shown.
 * Ctrl-C at any prompt becomes Cancelled, and the caller writes nothing.
 */
import { rawStream, type IO } from '../io.js';
import { terminalText } from '../../text/escape.js';
import { t } from '../../i18n/index.js';

export interface Choice<T extends string> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  input(
    message: string,
    options?: { default?: string; required?: boolean; validate?: (value: string) => string | true | Promise<string | true> },
  ): Promise<string>;
  select<T extends string>(message: string, choices: Choice<T>[], defaultValue?: T): Promise<T>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  /** A line of information between prompts (stderr). */
  say(line: string): void;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled: nothing was written');
    this.name = 'Cancelled';
  }
}

/** An action inquirer names in its help line, in the reader's language (inquirer's English when it names one we do not know). */
function keyAction(action: string): string {
  return action === 'navigate' ? t('complaint.keys.navigate') : action === 'select' ? t('complaint.keys.select') : action;
}

/** The prompter for a real terminal: @inquirer/prompts on the io's streams. */
export async function terminalPrompter(io: IO): Promise<Prompter> {
  const { input, select, confirm } = await import('@inquirer/prompts');
  // inquirer moves the cursor itself, so it draws on the stream under the terminal guard, and
  // every text of ours it shows (which can hold a customer's name) is escaped here instead.
  const context = { input: io.stdin, output: rawStream(io.stderr), clearPromptOnDone: false };
  const shown = terminalText;
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (e) {
      // inquirer rejects with ExitPromptError on Ctrl-C (and AbortPromptError on abort).
      if (e instanceof Error && /ExitPromptError|AbortPromptError/.test(e.name)) throw new Cancelled();
      throw e;
    }
  };
  return {
    input: (message, o = {}) =>
      guard(() =>
        input(
          {
            message: shown(message),
            default: o.default,
            // Not inquirer's `required`: its "You must provide a value" is English whatever the
            // reader's language. An empty answer gets the question's own reason, else ours.
            validate:
              o.validate === undefined && o.required !== true
                ? undefined
                : async (value: string) => {
                    const verdict = o.validate === undefined ? true : await o.validate(value);
                    if (verdict === true && o.required === true && value.trim() === '') return shown(t('complaint.validate.required'));
                    return verdict === true ? true : shown(verdict);
                  },
          },
          context,
        ),
      ),
    select: <T extends string>(message: string, choices: Choice<T>[], defaultValue?: T) =>
      guard(() =>
        select<T>(
          {
            message: shown(message),
            choices: choices.map((c) => ({ ...c, name: shown(c.name), description: c.description === undefined ? undefined : shown(c.description) })),
            default: defaultValue,
            pageSize: 12,
            // inquirer's own help line ("↑↓ navigate • ⏎ select") in the reader's language.
            theme: { style: { keysHelpTip: (keys: [string, string][]) => keys.map(([key, action]) => `${key} ${keyAction(action)}`).join(' • ') } },
          },
          context,
        ),
      ),
    confirm: (message, defaultValue) =>
      guard(() =>
        confirm(
          { message: shown(message), default: defaultValue, transformer: (yes: boolean) => (yes ? t('complaint.answer.yes') : t('complaint.answer.no')) },
          context,
        ),
      ),
    say: (line) => void io.stderr.write(line + '\n'),
  };
}
