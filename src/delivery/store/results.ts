// Recording finished attempts, fenced by lease token: each delivery's next state is written only
// where the row still carries the token of the claim that sent it, and an attempt record is
// inserted only for the rows that matched. A worker that lost its lease (paused past it, cut off
// from the database) writes nothing for that delivery. One transaction per batch (on PostgreSQL one
// statement: postgres.ts); it touches `deliveries` and `delivery_attempts`, and each statement
// takes its rows in delivery-id order, so two workers' batches cannot deadlock. Webhook health is
// written after it (webhook-health.ts), in the same transaction only where one writer is alone
// (SQLite: dialect-sql.ts).
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { attemptRow, type AttemptFacts } from '../attempt-record.ts';
import { heldBy } from './claim.ts';

/** Rows per statement: 21 attempt columns × 1,000 stays under SQLite's 32,766 parameters. */
const CHUNK = 1000;

export type NextState = { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: number } | { status: 'failed' };

export interface FinishedAttempt extends AttemptFacts {
  next: NextState;
  /** The receiver paused its whole webhook until then (ms; docs/WEBHOOKS.md, "Back-pressure"), or null. */
  pauseUntil: number | null;
  /** The lead's next delivery to this webhook waits until this one is no longer pending (per-lead ordering). */
  holdsLead: boolean;
}

const held = (a: FinishedAttempt) => ({ id: a.delivery.id, token: a.delivery.lease_token });
const byDeliveryId = (a: FinishedAttempt, b: FinishedAttempt) => (a.delivery.id < b.delivery.id ? -1 : a.delivery.id > b.delivery.id ? 1 : 0);

/** The batch in delivery-id order: every writer takes delivery rows in that order. */
export const inDeliveryOrder = (finished: readonly FinishedAttempt[]): FinishedAttempt[] => [...finished].sort(byDeliveryId);

/** What the row's `last_error` says after the attempt. */
export const lastError = (a: FinishedAttempt): string | null => (a.outcome.kind === 'failed' ? `${a.outcome.category}: ${a.outcome.message}` : null);

/** Writes the batch; returns the attempts that were recorded (their lease was still this worker's). */
export async function writeResults(db: Kysely<Schema>, finished: readonly FinishedAttempt[], now: number): Promise<FinishedAttempt[]> {
  if (finished.length === 0) return [];
  return db.transaction().execute((trx) => writeResultsIn(trx, finished, now));
}

/** Successes grouped by response status (they share their new state but it), and the other attempts, in order. */
export function bySuccess(sorted: readonly FinishedAttempt[]): { succeeded: Map<number | null, FinishedAttempt[]>; others: FinishedAttempt[] } {
  const succeeded = new Map<number | null, FinishedAttempt[]>();
  const others: FinishedAttempt[] = [];
  for (const attempt of sorted) {
    if (attempt.next.status !== 'succeeded') others.push(attempt);
    else {
      const status = attempt.outcome.response?.status ?? null;
      const list = succeeded.get(status);
      if (list) list.push(attempt);
      else succeeded.set(status, [attempt]);
    }
  }
  return { succeeded, others };
}

/** writeResults inside the caller's transaction. */
export async function writeResultsIn(trx: Transaction<Schema>, finished: readonly FinishedAttempt[], now: number): Promise<FinishedAttempt[]> {
  const sorted = inDeliveryOrder(finished);
  const matched = new Set<string>();
  // Successes (nearly every attempt) share their new state: one UPDATE per response status.
  // `attempts + 1` in SQL equals the claimed count + 1 while the token matches.
  const { succeeded, others } = bySuccess(sorted);
  for (const [status, list] of succeeded) {
    for (let i = 0; i < list.length; i += CHUNK) {
      const rows = await trx
        .updateTable('deliveries')
        .set((eb) => ({
          status: 'succeeded',
          attempts: eb('attempts', '+', 1),
          lease_until: null,
          leased_by: null,
          lease_token: null,
          last_status: status,
          last_error: null,
          updated_at: now,
        }))
        .where(heldBy(list.slice(i, i + CHUNK).map(held)))
        .returning('id')
        .execute();
      for (const row of rows) matched.add(row.id);
    }
  }
  for (const id of await writeOtherOutcomes(trx, others, now)) matched.add(id);
  const recorded = sorted.filter((a) => matched.has(a.delivery.id));
  for (let i = 0; i < recorded.length; i += CHUNK) {
    await trx.insertInto('delivery_attempts').values(recorded.slice(i, i + CHUNK).map(attemptRow)).execute();
  }
  return recorded;
}

/** The fenced UPDATE of each attempt that did not succeed (its own next state); returns the ids written. */
export async function writeOtherOutcomes(trx: Transaction<Schema>, others: readonly FinishedAttempt[], now: number): Promise<string[]> {
  const matched: string[] = [];
  for (const attempt of others) {
    const { outcome, next, delivery } = attempt;
    const row = await trx
      .updateTable('deliveries')
      .set({
        status: next.status,
        attempts: delivery.attempts + 1,
        ...(next.status === 'pending' ? { next_attempt_at: next.nextAttemptAt } : {}),
        lease_until: null,
        leased_by: null,
        lease_token: null,
        last_status: outcome.response?.status ?? null,
        last_error: lastError(attempt),
        updated_at: now,
      })
      .where('id', '=', delivery.id)
      .where('lease_token', '=', delivery.lease_token)
      .returning('id')
      .executeTakeFirst();
    if (row) matched.push(row.id);
  }
  return matched;
}
