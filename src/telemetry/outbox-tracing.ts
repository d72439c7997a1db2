// Traces recording without touching the recorder or the outbox: wraps the outbox writer the
// recorder hands activities to (`recorder.setOutbox(withOutboxTracing(writer))` in the composition
// root). With tracing off it passes straight through.
import type { Kysely } from 'kysely';
import type { ActivityRows, GuardedLeadInsert, LeadGuard, OutboxWriter, RecordedActivity } from '../activities/recorder.ts';
import { insertEach, type TableRows } from '../storage/fixed-sql.ts';
import type { Schema } from '../storage/schema.ts';
import { traceActivities, traceOutboxRows } from './delivery-spans.ts';
import { tracingEnabled } from './tracing.ts';

export function withOutboxTracing(writer: OutboxWriter): OutboxWriter {
  const atOnce = writer.insertWithNewLead?.bind(writer);
  const onLead = writer.insertOnLead?.bind(writer);
  const traced: OutboxWriter = {
    // With tracing on, the activities are inserted first and traced through `enqueue` below.
    async enqueueWithInsert(db, inserts, activities, now) {
      if (writer.enqueueWithInsert && !tracingEnabled()) return writer.enqueueWithInsert(db, inserts, activities, now);
      await insertEach(db, inserts);
      return traced.enqueue(db, activities, now);
    },
    async enqueue(db, activities, now) {
      if (!tracingEnabled()) return writer.enqueue(db, activities, now);
      traceActivities(activities);
      const count = await writer.enqueue(db, activities, now);
      if (count > 0) {
        await traceOutboxRows(db, await outboxRowsQuery(db, activities).execute(), now);
      }
      return count;
    },
    // With tracing on, the new lead takes the transactional path, where its rows are traced.
    ...(atOnce && {
      insertWithNewLead: (db: Kysely<Schema>, lead: GuardedLeadInsert, activityRows: ActivityRows, activities: RecordedActivity[], now: Date) =>
        tracingEnabled() ? Promise.resolve(undefined) : atOnce(db, lead, activityRows, activities, now),
    }),
    // Likewise a change written at once on an existing lead.
    ...(onLead && {
      insertOnLead: (db: Kysely<Schema>, lead: LeadGuard, inserts: TableRows[], activities: RecordedActivity[], now: Date) =>
        tracingEnabled() ? Promise.resolve(undefined) : onLead(db, lead, inserts, activities, now),
      writesAtOnce: (accountId: string) => !tracingEnabled() && writer.writesAtOnce?.(accountId) === true,
    }),
    committed: (count) => writer.committed(count),
  };
  return traced;
}

/**
 * The deliveries just written for `activities`, through `(webhook_id, activity_id)`: one seek per
 * webhook of their accounts (activity_id alone is in no index; a scan of every delivery kept, per
 * write, was what tracing cost before).
 */
export function outboxRowsQuery(db: Kysely<Schema>, activities: readonly RecordedActivity[]) {
  const accountIds = [...new Set(activities.map((a) => a.accountId))];
  return db
    .selectFrom('deliveries')
    .select(['id', 'activity_id', 'webhook_id', 'type'])
    .where('webhook_id', 'in', (eb) => eb.selectFrom('webhooks').select('webhooks.id').where('webhooks.account_id', 'in', accountIds))
    .where('activity_id', 'in', activities.map((a) => a.id));
}
