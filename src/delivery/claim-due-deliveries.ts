// Claiming due deliveries under a lease (PRODUCT §6). One statement per lane: an UPDATE of the ids
// picked by a sub-select, which on PostgreSQL locks them `FOR UPDATE SKIP LOCKED` so concurrent
// workers take disjoint sets. A delivery whose lease ran out (its worker crashed) is due again.
// `now` is a parameter, never SQL `now()`, so a manual clock drives the queue (STYLE §4).
import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/database.ts';
import type { DeliveryRow, Schema } from '../storage/schema.ts';

/** First attempts and retries are claimed separately so that new work never waits behind retries. */
export type Lane = 'first' | 'retry';

export type ClaimedDelivery = Pick<
  DeliveryRow,
  'id' | 'account_id' | 'webhook_id' | 'activity_id' | 'type' | 'body' | 'attempts' | 'is_test'
> & { retry_base: number };

export interface ClaimOptions {
  lane: Lane;
  limit: number;
  now: number;
  leaseMs: number;
  workerId: string;
  /** Webhooks already at their in-flight cap in this worker. */
  excludeWebhooks: string[];
}

export async function claimDueDeliveries(db: Kysely<Schema>, dialect: Dialect, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const { now } = options;
  let due = db
    .selectFrom('deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('attempts', options.lane === 'first' ? '=' : '>', 0)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(options.limit);
  if (options.excludeWebhooks.length > 0) due = due.where('webhook_id', 'not in', options.excludeWebhooks);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('deliveries')
    .set({ lease_until: now + options.leaseMs, leased_by: options.workerId })
    .where('id', 'in', due)
    .returning(['id', 'account_id', 'webhook_id', 'activity_id', 'type', 'body', 'attempts', 'retry_base', 'is_test'])
    .execute();
}

/** Gives claimed deliveries back (the worker could not start them: per-webhook cap, stopping). */
export async function releaseDeliveries(db: Kysely<Schema>, ids: string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ lease_until: null, leased_by: null })
    .where('id', 'in', ids)
    .where('leased_by', '=', workerId)
    .execute();
}

/** When the next pending delivery falls due (ms), or null when nothing is pending. */
export async function nextDueAt(db: Kysely<Schema>): Promise<number | null> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
