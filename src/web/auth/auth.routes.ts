// The web UI's session endpoints (PRODUCT §5): POST /auth/login, POST /auth/logout,
// GET /auth/session, POST /auth/password. The session id travels only in an HttpOnly,
// SameSite=Lax cookie; the CSRF token is returned in the body and the UI echoes it in the
// `x-csrf-token` header of every state-changing request (checked by src/http/auth.ts for the API,
// and here for logout and password change).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hashSecret } from '../../accounts/api-keys.ts';
import { SESSION_COOKIE, findSession } from '../../accounts/sessions.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import type { SessionRow } from '../../storage/schema.ts';
import { LoginThrottle } from '../login-throttle.ts';
import { changePassword, logIn, logOut } from './login.service.ts';

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
  },
  { additionalProperties: false },
);

export function authRoutes(ctx: AppContext, throttle = new LoginThrottle()) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const cookieOptions = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: ctx.config.secureCookies,
    };

    app.post('/auth/login', { schema: { hide: true, body: LoginBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      const now = ctx.clock.now();
      const key = `${request.ip}|${request.body.email.trim().toLowerCase()}`;
      const waitMs = throttle.retryAfterMs(key, now.getTime());
      if (waitMs > 0) {
        reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
        throw new AppError('rate_limited', 'Too many failed logins; try again later');
      }
      try {
        const session = await logIn(ctx.db, request.body.email, request.body.password, now);
        throttle.recordSuccess(key);
        reply.setCookie(SESSION_COOKIE, session.sessionId, { ...cookieOptions, expires: new Date(session.expiresAt) });
        return { user: session.user, csrf_token: session.csrfToken };
      } catch (error) {
        if (error instanceof AppError && error.code === 'unauthorized') throttle.recordFailure(key, now.getTime());
        throw error;
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
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
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
      );
      return {};
    });

    async function requireSession(request: FastifyRequest): Promise<{ session: SessionRow; sessionId: string }> {
      const sessionId = request.cookies[SESSION_COOKIE];
      const session = sessionId ? await findSession(ctx.db, sessionId, ctx.clock.now()) : undefined;
      if (!sessionId || !session) throw new AppError('unauthorized', 'Not logged in');
      return { session, sessionId };
    }
  };
}

function checkCsrf(request: FastifyRequest, session: SessionRow): void {
  const sent = request.headers['x-csrf-token'];
  const expected = Buffer.from(session.csrf_token);
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('forbidden', 'Missing or wrong CSRF token (x-csrf-token header)');
  }
}

/**
 * Login CSRF (another site logging the victim into the attacker's account): the body must be a JSON
 * object, which a cross-site form cannot send (a text/plain body fails validation), and a
 * browser's Origin header, when present, must name this host.
 */
function refuseCrossOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.headers.host) throw new AppError('forbidden', 'Cross-origin login refused');
}
