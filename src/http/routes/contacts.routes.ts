// Contacts (docs/CLINCHPAD-COMPAT.md): `GET|POST /contacts` (search with name, email, phone),
// `GET|PUT|DELETE /contacts/:id`, `PUT /contacts/:id/fields/:field_id {value}`. Their links to
// leads are in catalogues.routes.ts.
import { Type, type Static } from 'typebox';
import { createContact, deleteContact, getContact, listContacts, updateContact } from '../../crm/contacts.service.ts';
import { setFieldValue } from '../../crm/custom-fields.ts';
import { getCatalogueRow } from '../../crm/catalogue.repository.ts';
import { Empty, Id, IdParams, NullableText, Paging, Text, pageWindow } from '../schemas.ts';
import type { ApiRoutes } from './types.ts';

const tags = ['contacts'];
const properties = {
  name: Text(200),
  designation: NullableText(200),
  email: NullableText(320),
  phone: NullableText(100),
  address: NullableText(1000),
  organization_id: Type.Optional(Type.Union([Id, Type.Null()], { description: "one of the account's organizations; null detaches" })),
};
const ContactCreate = Type.Object(properties, { additionalProperties: false });
const ContactUpdate = Type.Object({ ...properties, name: Type.Optional(properties.name) }, { additionalProperties: false, minProperties: 1 });
const ContactQuery = Type.Intersect([
  Paging,
  Type.Object({
    name: Type.Optional(Type.String({ maxLength: 200, description: 'name contains this (case-insensitive)' })),
    email: Type.Optional(Type.String({ maxLength: 320, description: 'email equals this (case-insensitive)' })),
    phone: Type.Optional(Type.String({ maxLength: 100, description: 'phone equals this, ignoring spaces, dashes, dots and parentheses' })),
  }),
]);
export const FieldParams = Type.Object({ id: Id, field_id: Id });
export const FieldValue = Type.Object(
  { value: Type.Union([Type.String({ maxLength: 5000 }), Type.Null()], { description: 'null (or an empty form value) clears it' }) },
  { additionalProperties: false },
);

export const contactRoutes: ApiRoutes = (api, ctx) => {
  const db = ctx.db;
  api.get('/contacts', { schema: { tags, querystring: ContactQuery } }, async (request) => {
    const { limit, offset } = pageWindow(request.query);
    const { name, email, phone } = request.query;
    return listContacts(db, request.actor.accountId, { name, email, phone }, limit, offset);
  });
  api.post('/contacts', { schema: { tags, body: ContactCreate } }, async (request, reply) =>
    reply.status(201).send(await createContact(db, request.actor.accountId, request.body, ctx.clock.now())),
  );
  api.get('/contacts/:id', { schema: { tags, params: IdParams } }, async (request) => getContact(db, request.actor.accountId, request.params.id));
  api.put('/contacts/:id', { schema: { tags, params: IdParams, body: ContactUpdate } }, async (request) =>
    updateContact(db, request.actor.accountId, request.params.id, request.body),
  );
  api.delete('/contacts/:id', { schema: { tags, params: IdParams, response: { 200: Empty } } }, async (request) => {
    await db.transaction().execute((trx) => deleteContact(trx, request.actor.accountId, request.params.id));
    return {};
  });
  api.put(
    '/contacts/:id/fields/:field_id',
    { schema: { tags, summary: 'Set a contact field (defined under /contact-fields)', params: FieldParams, body: FieldValue } },
    async (request) => {
      const { id, field_id } = request.params as Static<typeof FieldParams>;
      const accountId = request.actor.accountId;
      await getCatalogueRow(db, 'contacts', accountId, id);
      return setFieldValue(db, accountId, 'contact', id, field_id, (request.body as Static<typeof FieldValue>).value, ctx.clock.now());
    },
  );
};
