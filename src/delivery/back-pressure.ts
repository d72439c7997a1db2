// What a receiver's answer says about its endpoint's load, as pure rules (docs/WEBHOOKS.md,
// "Back-pressure"): whether it pauses the whole webhook (a 429/503 with Retry-After, capped at
// MAX_PAUSE_S), and whether it is a sign of overload that halves the webhook's local concurrency
// (a timeout, a refused or reset connection, a 5xx, a 429) or a success that raises it again.
import type { AttemptOutcome } from './outcome.ts';

/** The longest pause one answer may impose (s): a receiver cannot stall its webhook for days. */
export const MAX_PAUSE_S = 3_600;

/** When the webhook may be sent to again (ms) after this outcome, or null when it does not pause it. */
export function pauseEnd(outcome: AttemptOutcome, now: number): number | null {
  if (outcome.kind !== 'failed' || outcome.retryAfterS === null || outcome.retryAfterS <= 0) return null;
  return now + Math.min(outcome.retryAfterS, MAX_PAUSE_S) * 1000;
}

/** `eased`: a success (raise the limit); `overloaded`: halve it; `neutral`: says nothing about load. */
export type LoadSignal = 'eased' | 'overloaded' | 'neutral';

export function loadSignal(outcome: AttemptOutcome): LoadSignal {
  if (outcome.kind === 'delivered') return 'eased';
  if (outcome.kind !== 'failed') return 'neutral';
  switch (outcome.category) {
    case 'timeout':
    case 'connect':
    case 'reset':
      return 'overloaded';
    case 'http_status': {
      const status = outcome.response?.status ?? 0;
      return status >= 500 || status === 429 ? 'overloaded' : 'neutral';
    }
    default:
      // A bad address, a TLS or DNS error, a redirect, a 4xx: the receiver's configuration, not its load.
      return 'neutral';
  }
}
