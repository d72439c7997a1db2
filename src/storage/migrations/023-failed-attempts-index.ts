// The Error Log's index holds failed attempts only. `attempts_errors` (account_id, succeeded,
// started_at) took an entry for every attempt, successes included, though only failures are ever
// looked up through it (src/delivery/deliveries.repository.ts, listErrors): one index insert per
// delivery on the hot path for nothing. `id` last so the Error Log's order (newest first, id as
// the tie-break) is the index's own and needs no sort.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('attempts_errors').execute();
  await db.schema
    .createIndex('attempts_failed')
    .on('delivery_attempts')
    .columns(['account_id', 'started_at', 'id'])
    .where(sql.raw<boolean>('succeeded = 0'))
    .execute();
}
