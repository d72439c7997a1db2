// Delivery state under faults (docs/WEBHOOKS.md, "Delivery state and faults"):
// - `deliveries.lease_token`: a fresh token per claim; a worker records an outcome only while the
//   row still carries its token, so a worker that lost its lease (paused, partitioned) writes nothing.
// - `delivery_workers`: one row per running worker with its heartbeat, so live workers release the
//   claims of a dead one within seconds instead of waiting for the lease to run out.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('lease_token', 'text').execute();
  await db.schema
    .createTable('delivery_workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .execute();
}
