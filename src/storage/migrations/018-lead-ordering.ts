// Per-lead order and sequence numbers (docs/WEBHOOKS.md, "Order per lead" and "Lead sequence"):
// - `leads.activity_seq`: the last sequence number given to an activity of the lead; the recorder
//   increments it with UPDATE … RETURNING in the change's transaction (which also queues concurrent
//   writers of one lead on PostgreSQL, so the numbers follow commit order).
// - `activities.lead_seq`: each activity's number within its lead (1, 2, 3, …), backfilled here in
//   `seq` order (the order activities were recorded in).
// - `deliveries.lead_id`, `lead_seq`, `lead_prev_seq`: filled by the outbox's row builder; null for
//   `webhook:test` deliveries and for deliveries queued before this migration (sent unordered and
//   without the sequence headers).
// - `webhooks.ordering`: 'none' (default) or 'per_lead'.
// - `deliveries_lead_order`: the claim's probe "is an earlier delivery of this lead still pending?"
//   (src/delivery/store/claim.ts, LEAD_ORDER_CONDITION must equal its predicate).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('leads').addColumn('activity_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('activities').addColumn('lead_seq', 'integer').execute();
  await sql`
    update activities set lead_seq = numbered.n
    from (select seq, row_number() over (partition by lead_id order by seq) as n from activities) as numbered
    where activities.seq = numbered.seq`.execute(db);
  await sql`
    update leads set activity_seq = coalesce((select max(lead_seq) from activities where activities.lead_id = leads.id), 0)`.execute(db);
  // The previous activity of a lead that a webhook's filter matches (src/delivery/lead-sequence.ts).
  await db.schema.createIndex('activities_lead_seq').on('activities').columns(['lead_id', 'lead_seq']).execute();

  await db.schema.alterTable('deliveries').addColumn('lead_id', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('lead_seq', 'integer').execute();
  await db.schema.alterTable('deliveries').addColumn('lead_prev_seq', 'integer').execute();
  await db.schema
    .createIndex('deliveries_lead_order')
    .on('deliveries')
    .columns(['webhook_id', 'lead_id', 'lead_seq'])
    .where(sql.raw<boolean>(`status = 'pending' and lead_seq is not null`))
    .execute();

  await db.schema.alterTable('webhooks').addColumn('ordering', 'text', (c) => c.notNull().defaultTo('none')).execute();
}
