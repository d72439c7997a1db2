// Spans for what happens after the request: each recorded activity, each outbox row (a PRODUCER
// span whose context is stored with the row), and each delivery attempt (a CLIENT span in its own
// trace, linked to the outbox span across the queue). The delivery code calls these hooks; every
// one is a cheap no-op when tracing is off (docs/OBSERVABILITY.md).
import { context, propagation, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { AttemptInfo, WorkerHooks } from '../delivery/hooks.ts';
import type { AttemptOutcome } from '../delivery/outcome.ts';
import type { Schema } from '../storage/schema.ts';
import { tracer, tracingEnabled } from './tracing.ts';

type TraceLinkTables = { delivery_trace_links: { delivery_id: string; traceparent: string; created_at: number } };
const linksDb = (db: Kysely<Schema>) => db.withTables<TraceLinkTables>();

export const ATTR = {
  webhookId: 'leadhook.webhook.id',
  deliveryId: 'leadhook.delivery.id',
  activityId: 'leadhook.activity.id',
  eventType: 'leadhook.event.type',
  attempt: 'leadhook.delivery.attempt',
  outcome: 'leadhook.delivery.outcome',
  status: 'http.response.status_code',
} as const;

const isTracing = () => trace.getSpan(context.active())?.isRecording() === true;

/** One short span per recorded activity, under the active (request) span. */
export function traceActivities(activities: ReadonlyArray<{ id: string; type: string; leadId: string }>): void {
  if (!isTracing()) return;
  for (const activity of activities) {
    tracer()
      .startSpan(`activity ${activity.type}`, { attributes: { [ATTR.activityId]: activity.id, [ATTR.eventType]: activity.type, 'leadhook.lead.id': activity.leadId } })
      .end();
  }
}

/**
 * One PRODUCER span per outbox row, whose trace context is stored (in the same transaction) so
 * the attempt that sends the row can link to it. Call with the rows just inserted.
 */
export async function traceOutboxRows(
  trx: Kysely<Schema>,
  rows: ReadonlyArray<{ id: string; activity_id: string; webhook_id: string; type: string }>,
  now: Date,
): Promise<void> {
  if (!isTracing() || rows.length === 0) return;
  const links = rows.map((row) => {
    const span = tracer().startSpan(`outbox ${row.type}`, {
      kind: SpanKind.PRODUCER,
      attributes: { [ATTR.deliveryId]: row.id, [ATTR.activityId]: row.activity_id, [ATTR.webhookId]: row.webhook_id, [ATTR.eventType]: row.type },
    });
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    return { delivery_id: row.id, traceparent: carrier.traceparent ?? '', created_at: now.getTime() };
  });
  await linksDb(trx).insertInto('delivery_trace_links').values(links.filter((l) => l.traceparent !== '')).execute();
}

export interface AttemptSpan {
  /** The W3C `traceparent` of this attempt, for webhooks that ask for the header; undefined when not tracing. */
  traceparent: string | undefined;
  end(result: { outcome: string; status?: number | null | undefined }): void;
}

const NOT_TRACING: AttemptSpan = { traceparent: undefined, end: () => {} };

export type { AttemptInfo };

/** Starts the span of one delivery attempt, linked to the outbox span that queued the delivery. */
export async function startAttemptSpan(db: Kysely<Schema>, info: AttemptInfo): Promise<AttemptSpan> {
  if (!tracingEnabled()) return NOT_TRACING;
  const row = await linksDb(db).selectFrom('delivery_trace_links').select('traceparent').where('delivery_id', '=', info.deliveryId).executeTakeFirst();
  const links: Link[] = [];
  if (row) {
    const queued = trace.getSpanContext(propagation.extract(context.active(), { traceparent: row.traceparent }));
    if (queued) links.push({ context: queued });
  }
  const span = tracer().startSpan(`webhook deliver ${info.eventType}`, {
    root: true,
    kind: SpanKind.CLIENT,
    links,
    attributes: {
      [ATTR.deliveryId]: info.deliveryId,
      [ATTR.webhookId]: info.webhookId,
      [ATTR.eventType]: info.eventType,
      [ATTR.attempt]: info.attempt,
      'http.request.method': 'POST',
      'url.full': info.url,
    },
  });
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  if (!span.isRecording()) return NOT_TRACING;
  return {
    traceparent: carrier.traceparent,
    end(result) {
      span.setAttribute(ATTR.outcome, result.outcome);
      if (typeof result.status === 'number') span.setAttribute(ATTR.status, result.status);
      if (result.outcome !== 'delivered') span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
      span.end();
    },
  };
}

/** Deletes the links of deliveries queued before `before` (ms), with the delivery retention. */
export async function pruneTraceLinks(db: Kysely<Schema>, before: number): Promise<void> {
  await linksDb(db).deleteFrom('delivery_trace_links').where('created_at', '<', before).execute();
}

/** What to end an attempt span with, from the worker's finished attempt (undefined: interrupted). */
export function attemptResultOf(finished: { outcome: AttemptOutcome } | undefined): { outcome: string; status: number | null } {
  if (!finished || finished.outcome.kind === 'interrupted') return { outcome: 'interrupted', status: null };
  const { outcome } = finished;
  return outcome.kind === 'delivered'
    ? { outcome: 'delivered', status: outcome.response.status }
    : { outcome: outcome.category, status: outcome.response?.status ?? null };
}

/** The worker's `aroundAttempt` hook: one span per attempt while tracing is on, nothing otherwise. */
export function tracedAttempts(db: Kysely<Schema>): NonNullable<WorkerHooks['aroundAttempt']> {
  return async (info, run) => {
    if (!tracingEnabled()) return run();
    const span = await startAttemptSpan(db, info);
    try {
      const finished = await run({ traceparent: span.traceparent });
      span.end(attemptResultOf(finished));
      return finished;
    } catch (error) {
      span.end({ outcome: 'crashed' });
      throw error;
    }
  };
}
