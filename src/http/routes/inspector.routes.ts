// Inspector inboxes (docs/RECEIVING.md): the authenticated `/inspector/inboxes` API (admin only,
// like webhooks) and the public `/inbox/:token` route that records what is sent to an inbox.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { answerFor } from '../../inspector/inbox-answer.ts';
import { listInboxRequests, toInboxView } from '../../inspector/inbox-views.ts';
import { createInbox, deleteInbox, getInbox, listInboxes } from '../../inspector/inboxes.repository.ts';
import { isInboxToken } from '../../inspector/inspector.ts';
import { recordInboxRequest } from '../../inspector/record-request.ts';
import { recordSamples } from '../../inspector/samples.ts';
import { getWebhook } from '../../webhooks/webhooks.repository.ts';
import { requireAdmin } from '../auth.ts';
import { Id, IdParams } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['inspector'];
/** What the public route reads; bodies are stored up to MAX_STORED_BODY_BYTES of it. */
const RAW_BODY_LIMIT = 1024 * 1024;
const MINUTE_MS = 60_000;
const InboxCreate = Type.Object(
  { webhook_id: Type.Optional(Type.Union([Id, Type.Null()], { description: 'check signatures with this webhook\'s secret' })) },
  { additionalProperties: false },
);
const InboxQuery = Type.Object({ webhook_id: Type.Optional(Id) });
const RequestsQuery = Type.Object({ after: Type.Optional(Id) });

export const inspectorRoutes: ApiRoutes = (api, ctx) => {
  const view = (row: Parameters<typeof toInboxView>[0]) => toInboxView(row, ctx.config.publicUrl);

  api.post('/inspector/inboxes', { schema: { tags, body: InboxCreate, summary: 'Create an inbox that records what is sent to it (24 h)' } }, async (request, reply) => {
    requireAdmin(request.actor);
    const webhookId = request.body?.webhook_id ?? null;
    if (webhookId) await getWebhook(ctx.db, request.actor.accountId, webhookId);
    const row = await createInbox(ctx.db, { accountId: request.actor.accountId, userId: request.actor.user._id, webhookId }, ctx.clock.now());
    return reply.status(201).send(view(row));
  });

  api.get('/inspector/inboxes', { schema: { tags, querystring: InboxQuery } }, async (request) => {
    requireAdmin(request.actor);
    return (await listInboxes(ctx.db, request.actor.accountId, ctx.clock.now(), request.query.webhook_id)).map(view);
  });

  api.get('/inspector/inboxes/:id', { schema: { tags, params: IdParams } }, async (request) => {
    requireAdmin(request.actor);
    return view(await getInbox(ctx.db, request.actor.accountId, request.params.id, ctx.clock.now()));
  });

  api.get('/inspector/inboxes/:id/requests', { schema: { tags, params: IdParams, querystring: RequestsQuery, summary: 'Recorded requests, newest first, with their signature check' } }, async (request) => {
    requireAdmin(request.actor);
    const inbox = await getInbox(ctx.db, request.actor.accountId, request.params.id, ctx.clock.now());
    return listInboxRequests(ctx.db, inbox, ctx.config.publicUrl, request.query.after);
  });

  api.post('/inspector/inboxes/:id/samples', { schema: { tags, params: IdParams, summary: 'Record what the attached webhook would receive, one request per event type' } }, async (request, reply) => {
    requireAdmin(request.actor);
    const inbox = await getInbox(ctx.db, request.actor.accountId, request.params.id, ctx.clock.now());
    return reply.status(201).send({ recorded: await recordSamples(ctx.db, inbox, ctx.clock.now()) });
  });

  api.delete('/inspector/inboxes/:id', { schema: { tags, params: IdParams } }, async (request, reply) => {
    requireAdmin(request.actor);
    await deleteInbox(ctx.db, request.actor.accountId, request.params.id, ctx.clock.now());
    return reply.status(204).send();
  });
};

/** `POST|PUT|PATCH|DELETE /inbox/:token`: public; the token is the capability. Any content type, raw. */
export function inboxRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    // Anyone may call an inbox URL, and each call is a database write: bound it per client address.
    // Deliveries to leadhook's own inboxes are answered in-process (inbox-sender.ts) and not counted.
    if (ctx.config.inboxRateLimit > 0) {
      await app.register(rateLimit, {
        max: ctx.config.inboxRateLimit,
        timeWindow: MINUTE_MS,
        errorResponseBuilder: (_request, context) =>
          Object.assign(new Error(`Rate limit of ${context.max} requests per minute to inspector inboxes exceeded; retry in ${context.after}`), {
            statusCode: 429,
          }),
      });
    }
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: RAW_BODY_LIMIT }, (_req, body, done) => done(null, body));
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/inbox/:token',
      schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 64 }) }) },
      handler: async (request, reply) => {
        const { token } = request.params as { token: string };
        if (!isInboxToken(token)) return reply.status(404).send({ error: 'inbox_not_found' });
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await recordInboxRequest(ctx.db, token, { method: request.method, headers, body, source: 'http' }, ctx.clock.now());
        const answer = answerFor(outcome);
        return reply.status(answer.status).send(answer.body);
      },
    });
  };
}
