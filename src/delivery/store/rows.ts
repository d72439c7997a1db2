// New delivery rows and the statements that add or remove them wholesale. Inserting is done inside
// the transaction of the change that caused it (the transactional outbox, docs/DESIGN.md).
import type { Transaction } from 'kysely';
import { newId } from '../../shared/ids.ts';
import { insertRows } from '../../storage/fixed-sql.ts';
import type { DeliveryRow, Schema } from '../../storage/schema.ts';

export type NewDelivery = Omit<DeliveryRow, 'retry_base'>;

/** The lead fields stay null for a `webhook:test` delivery; activity deliveries get them from delivery-row.ts. */
export function newDeliveryRow(
  fields: Pick<DeliveryRow, 'account_id' | 'webhook_id' | 'activity_id' | 'type' | 'body' | 'is_test'> &
    Partial<Pick<DeliveryRow, 'lead_id' | 'lead_seq' | 'lead_prev_seq'>>,
  now: Date,
): NewDelivery {
  const at = now.getTime();
  return {
    id: newId(now),
    lead_id: null,
    lead_seq: null,
    lead_prev_seq: null,
    ...fields,
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    lease_until: null,
    leased_by: null,
    lease_token: null,
    last_status: null,
    last_error: null,
    created_at: at,
    updated_at: at,
  };
}

export async function insertDeliveries(trx: Transaction<Schema>, rows: NewDelivery[]): Promise<void> {
  await insertRows(trx, 'deliveries', rows);
}

/** Removes a webhook's deliveries, their attempt records, its ledger and its kept hourly figures (the webhook is being deleted). */
export async function deleteDeliveriesOfWebhook(trx: Transaction<Schema>, webhookId: string): Promise<void> {
  await trx.deleteFrom('webhook_hour_stats').where('webhook_id', '=', webhookId).execute();
  await trx.deleteFrom('delivery_ledger').where('webhook_id', '=', webhookId).execute();
  await trx.deleteFrom('delivery_attempts').where('webhook_id', '=', webhookId).execute();
  await trx.deleteFrom('deliveries').where('webhook_id', '=', webhookId).execute();
}
