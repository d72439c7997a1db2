// Delivery engine additions: a retry base so a manual retry or a recover starts a fresh retry
// schedule without losing the attempt count, and the indexes the worker and the webhook pages use.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Attempts made before the last manual retry/recover; the retry schedule counts from here.
  await db.schema
    .alterTable('deliveries')
    .addColumn('retry_base', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Two claim lanes (first attempts, retries), each walked in due order.
  await db.schema
    .createIndex('deliveries_lane')
    .on('deliveries')
    .columns(['attempts', 'next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('deliveries_webhook_status')
    .on('deliveries')
    .columns(['webhook_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('attempts_webhook')
    .on('delivery_attempts')
    .columns(['webhook_id', 'started_at'])
    .execute();
}
