/**
 * Headless chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands
 * on fd 3, replies on fd 4, each a JSON text ended by NUL), for what --dump-dom cannot do: a
 * viewport of a given width, measuring the laid-out page, a screenshot of the whole page. No
 * dependency: the protocol is a few JSON messages.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { chromium, NEED_CHROMIUM } from './chromium.js';

/** The fields read from the events listened to. */
interface Event {
  type?: string;
  args?: { value?: unknown }[];
  exceptionDetails?: { text?: string };
  entry?: { level?: string; text?: string };
  request?: { url?: string };
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export interface Page {
  /** Runs an expression in the page (DevTools evaluation, not a page script) and returns its value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page, as tall as its content, or of HEIGHT pixels from TOP. */
  screenshot(top?: number, height?: number): Promise<Buffer>;
  /** Console messages, uncaught exceptions and browser log entries (a CSP-blocked request is one). */
  problems: string[];
  /** Every URL the page asked for besides the page itself. */
  requests: string[];
}

/** Opens file:// FILE at WIDTH × HEIGHT css pixels (a phone-like, touch viewport under 500) and runs fn. */
export async function withPage<T>(file: string, width: number, height: number, fn: (page: Page) => Promise<T>): Promise<T> {
  if (chromium === undefined) throw new Error(NEED_CHROMIUM);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-devtools-'));
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let next = 1;
  let buffered = '';
  fromBrowser.on('data', (b: Buffer) => {
    buffered += b.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const m = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (m.id !== undefined) {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error.message));
        else w?.resolve(m.result ?? {});
      } else for (const l of listeners) l(m);
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page: Page = {
      problems: [],
      requests: [],
      evaluate: async <R>(expression: string) => {
        const r = (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as {
          result: { value: R };
          exceptionDetails?: { text: string };
        };
        if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text}`);
        return r.result.value;
      },
      screenshot: async (top = 0, height?: number) => {
        const { cssContentSize } = (await send('Page.getLayoutMetrics', {}, sessionId)) as { cssContentSize: { width: number; height: number } };
        const shot = (await send(
          'Page.captureScreenshot',
          { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: top, width, height: height ?? Math.ceil(cssContentSize.height) - top, scale: 1 } },
          sessionId,
        )) as { data: string };
        return Buffer.from(shot.data, 'base64');
      },
    };
    const url = `file://${file}`;
    let loaded!: () => void;
    const load = new Promise<void>((r) => (loaded = r));
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = (m.params ?? {}) as Event;
      if (m.method === 'Page.loadEventFired') loaded();
      else if (m.method === 'Runtime.consoleAPICalled') page.problems.push(`console.${p.type ?? ''}: ${JSON.stringify(p.args?.map((a) => a.value))}`);
      else if (m.method === 'Runtime.exceptionThrown') page.problems.push(`exception: ${p.exceptionDetails?.text ?? ''}`);
      else if (m.method === 'Log.entryAdded') page.problems.push(`${p.entry?.level ?? ''}: ${p.entry?.text ?? ''}`);
      else if (m.method === 'Network.requestWillBeSent' && p.request?.url !== url) page.requests.push(String(p.request?.url));
    });
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await send(`${domain}.enable`, {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 500 }, sessionId);
    await send('Page.navigate', { url }, sessionId);
    await load;
    return await fn(page);
  } finally {
    clearTimeout(timer);
    const closed = new Promise((r) => (child.exitCode !== null ? r(null) : child.on('close', r)));
    // Browser.close lets chromium's helper processes finish with the profile before it is removed.
    await Promise.race([send('Browser.close').catch(() => null), new Promise((r) => setTimeout(r, 5000))]);
    child.kill('SIGTERM');
    await closed;
    await removeProfile(profile);
  }
}

/** Chromium's helpers may still be writing into the profile for a moment after it exits. */
async function removeProfile(dir: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (e) {
      if (i === 40) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
