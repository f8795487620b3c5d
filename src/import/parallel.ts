/**
 * The main thread's side of the parsing worker (src/import/worker.ts): start it, hand each batch
 * to `consume`, release the worker's back-pressure counter, and turn its errors into ours.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { RapportError, type ExitCode } from '../sys/errors.js';
import type { PackedRows } from '../store/packedRows.js';
import type { Batch, ProduceStats, SourceRef } from './produce.js';
import type { CheckSettings, FileShape } from './validate.js';
import { currentLang, t } from '../i18n/index.js';

/**
 * Where the compiled worker is. Under the test runner this module is TypeScript source, and a
 * worker thread cannot load .ts, so it uses the build in dist/ (`npm test` builds first).
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return path.resolve(path.dirname(here), '../../dist/import/worker.js');
  return path.join(path.dirname(here), 'worker.js');
}

/** The worker thread's options: a smaller young generation keeps its heap (and the process's peak RSS) down; measured no slower on the 1M-row bench. */
function startWorker(): Worker {
  return new Worker(workerFile(), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
}

/** A worker started by warmUp and not yet given its file. */
let spare: Worker | null = null;

/**
 * Starts the parsing worker before its file's settings are known: its thread and its modules load
 * on the other core while the main thread opens the store, checks it and sniffs the file, instead
 * of after all that (inWorker then hands it its job). Unreferenced until inWorker takes it, so a
 * run that ends without it (a file already imported, an error) does not wait for it; one that
 * failed to start is replaced by a new one.
 */
export function warmUp(): void {
  if (spare !== null) return;
  const worker = startWorker();
  worker.unref();
  worker.on('error', () => undefined);
  worker.once('exit', () => {
    if (spare === worker) spare = null;
  });
  spare = worker;
}

/** Whether a worker started by warmUp waits for its file. */
export function warmedUp(): boolean {
  return spare !== null;
}

/** The warmed-up worker if there is one, else a new one. */
function takeWorker(): Worker {
  const worker = spare ?? startWorker();
  spare = null;
  worker.ref();
  return worker;
}

/**
 * `consume` may return a promise (a PostgreSQL writer waiting on its COPY stream): the worker is
 * then released only once it resolves, so a slow writer holds the parser back and memory stays
 * bounded.
 */
export function inWorker(
  source: SourceRef,
  shape: FileShape,
  settings: CheckSettings,
  consume: (b: Batch) => void | Promise<void>,
  packed = false,
): Promise<ProduceStats> {
  const control = new SharedArrayBuffer(4);
  const consumed = new Int32Array(control);
  const worker = takeWorker();
  // Packed batches go back to the worker once written: it packs later batches into their buffers.
  const { port1: returns, port2: returnsEnd } = new MessageChannel();
  worker.postMessage({ source, shape, settings, control, lang: currentLang(), packed, returns: returnsEnd }, [returnsEnd]);
  return new Promise<ProduceStats>((resolve, reject) => {
    let settled = false;
    let waiting: Promise<void> = Promise.resolve();
    let done = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      returns.close();
      void worker.terminate();
      reject(e);
    };
    /** A written batch's buffers, moved back to the worker (its views here are emptied). */
    const giveBack = (rows: PackedRows | null): void => {
      if (rows !== null && !settled) returns.postMessage(rows, [rows.bytes.buffer, rows.starts.buffer, rows.values.buffer] as ArrayBuffer[]);
    };
    worker.on('message', (m: { type: string; batch?: Batch; stats?: ProduceStats; message?: string; hint?: string; exitCode?: number; stack?: string }) => {
      if (settled) return;
      try {
        if (m.type === 'batch') {
          // Released on the next turn of the event loop, not now: released at once, the worker
          // posts the next batch while Node is still draining the port, and the drain can go on
          // for seconds, with a SIGINT or SIGTERM waiting behind it (measured: 4 s).
          const batch = m.batch!;
          const release = (): void => {
            giveBack(batch.packed);
            void setImmediate(() => {
              Atomics.add(consumed, 0, 1);
              Atomics.notify(consumed, 0);
            });
          };
          const pending = consume(batch);
          if (pending === undefined) release();
          else waiting = Promise.all([waiting, pending]).then(release, fail);
        } else if (m.type === 'done') {
          // The last batches' writes finish before the stats are handed back.
          done = true;
          void waiting.then(() => {
            if (settled) return;
            settled = true;
            returns.close();
            void worker.terminate();
            resolve(m.stats!);
          });
        } else {
          const err = new RapportError(m.message!, m.hint, m.exitCode as ExitCode);
          if (m.stack) err.stack = m.stack;
          fail(err);
        }
      } catch (e) {
        fail(e);
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => done || fail(new Error(t('import.workerStopped', { code }))));
  });
}
