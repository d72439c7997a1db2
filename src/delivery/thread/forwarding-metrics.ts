// The delivery thread's DeliveryMetrics: it records nothing itself but batches attempt outcomes
// and durations and posts them to the main thread, whose registry serves /metrics. One message per
// METRICS_BATCH_MS at most, instead of one per attempt.
import { Registry } from 'prom-client';
import type { DeliveryMetrics } from '../metrics.ts';
import { METRICS_BATCH_MS, type ThreadMessage } from './messages.ts';

export interface ForwardingMetrics extends DeliveryMetrics {
  /** Posts what is pending now (before the thread stops). */
  flush(): void;
  close(): void;
}

export function createForwardingMetrics(post: (message: ThreadMessage) => void, batchMs = METRICS_BATCH_MS): ForwardingMetrics {
  let outcomes: string[] = [];
  let durationsMs: number[] = [];
  const flush = () => {
    if (outcomes.length === 0) return;
    post({ type: 'attempts', outcomes, durationsMs });
    outcomes = [];
    durationsMs = [];
  };
  const timer = setInterval(flush, batchMs);
  timer.unref();
  return {
    // Never scraped: the main thread's registry is the one /metrics serves.
    registry: new Registry(),
    recordAttempt(outcome, durationMs) {
      outcomes.push(outcome);
      durationsMs.push(durationMs);
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
