// GET /me, GET /users, POST /users (admin), GET /users/:id, PUT /users/:id (admin),
// DELETE /users/:id (admin), POST /users/invite (admin). docs/SECURITY.md, "Keys and users".
import { Type } from 'typebox';
import { createUser } from '../../accounts/accounts.service.ts';
import { inviteUser } from '../../accounts/invitations.ts';
import { getUserRow, toUser } from '../../accounts/users.ts';
import { removeUser, updateUser } from '../../accounts/users.service.ts';
import { requireAdmin } from '../auth.ts';
import { Empty, IdParams, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['users'];

const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
/** Only http(s) pictures: a `javascript:` or `data:` URL must never reach an <img> or a link. */
const PhotoUrl = Type.Union([Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$', maxLength: 2000 }), Type.Null()]);
const Email = Type.String({ format: 'email', maxLength: 320 });

const UserBody = Type.Object(
  {
    name: Text(200),
    email: Email,
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')], { default: 'member' })),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    photo_url: Type.Optional(PhotoUrl),
  },
  { additionalProperties: false },
);
const UserChangeBody = Type.Object(
  { name: Type.Optional(Text(200)), role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()), photo_url: Type.Optional(PhotoUrl) },
  { additionalProperties: false },
);
const InviteBody = Type.Object(
  { email: Email, name: Type.Optional(Text(200)), role: Type.Optional(Role) },
  { additionalProperties: false },
);

export const userRoutes: ApiRoutes = (api, ctx) => {
  api.get('/me', { schema: { tags, summary: 'The calling user' } }, async (request) =>
    toUser(await getUserRow(ctx.db, request.actor.accountId, request.actor.user._id)),
  );

  api.get('/users', { schema: { tags, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    const rows = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', request.actor.accountId)
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toUser);
  });

  api.post(
    '/users',
    { schema: { tags, summary: 'Add a user (admin); answers with the user and its API key, shown once', body: UserBody } },
    async (request, reply) => {
      requireAdmin(request.actor);
      const body = request.body;
      const { user, apiKey } = await createUser(
        ctx.db,
        request.actor.accountId,
        { name: body.name, email: body.email, role: body.role ?? 'member', password: body.password, photo_url: body.photo_url },
        ctx.clock.now(),
      );
      return reply.status(201).send({ ...toUser(user), api_key: apiKey });
    },
  );

  api.post(
    '/users/invite',
    { schema: { tags, summary: 'Invite a user by email (admin); the link works once and expires in 7 days', body: InviteBody } },
    async (request, reply) => {
      requireAdmin(request.actor);
      const invitation = await inviteUser(
        ctx.db,
        ctx.mailer,
        ctx.config.publicUrl,
        {
          accountId: request.actor.accountId,
          invitedBy: { id: request.actor.user._id, name: request.actor.user.name },
          email: request.body.email,
          name: request.body.name,
          role: request.body.role ?? 'member',
        },
        ctx.clock.now(),
      );
      return reply.status(201).send(invitation);
    },
  );

  api.get('/users/:id', { schema: { tags, params: IdParams } }, async (request) =>
    toUser(await getUserRow(ctx.db, request.actor.accountId, request.params.id)),
  );

  api.put(
    '/users/:id',
    { schema: { tags, summary: 'Rename, change the role of, disable or enable a user (admin)', params: IdParams, body: UserChangeBody } },
    async (request) => {
      requireAdmin(request.actor);
      return toUser(await updateUser(ctx.db, request.actor.accountId, request.params.id, request.body));
    },
  );

  api.delete(
    '/users/:id',
    { schema: { tags, summary: 'Remove a user with their API keys and sessions (admin)', params: IdParams, response: { 200: Empty } } },
    async (request) => {
      requireAdmin(request.actor);
      await removeUser(ctx.db, request.actor.accountId, request.params.id);
      return {};
    },
  );
};
