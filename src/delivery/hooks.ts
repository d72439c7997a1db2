// Extension points of the delivery worker for code outside the delivery folder (the inspector's
// in-process inboxes, OpenTelemetry spans). The composition root (src/context.ts) fills them, so
// `delivery/` never imports those folders. Each is optional; leaving one out costs nothing.
import type { Sender } from './send-request.ts';
import type { FinishedAttempt } from './store/results.ts';

export interface AttemptInfo {
  deliveryId: string;
  webhookId: string;
  eventType: string;
  /** 1 for the first attempt. */
  attempt: number;
  url: string;
}

/** What an `aroundAttempt` hook hands to the attempt it wraps. */
export interface AttemptContext {
  /** The attempt span's W3C `traceparent`. */
  traceparent?: string | undefined;
}

export interface WorkerHooks {
  /** Wraps the guarded sender (e.g. to answer deliveries to leadhook's own inspector inboxes in-process). */
  wrapSender?(sender: Sender): Sender;
  /**
   * Runs around one attempt; must call `run` once and return its result (undefined: interrupted).
   * `traceparent` is sent to webhooks that opted in to it (`send_traceparent`).
   */
  aroundAttempt?(info: AttemptInfo, run: (context?: AttemptContext) => Promise<FinishedAttempt | undefined>): Promise<FinishedAttempt | undefined>;
  /** Extra retention work, run with the worker's maintenance (`before`: the retention cut-off, ms). */
  prune?(before: number): Promise<void>;
}
