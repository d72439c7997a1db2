// The PostgreSQL form of writeResults (results.ts): the whole batch in one statement, whose
// data-modifying CTEs write each delivery's next state where its lease token still matches and
// insert the attempt records of exactly those rows. One round trip and one plan per batch instead
// of a transaction of one UPDATE per response status, one per failure and the INSERT; the input
// arrives as arrays (`unnest`), in delivery-id order, so the rows are taken in that order.
// Planned on every call (PLANNED_EACH_TIME): a kept generic plan, made while `deliveries` was small,
// matched the arrays to it with a sequential scan of the whole table, and kept doing so as it grew
// (docs/BENCHMARKS.md: 6.7 ms per batch of 17 on a young bench database).
import { sql, type Kysely } from 'kysely';
import { PLANNED_EACH_TIME } from '../../storage/prepared-statements.ts';
import type { Schema } from '../../storage/schema.ts';
import { ATTEMPT_COLUMNS, attemptRow } from '../attempt-record.ts';
import { inDeliveryOrder, lastError, type FinishedAttempt } from './results.ts';

type AttemptColumn = (typeof ATTEMPT_COLUMNS)[number][0];

const ATTEMPT_NAMES = sql.raw(ATTEMPT_COLUMNS.map(([name]) => name).join(', '));

export async function writeResultsInOneStatement(db: Kysely<Schema>, finished: readonly FinishedAttempt[], now: number): Promise<FinishedAttempt[]> {
  if (finished.length === 0) return [];
  const sorted = inDeliveryOrder(finished);
  const rows = sorted.map(attemptRow);
  const column = (name: AttemptColumn) => rows.map((row) => row[name]);
  const attemptArrays = sql.join(ATTEMPT_COLUMNS.map(([name, type]) => sql`${column(name)}::${sql.raw(type)}[]`));
  const { rows: matched } = await sql<{ id: string }>`${sql.raw(PLANNED_EACH_TIME)}
    with outcome as (
      select * from unnest(
        ${sorted.map((a) => a.delivery.id)}::text[],
        ${sorted.map((a) => a.delivery.lease_token)}::text[],
        ${sorted.map((a) => a.next.status)}::text[],
        ${sorted.map((a) => (a.next.status === 'pending' ? a.next.nextAttemptAt : null))}::bigint[],
        ${sorted.map((a) => a.outcome.response?.status ?? null)}::int[],
        ${sorted.map(lastError)}::text[]
      ) as o(id, token, status, next_attempt_at, last_status, last_error)
    ),
    written as (
      update deliveries d set
        status = o.status,
        attempts = d.attempts + 1,
        next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at),
        lease_until = null, leased_by = null, lease_token = null,
        last_status = o.last_status, last_error = o.last_error, updated_at = ${now}
      from outcome o
      where d.id = o.id and d.lease_token = o.token
      returning d.id
    ),
    recorded as (
      insert into delivery_attempts (${ATTEMPT_NAMES})
      select a.* from unnest(${attemptArrays}) as a(${ATTEMPT_NAMES})
      where a.delivery_id in (select id from written)
    )
    select id from written`.execute(db);
  const ids = new Set(matched.map((row) => row.id));
  return sorted.filter((a) => ids.has(a.delivery.id));
}
