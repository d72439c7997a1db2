// What the main thread and the delivery thread say to each other (structured-clone messages).
import type { Config } from '../../config.ts';

/** `workerData` of the delivery thread: it builds its own database, sender and mailer from this. */
export interface ThreadData {
  config: Config;
}

/** Main → thread. */
export type HostMessage =
  /** The outbox committed new due deliveries in the main thread (coalesced, one per event-loop turn). */
  | { type: 'wake' }
  /** Stop claiming, drain what is in flight, write the results, exit. */
  | { type: 'stop' };

/** Thread → main. */
export type ThreadMessage =
  | { type: 'ready'; workerId: string }
  /** The worker's own readiness, every HEALTH_REPORT_MS. */
  | { type: 'health'; ok: boolean; detail?: string }
  /** Attempts the thread recorded since its last batch, for the main thread's /metrics. */
  | { type: 'attempts'; outcomes: string[]; durationsMs: number[] }
  | { type: 'stopped' };

export const HEALTH_REPORT_MS = 1_000;
/** Attempt metrics are batched this long (ms) before they cross to the main thread. */
export const METRICS_BATCH_MS = 100;
