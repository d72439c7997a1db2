// Reading deliveries, attempts and the Error Log for the API; every query is scoped by account.
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus, Schema } from '../storage/schema.ts';

export type StoredDelivery = Selectable<DeliveryRow>;

export async function getDelivery(db: Kysely<Schema>, accountId: string, id: string): Promise<StoredDelivery> {
  const row = await db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Delivery');
  return row;
}

export async function listDeliveries(
  db: Kysely<Schema>,
  accountId: string,
  webhookId: string,
  status: DeliveryStatus | undefined,
  limit: number,
  offset: number,
): Promise<StoredDelivery[]> {
  let query = db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('webhook_id', '=', webhookId);
  if (status) query = query.where('status', '=', status);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
}

export async function listAttempts(db: Kysely<Schema>, accountId: string, deliveryId: string): Promise<DeliveryAttemptRow[]> {
  return db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt_number')
    .orderBy('id')
    .execute();
}

/** Failed attempts, newest first. */
export async function listErrors(
  db: Kysely<Schema>,
  accountId: string,
  webhookId: string | undefined,
  limit: number,
  offset: number,
): Promise<DeliveryAttemptRow[]> {
  let query = db.selectFrom('delivery_attempts').selectAll().where('account_id', '=', accountId).where('succeeded', '=', 0);
  if (webhookId) query = query.where('webhook_id', '=', webhookId);
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
}
