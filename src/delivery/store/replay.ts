// Replay missing (docs/WEBHOOKS.md, "Replay missing"): for a webhook and a window [from, to) of
// activity time, queue a delivery for every activity of its account that matches its current event
// filter and has no delivery for it (the webhook was disabled or did not exist yet, or retention
// pruned a delivery that never succeeded). It reads the activity log itself, in activity order
// (`activities.seq`), one transaction per batch of REPLAY_BATCH activities, each waking the
// workers on commit. Idempotent: an activity with a delivery row or a ledger row (ledger.ts) is
// skipped, and the unique (webhook_id, activity_id) index (migration 019) turns a concurrent
// replay's duplicate into nothing. A pruned success is never resent; a pruned failure is.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { windowBounds, windowPage, type ActivityWindow } from '../activity-window.ts';
import { ALL_EVENTS, parseEvents } from '../event-filter.ts';
import { RECOVER_SPACING_MS } from './requeue.ts';
import { deliveryRowsFor, type DeliverableActivity } from '../delivery-row.ts';

/** Activities read (and at most deliveries created) per transaction. */
export const REPLAY_BATCH = 500;

type WakingTransaction = <T>(work: (trx: Transaction<Schema>) => Promise<T>) => Promise<T>;

export interface ReplayRequest {
  webhookId: string;
  /** Activity time window, ms: from ≤ created_at < to. */
  from: number;
  to: number;
  now: number;
  /** Resume after this activity `seq` (the `cursor` of an earlier partial run). */
  cursor?: number | null;
  /** Stop after this many batches (a caller that shows progress step by step); default: the whole window. */
  maxBatches?: number;
}

export interface ReplayProgress {
  /** Activities in the window that match the filter (the whole window, whatever the cursor). */
  total: number;
  /** Matching activities looked at by this run. */
  scanned: number;
  /** Deliveries queued by this run. */
  created: number;
  /** Matching activities that already had a delivery or a ledger row. */
  skipped: number;
  /** Where a later run resumes; null when the window is done. */
  cursor: number | null;
  done: boolean;
}

export async function replayMissing(
  db: Kysely<Schema>,
  inWakingTransaction: WakingTransaction,
  request: ReplayRequest,
  onBatch: (progress: ReplayProgress) => void = () => {},
): Promise<ReplayProgress> {
  const webhook = await db.selectFrom('webhooks').select(['id', 'account_id', 'events', 'handshake_key']).where('id', '=', request.webhookId).executeTakeFirstOrThrow();
  const events = parseEvents(webhook.events);
  const window: ActivityWindow = { accountId: webhook.account_id, from: request.from, to: request.to, types: events.includes(ALL_EVENTS) ? null : events };
  // The seq range of the window, so each batch is one index range scan in seq order.
  const { count, first, last } = await windowBounds(db, window);
  const progress: ReplayProgress = { total: count, scanned: 0, created: 0, skipped: 0, cursor: request.cursor ?? null, done: false };
  for (let batch = 0; first !== null && last !== null && (request.maxBatches === undefined || batch < request.maxBatches); batch++) {
    const rows = await windowPage(db, window, { first, last }, progress.cursor)
      .select(['seq', 'id', 'account_id', 'lead_id', 'lead_seq', 'type', 'activity_json', 'lead_json'])
      .limit(REPLAY_BATCH)
      .execute();
    if (rows.length === 0) break;
    // Paced like recover: one batch a second; inside a batch 1 ms apart, so workers claim in activity order.
    const base = request.now + batch * RECOVER_SPACING_MS;
    const created = await inWakingTransaction(async (trx) => {
      const ids = rows.map((row) => row.id);
      const known = await knownActivities(trx, webhook.id, ids);
      const due = rows.filter((row) => !known.has(row.id));
      const activities = due.map(
        (row): DeliverableActivity => ({
          id: row.id,
          accountId: row.account_id,
          leadId: row.lead_id,
          leadSeq: Number(row.lead_seq),
          type: row.type as DeliverableActivity['type'],
          activityJson: row.activity_json,
          leadJson: row.lead_json,
        }),
      );
      const built = await deliveryRowsFor(trx, webhook, activities, new Date(request.now));
      const fresh = built.map((row, i) => ({ ...row, next_attempt_at: base + i }));
      if (fresh.length === 0) return 0;
      const inserted = await trx
        .insertInto('deliveries')
        .values(fresh)
        .onConflict((oc) => oc.columns(['webhook_id', 'activity_id']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? fresh.length);
    });
    progress.scanned += rows.length;
    progress.created += created;
    progress.skipped += rows.length - created;
    progress.cursor = Number(rows[rows.length - 1]!.seq);
    onBatch({ ...progress });
    if (rows.length < REPLAY_BATCH || progress.cursor >= last) break;
  }
  progress.done = last === null || (progress.cursor !== null && progress.cursor >= last) || progress.scanned === 0;
  if (progress.done) progress.cursor = null;
  return progress;
}

/**
 * The activities among `ids` that need no replay: a delivery row, or a pruned success. The
 * deliveries are read first: retention moves a row from there to the ledger in one transaction,
 * so a prune committing between the two reads is seen by one of them.
 */
async function knownActivities(trx: Transaction<Schema>, webhookId: string, ids: string[]): Promise<Set<string>> {
  const delivered = await trx.selectFrom('deliveries').select('activity_id').where('webhook_id', '=', webhookId).where('activity_id', 'in', ids).execute();
  const ledger = await trx.selectFrom('delivery_ledger').select('activity_id').where('webhook_id', '=', webhookId).where('activity_id', 'in', ids).where('status', '=', 'succeeded').execute();
  return new Set([...delivered, ...ledger].map((row) => row.activity_id));
}
