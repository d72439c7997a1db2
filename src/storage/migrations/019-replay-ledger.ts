// Replay of what was missed, the completeness audit and self-healing endpoints (docs/WEBHOOKS.md):
//   - `delivery_ledger`: one compact row per delivery that retention pruned (what it came to), so a
//     replay does not resend a pruned success and the audit still knows it;
//   - the lookups replay and audit make: a webhook's delivery of one activity, and an account's
//     activities in a time window;
//   - the self-heal option of a webhook and its probe schedule.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivery_ledger')
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('pruned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_ledger_pk', ['webhook_id', 'activity_id'])
    .execute();
  // Unique: one delivery per webhook and activity (the outbox writes one; test deliveries have
  // their own ids), which makes two concurrent replays unable to queue an activity twice.
  await db.schema.createIndex('deliveries_webhook_activity').on('deliveries').columns(['webhook_id', 'activity_id']).unique().execute();
  await db.schema.createIndex('activities_account_time').on('activities').columns(['account_id', 'created_at']).execute();

  await db.schema.alterTable('webhooks').addColumn('self_heal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Set when an auto-disable starts the probing period; cleared when it ends or a user acts.
  await db.schema.alterTable('webhooks').addColumn('heal_started_at', 'bigint').execute();
  await db.schema.alterTable('webhooks').addColumn('heal_next_probe_at', 'bigint').execute();
  await db.schema.alterTable('webhooks').addColumn('heal_probes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // A worker's claim on the probe in flight (PostgreSQL: one prober per webhook).
  await db.schema.alterTable('webhooks').addColumn('heal_lease_until', 'bigint').execute();
  await db.schema.createIndex('webhooks_heal_due').on('webhooks').columns(['heal_next_probe_at']).execute();
}
