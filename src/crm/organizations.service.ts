// Organizations (ClinchPad's companies): `{_id, name, email, phone, website, address, fields[],
// contacts[]}`. Account-level, like every catalogue: changes record no activity. Deleting one
// detaches its contacts (they stay, with `organization: null`).
import type { Kysely } from 'kysely';
import { isoSeconds } from '../shared/clock.ts';
import { notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { OrganizationRow, Schema } from '../storage/schema.ts';
import { organizationRef, type OrganizationRef } from './contacts.service.ts';
import { deleteValuesOf, fieldsOf, type CustomFieldValue } from './custom-fields.ts';

/** An organization lists at most this many of its contacts (by name). */
export const MAX_LISTED_CONTACTS = 200;

export interface OrganizationContact {
  _id: string;
  name: string;
  designation: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  fields: CustomFieldValue[];
}

export type Organization = OrganizationRef & { fields: CustomFieldValue[]; contacts: OrganizationContact[]; created_at: string };

export type OrganizationInput = Partial<Pick<OrganizationRow, 'email' | 'phone' | 'website' | 'address'>> & { name?: string };

async function toOrganizations(db: Kysely<Schema>, accountId: string, rows: OrganizationRow[]): Promise<Organization[]> {
  const ids = rows.map((r) => r.id);
  const fields = await fieldsOf(db, accountId, 'organization', ids);
  const result: Organization[] = [];
  for (const row of rows) {
    const contacts = await db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('organization_id', '=', row.id)
      .orderBy('name')
      .orderBy('id')
      .limit(MAX_LISTED_CONTACTS)
      .execute();
    const contactFields = await fieldsOf(db, accountId, 'contact', contacts.map((c) => c.id));
    result.push({
      ...organizationRef(row),
      fields: fields.get(row.id) ?? [],
      contacts: contacts.map((c) => ({
        _id: c.id,
        name: c.name,
        designation: c.designation,
        email: c.email,
        phone: c.phone,
        address: c.address,
        fields: contactFields.get(c.id) ?? [],
      })),
      created_at: isoSeconds(new Date(row.created_at)),
    });
  }
  return result;
}

export async function getOrganizationRow(db: Kysely<Schema>, accountId: string, id: string): Promise<OrganizationRow> {
  const row = await db.selectFrom('organizations').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Organization');
  return row;
}

export async function getOrganization(db: Kysely<Schema>, accountId: string, id: string): Promise<Organization> {
  const [organization] = await toOrganizations(db, accountId, [await getOrganizationRow(db, accountId, id)]);
  return organization!;
}

export async function listOrganizations(db: Kysely<Schema>, accountId: string, limit: number, offset: number): Promise<Organization[]> {
  const rows = await db
    .selectFrom('organizations')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  return toOrganizations(db, accountId, rows);
}

export async function createOrganization(db: Kysely<Schema>, accountId: string, input: OrganizationInput & { name: string }, now: Date) {
  const row: OrganizationRow = {
    id: newId(now),
    account_id: accountId,
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    website: input.website ?? null,
    address: input.address ?? null,
    created_at: now.getTime(),
  };
  await db.insertInto('organizations').values(row).execute();
  return getOrganization(db, accountId, row.id);
}

export async function updateOrganization(db: Kysely<Schema>, accountId: string, id: string, input: OrganizationInput) {
  await getOrganizationRow(db, accountId, id);
  const set = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length > 0) await db.updateTable('organizations').set(set).where('id', '=', id).execute();
  return getOrganization(db, accountId, id);
}

export async function deleteOrganization(db: Kysely<Schema>, accountId: string, id: string): Promise<void> {
  await getOrganizationRow(db, accountId, id);
  await db.updateTable('contacts').set({ organization_id: null }).where('account_id', '=', accountId).where('organization_id', '=', id).execute();
  await deleteValuesOf(db, id);
  await db.deleteFrom('organizations').where('id', '=', id).execute();
}
