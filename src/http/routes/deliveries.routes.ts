// Deliveries, the Error Log and the email outbox (docs/SPEC.md §4, §7; admin only).
import { Type } from 'typebox';
import { getDelivery, listAttempts, listErrors } from '../../delivery/deliveries.repository.ts';
import { toAttemptView, toDeliveryView, toErrorLogEntry } from '../../delivery/delivery-views.ts';
import { AppError } from '../../shared/errors.ts';
import { isoSeconds } from '../../shared/clock.ts';
import { getWebhook } from '../../webhooks/webhooks.repository.ts';
import { requireAdmin } from '../auth.ts';
import { Id, IdParams, Paging, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['deliveries'];
const ErrorLogQuery = Type.Intersect([Paging, Type.Object({ webhook_id: Type.Optional(Id) })]);

export const deliveryRoutes: ApiRoutes = (api, ctx) => {
  api.get('/deliveries/:id', { schema: { tags, params: IdParams, summary: 'A delivery with every attempt (attempt_records)' } }, async (request) => {
    requireAdmin(request.actor);
    const delivery = await getDelivery(ctx.db, request.actor.accountId, request.params.id);
    const attempts = await listAttempts(ctx.db, request.actor.accountId, delivery.id);
    return { ...toDeliveryView(delivery), attempt_records: attempts.map((attempt) => toAttemptView(attempt, delivery.body)) };
  });

  api.post('/deliveries/:id/retry', { schema: { tags, params: IdParams, summary: 'Attempt the delivery again now' } }, async (request, reply) => {
    requireAdmin(request.actor);
    const delivery = await getDelivery(ctx.db, request.actor.accountId, request.params.id);
    const webhook = await getWebhook(ctx.db, request.actor.accountId, delivery.webhook_id);
    if (webhook.enabled !== 1) throw new AppError('conflict', 'The webhook is disabled; enable it (PUT enabled: true) before retrying');
    await ctx.deliveries.retryNow(delivery.id, ctx.clock.now().getTime());
    return reply.status(202).send(toDeliveryView(await getDelivery(ctx.db, request.actor.accountId, delivery.id)));
  });

  api.get('/error-log', { schema: { tags, querystring: ErrorLogQuery, summary: 'Failed attempts, newest first' } }, async (request) => {
    requireAdmin(request.actor);
    const { limit, offset } = pageWindow(request.query);
    const webhookId = request.query.webhook_id;
    if (webhookId) await getWebhook(ctx.db, request.actor.accountId, webhookId);
    return (await listErrors(ctx.db, request.actor.accountId, webhookId, limit, offset)).map(toErrorLogEntry);
  });

  api.get('/email-outbox', { schema: { tags, querystring: Paging, summary: 'Emails to webhook creators (sent, stored or failed)' } }, async (request) => {
    requireAdmin(request.actor);
    const { limit, offset } = pageWindow(request.query);
    const rows = await ctx.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('account_id', '=', request.actor.accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({
      _id: row.id,
      webhook_id: row.webhook_id,
      to: row.to_address,
      subject: row.subject,
      text: row.text,
      status: row.status,
      error: row.error,
      created_at: isoSeconds(new Date(row.created_at)),
    }));
  });
};
