// One attempt of one delivery: the exact request of docs/WEBHOOKS.md (same body bytes and webhook-id on every
// attempt, a fresh timestamp and signature), its classification and the next state.
import type { Clock } from '../shared/clock.ts';
import { pauseEnd } from './back-pressure.ts';
import { classify } from './classify-response.ts';
import type { AttemptOutcome } from './outcome.ts';
import { nextAttempt } from './retry-policy.ts';
import type { Sender } from './send-request.ts';
import { signatureHeader } from './sign.ts';
import type { ClaimedDelivery } from './store/claim.ts';
import type { FinishedAttempt, NextState } from './store/results.ts';
import type { WebhookTarget } from './store/targets.ts';

export interface AttemptSettings {
  clock: Clock;
  random: () => number;
  retrySchedule: readonly number[];
  retryJitter: number;
  userAgent: string;
}

export function requestHeaders(delivery: ClaimedDelivery, target: WebhookTarget, at: Date, userAgent: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': userAgent,
    'webhook-id': delivery.activity_id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatureHeader(
      { secret: target.secret, previousSecret: target.previous_secret, previousSecretExpiresAt: target.previous_secret_expires_at },
      delivery.activity_id,
      at,
      delivery.body,
    ),
  };
}

/** Sends once; returns the finished attempt, or undefined when the worker was stopping (no attempt). */
export async function deliverOnce(
  sender: Sender,
  delivery: ClaimedDelivery,
  target: WebhookTarget,
  settings: AttemptSettings,
  signal: AbortSignal,
): Promise<FinishedAttempt | undefined> {
  const startedAt = settings.clock.now();
  const headers = requestHeaders(delivery, target, startedAt, settings.userAgent);
  const result = await sender.send({ url: target.url, headers, body: delivery.body, signal });
  const now = settings.clock.now().getTime();
  const outcome = classify(result, now);
  if (outcome.kind === 'interrupted') return undefined;
  const pauseUntil = pauseEnd(outcome, now);
  return {
    delivery,
    url: target.url,
    requestHeaders: headers,
    outcome,
    startedAt: startedAt.getTime(),
    durationMs: result.durationMs,
    remoteAddress: result.remoteAddress,
    pauseUntil,
    next: nextState(outcome, delivery, target, settings, now, pauseUntil),
  };
}

function nextState(
  outcome: Exclude<AttemptOutcome, { kind: 'interrupted' }>,
  delivery: ClaimedDelivery,
  target: WebhookTarget,
  settings: AttemptSettings,
  now: number,
  pauseUntil: number | null,
): NextState {
  if (outcome.kind === 'delivered') return { status: 'succeeded' };
  if (outcome.gone) return { status: 'failed' };
  const decision = nextAttempt({
    attemptsInSchedule: delivery.attempts + 1 - delivery.retry_base,
    schedule: target.retry_schedule ? (JSON.parse(target.retry_schedule) as number[]) : settings.retrySchedule,
    jitter: settings.retryJitter,
    random: settings.random,
    retryAfterS: outcome.retryAfterS,
    now,
  });
  if (!decision.retry) return { status: 'failed' };
  // The paused webhook is sent to again at the pause end: this delivery is due then, not sooner (it
  // would only be skipped), and no attempt is spent on the wait (docs/WEBHOOKS.md, "Back-pressure").
  return { status: 'pending', nextAttemptAt: Math.max(decision.nextAttemptAt, pauseUntil ?? 0) };
}
