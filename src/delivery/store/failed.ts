// Failed deliveries are found through `deliveries_failed (webhook_id, created_at, id) where
// status = 'failed'` (migration 024). SQLite uses a partial index only when the query repeats its
// WHERE term literally, and PostgreSQL's generic plans of a bound parameter cannot prove it either,
// so every query for failed deliveries takes its condition from here (a test checks it equals the
// live index's predicate).
import { sql, type RawBuilder } from 'kysely';

export const FAILED_CONDITION = `status = 'failed'`;

/** `status = 'failed'`, literal; `table` qualifies the column where the query joins. */
export const isFailed = (table?: string): RawBuilder<boolean> =>
  sql.raw<boolean>(table === undefined ? FAILED_CONDITION : `${table}.${FAILED_CONDITION}`);
