// Revealing a webhook's current signing secret (admin only, after the admin's password), beside
// rotation in webhooks.routes.ts. The secret is in the answer only: never logged, never cached.
import { Type } from 'typebox';
import { confirmPassword } from '../../accounts/confirm-password.ts';
import { AppError } from '../../shared/errors.ts';
import { getWebhook } from '../../webhooks/webhooks.repository.ts';
import { LoginThrottle } from '../../web/login-throttle.ts';
import { requireAdmin } from '../auth.ts';
import { IdParams } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const RevealBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 200, description: "the calling user's own password" }) },
  { additionalProperties: false },
);

export const webhookSecretRoutes: ApiRoutes = (api, ctx) => {
  // The password check is a password oracle too: it is braked like the login (10 failures per
  // user and address in 15 minutes), keyed by the user rather than an email.
  const throttle = new LoginThrottle();
  api.post(
    '/webhooks/:id/reveal-secret',
    { schema: { tags: ['webhooks'], params: IdParams, body: RevealBody, summary: "The current signing secret, after the caller's password" } },
    async (request, reply) => {
      const actor = request.actor;
      requireAdmin(actor);
      const webhook = await getWebhook(ctx.db, actor.accountId, request.params.id);
      const attempt = throttle.reserve(`user:${actor.user._id}`, request.ip, ctx.clock.now().getTime());
      if (!attempt.ok) {
        reply.header('retry-after', String(Math.ceil(attempt.retryAfterMs / 1000)));
        throw new AppError('rate_limited', 'Too many wrong passwords; try again later');
      }
      let confirmed = false;
      try {
        await confirmPassword(ctx.db, actor.accountId, actor.user._id, request.body.password);
        confirmed = true;
      } finally {
        attempt.reservation.settle(confirmed);
      }
      // There is no account audit log: the server log keeps who revealed which secret (not the secret).
      request.log.info({ webhook_id: webhook.id, user_id: actor.user._id }, 'webhook signing secret revealed');
      reply.header('cache-control', 'no-store');
      return { secret: webhook.secret };
    },
  );
};
