// One attempt of one delivery: the exact request of docs/WEBHOOKS.md (same body bytes and webhook-id on every
// attempt, a fresh timestamp and signature, the lead sequence headers), its classification and the next state.
import type { Clock } from '../shared/clock.ts';
import { pauseEnd } from './back-pressure.ts';
import { classify } from './classify-response.ts';
import type { AttemptContext } from './hooks.ts';
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

/** docs/WEBHOOKS.md, "Lead sequence": absent on `webhook:test` and on deliveries queued before migration 018. */
export const LEAD_SEQUENCE_HEADER = 'leadhook-lead-sequence';
export const LEAD_PREVIOUS_SEQUENCE_HEADER = 'leadhook-lead-previous-sequence';

export function requestHeaders(
  delivery: ClaimedDelivery,
  target: WebhookTarget,
  at: Date,
  userAgent: string,
  context: AttemptContext = {},
): Record<string, string> {
  const headers: Record<string, string> = {
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
    ...leadSequenceHeaders(delivery),
  };
  // Outside the signed content (id.timestamp.body), so opting in never changes what receivers verify.
  if (target.send_traceparent === 1 && context.traceparent) headers.traceparent = context.traceparent;
  return headers;
}

function leadSequenceHeaders(delivery: Pick<ClaimedDelivery, 'lead_seq' | 'lead_prev_seq'>): Record<string, string> {
  if (delivery.lead_seq === null || delivery.lead_prev_seq === null) return {};
  return { [LEAD_SEQUENCE_HEADER]: String(delivery.lead_seq), [LEAD_PREVIOUS_SEQUENCE_HEADER]: String(delivery.lead_prev_seq) };
}

/** Sends once; returns the finished attempt, or undefined when the worker was stopping (no attempt). */
export async function deliverOnce(
  sender: Sender,
  delivery: ClaimedDelivery,
  target: WebhookTarget,
  settings: AttemptSettings,
  signal: AbortSignal,
  context: AttemptContext = {},
): Promise<FinishedAttempt | undefined> {
  const startedAt = settings.clock.now();
  const headers = requestHeaders(delivery, target, startedAt, settings.userAgent, context);
  const result = await sender.send({ url: target.url, headers, body: delivery.body, signal });
  const now = settings.clock.now().getTime();
  const outcome = classify(result, now);
  if (outcome.kind === 'interrupted') return undefined;
  const next = nextState(outcome, delivery, target, settings, now);
  // The endpoint pauses until the Retry-After, but never past this delivery's own next attempt:
  // docs/SPEC.md §4 bounds an honoured Retry-After to twice the scheduled delay.
  const asked = pauseEnd(outcome, now);
  const pauseUntil = asked !== null && next.status === 'pending' ? Math.min(asked, next.nextAttemptAt) : asked;
  return {
    delivery,
    url: target.url,
    requestHeaders: headers,
    outcome,
    startedAt: startedAt.getTime(),
    durationMs: result.durationMs,
    remoteAddress: result.remoteAddress,
    pauseUntil,
    next,
    holdsLead: target.ordering === 'per_lead' && delivery.lead_seq !== null,
  };
}

function nextState(
  outcome: Exclude<AttemptOutcome, { kind: 'interrupted' }>,
  delivery: ClaimedDelivery,
  target: WebhookTarget,
  settings: AttemptSettings,
  now: number,
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
  return decision.retry ? { status: 'pending', nextAttemptAt: decision.nextAttemptAt } : { status: 'failed' };
}
