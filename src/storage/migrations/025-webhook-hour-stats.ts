// The health chart's settled hours, kept (src/delivery/webhook-stats.ts): `GET /webhooks/:id/stats`
// read every attempt of its window on each call (1.2 s for 483,723 attempts in 24 h on SQLite, on
// the API thread). An hour's figures cannot change once its attempts are all recorded, so the first
// call that needs them computes them once and keeps them here; later calls read the row.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_hour_stats')
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('p50_ms', 'integer')
    .addColumn('p95_ms', 'integer')
    .addPrimaryKeyConstraint('webhook_hour_stats_pk', ['webhook_id', 'hour'])
    .execute();
  // Retention removes old hours of every webhook (maintenance.ts).
  await db.schema.createIndex('webhook_hour_stats_hour').on('webhook_hour_stats').column('hour').execute();
}
