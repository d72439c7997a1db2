// The retry schedule as a pure function (docs/CONVENTIONS.md §8; docs/SPEC.md §4): the delay after attempt n is
// schedule[n - 1] seconds ±jitter; after the last entry the delivery is failed. A Retry-After on a
// 429/503 moves the next attempt later, never sooner than scheduled and at most to twice the delay.

export interface RetryInput {
  /** Attempts counted by the schedule, including the one just made (≥ 1). */
  attemptsInSchedule: number;
  /** Seconds between attempts. */
  schedule: readonly number[];
  /** 0–1. */
  jitter: number;
  /** Uniform in [0, 1). */
  random: () => number;
  retryAfterS: number | null;
  now: number;
}

export type RetryDecision = { retry: true; nextAttemptAt: number } | { retry: false };

export function nextAttempt(input: RetryInput): RetryDecision {
  const base = input.schedule[input.attemptsInSchedule - 1];
  if (base === undefined) return { retry: false };
  const factor = 1 + input.jitter * (2 * input.random() - 1);
  const scheduledMs = Math.max(0, Math.round(base * 1000 * factor));
  let delayMs = scheduledMs;
  if (input.retryAfterS !== null) {
    delayMs = Math.min(Math.max(input.retryAfterS * 1000, scheduledMs), 2 * scheduledMs);
  }
  return { retry: true, nextAttemptAt: input.now + delayMs };
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
