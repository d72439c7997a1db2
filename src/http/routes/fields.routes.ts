// Custom fields on a lead (docs/SPEC.md §7): `{name, value}`. A value may be empty; PUT takes either.
import { Type } from 'typebox';
import { createField, deleteField, getField, listFields, updateField } from '../../crm/fields.service.ts';
import { Text } from '../schemas.ts';
import { registerLeadItemRoutes } from './lead-item-routes.ts';
import type { ApiRoutes } from './types.ts';

const Value = Type.String({ maxLength: 5000 });
const FieldCreate = Type.Object({ name: Text(200), value: Value }, { additionalProperties: false });
const FieldUpdate = Type.Object(
  { name: Type.Optional(Text(200)), value: Type.Optional(Value) },
  { additionalProperties: false, minProperties: 1 },
);

export const fieldRoutes: ApiRoutes = (api, ctx) =>
  registerLeadItemRoutes(api, ctx, {
    path: 'fields',
    list: listFields,
    get: getField,
    create: { body: FieldCreate, run: createField },
    update: { body: FieldUpdate, run: updateField },
    remove: deleteField,
  });
