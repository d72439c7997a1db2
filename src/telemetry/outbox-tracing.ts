// Traces recording without touching the recorder or the outbox: wraps the outbox writer the
// recorder hands activities to (`recorder.setOutbox(withOutboxTracing(writer))` in the composition
// root). With tracing off it passes straight through.
import type { OutboxWriter } from '../activities/recorder.ts';
import { insertRows } from '../storage/fixed-sql.ts';
import { traceActivities, traceOutboxRows } from './delivery-spans.ts';
import { tracingEnabled } from './tracing.ts';

export function withOutboxTracing(writer: OutboxWriter): OutboxWriter {
  const traced: OutboxWriter = {
    // With tracing on, the activities are inserted first and traced through `enqueue` below.
    async enqueueWithInsert(db, activityRows, activities, now) {
      if (writer.enqueueWithInsert && !tracingEnabled()) return writer.enqueueWithInsert(db, activityRows, activities, now);
      await insertRows(db, 'activities', activityRows);
      return traced.enqueue(db, activities, now);
    },
    async enqueue(db, activities, now) {
      if (!tracingEnabled()) return writer.enqueue(db, activities, now);
      traceActivities(activities);
      const count = await writer.enqueue(db, activities, now);
      if (count > 0) {
        const rows = await db
          .selectFrom('deliveries')
          .select(['id', 'activity_id', 'webhook_id', 'type'])
          .where('activity_id', 'in', activities.map((a) => a.id))
          .execute();
        await traceOutboxRows(db, rows, now);
      }
      return count;
    },
    committed: (count) => writer.committed(count),
  };
  return traced;
}
