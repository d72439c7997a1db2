// CSRF guards of the /auth routes and the session cookie they set (docs/SECURITY.md, "Sessions").
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../accounts/sessions.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../shared/errors.ts';
import type { SessionRow } from '../../storage/schema.ts';

export function cookieOptions(ctx: AppContext) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.secureCookies };
}

/** Sets the session cookie of a new session and answers the body every log-in route answers. */
export function startSession<U>(
  ctx: AppContext,
  reply: FastifyReply,
  session: { sessionId: string; csrfToken: string; expiresAt: number },
  user: U,
): { user: U; csrf_token: string } {
  reply.setCookie(SESSION_COOKIE, session.sessionId, { ...cookieOptions(ctx), expires: new Date(session.expiresAt) });
  reply.header('cache-control', 'no-store');
  return { user, csrf_token: session.csrfToken };
}

export function checkCsrf(request: FastifyRequest, session: SessionRow): void {
  const sent = request.headers['x-csrf-token'];
  const expected = Buffer.from(session.csrf_token);
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('forbidden', 'Missing or wrong CSRF token (x-csrf-token header)');
  }
}

/**
 * Login CSRF (another site logging the victim into the attacker's account) on the routes that need
 * no session: the body must be a JSON object, which a cross-site form cannot send (a text/plain
 * body fails validation), and a browser's Origin header, when present, must name this host.
 */
export function refuseCrossOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.headers.host) throw new AppError('forbidden', 'Cross-origin request refused');
}
