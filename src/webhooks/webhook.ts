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
  /** 'per_lead': each lead's deliveries in activity order, one at a time; 'none' (default): in parallel. */
  ordering: WebhookOrdering;
  created_by: { _id: string; name: string; email: string };
  created_at: string;
  updated_at: string;
  /** Last attempt status (`succeeded` or an error category) and time; null before the first. */
  last_delivery: { status: string; at: string } | null;
}

export type WebhookWithCreator = WebhookRow & { creator_name: string | null; creator_email: string | null };

export function toWebhook(row: WebhookWithCreator): Webhook {
  return {
    _id: row.id,
    url: row.url,
    handshake_key: row.handshake_key,
    events: parseEvents(row.events),
    description: row.description,
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    retry_schedule: row.retry_schedule ? (JSON.parse(row.retry_schedule) as number[]) : null,
    ordering: row.ordering,
    created_by: { _id: row.created_by, name: row.creator_name ?? '', email: row.creator_email ?? '' },
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
    last_delivery:
      row.last_attempt_at !== null && row.last_attempt_status !== null
        ? { status: row.last_attempt_status, at: isoSeconds(new Date(row.last_attempt_at)) }
        : null,
  };
}
