// Folds the SQLite WAL back into the database file on a thread of its own.
//
// SQLite's automatic checkpoint runs inside whichever COMMIT pushes the WAL past 1,000 pages, and
// better-sqlite3 is synchronous, so every few dozen API writes one request stalled its thread (and
// every request queued behind it) while the whole WAL was copied and the database file fsynced.
// The statement profile showed it (bench/diagnose-sqlite.ts 2000: `commit` 1,301 ms → 425 ms, API
// wall time 6.1 → 4.5 s; docs/BENCHMARKS.md). So every leadhook connection turns automatic
// checkpoints off (database.ts), a long-running process (serve, worker) runs PASSIVE checkpoints
// here every CHECKPOINT_EVERY_MS, and every connection checkpoints with TRUNCATE when it closes
// (which is all a short-lived CLI process needs). A passive checkpoint never waits for readers or
// writers: it copies what no reader still needs, and the next writer starts the WAL over once all
// of it is copied. Durability is unchanged: a commit is in the WAL before it is answered, exactly
// as with automatic checkpoints; only who copies it to the database file, and when, changes.
//
// Under steady writes a passive checkpoint never catches up: by the time it has copied the WAL,
// the writers have added to it, so no writer ever finds it all copied and the WAL grew without end
// (480 MB after 9 s of API load; every new frame also made the kernel allocate and zero a page).
// So once the WAL holds RESTART_AT_FRAMES, the thread follows with a RESTART checkpoint: it holds
// new writers back (they wait asynchronously, see sqlite-dialect.ts) for the few frames the
// passive one left and for the readers of the old frames to finish, at most RESTART_WAIT_MS, and
// the next commit writes the WAL from its start again. When the wait runs out it tries again on
// the next tick.
//
// The thread can fall behind: on a machine with more runnable threads than cores it may not run
// for a while, and a writer that never pauses fills megabytes in the meantime (one CI run saw a
// 34 MB WAL after 64 MiB of back-to-back writes; counted, the thread still won nearly every
// RESTART it tried). So every connection keeps SQLite's automatic checkpoint as a backstop at
// BACKSTOP_AT_FRAMES, far above where the thread restarts the WAL: past it, the commit that
// crosses it copies the WAL itself (a stall, but a bounded WAL however the thread fares).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../shared/logger.ts';

export const CHECKPOINT_EVERY_MS = 100;
/** 1 MiB of 4 KiB pages. */
export const RESTART_AT_FRAMES = 256;
/** 16 MiB of 4 KiB pages: where a committing connection checkpoints (`wal_autocheckpoint`). */
export const BACKSTOP_AT_FRAMES = 4096;
const RESTART_WAIT_MS = 20;

// The thread is a few lines of plain JavaScript (eval), so it needs neither the TypeScript loader
// nor an entry in the bundle. It loads better-sqlite3 from the path resolved here.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = ' + workerData.restartWaitMs); // only a RESTART checkpoint waits
db.pragma('cache_size = 16'); // pages: a checkpoint copies WAL frames and needs no page cache
let lastError = '';
const checkpoint = () => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log >= workerData.restartAtFrames) db.pragma('wal_checkpoint(RESTART)');
    lastError = '';
  } catch (error) {
    const message = String(error && error.message);
    if (message !== lastError) parentPort.postMessage({ type: 'error', message, code: error && error.code });
    lastError = message;
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread; resolves once its connection is closed. */
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (a WAL-mode SQLite database) every `everyMs` on its own thread. */
export function startCheckpointer(file: string, logger: Logger | undefined, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver, file, everyMs, restartAtFrames: RESTART_AT_FRAMES, restartWaitMs: RESTART_WAIT_MS }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, stackSizeMb: 1 } });
  // Never what keeps a process alive; Database#close() stops it.
  thread.unref();
  thread.on('message', (message: { message: string; code?: string }) => {
    logger?.warn({ err: { message: message.message, code: message.code } }, 'SQLite WAL checkpoint failed; the WAL grows until one succeeds');
  });
  thread.on('error', (error) => logger?.error({ err: error }, 'the SQLite checkpoint thread stopped'));
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  return {
    async stop() {
      thread.ref(); // so that the process waits for it to close its connection
      thread.postMessage('stop');
      await exited;
    },
  };
}
