// Reading deliveries, attempts and the Error Log for the API; every query is scoped by account.
import { sql, type Kysely, type Selectable } from 'kysely';
import { notFound } from '../shared/errors.ts';
import { isFailed } from './store/failed.ts';
import type { DeliveryAttemptRow, DeliveryRow, DeliveryStatus, Schema } from '../storage/schema.ts';

export type StoredDelivery = Selectable<DeliveryRow>;

export async function getDelivery(db: Kysely<Schema>, accountId: string, id: string): Promise<StoredDelivery> {
  const row = await db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Delivery');
  return row;
}

/** What a webhook's delivery log can be narrowed to; every part is optional and they all apply. */
export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  /** An activity type, or `webhook:test`. */
  type?: string | undefined;
  /** Created at or after / at or before, in epoch ms (both inclusive). */
  from?: number | undefined;
  to?: number | undefined;
  /** Deliveries of the activities of this lead (test deliveries belong to no lead). */
  leadId?: string | undefined;
}

/** A webhook's delivery log, newest first (`listDeliveries`; exported for the plan tests). */
export function deliveriesQuery(db: Kysely<Schema>, accountId: string, webhookId: string, filter: DeliveryFilter, limit: number, offset: number) {
  let query = db.selectFrom('deliveries').selectAll().where('account_id', '=', accountId).where('webhook_id', '=', webhookId);
  // Failed ones through their own partial index, which needs its condition literally.
  if (filter.status === 'failed') query = query.where(isFailed());
  else if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<=', filter.to);
  if (filter.leadId) {
    // The lead's activities come from their own index (lead_id, seq); deliveries keep theirs.
    const leadId = filter.leadId;
    query = query.where('activity_id', 'in', (eb) =>
      eb.selectFrom('activities').select('activities.id').where('activities.account_id', '=', accountId).where('activities.lead_id', '=', leadId),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
}

export async function listDeliveries(
  db: Kysely<Schema>,
  accountId: string,
  webhookId: string,
  filter: DeliveryFilter,
  limit: number,
  offset: number,
): Promise<StoredDelivery[]> {
  return deliveriesQuery(db, accountId, webhookId, filter, limit, offset).execute();
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

/** Failed attempts, newest first, in the order of their index (`attempts_failed`, migration 023). */
export function errorsQuery(db: Kysely<Schema>, accountId: string, webhookId: string | undefined, limit: number, offset: number) {
  // A literal 0, the partial index's own term: a bound parameter does not prove it to PostgreSQL's
  // generic plans.
  let query = db.selectFrom('delivery_attempts').selectAll().where('account_id', '=', accountId).where('succeeded', '=', sql.lit(0));
  if (webhookId) query = query.where('webhook_id', '=', webhookId);
  return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
}

export async function listErrors(
  db: Kysely<Schema>,
  accountId: string,
  webhookId: string | undefined,
  limit: number,
  offset: number,
): Promise<DeliveryAttemptRow[]> {
  return errorsQuery(db, accountId, webhookId, limit, offset).execute();
}
