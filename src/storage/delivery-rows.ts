// Row types of the delivery engine's tables (webhooks, deliveries, attempts, workers, the log of
// mail sent), re-exported by schema.ts with the others; src/delivery/store/ owns their writes.
import type { Generated } from 'kysely';
import type { Bool } from './schema.ts';

export interface WebhookRow {
  id: string;
  account_id: string;
  url: string;
  handshake_key: string | null;
  /** JSON array of activity types, or ["*"]. */
  events: string;
  description: string | null;
  enabled: Bool;
  disabled_reason: string | null;
  /** `whsec_…` signing secret. */
  secret: string;
  /** The secret before the last rotation, still signing until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  /** JSON array of seconds overriding the global schedule, or null. */
  retry_schedule: string | null;
  /** 'per_lead': one lead's deliveries are sent one at a time, in activity order (migration 018). */
  ordering: WebhookOrdering;
  created_by: string;
  created_at: number;
  updated_at: number;
  /** When the current run of failures began; null while healthy. */
  failing_since: number | null;
  last_success_at: number | null;
  last_attempt_at: number | null;
  last_attempt_status: string | null;
  /** Error-email throttle: when the last error email went out, and errors since. */
  last_error_email_at: number | null;
  errors_since_email: number;
  /** 1: probe the endpoint after an auto-disable and re-enable it on a 2xx (migration 019). */
  self_heal: Bool;
  /** When the probing period began (the auto-disable); null when not probing. */
  heal_started_at: number | null;
  heal_next_probe_at: number | null;
  heal_probes: number;
  /** A worker holds the probe until then. */
  heal_lease_until: number | null;
  /** Send the attempt's W3C `traceparent` header (only while tracing is on). */
  send_traceparent: Bool;
  /** A receiver's 429/503 with Retry-After paused the whole endpoint until then (ms); null: not paused (migration 020). */
  paused_until: number | null;
  /** The owner's cap on requests started per second; null: unlimited (migration 020). */
  max_rate_per_second: number | null;
}

export type WebhookOrdering = 'none' | 'per_lead';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryRow {
  id: string;
  account_id: string;
  webhook_id: string;
  /** The activity `_id`, also the `webhook-id` header; a test delivery has its own. */
  activity_id: string;
  type: string;
  /** The exact request body, serialised once when the delivery is created. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** A worker holds the delivery until then; another may claim it afterwards. */
  lease_until: number | null;
  leased_by: string | null;
  /** Fresh per claim; outcomes are written only where it still matches (migration 010). */
  lease_token: string | null;
  last_status: number | null;
  last_error: string | null;
  is_test: Bool;
  /** The activity's lead and its number within the lead; null for tests (migration 018). */
  lead_id: string | null;
  lead_seq: number | null;
  /** The number of the lead's previous activity this webhook's filter matched, 0 if none. */
  lead_prev_seq: number | null;
  created_at: number;
  updated_at: number;
  /** Attempts made before the last manual retry or recover; the retry schedule counts from here (migration 002). */
  retry_base: Generated<number>;
}

/** A running delivery worker and its heartbeat (migration 010). */
export interface DeliveryWorkerRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

export interface DeliveryAttemptRow {
  id: string;
  account_id: string;
  delivery_id: string;
  webhook_id: string;
  activity_id: string;
  type: string;
  attempt_number: number;
  started_at: number;
  duration_ms: number;
  request_url: string;
  /** JSON object; secrets redacted. */
  request_headers: string;
  /** '' (SAME_AS_DELIVERY, src/delivery/attempt-record.ts): the delivery's body; older attempts: its redacted copy. */
  request_body: string;
  succeeded: Bool;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  response_truncated: Bool;
  remote_address: string | null;
  error_category: string | null;
  error_message: string | null;
}

/** What a delivery pruned by retention came to (migration 019); one row per webhook and activity. */
export interface DeliveryLedgerRow {
  webhook_id: string;
  activity_id: string;
  account_id: string;
  status: 'succeeded' | 'failed';
  attempts: number;
  /** The delivery's last update (its outcome). */
  finished_at: number;
  pruned_at: number;
}

/** One settled hour of a webhook's health chart (src/delivery/webhook-stats.ts). */
export interface WebhookHourStatsRow {
  webhook_id: string;
  /** Start of the hour, epoch ms. */
  hour: number;
  attempts: number;
  succeeded: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface EmailOutboxRow {
  id: string;
  account_id: string;
  webhook_id: string | null;
  to_address: string;
  subject: string;
  text: string;
  /** 'sent' over SMTP, 'stored' when no SMTP is configured, 'failed' when SMTP refused. */
  status: 'sent' | 'stored' | 'failed';
  error: string | null;
  created_at: number;
}
