// The attempt record (docs/WEBHOOKS.md), with secrets redacted: the signature header and the handshake
// key in the body (the attempt log is shown in the UI and may be exported; the secrets may not). The
// body itself is its delivery's, shown from there (attemptRequestBody).
import { newId } from '../shared/ids.ts';
import type { DeliveryAttemptRow } from '../storage/schema.ts';
import type { ClaimedDelivery } from './store/claim.ts';
import type { AttemptOutcome } from './outcome.ts';

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['webhook-signature', 'authorization']);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) copy[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return copy;
}

/** composeWebhookBody puts the handshake key last, so the tail is where it can be. */
const HANDSHAKE_TAIL = /,"handshake_key":"(?:[^"\\]|\\.)*"\}$/;

export function redactBody(body: string): string {
  return body.replace(HANDSHAKE_TAIL, `,"handshake_key":"${REDACTED}"}`);
}

/**
 * What an attempt stores as its request body: nothing (''), because the body sent is always its
 * delivery's own, which the delivery row keeps as long as the attempt (retention and webhook
 * deletion remove both). Storing it again, a kilobyte or more per attempt, was a third of the
 * bytes a drain wrote (docs/BENCHMARKS.md). Attempts recorded before kept the redacted copy.
 */
export const SAME_AS_DELIVERY = '';

/** The request body an attempt shows: its stored copy, or its delivery's body, redacted. */
export function attemptRequestBody(stored: string, deliveryBody: string): string {
  return stored === SAME_AS_DELIVERY ? redactBody(deliveryBody) : stored;
}

export interface AttemptFacts {
  delivery: ClaimedDelivery;
  url: string;
  requestHeaders: Record<string, string>;
  outcome: Exclude<AttemptOutcome, { kind: 'interrupted' }>;
  startedAt: number;
  durationMs: number;
  remoteAddress: string | null;
}

/**
 * The columns of a `delivery_attempts` row in insert order, with their PostgreSQL types: the
 * statements that insert attempts in bulk (store/sqlite-results.ts, store/postgres-results.ts)
 * list them from here.
 */
export const ATTEMPT_COLUMNS = [
  ['id', 'text'],
  ['account_id', 'text'],
  ['delivery_id', 'text'],
  ['webhook_id', 'text'],
  ['activity_id', 'text'],
  ['type', 'text'],
  ['attempt_number', 'int'],
  ['started_at', 'bigint'],
  ['duration_ms', 'int'],
  ['request_url', 'text'],
  ['request_headers', 'text'],
  ['request_body', 'text'],
  ['succeeded', 'int'],
  ['response_status', 'int'],
  ['response_headers', 'text'],
  ['response_body', 'text'],
  ['response_truncated', 'int'],
  ['remote_address', 'text'],
  ['error_category', 'text'],
  ['error_message', 'text'],
] as const satisfies ReadonlyArray<readonly [keyof DeliveryAttemptRow, string]>;

export function attemptRow(facts: AttemptFacts): DeliveryAttemptRow {
  const { delivery, outcome } = facts;
  const response = outcome.response;
  return {
    id: newId(new Date(facts.startedAt)),
    account_id: delivery.account_id,
    delivery_id: delivery.id,
    webhook_id: delivery.webhook_id,
    activity_id: delivery.activity_id,
    type: delivery.type,
    attempt_number: delivery.attempts + 1,
    started_at: facts.startedAt,
    duration_ms: facts.durationMs,
    request_url: facts.url,
    request_headers: JSON.stringify(redactHeaders(facts.requestHeaders)),
    request_body: SAME_AS_DELIVERY,
    succeeded: outcome.kind === 'delivered' ? 1 : 0,
    response_status: response?.status ?? null,
    response_headers: response ? JSON.stringify(response.headers) : null,
    response_body: response?.body ?? null,
    response_truncated: response?.truncated ? 1 : 0,
    remote_address: facts.remoteAddress,
    error_category: outcome.kind === 'failed' ? outcome.category : null,
    error_message: outcome.kind === 'failed' ? outcome.message : null,
  };
}
