// The one place an activity becomes a delivery for a webhook (the outbox, and anything that later
// creates deliveries for recorded activities): the event filter, the body composed once with the
// webhook's handshake key, and the lead fields the claim orders by and the sequence headers carry
// (docs/WEBHOOKS.md, "Order per lead" and "Lead sequence").
import type { Kysely } from 'kysely';
import { composeWebhookBody } from '../activities/payload.ts';
import type { RecordedActivity } from '../activities/recorder.ts';
import type { Schema, WebhookRow } from '../storage/schema.ts';
import { ALL_EVENTS, parseEvents, wantsEvent } from './event-filter.ts';
import { newDeliveryRow, type NewDelivery } from './store/rows.ts';

/** What a delivery needs of an activity: one just recorded, or one read back from the log. */
export type DeliverableActivity = Pick<RecordedActivity, 'id' | 'accountId' | 'leadId' | 'leadSeq' | 'type' | 'activityJson' | 'leadJson'>;
export type DeliveryWebhook = Pick<WebhookRow, 'id' | 'events' | 'handshake_key'>;

/**
 * The deliveries of `activities` (each lead's in ascending `leadSeq`) that `webhook`'s filter
 * matches. `lead_prev_seq` is the number of the lead's previous activity that the filter matches
 * (0 if none), whether or not that one got a delivery, so a receiver sees a gap for anything it
 * missed and none for what its filter leaves out.
 */
export async function deliveryRowsFor(db: Kysely<Schema>, webhook: DeliveryWebhook, activities: readonly DeliverableActivity[], now: Date): Promise<NewDelivery[]> {
  const events = parseEvents(webhook.events);
  const previous = new Map<string, number>();
  const rows: NewDelivery[] = [];
  for (const activity of activities) {
    if (!wantsEvent(events, activity.type)) continue;
    const prev = previous.get(activity.leadId) ?? (await previousMatching(db, events, activity));
    previous.set(activity.leadId, activity.leadSeq);
    rows.push(
      newDeliveryRow(
        {
          account_id: activity.accountId,
          webhook_id: webhook.id,
          activity_id: activity.id,
          type: activity.type,
          body: composeWebhookBody(activity.activityJson, activity.leadJson, webhook.handshake_key),
          is_test: 0,
          lead_id: activity.leadId,
          lead_seq: activity.leadSeq,
          lead_prev_seq: prev,
        },
        now,
      ),
    );
  }
  return rows;
}

/** The lead's last activity before `activity` that the filter matches: no read when every type matches. */
async function previousMatching(db: Kysely<Schema>, events: readonly string[], activity: DeliverableActivity): Promise<number> {
  if (events.includes(ALL_EVENTS) || activity.leadSeq <= 1) return Math.max(0, activity.leadSeq - 1);
  const row = await db
    .selectFrom('activities')
    .select('lead_seq')
    .where('lead_id', '=', activity.leadId)
    .where('lead_seq', '<', activity.leadSeq)
    .where('type', 'in', [...events])
    .orderBy('lead_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.lead_seq ?? 0);
}
