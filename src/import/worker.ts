/**
 * Worker thread entry: produces transaction batches for the main thread, with back-pressure. It
 * starts before its file is known (parallel.ts warmUp) and gets its job as its first message.
 */
import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { RapportError } from '../sys/errors.js';
import { setLang, t, type Lang } from '../i18n/index.js';
import { errorText } from '../i18n/phrase.js';
import type { PackedRows } from '../store/packedRows.js';
import { produceTransactions, type SourceRef } from './produce.js';
import type { CheckSettings, FileShape } from './validate.js';

/** Batches the main thread may have queued before this worker waits (bounds memory). */
const IN_FLIGHT = 4;

interface Job {
  source: SourceRef;
  shape: FileShape;
  settings: CheckSettings;
  control: SharedArrayBuffer;
  lang: Lang;
  packed: boolean;
  /** Where the main thread gives back the packed batches it has written (their buffers are reused). */
  returns: MessagePort;
}

const port = parentPort!;
port.once('message', (job: Job) => run(job));

function run({ source, shape, settings, control, lang, packed, returns }: Job): void {
  // The worker's messages (a file that is not UTF-8, say) in the language of the run that started it.
  setLang(lang);
  const consumed = new Int32Array(control);
  let produced = 0;
  try {
    const stats = produceTransactions(
      source,
      shape,
      settings,
      (batch) => {
        const moved = [batch.lines.buffer, batch.keys.buffer];
        if (batch.packed !== null) moved.push(batch.packed.bytes.buffer, batch.packed.starts.buffer, batch.packed.values.buffer);
        port.postMessage({ type: 'batch', batch }, moved as ArrayBuffer[]);
        produced++;
        for (;;) {
          const done = Atomics.load(consumed, 0);
          if (produced - done < IN_FLIGHT) break;
          Atomics.wait(consumed, 0, done, 100);
        }
        // The batches written meanwhile, given back: the next ones are packed into their buffers.
        const back: PackedRows[] = [];
        for (let m = receiveMessageOnPort(returns); m !== undefined; m = receiveMessageOnPort(returns)) back.push(m.message as PackedRows);
        return back;
      },
      packed,
    );
    port.postMessage({ type: 'done', stats });
  } catch (e) {
    if (e instanceof RapportError) port.postMessage({ type: 'error', message: e.message, hint: e.hint, exitCode: e.exitCode });
    else port.postMessage({ type: 'error', message: t('import.workerUnexpected', { message: errorText(e) }), stack: (e as Error).stack, exitCode: 1 });
  }
}
