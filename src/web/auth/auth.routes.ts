// The web UI's session endpoints (docs/UI.md): POST /auth/login, POST /auth/logout,
// GET /auth/session, POST /auth/password. The session id travels only in an HttpOnly,
// SameSite=Lax cookie; the CSRF token is returned in the body and the UI echoes it in the
// `x-csrf-token` header of every state-changing request (checked by src/http/auth.ts for the API,
// and here for logout and password change). First run, invitations and password resets are in
// onboarding.routes.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hashSecret } from '../../accounts/api-keys.ts';
import { configurePasswordHashing } from '../../accounts/passwords.ts';
import { SESSION_COOKIE, findSession } from '../../accounts/sessions.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import type { SessionRow } from '../../storage/schema.ts';
import { LoginThrottle } from '../login-throttle.ts';
import { changePassword, logIn, logOut } from './login.service.ts';
import { onboardingRoutes } from './onboarding.routes.ts';
import { checkCsrf, cookieOptions, refuseCrossOrigin, startSession } from './request-guards.ts';

const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
const PasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 200 }),
    new_password: Type.String({ minLength: 1, maxLength: 200 }),
    revoke_keys: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function authRoutes(ctx: AppContext, throttle = new LoginThrottle()) {
  configurePasswordHashing({ concurrency: ctx.config.passwordHashConcurrency, maxQueue: ctx.config.passwordHashQueue });
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();

    app.post('/auth/login', { schema: { hide: true, body: LoginBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      const now = ctx.clock.now();
      // Counted before the password is checked, so a burst sent at once is throttled as a burst.
      const attempt = throttle.reserve(request.body.email.trim().toLowerCase(), request.ip, now.getTime());
      if (!attempt.ok) {
        reply.header('retry-after', String(Math.ceil(attempt.retryAfterMs / 1000)));
        throw new AppError('rate_limited', 'Too many failed logins; try again later');
      }
      let succeeded = false;
      try {
        const session = await logIn(ctx.db, request.body.email, request.body.password, now);
        succeeded = true;
        return startSession(ctx, reply, session, session.user);
      } catch (error) {
        if (error instanceof AppError && error.code === 'rate_limited') reply.header('retry-after', '1');
        throw error;
      } finally {
        attempt.reservation.settle(succeeded);
      }
    });

    app.get('/auth/session', { schema: { hide: true } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { session } = await requireSession(request);
      const user = await ctx.db
        .selectFrom('users')
        .select(['id', 'name', 'email', 'role'])
        .where('id', '=', session.user_id)
        .where('account_id', '=', session.account_id)
        .where('disabled', '=', 0)
        .executeTakeFirst();
      if (!user) throw new AppError('unauthorized', 'Not logged in');
      return { user: { _id: user.id, name: user.name, email: user.email, role: user.role }, csrf_token: session.csrf_token };
    });

    app.post('/auth/logout', { schema: { hide: true } }, async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const session = await findSession(ctx.db, sessionId, ctx.clock.now());
        if (session) {
          checkCsrf(request, session);
          await logOut(ctx.db, sessionId);
        }
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
      return {};
    });

    app.post('/auth/password', { schema: { hide: true, body: PasswordBody } }, async (request) => {
      const { session, sessionId } = await requireSession(request);
      checkCsrf(request, session);
      await changePassword(
        ctx.db,
        { accountId: session.account_id, userId: session.user_id, sessionIdHash: hashSecret(sessionId) },
        request.body.current_password,
        request.body.new_password,
        ctx.clock.now(),
        request.body.revoke_keys === true,
      );
      return {};
    });

    await app.register(onboardingRoutes(ctx, throttle));

    async function requireSession(request: FastifyRequest): Promise<{ session: SessionRow; sessionId: string }> {
      const sessionId = request.cookies[SESSION_COOKIE];
      const session = sessionId ? await findSession(ctx.db, sessionId, ctx.clock.now()) : undefined;
      if (!sessionId || !session) throw new AppError('unauthorized', 'Not logged in');
      return { session, sessionId };
    }
  };
}
