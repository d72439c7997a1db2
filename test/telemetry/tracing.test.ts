import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RecordedActivity } from '../../src/activities/recorder.ts';
import { newDeliveryRow } from '../../src/delivery/store/rows.ts';
import { newId } from '../../src/shared/ids.ts';
import { attemptResultOf, startAttemptSpan } from '../../src/telemetry/delivery-spans.ts';
import { outboxRowsQuery } from '../../src/telemetry/outbox-tracing.ts';
import { setupTracing, tracesExporterOf, tracingEnabled, type Tracing } from '../../src/telemetry/tracing.ts';
import { DIALECTS } from '../helpers/databases.ts';
import { useHarness } from '../helpers/harness.ts';
import { explain } from '../helpers/query-plan.ts';
import { startReceiver, verifySignature, type Receiver } from '../helpers/receiver.ts';
import { WEBHOOK_ENV, createWebhook, deliveriesOf } from '../helpers/webhooks.ts';

describe('tracing configuration', () => {
  it('is off by default and follows the standard OTEL_* variables', async () => {
    assert.equal(tracesExporterOf({}), undefined);
    assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'otlp' }), 'otlp');
    assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'console' }), 'console');
    assert.equal(tracesExporterOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), 'otlp');
    assert.equal(tracesExporterOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }), 'otlp');
    assert.equal(tracesExporterOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), undefined);
    assert.equal(tracesExporterOf({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }), undefined);
    assert.equal(await setupTracing({}), undefined);
    assert.equal(tracingEnabled(), false);
  });
});

/** A new exporter per suite: shutting a provider down stops its exporter for good. */
let exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
const INCOMING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT = '00f067aa0ba902b7';

const named = (prefix: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix));

