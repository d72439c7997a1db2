// When the test runner gives up on a file (its timeout) it terminates the process, and `after`
// hooks do not run: without this, leadhook children, a throwaway PostgreSQL cluster or a tmpfs
// mount would outlive the test. Cleanups registered here run synchronously on exit and on
// SIGTERM/SIGINT; each must be safe to run after the normal `after` hook did its work.
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // best effort: the process is going away
    }
  }
  cleanups.clear();
}

/** Registers `cleanup`; returns a function that unregisters it (call it once cleaned up normally). */
export function onAbort(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        runAll();
        process.exit(1);
      });
    }
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
