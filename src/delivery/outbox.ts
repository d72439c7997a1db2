// The transactional outbox (PRODUCT §4): inside the change's own transaction, one delivery per
// matching enabled webhook, its body composed once with that webhook's handshake key.
import type { Kysely } from 'kysely';
import { composeWebhookBody } from '../activities/payload.ts';
import type { OutboxWriter, RecordedActivity } from '../activities/recorder.ts';
import { newId } from '../shared/ids.ts';
import type { Dialect } from '../storage/database.ts';
import type { DeliveryRow, Schema } from '../storage/schema.ts';
import { enabledWebhooks } from '../webhooks/webhooks.repository.ts';
import { parseEvents, wantsEvent } from '../webhooks/webhook.ts';
import { notifyWorkers, type WakeSignal } from './wakeup.ts';

export type NewDelivery = Omit<DeliveryRow, 'retry_base'>;

export function newDeliveryRow(
  fields: Pick<DeliveryRow, 'account_id' | 'webhook_id' | 'activity_id' | 'type' | 'body' | 'is_test'>,
  now: Date,
): NewDelivery {
  const at = now.getTime();
  return {
    id: newId(now),
    ...fields,
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    lease_until: null,
    leased_by: null,
    last_status: null,
    last_error: null,
    created_at: at,
    updated_at: at,
  };
}

// Multi-row inserts stay under SQLite's bound-parameter limit (32766) with 15 columns.
const INSERT_CHUNK = 1000;

export async function insertDeliveries(db: Kysely<Schema>, rows: NewDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db.insertInto('deliveries').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  }
}

export function createOutboxWriter(dialect: Dialect, wake: WakeSignal): OutboxWriter {
  return {
    async enqueue(db, activities: RecordedActivity[], now) {
      const byAccount = new Map<string, RecordedActivity[]>();
      for (const activity of activities) byAccount.set(activity.accountId, [...(byAccount.get(activity.accountId) ?? []), activity]);
      const rows: NewDelivery[] = [];
      for (const [accountId, list] of byAccount) {
        const webhooks = await enabledWebhooks(db, accountId);
        for (const webhook of webhooks) {
          const events = parseEvents(webhook.events);
          for (const activity of list) {
            if (!wantsEvent(events, activity.type)) continue;
            const body = composeWebhookBody(activity.activityJson, activity.leadJson, webhook.handshake_key);
            rows.push(
              newDeliveryRow(
                { account_id: accountId, webhook_id: webhook.id, activity_id: activity.id, type: activity.type, body, is_test: 0 },
                now,
              ),
            );
          }
        }
      }
      if (rows.length === 0) return 0;
      await insertDeliveries(db, rows);
      await notifyWorkers(db, dialect);
      return rows.length;
    },
    committed() {
      wake.wake();
    },
  };
}
