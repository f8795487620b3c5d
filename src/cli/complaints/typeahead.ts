/**
 * Keys typed ahead of the question that takes them. inquirer gives each prompt its own readline,
 * which reads every key of a chunk at once: when a clerk types (or a scanner or a paste sends)
 * two answers before the second question is drawn, the first prompt takes its Enter and drops
 * the rest, and between prompts the terminal is back in cooked mode (it echoes, and its Ctrl-C
 * is a signal). So, for a whole run of prompts, the terminal stays raw and is read here alone;
 * each prompt reads its own stream, fed from this queue one answer at a time: up to and with an
 * Enter, then nothing more until the next prompt listens (or the same one refused the answer and
 * listens again). Ctrl-C goes as a terminal's own does: at once, dropping what was typed ahead.
 */
import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const CTRL_C = '\u0003';
/** An answer's end: Enter (CR), a pasted line's end (LF), or both together (CRLF) as one key. */
const ENTER = /\r\n?|\n/;

type Terminal = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export class TypeAhead {
  /** Read from the terminal, not yet handed to a prompt. */
  private held = '';
  /** The listening prompt's input, if a prompt is listening. */
  private prompt: PassThrough | null = null;
  /** The listening prompt has been handed an Enter and is deciding on its answer: nothing more yet. */
  private answered = false;
  /** Ctrl-C came while no prompt was listening: the next one is cancelled before it is drawn. */
  private interruptedBetween = false;
  private reading = false;
  /** The last key read was CR: an LF right after it is the same Enter (a CRLF paste cut between two reads). */
  private afterCR = false;
  private readonly decoder = new StringDecoder('utf8');
  private readonly onData = (chunk: Buffer | string): void => this.take(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  /** The terminal closed (hung up): the listening prompt's stream ends as the terminal's own did before. */
  private hungUp = false;
  private readonly onEnd = (): void => {
    this.hungUp = true;
    this.prompt?.end();
  };

  constructor(private readonly terminal: Terminal) {}

  /**
   * The stream the next prompt reads from (the terminal is read from now on, raw, until close), or
   * null when Ctrl-C was pressed since the last prompt: the caller cancels instead of asking.
   */
  open(): PassThrough | null {
    if (!this.reading) {
      this.reading = true;
      if (this.terminal.isTTY === true) this.terminal.setRawMode?.(true);
      this.terminal.on('data', this.onData);
      this.terminal.once('end', this.onEnd);
      this.terminal.resume();
    }
    if (this.interruptedBetween) return null;
    this.prompt = new PassThrough();
    this.answered = false;
    if (this.hungUp) this.prompt.end();
    return this.prompt;
  }

  /** The prompt on `stream` has its key listeners: it gets what was typed ahead, up to its Enter. */
  listening(stream: PassThrough): void {
    if (this.prompt === stream) this.feed();
  }

  /**
   * The prompt refused the answer it was handed (validation) and will listen again once it has
   * drawn why. Its own code runs on in promise callbacks; the next keys follow after those.
   */
  refused(stream: PassThrough): void {
    setImmediate(() => {
      if (this.prompt !== stream) return;
      this.answered = false;
      this.feed();
    });
  }

  /** The prompt on `stream` has ended: keys wait for the next one. */
  ended(stream: PassThrough): void {
    if (this.prompt === stream) this.prompt = null;
  }

  /** No more prompts: the terminal goes back as it was (cooked: Ctrl-C a signal again), what is still held is dropped. */
  close(): void {
    if (!this.reading) return;
    this.reading = false;
    this.terminal.removeListener('data', this.onData);
    this.terminal.removeListener('end', this.onEnd);
    if (this.terminal.isTTY === true) this.terminal.setRawMode?.(false);
    this.terminal.pause();
    this.held = '';
    this.prompt = null;
  }

  private take(text: string): void {
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    if (text !== '') this.afterCR = text.endsWith('\r');
    if (text.includes(CTRL_C)) {
      this.held = '';
      if (this.prompt !== null) this.prompt.write(CTRL_C);
      else this.interruptedBetween = true;
      return;
    }
    this.held += text;
    this.feed();
  }

  private feed(): void {
    if (this.prompt === null || this.answered || this.held === '') return;
    const enter = ENTER.exec(this.held);
    const end = enter === null ? this.held.length : enter.index + enter[0].length;
    this.prompt.write(this.held.slice(0, end));
    this.held = this.held.slice(end);
    this.answered = enter !== null;
  }
}
