// GET /keys, POST /keys, DELETE /keys/:id (docs/SECURITY.md, "Keys and users"): admins manage every key of
// their account, members their own. The secret is answered once, on creation.
import { Type } from 'typebox';
import { createApiKey } from '../../accounts/accounts.service.ts';
import { checkKeyOwner, listApiKeys, revokeApiKey, toApiKeyView, type KeyCaller } from '../../accounts/api-keys.service.ts';
import { getUserRow } from '../../accounts/users.ts';
import type { Actor } from '../../activities/recorder.ts';
import { AppError } from '../../shared/errors.ts';
import { Empty, Id, IdParams, Text } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['keys'];

const KeyBody = Type.Object({ name: Text(200), user_id: Type.Optional(Id) }, { additionalProperties: false });

const callerOf = (actor: Actor): KeyCaller => ({ accountId: actor.accountId, userId: actor.user._id, role: actor.user.role });

export const keyRoutes: ApiRoutes = (api, ctx) => {
  api.get('/keys', { schema: { tags, summary: 'API keys (admins: all of the account; members: their own)' } }, async (request) =>
    listApiKeys(ctx.db, callerOf(request.actor)),
  );

  api.post('/keys', { schema: { tags, summary: 'Create an API key; `key` is shown once', body: KeyBody } }, async (request, reply) => {
    const caller = callerOf(request.actor);
    const userId = request.body.user_id ?? caller.userId;
    checkKeyOwner(caller, userId);
    const user = await getUserRow(ctx.db, caller.accountId, userId);
    if (user.disabled === 1) throw new AppError('conflict', 'This user is disabled; enable them first');
    const { key, row } = await createApiKey(ctx.db, user, request.body.name, ctx.clock.now());
    return reply.status(201).send({ ...toApiKeyView(row, user.name), key });
  });

  api.delete('/keys/:id', { schema: { tags, summary: 'Revoke an API key; it stops working at once', params: IdParams, response: { 200: Empty } } }, async (request) => {
    await revokeApiKey(ctx.db, callerOf(request.actor), request.params.id, ctx.clock.now());
    return {};
  });
};
