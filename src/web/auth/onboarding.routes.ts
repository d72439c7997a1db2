// Getting in without the CLI (docs/SECURITY.md, "Onboarding"): the first-run setup, open sign-up
// (LEADHOOK_OPEN_SIGNUP=1 only), accepting an invitation, and "forgot password". None of these
// needs a session; like /auth/login they take JSON bodies only and refuse other origins.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAccountIn, createFirstAccount, setupNeeded, type NewWorkspace } from '../../accounts/first-run.ts';
import { InvitationGoneError, acceptInvitation, findInvitation } from '../../accounts/invitations.ts';
import { requestPasswordReset, resetPassword } from '../../accounts/password-resets.ts';
import { createSession } from '../../accounts/sessions.ts';
import type { CreatedUser } from '../../accounts/accounts.service.ts';
import type { AppContext } from '../../context.ts';
import type { UserRow } from '../../storage/schema.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { LoginThrottle } from '../login-throttle.ts';
import { refuseCrossOrigin, startSession } from './request-guards.ts';

const Password = Type.String({ minLength: 8, maxLength: 200 });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Email = Type.String({ format: 'email', maxLength: 320 });

const WorkspaceBody = Type.Object(
  { workspace: Name, name: Name, email: Email, password: Password },
  { additionalProperties: false },
);
const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
const AcceptBody = Type.Object({ name: Name, password: Password }, { additionalProperties: false });
const ForgotBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false });
const ResetBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false });

const sessionUser = (user: UserRow) => ({ _id: user.id, name: user.name, email: user.email, role: user.role });

export function onboardingRoutes(ctx: AppContext, throttle: LoginThrottle) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const now = () => ctx.clock.now();

    /** Sign-ups and reset requests count against the login throttle, so neither can be sprayed. */
    function countAttempt(request: { ip: string }, reply: Parameters<typeof startSession>[1], email: string): void {
      const attempt = throttle.reserve(email.trim().toLowerCase(), request.ip, now().getTime());
      if (!attempt.ok) {
        reply.header('retry-after', String(Math.ceil(attempt.retryAfterMs / 1000)));
        throw new AppError('rate_limited', 'Too many attempts; try again later');
      }
      attempt.reservation.settle(false);
    }

    async function logInAs(reply: Parameters<typeof startSession>[1], user: UserRow) {
      const session = await createSession(ctx.db, user, now());
      return startSession(ctx, reply, session, sessionUser(user));
    }

    app.get('/auth/setup', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { needed: await setupNeeded(ctx.db) };
    });

    app.post('/auth/setup', { schema: { hide: true, body: WorkspaceBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      const created = await createFirstAccount(ctx.db, ctx.database.dialect, request.body as NewWorkspace, now());
      return reply.status(201).send(await logInAs(reply, created.user));
    });

    app.post('/auth/signup', { schema: { hide: true, body: WorkspaceBody } }, async (request, reply) => {
      if (!ctx.config.openSignup) throw notFound('Route');
      refuseCrossOrigin(request);
      countAttempt(request, reply, request.body.email);
      const created: CreatedUser = await createAccountIn(ctx.db, request.body as NewWorkspace, now());
      return reply.status(201).send(await logInAs(reply, created.user));
    });

    app.get('/auth/invitations/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const found = await findInvitation(ctx.db, request.params.token, now());
      if (found.state === 'missing') throw notFound('Invitation');
      if (found.state === 'gone') throw new AppError('gone', 'This invitation was already used or has expired');
      return { email: found.row.email, account_name: found.accountName };
    });

    app.post('/auth/invitations/:token/accept', { schema: { hide: true, params: TokenParams, body: AcceptBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      try {
        const user = await acceptInvitation(ctx.db, request.params.token, request.body, now());
        return reply.status(201).send(await logInAs(reply, user));
      } catch (error) {
        if (error instanceof InvitationGoneError) throw new AppError('gone', error.message);
        throw error;
      }
    });

    app.post('/auth/forgot', { schema: { hide: true, body: ForgotBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      countAttempt(request, reply, request.body.email);
      // Sent in the background: neither the answer nor its timing tells whether the email has users.
      requestPasswordReset(ctx.db, ctx.mailer, ctx.config.publicUrl, request.body.email, now()).catch((error: unknown) =>
        request.log.error({ err: error }, 'password reset email failed'),
      );
      return reply.status(202).send({});
    });

    app.post('/auth/reset', { schema: { hide: true, body: ResetBody } }, async (request, reply) => {
      refuseCrossOrigin(request);
      const user = await resetPassword(ctx.db, request.body.token, request.body.password, now());
      if (!user) throw new AppError('gone', 'This reset link is unknown, was already used or has expired');
      return logInAs(reply, user);
    });
  };
}