for (const dialect of DIALECTS) {
  describe(`tracing a change to its deliveries [${dialect}]`, () => {
    const h = useHarness(dialect, WEBHOOK_ENV);
    let receiver: Receiver | undefined;
    before(async () => {
      exporter = new InMemorySpanExporter();
      tracing = await setupTracing({}, { exporter });
    });
    after(async () => {
      await receiver?.close();
      await tracing?.shutdown();
    });

    it('follows an API request through the activity and the outbox row to the attempt, linked across the queue', async () => {
      receiver = await startReceiver();
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: receiver.url() });
      const pipeline = await acct.pipeline();
      exporter.reset();

      const created = await acct.api('POST', '/leads', { name: 'Traced', pipeline_id: pipeline._id }, { traceparent: `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01` });
      assert.equal(created.status, 201);

      const [server] = named('POST /api/v1/leads');
      assert.ok(server, exporter.getFinishedSpans().map((s) => s.name).join(', '));
      assert.equal(server.kind, SpanKind.SERVER);
      assert.equal(server.spanContext().traceId, INCOMING_TRACE);
      assert.equal(server.parentSpanContext?.spanId, INCOMING_PARENT);
      assert.equal(server.attributes['http.route'], '/api/v1/leads');
      assert.equal(server.attributes['http.response.status_code'], 201);

      const [activity] = named('activity lead:created');
      assert.ok(activity);
      assert.equal(activity.spanContext().traceId, INCOMING_TRACE);
      assert.equal(activity.parentSpanContext?.spanId, server.spanContext().spanId);
      assert.equal(activity.attributes['leadhook.event.type'], 'lead:created');

      const [outbox] = named('outbox lead:created');
      assert.ok(outbox);
      assert.equal(outbox.kind, SpanKind.PRODUCER);
      assert.equal(outbox.spanContext().traceId, INCOMING_TRACE);
      assert.equal(outbox.attributes['leadhook.webhook.id'], hook._id);
      const [delivery] = await deliveriesOf(acct, hook._id);
      assert.equal(outbox.attributes['leadhook.delivery.id'], delivery._id);

      // The context's delivery worker wraps each attempt in a span (see docs/OBSERVABILITY.md).
      await h().worker().drain();
      const [span] = named('webhook deliver lead:created');
      assert.ok(span);
      assert.equal(span.kind, SpanKind.CLIENT);
      assert.notEqual(span.spanContext().traceId, INCOMING_TRACE, 'each attempt is its own trace');
      assert.equal(span.links.length, 1);
      assert.equal(span.links[0]!.context.spanId, outbox.spanContext().spanId);
      assert.equal(span.links[0]!.context.traceId, INCOMING_TRACE);
      assert.deepEqual(
        {
          webhook: span.attributes['leadhook.webhook.id'],
          type: span.attributes['leadhook.event.type'],
          attempt: span.attributes['leadhook.delivery.attempt'],
          status: span.attributes['http.response.status_code'],
          outcome: span.attributes['leadhook.delivery.outcome'],
        },
        { webhook: hook._id, type: 'lead:created', attempt: 1, status: 200, outcome: 'delivered' },
      );
    });

    it('sends the attempt span as a traceparent header only to webhooks that opted in', async () => {
      receiver ??= await startReceiver();
      const acct = await h().account();
      const traced = await createWebhook(acct, { url: receiver.url('/traced'), send_traceparent: true });
      const plain = await createWebhook(acct, { url: receiver.url('/plain') });
      assert.equal(traced.send_traceparent, true);
      assert.equal(plain.send_traceparent, false);
      const pipeline = await acct.pipeline();
      exporter.reset();
      receiver.requests.length = 0;

      assert.equal((await acct.api('POST', '/leads', { name: 'Propagated', pipeline_id: pipeline._id })).status, 201);
      await h().worker().drain();

      const byPath = (suffix: string) => receiver!.requests.filter((r) => r.path.endsWith(suffix));
      const [tracedRequest] = byPath('traced');
      const [plainRequest] = byPath('plain');
      assert.ok(tracedRequest && plainRequest);
      assert.equal(plainRequest.headers.traceparent, undefined);
      const spans = named('webhook deliver lead:created').filter((s) => s.attributes['leadhook.webhook.id'] === traced._id);
      assert.equal(spans.length, 1);
      const { traceId, spanId } = spans[0]!.spanContext();
      assert.equal(tracedRequest.headers.traceparent, `00-${traceId}-${spanId}-01`);
      // Outside the signed content: the request still verifies with the webhook's secret.
      assert.ok(verifySignature(traced.secret, tracedRequest));
    });

    it("finds the outbox rows it traces through their webhooks' index, not by reading every delivery", async () => {
      const acct = await h().account();
      const hook = await createWebhook(acct, { url: 'http://127.0.0.1:9/hook' });
      const other = await h().account();
      const otherHook = await createWebhook(other, { url: 'http://127.0.0.1:9/other' });
      const filler = Array.from({ length: 2_000 }, () =>
        newDeliveryRow({ account_id: other.accountId, webhook_id: otherHook._id, activity_id: newId(h().clock.now()), type: 'note:created', body: '{}', is_test: 0 }, h().clock.now()),
      );
      for (let i = 0; i < filler.length; i += 500) await h().ctx.db.insertInto('deliveries').values(filler.slice(i, i + 500)).execute();
      const pipeline = await acct.pipeline();
      assert.equal((await acct.api('POST', '/leads', { name: 'Seek', pipeline_id: pipeline._id })).status, 201);
      const [delivery] = await deliveriesOf(acct, hook._id);
      const activity = { id: delivery!.activity_id, accountId: acct.accountId } as RecordedActivity;

      const query = outboxRowsQuery(h().ctx.db, [activity]);
      assert.deepEqual(await query.execute(), [{ id: delivery!._id, activity_id: delivery!.activity_id, webhook_id: hook._id, type: 'lead:created' }]);
      const plan = await explain(h(), query.compile());
      if (h().dialect === 'sqlite') assert.match(plan, /SEARCH deliveries USING INDEX deliveries_webhook_activity \(webhook_id=\? AND activity_id=\?\)/, plan);
      else assert.match(plan, /Index (Only )?Scan using deliveries_webhook_activity on deliveries[^\n]*\n\s*Index Cond: \(\(webhook_id = /, plan);
      assert.doesNotMatch(plan, /SCAN deliveries|Seq Scan on deliveries/, plan);
    });

    it('marks a failed attempt as an error with its category', async () => {
      exporter.reset();
      const attempt = await startAttemptSpan(h().ctx.db, { deliveryId: '000000000000000000000000', webhookId: 'w', eventType: 'note:created', attempt: 3, url: 'https://example.test/' });
      const response = { status: 503, headers: {}, body: '', truncated: false };
      attempt.end(attemptResultOf({ outcome: { kind: 'failed', category: 'http_status', message: '503', response, retryAfterS: null, gone: false } }));
      const [span] = named('webhook deliver note:created');
      assert.ok(span);
      assert.equal(span.links.length, 0, 'no link when the queueing span is unknown');
      assert.equal(span.status.code, 2);
      assert.equal(span.attributes['leadhook.delivery.outcome'], 'http_status');
      assert.equal(span.attributes['leadhook.delivery.attempt'], 3);
    });
  });
}
