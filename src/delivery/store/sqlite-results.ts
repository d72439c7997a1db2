// The SQLite form of writeResults (results.ts) for the worker's batches: the same fenced UPDATEs
// and attempt INSERT, as SQL texts built once per chunk size and run with plain parameter lists.
// Kysely compiled the INSERT node by node (20 values per attempt) on every batch; here a batch is
// cut into chunks of a few fixed sizes, so a handful of texts serve every batch and stay prepared
// (storage/statement-cache.ts). Failures (rare) keep their one UPDATE each.
import { CompiledQuery, type Transaction } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { ATTEMPT_COLUMNS, attemptRow } from '../attempt-record.ts';
import { bySuccess, inDeliveryOrder, writeOtherOutcomes, type FinishedAttempt } from './results.ts';

/** Chunk sizes, largest first; 64 attempts × 20 columns stays far below SQLite's parameter limit. */
const SIZES = [64, 16, 4, 1] as const;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  let at = 0;
  for (const size of SIZES) {
    for (; items.length - at >= size; at += size) yield items.slice(at, at + size);
  }
}

const ATTEMPT_NAMES = ATTEMPT_COLUMNS.map(([name]) => name);

const texts = new Map<string, string>();
/** The SQL text of `kind` for `n` rows, built once. */
function text(kind: 'succeeded' | 'attempts', n: number): string {
  const key = `${kind}:${n}`;
  let sql = texts.get(key);
  if (!sql) {
    sql =
      kind === 'succeeded'
        ? `update deliveries set status = 'succeeded', attempts = attempts + 1, lease_until = null, leased_by = null, lease_token = null, ` +
          `last_status = ?, last_error = null, updated_at = ? ` +
          `where id in (${Array(n).fill('?').join(', ')}) and (id, lease_token) in (${Array(n).fill('(?, ?)').join(', ')}) returning id`
        : `insert into delivery_attempts (${ATTEMPT_NAMES.join(', ')}) values ${Array(n).fill(`(${ATTEMPT_NAMES.map(() => '?').join(', ')})`).join(', ')}`;
    texts.set(key, sql);
  }
  return sql;
}

/** writeResultsIn (results.ts) for SQLite, inside the caller's transaction. */
export async function writeResultsSqlite(trx: Transaction<Schema>, finished: readonly FinishedAttempt[], now: number): Promise<FinishedAttempt[]> {
  const sorted = inDeliveryOrder(finished);
  const matched = new Set<string>();
  // `attempts + 1` in SQL equals the claimed count + 1 while the token matches.
  const { succeeded, others } = bySuccess(sorted);
  for (const [status, list] of succeeded) {
    for (const chunk of chunks(list)) {
      const parameters: unknown[] = [status, now];
      for (const a of chunk) parameters.push(a.delivery.id);
      for (const a of chunk) parameters.push(a.delivery.id, a.delivery.lease_token);
      const { rows } = await trx.executeQuery<{ id: string }>(CompiledQuery.raw(text('succeeded', chunk.length), parameters));
      for (const row of rows) matched.add(row.id);
    }
  }
  for (const id of await writeOtherOutcomes(trx, others, now)) matched.add(id);
  const recorded = sorted.filter((a) => matched.has(a.delivery.id));
  for (const chunk of chunks(recorded)) {
    const parameters: unknown[] = [];
    for (const a of chunk) {
      const row = attemptRow(a);
      for (const column of ATTEMPT_NAMES) parameters.push(row[column]);
    }
    await trx.executeQuery(CompiledQuery.raw(text('attempts', chunk.length), parameters));
  }
  return recorded;
}
