// `deliveries_lead_order` leads with the lead, then the webhook: `(lead_id, webhook_id, lead_seq)`
// instead of `(webhook_id, lead_id, lead_seq)`. Its one reader, the claim's probe for an earlier
// pending delivery of the same lead to the same webhook (src/delivery/store/claim.ts, `inLeadOrder`),
// compares both leading columns for equality, so either order serves it. But an activity's
// deliveries (one per webhook) share their lead and were spread over as many leaf pages as there
// are webhooks, each written again at every commit; now they sit side by side on one
// (docs/BENCHMARKS.md). Same partial predicate (a test checks it against LEAD_ORDER_CONDITION).
// The index holds only pending deliveries, so rebuilding it at upgrade reads the table once and is
// small; writes to `deliveries` wait while it runs.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_lead_order').execute();
  await db.schema
    .createIndex('deliveries_lead_order')
    .on('deliveries')
    .columns(['lead_id', 'webhook_id', 'lead_seq'])
    .where(sql.raw<boolean>(`status = 'pending' and lead_seq is not null`))
    .execute();
}
