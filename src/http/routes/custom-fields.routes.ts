// Account-level custom field definitions for contacts and organizations (src/crm/custom-fields.ts):
// `GET|POST /contact-fields`, `GET|PUT|DELETE /contact-fields/:id`, the same for
// `/organization-fields`. `{name}`; deleting one removes its values everywhere.
import { Type } from 'typebox';
import * as fields from '../../crm/custom-fields.ts';
import { Empty, IdParams, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const NameBody = Type.Object({ name: Text(200) }, { additionalProperties: false });
const PATHS: Record<fields.FieldOwner, string> = { contact: '/contact-fields', organization: '/organization-fields' };

export const customFieldRoutes: ApiRoutes = (api, ctx) => {
  const db = ctx.db;
  for (const owner of ['contact', 'organization'] as const) {
    const path = PATHS[owner];
    const tags = [`${owner}s`];
    api.get(path, { schema: { tags, querystring: Paging } }, async (request) => {
      const { limit, offset } = pageWindow(request.query);
      return fields.listFieldDefinitions(db, request.actor.accountId, owner, limit, offset);
    });
    api.post(path, { schema: { tags, body: NameBody, summary: `Define a custom field every ${owner} shows` } }, async (request, reply) =>
      reply.status(201).send(await fields.createFieldDefinition(db, request.actor.accountId, owner, request.body.name, ctx.clock.now())),
    );
    api.get(`${path}/:id`, { schema: { tags, params: IdParams } }, async (request) =>
      fields.getFieldDefinition(db, request.actor.accountId, owner, request.params.id),
    );
    api.put(`${path}/:id`, { schema: { tags, params: IdParams, body: NameBody } }, async (request) =>
      fields.renameFieldDefinition(db, request.actor.accountId, owner, request.params.id, request.body.name),
    );
    api.delete(`${path}/:id`, { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
      await db.transaction().execute((trx) => fields.deleteFieldDefinition(trx, request.actor.accountId, owner, request.params.id));
      return {};
    });
  }
};
