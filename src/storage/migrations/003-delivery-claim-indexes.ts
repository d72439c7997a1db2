// Indexes for the per-webhook claim (src/delivery/claim-due-deliveries.ts): each lane's pending
// deliveries of one webhook in due order, so a claim costs one index seek per webhook with room
// instead of a walk over every pending row (101 ms at 50,000 pending with the old `not in` claim).
// The predicates are literal (`attempts = 0`, not a bound parameter) because SQLite only uses a
// partial index when the query repeats the index's WHERE terms literally.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_first_due')
    .on('deliveries')
    .columns(['webhook_id', 'next_attempt_at'])
    .where(sql.raw<boolean>(`status = 'pending' and attempts = 0`))
    .execute();
  await db.schema
    .createIndex('deliveries_retry_due')
    .on('deliveries')
    .columns(['webhook_id', 'next_attempt_at'])
    .where(sql.raw<boolean>(`status = 'pending' and attempts > 0`))
    .execute();
  // Only the old lane-wide claim read it; dropping it keeps the outbox insert as cheap as before.
  await db.schema.dropIndex('deliveries_lane').execute();
}
