/**
 * Every interactive prompt rapport asks, in one module (as np does). Prompts are written to
 * stderr and read from stdin; inquirer is loaded only when a prompt is about to be shown.
 * Ctrl-C at any prompt becomes Cancelled, and the caller writes nothing; so does Ctrl-D on an
 * empty answer (end of input, as readline, Python's input() and prompt_toolkit take it: the
 * person is leaving, and an empty answer taken instead could save a half-told complaint or say
 * yes for them). Ctrl-D after some text keeps readline's meaning: delete the key under the cursor.
 */
import type { PassThrough } from 'node:stream';
import { rawStream, type IO } from '../io.js';
import { TypeAhead } from './typeahead.js';
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
  /** The run asks nothing more: the terminal is given back (the terminal prompter reads it raw from its first prompt on). */
  close?(): void;
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

interface PromptContext {
  input: PassThrough;
  output: NodeJS.WritableStream;
  clearPromptOnDone: boolean;
  signal: AbortSignal;
}

/** The prompter for a real terminal: @inquirer/prompts on the io's streams. */
export async function terminalPrompter(io: IO): Promise<Prompter> {
  const { input, select, confirm } = await import('@inquirer/prompts');
  // inquirer moves the cursor itself, so it draws on the stream under the terminal guard, and
  // every text of ours it shows (which can hold a customer's name) is escaped here instead.
  const context = { output: rawStream(io.stderr), clearPromptOnDone: false };
  const shown = terminalText;
  // One reader of the terminal for every prompt of the run, so keys typed ahead reach the
  // question they were meant for (typeahead.ts); each prompt reads its own stream from it.
  const keys = new TypeAhead(io.stdin);
  const ask = async <T>(prompt: (context: PromptContext) => Promise<T>): Promise<T> => {
    const input = keys.open();
    // Ctrl-C came between two questions (while the customer was looked up).
    if (input === null) throw new Cancelled();
    // Ctrl-D on an empty line closes the prompt's readline, which pauses its input; inquirer
    // (10.x) does not settle then, and the run hung. Ended so, the prompt is aborted: Cancelled.
    const eof = new AbortController();
    input.once('pause', () => eof.abort());
    try {
      const answer = prompt({ ...context, input, signal: eof.signal });
      keys.listening(input);
      return await answer;
    } catch (e) {
      // inquirer rejects with ExitPromptError on Ctrl-C (and AbortPromptError on abort).
      if (e instanceof Error && /ExitPromptError|AbortPromptError/.test(e.name)) throw new Cancelled();
      throw e;
    } finally {
      keys.ended(input);
    }
  };
  /** An answer the prompt on `input` refused: the keys typed after it go to the same question. */
  const refusing = (input: PassThrough, verdict: string | true): string | true => {
    if (verdict !== true) keys.refused(input);
    return verdict;
  };
  return {
    input: (message, o = {}) =>
      ask((c) =>
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
                    if (verdict === true && o.required === true && value.trim() === '') return refusing(c.input, shown(t('complaint.validate.required')));
                    return refusing(c.input, verdict === true ? true : shown(verdict));
                  },
          },
          c,
        ),
      ),
    select: <T extends string>(message: string, choices: Choice<T>[], defaultValue?: T) =>
      ask((c) =>
        select<T>(
          {
            message: shown(message),
            choices: choices.map((c) => ({ ...c, name: shown(c.name), description: c.description === undefined ? undefined : shown(c.description) })),
            default: defaultValue,
            pageSize: 12,
            // inquirer's own help line ("↑↓ navigate • ⏎ select") in the reader's language.
            theme: { style: { keysHelpTip: (keys: [string, string][]) => keys.map(([key, action]) => `${key} ${keyAction(action)}`).join(' • ') } },
          },
          c,
        ),
      ),
    confirm: (message, defaultValue) =>
      ask((c) =>
        confirm(
          { message: shown(message), default: defaultValue, transformer: (yes: boolean) => (yes ? t('complaint.answer.yes') : t('complaint.answer.no')) },
          c,
        ),
      ),
    say: (line) => void io.stderr.write(line + '\n'),
    close: () => keys.close(),
  };
}
