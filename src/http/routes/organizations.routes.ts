// Organizations (docs/CLINCHPAD-COMPAT.md): `GET|POST /organizations`,
// `GET|PUT|DELETE /organizations/:id`, `PUT /organizations/:id/fields/:field_id {value}`.
import { Type, type Static } from 'typebox';
import { setFieldValue } from '../../crm/custom-fields.ts';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  getOrganizationRow,
  listOrganizations,
  updateOrganization,
} from '../../crm/organizations.service.ts';
import { Empty, IdParams, NullableText, Paging, Text, pageWindow } from '../schemas.ts';
import { FieldParams, FieldValue } from './contacts.routes.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['organizations'];
const properties = {
  name: Text(200),
  email: NullableText(320),
  phone: NullableText(100),
  website: NullableText(2000),
  address: NullableText(1000),
};
const OrganizationCreate = Type.Object(properties, { additionalProperties: false });
const OrganizationUpdate = Type.Object({ ...properties, name: Type.Optional(properties.name) }, { additionalProperties: false, minProperties: 1 });

export const organizationRoutes: ApiRoutes = (api, ctx) => {
  const db = ctx.db;
  api.get('/organizations', { schema: { tags, querystring: Paging } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    return listOrganizations(db, request.actor.accountId, limit, offset);
  });
  api.post('/organizations', { schema: { tags, body: OrganizationCreate } }, async (request, reply) =>
    reply.status(201).send(await createOrganization(db, request.actor.accountId, request.body, ctx.clock.now())),
  );
  api.get('/organizations/:id', { schema: { tags, params: IdParams } }, async (request) =>
    getOrganization(db, request.actor.accountId, request.params.id),
  );
  api.put('/organizations/:id', { schema: { tags, params: IdParams, body: OrganizationUpdate } }, async (request) =>
    updateOrganization(db, request.actor.accountId, request.params.id, request.body),
  );
  api.delete('/organizations/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await db.transaction().execute((trx) => deleteOrganization(trx, request.actor.accountId, request.params.id));
    return {};
  });
  api.put(
    '/organizations/:id/fields/:field_id',
    { schema: { tags, summary: 'Set an organization field (defined under /organization-fields)', params: FieldParams, body: FieldValue } },
    async (request) => {
      const { id, field_id } = request.params as Static<typeof FieldParams>;
      const accountId = request.actor.accountId;
      await getOrganizationRow(db, accountId, id);
      return setFieldValue(db, accountId, 'organization', id, field_id, (request.body as Static<typeof FieldValue>).value, ctx.clock.now());
    },
  );
};
