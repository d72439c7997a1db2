// GET /me, GET /users, POST /users (admin), GET /users/:id.
import { Type } from 'typebox';
import { createUser } from '../../accounts/accounts.service.ts';
import { getUserRow, toUser } from '../../accounts/users.ts';
import { requireAdmin } from '../auth.ts';
import { IdParams, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['users'];

const UserBody = Type.Object(
  {
    name: Text(200),
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')], { default: 'member' })),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    photo_url: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()])),
  },
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

  api.get('/users/:id', { schema: { tags, params: IdParams } }, async (request) =>
    toUser(await getUserRow(ctx.db, request.actor.accountId, request.params.id)),
  );
};
