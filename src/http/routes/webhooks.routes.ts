// Webhooks (docs/SPEC.md §7; admin only): CRUD, test, secret rotation, recover, deliveries and stats.
import { Type } from 'typebox';
import { ACTIVITY_TYPES, type ActivityType } from '../../activities/catalogue.ts';
import { AUDIT_MAX_ACTIVITIES, auditWebhook } from '../../delivery/audit.ts';
import { getDelivery, listDeliveries } from '../../delivery/deliveries.repository.ts';
import { REPLAY_BATCH } from '../../delivery/store/replay.ts';
import { toDeliveryView } from '../../delivery/delivery-views.ts';
import { hourlyStats } from '../../delivery/webhook-stats.ts';
import { AppError } from '../../shared/errors.ts';
import { checkWebhookUrl } from '../../webhooks/url-check.ts';
import { toWebhook } from '../../webhooks/webhook.ts';
import { getWebhook, listWebhooks } from '../../webhooks/webhooks.repository.ts';
import {
  TEST_EVENT_TYPE,
  createTestDelivery,
  createWebhook,
  deleteWebhook,
  rotateSecret,
  updateWebhook,
} from '../../webhooks/webhooks.service.ts';
import { requireAdmin } from '../auth.ts';
import { Empty, Id, IdParams, Paging, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['webhooks'];

const EventName = Type.String({ enum: ['*', ...ACTIVITY_TYPES], description: 'an activity type, or * for all' });
const fields = {
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL that receives the POSTs' }),
  handshake_key: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  events: Type.Optional(Type.Array(EventName, { minItems: 1, maxItems: 64, description: 'default ["*"]' })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  self_heal: Type.Optional(Type.Boolean({ description: 'after an auto-disable, probe the endpoint and re-enable it on a 2xx (default false)' })),
  retry_schedule: Type.Optional(
    Type.Union([Type.Array(Type.Number({ minimum: 0, maximum: 7 * 86_400 }), { maxItems: 50 }), Type.Null()], {
      description: 'seconds between attempts, overriding the global schedule; null for the default',
    }),
  ),
  send_traceparent: Type.Optional(
    Type.Boolean({ description: "send each attempt's W3C traceparent header while OpenTelemetry tracing is on (default false)" }),
  ),
  max_rate_per_second: Type.Optional(
    Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }), Type.Null()], {
      description: 'requests started per second at most (all workers together, approximate: docs/WEBHOOKS.md, "Back-pressure"); null for unlimited',
    }),
  ),
  ordering: Type.Optional(
    Type.Union([Type.Literal('none'), Type.Literal('per_lead')], {
      description: "per_lead: each lead's deliveries are sent one at a time, in activity order (leads in parallel); none (default): all in parallel",
    }),
  ),
};
const WebhookCreate = Type.Object(fields, { additionalProperties: false });
const WebhookUpdate = Type.Object({ ...fields, url: Type.Optional(fields.url) }, { additionalProperties: false, minProperties: 1 });
const TestBody = Type.Object(
  {
    type: Type.Optional(
      Type.Unsafe<ActivityType>(Type.String({ enum: ACTIVITY_TYPES, description: "send this type's example payload instead of webhook:test" })),
    ),
  },
  { additionalProperties: false },
);
const RecoverBody = Type.Object({ since: Type.String({ format: 'date-time' }) }, { additionalProperties: false });
const ReplayBody = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'window start (activity time, inclusive)' }),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'window end (exclusive); default: now, inclusive' })),
    cursor: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'resume where an earlier call stopped' })),
    max_batches: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: `stop after this many batches of ${REPLAY_BATCH} activities (to show progress); default the whole window` })),
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object({
  from: Type.String({ format: 'date-time', description: 'window start (activity time, inclusive)' }),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'window end (exclusive); default: now, inclusive' })),
});
const DeliveryQuery = Type.Intersect([
  Paging,
  Type.Object({
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')])),
    type: Type.Optional(Type.String({ enum: [...ACTIVITY_TYPES, TEST_EVENT_TYPE], description: 'an activity type, or webhook:test' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created at or before' })),
    lead_id: Type.Optional(Id),
  }),
]);
const StatsQuery = Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }) });

function timeWindow(fromText: string, toText: string | undefined, now: number): { from: number; to: number } {
  const from = Date.parse(fromText);
  // Without `to`, the window reaches now inclusive (what happened at this very millisecond too).
  const to = toText === undefined ? now + 1 : Date.parse(toText);
  if (!(from < to)) throw new AppError('validation_failed', '`from` must be before `to`', { from: fromText, to: toText ?? null });
  return { from, to };
}

