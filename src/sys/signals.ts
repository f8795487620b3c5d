/**
 * SIGINT, SIGTERM and SIGHUP. Two regimes, because better-sqlite3 and the analyses are
 * synchronous and a JavaScript signal handler only runs when the event loop gets control:
 *
 * - By default rapport installs no handler: the signal's default action ends the process at
 *   once, even inside a long SQLite statement or a loop over a million customers. An open SQLite
 *   transaction then never commits (WAL frames without a commit record are ignored on the next
 *   open), so that is a rollback; a temporary file left behind is removed by the next run's sweep
 *   (src/tempfiles.ts).
 * - Around work that yields to the event loop often (an --out file written in slices, an import
 *   fed batch by batch by its parsing worker), `armSignals` catches the signals: the registered
 *   undo steps run (remove the temporary file, roll back), then the signal is raised again with
 *   its default action, so the process still dies of it. The shell then reports 128 + the
 *   signal's number (130, 143, 129) and a calling script stops too, as it should for Ctrl-C
 *   (Cracauer, "Proper handling of SIGINT/SIGQUIT", 1998: exit by killing yourself with the
 *   signal, not with exit()).
 *
 * Signals are the process's, not a terminal fact, so this module is the one place below `main`
 * that touches `process` for them.
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const undoSteps = new Set<() => void>();
let sections = 0;

function onSignal(signal: NodeJS.Signals): void {
  for (const undo of [...undoSteps]) {
    try {
      undo();
    } catch {
      /* the others still run; the process is ending anyway */
    }
  }
  undoSteps.clear();
  sections = 0;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // No listener left, so libuv has put back the default action: this ends the process.
  process.kill(process.pid, signal);
}

/** Something to undo if a caught signal ends the run; returns the function that forgets it. */
export function onInterrupt(undo: () => void): () => void {
  undoSteps.add(undo);
  return () => void undoSteps.delete(undo);
}

/** Catches the signals until the returned function is awaited (sections nest). */
export function armSignals(): () => Promise<void> {
  if (sections++ === 0) for (const s of SIGNALS) process.on(s, onSignal);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    // A signal that arrived during the last synchronous stretch waits in libuv's pipe; removing
    // the listeners first would drop it. One turn of the loop (its poll phase runs before
    // setImmediate's callbacks) delivers it to onSignal.
    await breathe();
    if (sections > 0 && --sections === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}

/** Runs `work` with the signals caught; `work` must yield to the event loop often. */
export async function catchingSignals<T>(work: () => Promise<T>): Promise<T> {
  const disarm = armSignals();
  try {
    return await work();
  } finally {
    await disarm();
  }
}

/** One turn of the event loop: a caught signal is handled here. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * For long loops inside a caught section: `due()` says when `everyMs` have passed since the
 * last breath, so a loop breathes about that often whatever a row costs.
 */
export function pacer(everyMs = 20): { due(): boolean } {
  let last = performance.now();
  return {
    due() {
      const now = performance.now();
      if (now - last < everyMs) return false;
      last = now;
      return true;
    },
  };
}
