// The webhook as the API shows it (docs/API.md); its event filter rules live in the delivery
// engine (src/delivery/event-filter.ts), which reads them for every activity.
import { isoSeconds } from '../shared/clock.ts';
import type { WebhookOrdering, WebhookRow } from '../storage/schema.ts';
import { parseEvents } from '../delivery/event-filter.ts';

export interface Webhook {
  _id: string;
  url: string;
  handshake_key: string | null;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  /** Seconds between attempts overriding the global schedule, or null. */
  retry_schedule: number[] | null;
  /** Requests carry the attempt's W3C `traceparent` header while tracing is on. */
  send_traceparent: boolean;
  /** 'per_lead': each lead's deliveries in activity order, one at a time; 'none' (default): in parallel. */
  ordering: WebhookOrdering;
  created_by: { _id: string; name: string; email: string };
  created_at: string;
  updated_at: string;
  /** Probe after an auto-disable and re-enable on a 2xx (docs/WEBHOOKS.md, "Self-healing endpoints"). */
  self_heal: boolean;
  /** While probing after an auto-disable: when it began, the next probe and probes so far; else null. */
  healing: { since: string; next_probe_at: string; probes: number } | null;
  /** Last attempt status (`succeeded` or an error category) and time; null before the first. */
  last_delivery: { status: string; at: string } | null;
  /** Requests started per second at most; null: unlimited (docs/WEBHOOKS.md, "Back-pressure"). */
  max_rate_per_second: number | null;
  /** The receiver paused the webhook (429/503 with Retry-After) until then; null when not paused now. */
  paused_until: string | null;
}

export type WebhookWithCreator = WebhookRow & { creator_name: string | null; creator_email: string | null };

/** `now` (ms) decides whether a stored pause still holds; a pause in the past shows as null. */
export function toWebhook(row: WebhookWithCreator, now: number): Webhook {
  return {
    _id: row.id,
    url: row.url,
    handshake_key: row.handshake_key,
    events: parseEvents(row.events),
    description: row.description,
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    retry_schedule: row.retry_schedule ? (JSON.parse(row.retry_schedule) as number[]) : null,
    send_traceparent: row.send_traceparent === 1,
    ordering: row.ordering,
    created_by: { _id: row.created_by, name: row.creator_name ?? '', email: row.creator_email ?? '' },
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
    self_heal: row.self_heal === 1,
    healing:
      row.heal_started_at !== null && row.heal_next_probe_at !== null
        ? { since: isoSeconds(new Date(row.heal_started_at)), next_probe_at: isoSeconds(new Date(row.heal_next_probe_at)), probes: row.heal_probes }
        : null,
    last_delivery:
      row.last_attempt_at !== null && row.last_attempt_status !== null
        ? { status: row.last_attempt_status, at: isoSeconds(new Date(row.last_attempt_at)) }
        : null,
    max_rate_per_second: row.max_rate_per_second,
    // Rounded up to the second: a client reading it never comes back too early.
    paused_until: row.paused_until !== null && row.paused_until > now ? isoSeconds(new Date(Math.ceil(row.paused_until / 1000) * 1000)) : null,
  };
}