export const webhookRoutes: ApiRoutes = (api, ctx) => {
  const view = async (accountId: string, id: string) => toWebhook(await getWebhook(ctx.db, accountId, id), ctx.clock.now().getTime());

  api.get('/webhooks', { schema: { tags, querystring: Paging } }, async (request) => {
    requireAdmin(request.actor);
    const { limit, offset } = pageWindow(request.query);
    return (await listWebhooks(ctx.db, request.actor.accountId, limit, offset)).map((row) => toWebhook(row, ctx.clock.now().getTime()));
  });

  api.post('/webhooks', { schema: { tags, summary: 'Create a webhook; answers with its signing secret once', body: WebhookCreate } }, async (request, reply) => {
    requireAdmin(request.actor);
    const url = checkWebhookUrl(request.body.url, ctx.addressPolicy);
    const { id, secret } = await createWebhook(ctx.db, request.actor, { ...request.body, url }, ctx.clock.now(), ctx.config.maxWebhooksPerAccount);
    return reply.status(201).send({ ...(await view(request.actor.accountId, id)), secret });
  });

  api.get('/webhooks/:id', { schema: { tags, params: IdParams } }, async (request) => {
    requireAdmin(request.actor);
    return view(request.actor.accountId, request.params.id);
  });

  api.put('/webhooks/:id', { schema: { tags, params: IdParams, body: WebhookUpdate } }, async (request) => {
    requireAdmin(request.actor);
    const body = request.body;
    const url = body.url === undefined ? undefined : checkWebhookUrl(body.url, ctx.addressPolicy);
    await ctx.db.transaction().execute((trx) =>
      updateWebhook(trx, request.actor.accountId, request.params.id, { ...body, url }, ctx.clock.now()),
    );
    return view(request.actor.accountId, request.params.id);
  });

  api.delete('/webhooks/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    requireAdmin(request.actor);
    await ctx.db.transaction().execute((trx) => deleteWebhook(trx, request.actor.accountId, request.params.id));
    return {};
  });

  api.post('/webhooks/:id/rotate-secret', { schema: { tags, params: IdParams, summary: 'New secret; the old one signs too for 24 h' } }, async (request) => {
    requireAdmin(request.actor);
    const secret = await rotateSecret(ctx.db, request.actor.accountId, request.params.id, ctx.clock.now());
    return { ...(await view(request.actor.accountId, request.params.id)), secret };
  });

  api.post(
    '/webhooks/:id/test',
    { schema: { tags, params: IdParams, body: Type.Optional(TestBody), summary: 'Queue a test delivery: webhook:test, or the example of a type' } },
    async (request, reply) => {
      requireAdmin(request.actor);
      const type = request.body?.type;
      const row = await ctx.deliveries.inWakingTransaction((trx) => createTestDelivery(trx, request.actor, request.params.id, ctx.clock.now(), type));
      return reply.status(202).send(toDeliveryView(await getDelivery(ctx.db, request.actor.accountId, row.id)));
    },
  );

  api.post(
    '/webhooks/:id/recover',
    { schema: { tags, params: IdParams, body: RecoverBody, summary: 'Requeue every failed delivery created since a time (paced)' } },
    async (request, reply) => {
      requireAdmin(request.actor);
      const webhook = await getWebhook(ctx.db, request.actor.accountId, request.params.id);
      if (webhook.enabled !== 1) throw new AppError('conflict', 'The webhook is disabled; enable it (PUT enabled: true) before recovering');
      const since = Date.parse(request.body.since);
      const recovered = await ctx.deliveries.recoverFailed({ webhookId: webhook.id, since, now: ctx.clock.now().getTime() });
      return reply.status(202).send({ recovered });
    },
  );

  api.post(
    '/webhooks/:id/replay-missing',
    {
      schema: {
        tags,
        params: IdParams,
        body: ReplayBody,
        summary: 'Queue a delivery for every activity in the window that matches the filter and never got one (idempotent, in activity order)',
      },
    },
    async (request) => {
      requireAdmin(request.actor);
      const webhook = await getWebhook(ctx.db, request.actor.accountId, request.params.id);
      if (webhook.enabled !== 1) throw new AppError('conflict', 'The webhook is disabled; enable it (PUT enabled: true) before replaying');
      const now = ctx.clock.now().getTime();
      const { from, to } = timeWindow(request.body.from, request.body.to, now);
      const { cursor, max_batches: maxBatches } = request.body;
      return ctx.deliveries.replayMissing({ webhookId: webhook.id, from, to, now, ...(cursor != null ? { cursor } : {}), ...(maxBatches ? { maxBatches } : {}) });
    },
  );

  api.get(
    '/webhooks/:id/audit',
    { schema: { tags, params: IdParams, querystring: AuditQuery, summary: `Every event id the webhook should have received in the window, with its status and a digest (at most ${AUDIT_MAX_ACTIVITIES} activities)` } },
    async (request) => {
      requireAdmin(request.actor);
      const webhook = await getWebhook(ctx.db, request.actor.accountId, request.params.id);
      const { from, to } = timeWindow(request.query.from, request.query.to, ctx.clock.now().getTime());
      return auditWebhook(ctx.db, webhook, from, to);
    },
  );

  api.get('/webhooks/:id/deliveries', { schema: { tags, params: IdParams, querystring: DeliveryQuery } }, async (request) => {
    requireAdmin(request.actor);
    await getWebhook(ctx.db, request.actor.accountId, request.params.id);
    const { limit, offset } = pageWindow(request.query);
    const { status, type, from, to, lead_id: leadId } = request.query;
    const filter = { status, type, from: from === undefined ? undefined : Date.parse(from), to: to === undefined ? undefined : Date.parse(to), leadId };
    const rows = await listDeliveries(ctx.db, request.actor.accountId, request.params.id, filter, limit, offset);
    return rows.map(toDeliveryView);
  });

  api.get('/webhooks/:id/stats', { schema: { tags, params: IdParams, querystring: StatsQuery, summary: 'Hourly success rate and latency' } }, async (request) => {
    requireAdmin(request.actor);
    const webhook = toWebhook(await getWebhook(ctx.db, request.actor.accountId, request.params.id), ctx.clock.now().getTime());
    const hours = request.query.hours;
    return {
      webhook_id: webhook._id,
      hours,
      last_delivery: webhook.last_delivery,
      buckets: await hourlyStats(ctx.db, webhook._id, hours, ctx.clock.now().getTime()),
    };
  });
};
