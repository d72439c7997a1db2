// Manual control (docs/WEBHOOKS.md): retry one delivery now, and recover every failed delivery of
// a webhook since a time. A requeued delivery keeps its attempt count (attempt numbers go on) but
// starts a fresh retry schedule (`retry_base`), and joins the retry lane. Each transaction wakes
// the workers when it commits (`inWakingTransaction`).
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { isFailed } from './failed.ts';

/** Recovered deliveries are released this many at a time, one batch per second (paced, no cap). */
export const RECOVER_BATCH = 500;
export const RECOVER_SPACING_MS = 1_000;

type WakingTransaction = <T>(work: (trx: Transaction<Schema>) => Promise<T>) => Promise<T>;

export async function retryDeliveryNow(inWakingTransaction: WakingTransaction, deliveryId: string, now: number): Promise<void> {
  await inWakingTransaction(async (trx) => {
    await trx
      .updateTable('deliveries')
      .set((eb) => ({ status: 'pending', next_attempt_at: now, retry_base: eb.ref('attempts'), updated_at: now }))
      .where('id', '=', deliveryId)
      .execute();
  });
}

/**
 * Requeues failed deliveries created at or after `since`, in batches spaced a second apart. Test
 * deliveries (and self-heal probes) are not events and are never requeued.
 * `onBatch` hears the running total after each batch (the CLI draws its progress bar from it).
 */
export async function recoverFailed(
  db: Kysely<Schema>,
  inWakingTransaction: WakingTransaction,
  request: { webhookId: string; since: number; now: number },
  onBatch: (recovered: number) => void = () => {},
): Promise<number> {
  const { webhookId, since, now } = request;
  let recovered = 0;
  for (let batch = 0; ; batch++) {
    const ids = db
      .selectFrom('deliveries')
      .select('id')
      .where('webhook_id', '=', webhookId)
      .where(isFailed())
      .where('is_test', '=', 0)
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .limit(RECOVER_BATCH);
    const count = await inWakingTransaction(async (trx) => {
      const result = await trx
        .updateTable('deliveries')
        .set((eb) => ({
          status: 'pending',
          next_attempt_at: now + batch * RECOVER_SPACING_MS,
          retry_base: eb.ref('attempts'),
          lease_until: null,
          leased_by: null,
          lease_token: null,
          updated_at: now,
        }))
        .where('id', 'in', ids)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
    recovered += count;
    onBatch(recovered);
    if (count < RECOVER_BATCH) return recovered;
  }
}

/** How many deliveries `recoverFailed` would requeue. */
export async function countFailedSince(db: Kysely<Schema>, webhookId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('webhook_id', '=', webhookId)
    .where(isFailed())
    .where('is_test', '=', 0)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
