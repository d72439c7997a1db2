// Fewer index entries per delivery (docs/BENCHMARKS.md, "Room on the page for the claim"):
//   - PostgreSQL only: `deliveries` pages are filled to half at insert, so the claim's UPDATE (lease
//     columns only, none indexed) finds room on the row's own page and stays a HOT update: no new
//     entry in any of the table's indexes, where a full page made it write one in each. It applies
//     to pages written from now on; SQLite updates in place and has no such setting.
//   - `deliveries_webhook_status (webhook_id, status, created_at)` took an entry for every delivery
//     and a new one at each change of status, though the status it is searched by is `failed`
//     alone (the failed count of /metrics and of `webhooks list`, recover, the log's status filter;
//     the other statuses have their own indexes or are nearly every row). It becomes
//     `deliveries_failed (webhook_id, created_at, id) where status = 'failed'` (`id` last: the
//     delivery log's tie-break, so its order is the index's own), whose predicate the queries
//     repeat literally (FAILED_CONDITION, src/delivery/store/failed.ts; a test checks).
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`alter table deliveries set (fillfactor = 50)`.execute(db);
  await db.schema.dropIndex('deliveries_webhook_status').execute();
  await db.schema
    .createIndex('deliveries_failed')
    .on('deliveries')
    .columns(['webhook_id', 'created_at', 'id'])
    .where(sql.raw<boolean>(`status = 'failed'`))
    .execute();
}
