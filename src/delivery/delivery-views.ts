// Deliveries and attempts as the API shows them (docs/SPEC.md §7, §4 attempt record).
import { isoSeconds } from '../shared/clock.ts';
import type { DeliveryAttemptRow, DeliveryRow } from '../storage/schema.ts';
import { attemptRequestBody } from './attempt-record.ts';

export interface DeliveryView {
  _id: string;
  webhook_id: string;
  activity_id: string;
  type: string;
  status: DeliveryRow['status'];
  attempts: number;
  /** When the next attempt is due; null once the delivery succeeded or failed. */
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  test: boolean;
  /**
   * The `leadhook-lead-sequence` / `leadhook-lead-previous-sequence` headers this delivery carries
   * (docs/WEBHOOKS.md, "Per-lead ordering"); null for test deliveries and rows older than them.
   */
  lead_sequence: number | null;
  previous_lead_sequence: number | null;
  created_at: string;
}

export function toDeliveryView(row: Omit<DeliveryRow, 'retry_base'>): DeliveryView {
  return {
    _id: row.id,
    webhook_id: row.webhook_id,
    activity_id: row.activity_id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? isoSeconds(new Date(row.next_attempt_at)) : null,
    last_status: row.last_status,
    last_error: row.last_error,
    test: row.is_test === 1,
    ...leadSequence(row),
    created_at: isoSeconds(new Date(row.created_at)),
  };
}

/** Both numbers or neither, as the headers are sent (deliver-one.ts). */
function leadSequence(row: Pick<DeliveryRow, 'lead_seq' | 'lead_prev_seq'>): Pick<DeliveryView, 'lead_sequence' | 'previous_lead_sequence'> {
  if (row.lead_seq === null || row.lead_prev_seq === null) return { lead_sequence: null, previous_lead_sequence: null };
  return { lead_sequence: Number(row.lead_seq), previous_lead_sequence: Number(row.lead_prev_seq) };
}

export interface AttemptView {
  _id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  succeeded: boolean;
  remote_address: string | null;
  request: { url: string; headers: Record<string, string>; body: string };
  response: { status: number | null; headers: Record<string, string> | null; body: string | null; truncated: boolean } | null;
  error: { category: string; message: string | null } | null;
}

/** `deliveryBody`: the body of the attempt's delivery, which the attempt sent (attempt-record.ts). */
export function toAttemptView(row: DeliveryAttemptRow, deliveryBody: string): AttemptView {
  const hasResponse = row.response_status !== null;
  return {
    _id: row.id,
    attempt: row.attempt_number,
    started_at: new Date(row.started_at).toISOString(),
    duration_ms: row.duration_ms,
    succeeded: row.succeeded === 1,
    remote_address: row.remote_address,
    request: { url: row.request_url, headers: JSON.parse(row.request_headers) as Record<string, string>, body: attemptRequestBody(row.request_body, deliveryBody) },
    response: hasResponse
      ? {
          status: row.response_status,
          headers: row.response_headers ? (JSON.parse(row.response_headers) as Record<string, string>) : null,
          body: row.response_body,
          truncated: row.response_truncated === 1,
        }
      : null,
    error: row.error_category ? { category: row.error_category, message: row.error_message } : null,
  };
}

export const EXCERPT_LENGTH = 500;

/** An Error Log entry (docs/SPEC.md §4): one failed attempt. */
export interface ErrorLogEntry {
  _id: string;
  time: string;
  webhook_id: string;
  url: string;
  delivery_id: string;
  activity_id: string;
  type: string;
  attempt: number;
  category: string | null;
  status: number | null;
  message: string | null;
  response_excerpt: string | null;
}

export function toErrorLogEntry(row: DeliveryAttemptRow): ErrorLogEntry {
  return {
    _id: row.id,
    time: new Date(row.started_at).toISOString(),
    webhook_id: row.webhook_id,
    url: row.request_url,
    delivery_id: row.delivery_id,
    activity_id: row.activity_id,
    type: row.type,
    attempt: row.attempt_number,
    category: row.error_category,
    status: row.response_status,
    message: row.error_message,
    response_excerpt: row.response_body === null ? null : row.response_body.slice(0, EXCERPT_LENGTH),
  };
}
