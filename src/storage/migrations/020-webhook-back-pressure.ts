// Per-endpoint back-pressure (docs/WEBHOOKS.md, "Back-pressure"):
// - `webhooks.paused_until` (ms, null: not paused): a receiver's 429/503 with Retry-After pauses the
//   whole endpoint; every worker's claim skips the webhook until then. Written by the delivery
//   engine (src/delivery/store/webhook-health.ts), like the other health columns.
// - `webhooks.max_rate_per_second` (null: unlimited): the owner's cap on requests started per
//   second, enforced by each worker's token bucket.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const real = dialect === 'postgres' ? ('double precision' as const) : ('real' as const);
  await db.schema.alterTable('webhooks').addColumn('paused_until', 'bigint').execute();
  await db.schema.alterTable('webhooks').addColumn('max_rate_per_second', real).execute();
}
