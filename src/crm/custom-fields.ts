// Custom fields of contacts and organizations (docs/CLINCHPAD-COMPAT.md "Custom fields"). A field is
// defined once per account for contacts or for organizations (`/contact-fields`,
// `/organization-fields`); every contact (or organization) then shows every definition in its
// `fields` as `{_id, name, value}`, value null until set with `PUT /contacts/:id/fields/:field_id`.
// Lead fields are different: each lives on its lead (fields.service.ts).
import type { Kysely } from 'kysely';
import { notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { CustomFieldRow, Schema } from '../storage/schema.ts';

export type FieldOwner = CustomFieldRow['applies_to'];

export interface CustomFieldValue {
  _id: string;
  name: string;
  value: string | null;
}

export interface CustomFieldDefinition {
  _id: string;
  name: string;
  applies_to: FieldOwner;
}

const LABEL: Record<FieldOwner, string> = { contact: 'Contact field', organization: 'Organization field' };
const toDefinition = (row: CustomFieldRow): CustomFieldDefinition => ({ _id: row.id, name: row.name, applies_to: row.applies_to });

/** Bounds the `fields` array of one contact or organization. */
export const MAX_FIELDS_PER_KIND = 200;

async function definitions(db: Kysely<Schema>, accountId: string, owner: FieldOwner, limit = MAX_FIELDS_PER_KIND, offset = 0) {
  return db
    .selectFrom('custom_fields')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('applies_to', '=', owner)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function listFieldDefinitions(db: Kysely<Schema>, accountId: string, owner: FieldOwner, limit: number, offset: number) {
  return (await definitions(db, accountId, owner, limit, offset)).map(toDefinition);
}

async function definitionRow(db: Kysely<Schema>, accountId: string, owner: FieldOwner, id: string): Promise<CustomFieldRow> {
  const row = await db
    .selectFrom('custom_fields')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('applies_to', '=', owner)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(LABEL[owner]);
  return row;
}

export async function getFieldDefinition(db: Kysely<Schema>, accountId: string, owner: FieldOwner, id: string) {
  return toDefinition(await definitionRow(db, accountId, owner, id));
}

export async function createFieldDefinition(db: Kysely<Schema>, accountId: string, owner: FieldOwner, name: string, now: Date) {
  const row: CustomFieldRow = { id: newId(now), account_id: accountId, applies_to: owner, name, created_at: now.getTime() };
  await db.insertInto('custom_fields').values(row).execute();
  return toDefinition(row);
}

export async function renameFieldDefinition(db: Kysely<Schema>, accountId: string, owner: FieldOwner, id: string, name: string) {
  const row = await definitionRow(db, accountId, owner, id);
  await db.updateTable('custom_fields').set({ name }).where('id', '=', id).execute();
  return toDefinition({ ...row, name });
}

/** Deletes the definition and its value on every contact or organization. */
export async function deleteFieldDefinition(db: Kysely<Schema>, accountId: string, owner: FieldOwner, id: string): Promise<void> {
  await definitionRow(db, accountId, owner, id);
  await db.deleteFrom('custom_field_values').where('field_id', '=', id).execute();
  await db.deleteFrom('custom_fields').where('id', '=', id).execute();
}

/** Every definition with each owner's value (null when unset), by owner id. */
export async function fieldsOf(db: Kysely<Schema>, accountId: string, owner: FieldOwner, ownerIds: string[]): Promise<Map<string, CustomFieldValue[]>> {
  const result = new Map<string, CustomFieldValue[]>();
  if (ownerIds.length === 0) return result;
  const defs = await definitions(db, accountId, owner);
  const values = defs.length === 0
    ? []
    : await db
        .selectFrom('custom_field_values')
        .select(['owner_id', 'field_id', 'value'])
        .where('account_id', '=', accountId)
        .where('owner_id', 'in', ownerIds)
        .execute();
  const valueOf = new Map(values.map((v) => [`${v.owner_id}/${v.field_id}`, v.value]));
  for (const ownerId of ownerIds) {
    result.set(ownerId, defs.map((d) => ({ _id: d.id, name: d.name, value: valueOf.get(`${ownerId}/${d.id}`) ?? null })));
  }
  return result;
}

/** Sets (or with null, clears) one field's value on a contact or organization the caller has checked. */
export async function setFieldValue(
  db: Kysely<Schema>,
  accountId: string,
  owner: FieldOwner,
  ownerId: string,
  fieldId: string,
  value: string | null,
  now: Date,
): Promise<CustomFieldValue> {
  const field = await definitionRow(db, accountId, owner, fieldId);
  await db.deleteFrom('custom_field_values').where('owner_id', '=', ownerId).where('field_id', '=', fieldId).execute();
  if (value !== null) {
    await db
      .insertInto('custom_field_values')
      .values({ account_id: accountId, field_id: fieldId, owner_id: ownerId, value, updated_at: now.getTime() })
      .execute();
  }
  return { _id: field.id, name: field.name, value };
}

/** Removes every value held by a contact or organization that is being deleted. */
export async function deleteValuesOf(db: Kysely<Schema>, ownerId: string): Promise<void> {
  await db.deleteFrom('custom_field_values').where('owner_id', '=', ownerId).execute();
}
