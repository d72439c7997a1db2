// Webhooks (docs/SPEC.md §7; admin only): CRUD, test, secret rotation, recover, deliveries and stats.
import { Type } from 'typebox';
import { ACTIVITY_TYPES } from '../../activities/catalogue.ts';
import { getDelivery, listDeliveries } from '../../delivery/deliveries.repository.ts';
import { toDeliveryView } from '../../delivery/delivery-views.ts';
import { hourlyStats } from '../../delivery/webhook-stats.ts';
import { AppError } from '../../shared/errors.ts';
import { checkWebhookUrl } from '../../webhooks/url-check.ts';
import { toWebhook } from '../../webhooks/webhook.ts';
import { getWebhook, listWebhooks } from '../../webhooks/webhooks.repository.ts';
import {
  createTestDelivery,
  createWebhook,
  deleteWebhook,
  rotateSecret,
  updateWebhook,
} from '../../webhooks/webhooks.service.ts';
import { requireAdmin } from '../auth.ts';
import { Empty, IdParams, Paging, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['webhooks'];

const EventName = Type.String({ enum: ['*', ...ACTIVITY_TYPES], description: 'an activity type, or * for all' });
const fields = {
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL that receives the POSTs' }),
  handshake_key: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  events: Type.Optional(Type.Array(EventName, { minItems: 1, maxItems: 64, description: 'default ["*"]' })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  retry_schedule: Type.Optional(
    Type.Union([Type.Array(Type.Number({ minimum: 0, maximum: 7 * 86_400 }), { maxItems: 50 }), Type.Null()], {
      description: 'seconds between attempts, overriding the global schedule; null for the default',
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
const RecoverBody = Type.Object({ since: Type.String({ format: 'date-time' }) }, { additionalProperties: false });
const DeliveryQuery = Type.Intersect([
  Paging,
  Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')])) }),
]);
const StatsQuery = Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }) });

export const webhookRoutes: ApiRoutes = (api, ctx) => {
  const view = async (accountId: string, id: string) => toWebhook(await getWebhook(ctx.db, accountId, id));

  api.get('/webhooks', { schema: { tags, querystring: Paging } }, async (request) => {
    requireAdmin(request.actor);
    const { limit, offset } = pageWindow(request.query);
    return (await listWebhooks(ctx.db, request.actor.accountId, limit, offset)).map(toWebhook);
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

  api.post('/webhooks/:id/test', { schema: { tags, params: IdParams, summary: 'Queue a webhook:test delivery with sample data' } }, async (request, reply) => {
    requireAdmin(request.actor);
    const row = await ctx.deliveries.inWakingTransaction((trx) => createTestDelivery(trx, request.actor, request.params.id, ctx.clock.now()));
    return reply.status(202).send(toDeliveryView(await getDelivery(ctx.db, request.actor.accountId, row.id)));
  });

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

  api.get('/webhooks/:id/deliveries', { schema: { tags, params: IdParams, querystring: DeliveryQuery } }, async (request) => {
    requireAdmin(request.actor);
    await getWebhook(ctx.db, request.actor.accountId, request.params.id);
    const { limit, offset } = pageWindow(request.query);
    const rows = await listDeliveries(ctx.db, request.actor.accountId, request.params.id, request.query.status, limit, offset);
    return rows.map(toDeliveryView);
  });

  api.get('/webhooks/:id/stats', { schema: { tags, params: IdParams, querystring: StatsQuery, summary: 'Hourly success rate and latency' } }, async (request) => {
    requireAdmin(request.actor);
    const webhook = toWebhook(await getWebhook(ctx.db, request.actor.accountId, request.params.id));
    const hours = request.query.hours;
    return {
      webhook_id: webhook._id,
      hours,
      last_delivery: webhook.last_delivery,
      buckets: await hourlyStats(ctx.db, webhook._id, hours, ctx.clock.now().getTime()),
    };
  });
};
