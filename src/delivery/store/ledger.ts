// The delivery ledger (docs/WEBHOOKS.md, "Replay missing"): what a delivery pruned by retention came
// to, one compact row per webhook and activity (no body, no attempts). Replay reads it so that a
// pruned success is never sent again; the audit reads it so a pruned delivery keeps its status.
// Test deliveries are not events of the activity log and leave no row.
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DeliveryRow, Schema } from '../../storage/schema.ts';

type Pruned = Pick<DeliveryRow, 'account_id' | 'webhook_id' | 'activity_id' | 'status' | 'attempts' | 'is_test' | 'updated_at'>;

type LedgerRow = Schema['delivery_ledger'];

function toLedgerRow(row: Pruned, now: number): LedgerRow {
  return {
    webhook_id: row.webhook_id,
    activity_id: row.activity_id,
    account_id: row.account_id,
    status: row.status === 'succeeded' ? 'succeeded' : 'failed',
    attempts: row.attempts,
    finished_at: row.updated_at,
    pruned_at: now,
  };
}

/** Records the pruned deliveries in the caller's (pruning) transaction. A success is never overwritten. */
export async function keepInLedger(trx: Transaction<Schema>, pruned: readonly Pruned[], now: number): Promise<void> {
  // One row per key per statement (PostgreSQL refuses to update a row twice in one upsert).
  const byKey = new Map<string, LedgerRow>();
  for (const row of pruned) {
    if (row.is_test !== 0 || row.status === 'pending') continue;
    const entry = toLedgerRow(row, now);
    const key = `${row.webhook_id}/${row.activity_id}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...entry, status: seen.status === 'succeeded' ? 'succeeded' : entry.status, attempts: seen.attempts + entry.attempts } : entry);
  }
  const rows = [...byKey.values()];
  if (rows.length === 0) return;
  await trx
    .insertInto('delivery_ledger')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['webhook_id', 'activity_id']).doUpdateSet({
        status: sql<'succeeded' | 'failed'>`case when delivery_ledger.status = 'succeeded' then 'succeeded' else excluded.status end`,
        attempts: sql<number>`delivery_ledger.attempts + excluded.attempts`,
        finished_at: sql<number>`excluded.finished_at`,
        pruned_at: sql<number>`excluded.pruned_at`,
      }),
    )
    .execute();
}
