// Per-webhook opt-in to a W3C `traceparent` header on its requests (docs/OBSERVABILITY.md): off by
// default, since a receiver that does not trace has no use for it and some log every header.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhooks').addColumn('send_traceparent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
